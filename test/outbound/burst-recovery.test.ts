/**
 * A burst interrupted by a crash: its jobs were claimed ('running') and its import may have reached Brevo without being
 * recorded. The next start must deliver every partner, once, and lose nothing.
 */
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { PROJECT_ROOT } from '../../src/config.js';
import { openStore } from '../../src/store/index.js';
import { PUSH_PARTNER } from '../../src/outbound/enqueuer.js';
import { startFakeOdoo, type FakeOdoo } from '../fakes/odoo/index.js';
import { startFakeBrevo, type FakeBrevo } from '../fakes/brevo/index.js';
import { BREVO_KEY, drained, fakeEnv, HOOK_SECRET, postJson, tempDatabasePath, waitFor, type Harness } from '../helpers/harness.js';
import { contactsByExtId, createPartners, importCalls, singleContactCalls, startBurstHarness, THRESHOLD } from './burst-support.js';

const emailOf = (odoo: FakeOdoo, id: number) => odoo.store.read('res.partner', [id], ['email_normalized'])[0].email_normalized as string;

describe('outbox bursts after a crash', function () {
  this.timeout(90_000);

  it('resumes jobs a killed burst left running, its import already applied: every partner once', async () => {
    let partners!: ReturnType<typeof createPartners>;
    const applied = new Map<number, number>();
    const h: Harness = await startBurstHarness({
      beforeStart: ({ odoo, brevo, databasePath }) => {
        partners = createPartners(odoo, 40);
        const store = openStore(databasePath);
        store.jobs.enqueueMany(PUSH_PARTNER, partners.all.map(String), { source: 'test' });
        // The burst had claimed every job, and Brevo had applied part of its import before the kill; nothing was recorded.
        expect(store.jobs.claimDueOfKind(PUSH_PARTNER, 1000)).to.have.length(partners.all.length);
        for (const id of partners.expected.slice(0, 15)) applied.set(id, brevo.state.addContact({ email: emailOf(odoo, id), ext_id: String(id) }).id);
        store.close();
      },
    });
    try {
      await drained(h.sidecar);
      expect([...contactsByExtId(h.brevo).keys()].sort()).to.deep.equal(partners.expected.map(String).sort());
      expect(h.brevo.state.contacts.size, 'no contact twice').to.equal(partners.expected.length);
      for (const [id, brevoId] of applied) expect(h.brevo.contactByExtId(String(id))!.id).to.equal(brevoId);
      expect(importCalls(h.brevo).length).to.be.at.least(1);
      expect(singleContactCalls(h.brevo)).to.have.length(0);
      expect(h.sidecar.store.deadLetters.count()).to.equal(0);
    } finally {
      await h.stop();
    }
  });

  describe('the real process killed while its import runs', () => {
    let odoo: FakeOdoo;
    let brevo: FakeBrevo;
    beforeEach(async () => {
      odoo = await startFakeOdoo();
      // Slow imports: the kill lands while the burst waits for its process.
      brevo = await startFakeBrevo({ apiKeys: [BREVO_KEY], importDelayMs: 3000 });
    });
    afterEach(() => Promise.all([odoo.close(), brevo.close()]));

    it('sends the burst again after a restart, each partner once', async () => {
      const databasePath = tempDatabasePath();
      const configFile = join(dirname(databasePath), 'burst.json');
      writeFileSync(configFile, JSON.stringify({ outbound: { hookDelaySeconds: 0, burstThreshold: THRESHOLD }, initialSync: { pollSeconds: 0.2 } }));
      const env = { ...fakeEnv(odoo, brevo, databasePath), CONFIG_FILE: configFile, LOG_LEVEL: 'info' };
      const partners = createPartners(odoo, 40);

      const first = runSidecar(env);
      const port = await first.port;
      expect((await postJson(`http://127.0.0.1:${port}/hooks/odoo/${HOOK_SECRET}`, { ids: partners.all })).status).to.equal(202);
      await waitFor(() => importCalls(brevo).length > 0, 20_000, 'the burst import');
      first.kill();
      await first.exited;
      // Killed mid-burst: the claimed jobs are still 'running' in the file.
      expect(outbox(databasePath).running).to.be.greaterThan(THRESHOLD);

      const second = runSidecar(env);
      try {
        await second.port;
        await waitFor(() => { const left = outbox(databasePath); return left.pending + left.running === 0; }, 40_000, 'the outbox to drain after the restart');
        expect([...contactsByExtId(brevo).keys()].sort()).to.deep.equal(partners.expected.map(String).sort());
        expect(brevo.state.contacts.size, 'no contact twice').to.equal(partners.expected.length);
        expect(importCalls(brevo).length).to.be.at.least(2);
        expect(outbox(databasePath).dead).to.equal(0);
        expect(second.output()).to.contain('resumed jobs left running by the previous process');
      } finally {
        second.kill('SIGTERM');
        expect(await second.exited).to.equal(0);
      }
    });
  });
});

function outbox(databasePath: string): { pending: number; running: number; dead: number } {
  const store = openStore(databasePath);
  try {
    const { pending, running } = store.jobs.stats();
    return { pending, running, dead: store.deadLetters.count() };
  } finally {
    store.close();
  }
}

/** `src/main.ts` as a child process: the port it logs, its output, and a kill (SIGKILL unless told). */
function runSidecar(env: NodeJS.ProcessEnv) {
  const child = spawn(process.execPath, ['--import', 'tsx', join(PROJECT_ROOT, 'src/main.ts')], { env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  const port = new Promise<number>((resolve, reject) => {
    const read = (d: Buffer) => {
      output += d.toString();
      const listening = /"port":(\d+),"msg":"sidecar listening"/.exec(output);
      if (listening) resolve(Number(listening[1]));
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
    void exited.then((code) => reject(new Error(`sidecar exited with ${code}:\n${output}`)));
  });
  return { port, exited, output: () => output, kill: (signal: NodeJS.Signals = 'SIGKILL') => child.kill(signal) };
}
