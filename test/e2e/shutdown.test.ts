/**
 * The real process (`src/main.ts`) on SIGTERM: it stops accepting connections at once, answers the request in flight,
 * lets the jobs in flight finish within `process.shutdownSeconds` and puts back those that could not, closes the
 * database and exits 0; nothing it accepted is lost across the restart. And the switches: with WORKERS=off and
 * CRON=off the process accepts hooks and webhooks but sends nothing, leaving the work in SQLite for a process that runs it.
 */
import { expect } from 'chai';
import Database from 'better-sqlite3';
import { once } from 'node:events';
import { request, get, type IncomingMessage } from 'node:http';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { startFakeOdoo, type FakeOdoo } from '../fakes/odoo/index.js';
import { startFakeBrevo, type FakeBrevo } from '../fakes/brevo/index.js';
import { BREVO_KEY, fakeEnv, HOOK_SECRET, postJson, tempDatabasePath, waitFor, WEBHOOK_TOKEN } from '../helpers/harness.js';
import { OdooXmlRpcClient } from '../../src/crm/odoo-xmlrpc.js';
import { setupCrmFields } from '../../src/crm/setup-fields.js';
import { ConfigError, loadConfig } from '../../src/config.js';
import { startSidecarProcess } from '../helpers/process.js';

const opened = (email: string, id: string) => [{ event: 'opened', email, ts_event: 1763800000, 'message-id': `<${id}@example.com>` }];

