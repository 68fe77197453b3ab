/**
 * The real process (`src/main.ts`), started and killed like in production, against the fakes on loopback
 * (test/helpers/process.ts starts it; the chaos suite uses the same helper).
 */
import { expect } from 'chai';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { startFakeOdoo, type FakeOdoo } from '../fakes/odoo/index.js';
import { startFakeBrevo, type FakeBrevo } from '../fakes/brevo/index.js';
import { BREVO_KEY, fakeEnv, HOOK_SECRET, postJson, tempDatabasePath, waitFor, WEBHOOK_TOKEN } from '../helpers/harness.js';
import { OdooXmlRpcClient } from '../../src/crm/odoo-xmlrpc.js';
import { setupCrmFields } from '../../src/crm/setup-fields.js';
import { spawnTsx, startSidecarProcess as startProcess } from '../helpers/process.js';
import { loadConfig } from '../../src/config.js';

describe('sidecar process (e2e)', function () {
  this.timeout(60_000);
  let odoo: FakeOdoo;
  let brevo: FakeBrevo;
  beforeEach(async () => {
    odoo = await startFakeOdoo();
    brevo = await startFakeBrevo({ apiKeys: [BREVO_KEY] });
  });
  afterEach(() => Promise.all([odoo.close(), brevo.close()]));

  it('stops at start with one line per invalid setting, naming the variable', async () => {
    const child = spawnTsx('src/main.ts', [], { ODOO_URL: 'nope', BREVO_API_KEY: 'xkeysib-secret-value' });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise((resolve) => child.on('exit', resolve));
    expect(code).to.equal(1);
    for (const name of ['ODOO_URL', 'ODOO_DB', 'ODOO_USER', 'ODOO_PASSWORD', 'BREVO_LIST_IDS', 'CRM_HOOK_SECRET']) {
      expect(stderr).to.match(new RegExp(`^  ${name}: `, 'm'));
    }
    expect(stderr).not.to.contain('xkeysib-secret-value');
  });

  it('finishes waiting and in-flight jobs after being killed with SIGKILL, each partner sent once', async () => {
    const databasePath = tempDatabasePath();
    const configFile = join(dirname(databasePath), 'slow.json');
    // One call per 400 ms so the kill lands with most jobs still waiting.
    writeFileSync(configFile, JSON.stringify({ outbound: { hookDelaySeconds: 0, pacing: { intervalCap: 1, intervalMs: 400 } } }));
    const env = { ...fakeEnv(odoo, brevo, databasePath), CONFIG_FILE: configFile, LOG_LEVEL: 'info' };
    const ids = Array.from({ length: 12 }, (_, i) => odoo.store.create('res.partner', { name: `Person ${i}`, email: `person${i}@example.com` }));

    const first = await startProcess(env);
    const accepted = await postJson(`http://127.0.0.1:${first.port}/hooks/odoo/${HOOK_SECRET}`, { ids });
    expect(accepted.status).to.equal(202);
    await waitFor(() => brevo.state.contacts.size >= 2, 10_000, 'the first contacts');
    first.child.kill('SIGKILL');
    await first.exited;
    const beforeRestart = brevo.state.contacts.size;
    expect(beforeRestart).to.be.lessThan(ids.length);

    const second = await startProcess(env);
    try {
      await waitFor(() => brevo.state.contacts.size === ids.length, 20_000, 'every contact after the restart');
      const extIds = [...brevo.state.contacts.values()].map((c) => c.ext_id).sort();
      expect(extIds).to.deep.equal(ids.map(String).sort());
      const creates = brevo.calls.filter((c) => c.method === 'POST' && c.path === '/v3/contacts' && c.status < 300);
      // A job killed mid-call may be replayed (at-least-once), but as an idempotent upsert: never a second contact.
      expect(creates.length).to.be.within(ids.length, ids.length + 1);
      expect(second.output()).to.contain('resumed jobs left running by the previous process');
    } finally {
      second.child.kill('SIGTERM');
      expect(await second.exited).to.equal(0);
    }
  });

  it('applies a webhook event answered 200 even when the process is killed right after answering', async () => {
    const databasePath = tempDatabasePath();
    const fields = loadConfig({ ...fakeEnv(odoo, brevo, databasePath) }).inbound.fields;
    await setupCrmFields(new OdooXmlRpcClient({ url: odoo.url, db: odoo.db, user: 'admin', password: 'admin', timeoutMs: 5000 }), fields, false);
    const id = odoo.store.create('res.partner', { name: 'Ada', email: 'ada@example.com' });
    const configFile = join(dirname(databasePath), 'slow-apply.json');
    // A long coalescing window: the kill lands before any apply run.
    writeFileSync(configFile, JSON.stringify({ inbound: { coalesceMs: 60_000 } }));
    const env = { ...fakeEnv(odoo, brevo, databasePath), WEBHOOK_BEARER_TOKENS: WEBHOOK_TOKEN, LOG_LEVEL: 'info' };

    const first = await startProcess({ ...env, CONFIG_FILE: configFile });
    const events = [{ event: 'opened', email: 'ada@example.com', ts_event: 1763800000, 'message-id': '<m1@example.com>' }];
    const answer = await postJson(`http://127.0.0.1:${first.port}/webhooks/brevo`, events, { authorization: `Bearer ${WEBHOOK_TOKEN}` });
    expect(answer.status).to.equal(200);
    first.child.kill('SIGKILL');
    await first.exited;
    expect(odoo.store.read('res.partner', [id], [fields.openCount])[0][fields.openCount]).to.equal(0);

    const second = await startProcess(env);
    try {
      await waitFor(() => odoo.store.read('res.partner', [id], [fields.openCount])[0][fields.openCount] === 1, 15_000, 'the event to be applied');
    } finally {
      second.child.kill('SIGTERM');
      await second.exited;
    }
  });
});