describe('sidecar process: graceful shutdown and switches (e2e)', function () {
  this.timeout(90_000);
  let odoo: FakeOdoo;
  let brevo: FakeBrevo;
  let databasePath: string;
  let env: NodeJS.ProcessEnv;
  let fields: ReturnType<typeof loadConfig>['inbound']['fields'];

  beforeEach(async () => {
    odoo = await startFakeOdoo();
    brevo = await startFakeBrevo({ apiKeys: [BREVO_KEY] });
    databasePath = tempDatabasePath();
    env = { ...fakeEnv(odoo, brevo, databasePath), WEBHOOK_BEARER_TOKENS: WEBHOOK_TOKEN, LOG_LEVEL: 'info' };
    fields = loadConfig(env).inbound.fields;
    await setupCrmFields(new OdooXmlRpcClient({ url: odoo.url, db: odoo.db, user: 'admin', password: 'admin', timeoutMs: 5000 }), fields, false);
  });
  afterEach(() => Promise.all([odoo.close(), brevo.close()]));

  /** A config file beside the database, for the settings that have no environment variable. */
  function configFile(name: string, settings: unknown): string {
    const path = join(dirname(databasePath), `${name}.json`);
    writeFileSync(path, JSON.stringify(settings));
    return path;
  }
  const openCount = (id: number) => odoo.store.read('res.partner', [id], [fields.openCount])[0][fields.openCount];
  const brevoApiCalls = () => brevo.calls.filter((c) => c.path.startsWith('/v3/'));
  function stored(): { jobs: Array<{ key: string; status: string }>; events: Array<{ status: string }> } {
    const db = new Database(databasePath, { readonly: true });
    try {
      return {
        jobs: db.prepare('SELECT key, status FROM jobs ORDER BY id').all() as Array<{ key: string; status: string }>,
        events: db.prepare('SELECT status FROM events ORDER BY id').all() as Array<{ status: string }>,
      };
    } finally {
      db.close();
    }
  }

  it('answers the request in flight, refuses new connections, exits 0; what it accepted is applied after a restart', async () => {
    const id = odoo.store.create('res.partner', { name: 'Ada', email: 'ada@example.com' });
    // A long coalescing window: the events are still waiting when the process stops.
    const slowApply = configFile('slow-apply', { inbound: { coalesceMs: 60_000 } });
    const first = await startSidecarProcess({ ...env, CONFIG_FILE: slowApply });

    const before = await postJson(`${first.url}/webhooks/brevo`, opened('ada@example.com', 'before'), { authorization: `Bearer ${WEBHOOK_TOKEN}` });
    expect(before.status).to.equal(200);
    // A webhook whose body is still arriving at SIGTERM: its headers are read (the server said 100 Continue).
    const body = JSON.stringify(opened('ada@example.com', 'in-flight'));
    const inFlight = request(`${first.url}/webhooks/brevo`, {
      method: 'POST', agent: false,
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), authorization: `Bearer ${WEBHOOK_TOKEN}`, expect: '100-continue' },
    });
    const answered = once(inFlight, 'response').then(([res]) => readAll(res as IncomingMessage));
    inFlight.flushHeaders();
    await once(inFlight, 'continue');
    inFlight.write(body.slice(0, 20));

    first.child.kill('SIGTERM');
    await waitFor(() => first.output().includes('shutting down'), 10_000, 'the shutdown to begin');
    expect(await connects(first.url)).to.equal(false);
    inFlight.end(body.slice(20));
    const answer = await answered;
    expect(answer.status).to.equal(200);
    expect(JSON.parse(answer.text)).to.include({ accepted: 1 });
    expect(await first.exited).to.equal(0);
    expect(first.output()).to.contain('stopped cleanly');
    expect(openCount(id)).to.equal(0);
    expect(stored().events.map((e) => e.status)).to.deep.equal(['pending', 'pending']);

    const second = await startSidecarProcess(env);
    try {
      await waitFor(() => openCount(id) === 2, 20_000, 'both events to be applied');
    } finally {
      expect(await second.stop()).to.equal(0);
    }
  });

  it('lets a Brevo call in flight finish and puts back the job still running when the grace period ends', async () => {
    const ids = [1, 2].map((i) => odoo.store.create('res.partner', { name: `Person ${i}`, email: `person${i}@example.com` }));
    const settings = configFile('grace', { outbound: { hookDelaySeconds: 0 }, process: { shutdownSeconds: 4 } });
    const first = await startSidecarProcess({ ...env, CONFIG_FILE: settings });
    await waitFor(() => brevo.calls.some((c) => c.path === '/v3/contacts/attributes' && c.status > 0), 10_000, 'the start-up check');
    // Both pushes reach Brevo and are answered a second later, except one that Brevo never answers.
    brevo.faults.setLatency(1000);
    brevo.faults.hangNext(1);
    const creates = () => brevo.calls.filter((c) => c.method === 'POST' && c.path === '/v3/contacts');
    expect((await postJson(`${first.url}/hooks/odoo/${HOOK_SECRET}`, { ids })).status).to.equal(202);
    await waitFor(() => creates().length === 2, 10_000, 'both calls to be in flight');

    expect(await first.stop()).to.equal(0);
    expect(brevo.state.contacts.size).to.equal(1); // the answered call's job was let finish
    const { jobs } = stored();
    expect(jobs.map((j) => j.status)).to.deep.equal(['pending']); // the hung one is back in the outbox
    const [sent] = [...brevo.state.contacts.values()];
    expect([sent.ext_id, jobs[0].key].sort()).to.deep.equal(ids.map(String).sort());

    brevo.faults.clear();
    const second = await startSidecarProcess(env);
    try {
      await waitFor(() => brevo.state.contacts.size === 2, 20_000, 'the put-back job to run');
      expect(creates().filter((c) => c.status >= 200 && c.status < 300)).to.have.length(2);
    } finally {
      expect(await second.stop()).to.equal(0);
    }
  });

  it('with WORKERS=off and CRON=off accepts hooks and webhooks, sends nothing, and leaves the work for a worker process', async () => {
    const id = odoo.store.create('res.partner', { name: 'Grace', email: 'grace@example.com' });
    const noDelay = configFile('no-delay', { outbound: { hookDelaySeconds: 0 }, inbound: { coalesceMs: 50 } });
    const web = await startSidecarProcess({ ...env, CONFIG_FILE: noDelay, WORKERS: 'off', CRON: 'off' });
    const odooCallsAtStart = odoo.calls.length;
    expect((await postJson(`${web.url}/hooks/odoo/${HOOK_SECRET}`, { ids: [id] })).status).to.equal(202);
    const events = await postJson(`${web.url}/webhooks/brevo`, opened('grace@example.com', 'web'), { authorization: `Bearer ${WEBHOOK_TOKEN}` });
    expect(events.status).to.equal(200);
    // Time enough for a worker to act on both (it would within a few hundred milliseconds); none does.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await web.stop()).to.equal(0);
    expect(brevoApiCalls()).to.deep.equal([]);
    expect(odoo.calls.slice(odooCallsAtStart)).to.deep.equal([]);
    expect(web.output()).to.contain('"workers":false,"cron":false');
    expect(stored()).to.deep.equal({ jobs: [{ key: String(id), status: 'pending' }], events: [{ status: 'pending' }] });

    const worker = await startSidecarProcess({ ...env, CONFIG_FILE: noDelay, CRON: 'off' });
    try {
      await waitFor(() => brevo.contactByExtId(String(id)) && openCount(id) === 1, 20_000, 'the worker process to do the work');
    } finally {
      expect(await worker.stop()).to.equal(0);
    }
  });
});

describe('process switches (configuration)', () => {
  const env = { ODOO_URL: 'http://127.0.0.1:1', ODOO_DB: 'crm', ODOO_USER: 'u', ODOO_PASSWORD: 'p', BREVO_API_KEY: 'k', BREVO_LIST_IDS: '2', CRM_HOOK_SECRET: HOOK_SECRET };

  it('reads on/off from the environment, is on by default, and refuses anything else naming the variable', () => {
    expect(loadConfig(env).process).to.deep.equal({ workers: true, cron: true, shutdownSeconds: 10 });
    expect(loadConfig({ ...env, WORKERS: 'off', CRON: 'on' }).process).to.include({ workers: false, cron: true });
    expect(() => loadConfig({ ...env, WORKERS: 'maybe', CRON: 'false' })).to.throw(ConfigError)
      .with.property('problems').that.deep.equals(['WORKERS: must be "on" or "off"', 'CRON: must be "on" or "off"']);
  });
});

function readAll(res: IncomingMessage): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    let text = '';
    res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk)).on('end', () => resolve({ status: res.statusCode!, text })).on('error', reject);
  });
}

/** Whether a new connection (not a pooled one) gets an answer. */
function connects(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    get(`${url}/healthz`, { agent: false }, (res) => {
      res.resume();
      resolve(true);
    }).on('error', () => resolve(false));
  });
}
