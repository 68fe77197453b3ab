/**
 * `scripts/initial-sync.ts` as the admin runs it, in a child process: killed with SIGKILL in the middle and run again,
 * it resumes and leaves every valid partner in Brevo exactly once; its exit code says whether anything failed.
 */
import { expect } from 'chai';
import Database from 'better-sqlite3';
import { startFakeOdoo, type FakeOdoo } from '../fakes/odoo/index.js';
import { startFakeBrevo, type FakeBrevo } from '../fakes/brevo/index.js';
import { BREVO_KEY, tempDatabasePath, waitFor } from '../helpers/harness.js';
import { brevoAttributes, expectedContacts, importCalls, runScript, syncEnv } from './support.js';

describe('initial-sync script (child process)', function () {
  this.timeout(120_000);
  let odoo: FakeOdoo;
  let brevo: FakeBrevo;

  beforeEach(async () => {
    odoo = await startFakeOdoo({ partners: 1500, seed: 11 });
    brevo = await startFakeBrevo({ apiKeys: [BREVO_KEY], attributes: brevoAttributes(), importDelayMs: 30 });
  });
  afterEach(() => Promise.all([odoo.close(), brevo.close()]));

  function completedChunks(databasePath: string): number {
    let db: Database.Database | undefined;
    try {
      db = new Database(databasePath, { readonly: true, fileMustExist: true });
      return db.prepare(`SELECT COUNT(*) FROM initial_sync_chunks WHERE status = 'completed'`).pluck().get() as number;
    } catch {
      return 0; // not created or not migrated yet
    } finally {
      db?.close();
    }
  }

  it('resumes after kill -9 where it stopped; every valid partner ends up in Brevo once', async () => {
    const databasePath = tempDatabasePath();
    const env = syncEnv(odoo, brevo, databasePath, { pageSize: 50, chunkBytes: 15_000, pollSeconds: 0.05 });
    // Slow pages so that the kill lands in the middle of the run.
    odoo.faults.setLatency(40);
    const first = await runScript(env, ['--json'], (kill) => {
      void waitFor(() => completedChunks(databasePath) >= 1, 60_000, 'the first confirmed chunk').then(kill);
    });
    expect(first.code, first.stderr).to.equal(null);
    const importsBefore = importCalls(brevo).length;
    expect(importsBefore).to.be.greaterThan(0);

    odoo.faults.setLatency(0);
    const second = await runScript(env, ['--json']);
    expect(second.code, second.stderr).to.equal(0);
    const report = second.report();
    expect(report).to.include({ status: 'completed', resumed: true, invocations: 2 });
    expect(second.stderr).to.match(/resuming run #1 after partner \d+/);

    const expected = expectedContacts(odoo);
    const extIds = [...brevo.state.contacts.values()].map((c) => c.ext_id);
    expect(new Set(extIds).size, 'no contact twice').to.equal(extIds.length);
    expect(brevo.state.contacts.size).to.equal(expected.size);
    for (const [extId, email] of expected) expect(brevo.contactByExtId(extId)?.email, `partner ${extId}`).to.equal(email);
    // The whole run is reported, across both invocations; the second one did not start over.
    expect(report.contactsImported).to.equal(expected.size);
    expect(report.partnersRead).to.equal(odoo.store.count('res.partner', [['email', '!=', false], ['active', '=', true]]));
    const rows = importCalls(brevo).slice(importsBefore).flatMap((c) => (c.body as { jsonBody: unknown[] }).jsonBody);
    expect(rows.length).to.be.lessThan(expected.size);
  });

  it('exits non-zero and names the reason when an import process fails', async () => {
    brevo.faults.failNextImports(1, 'Import failed: invalid file');
    const run = await runScript(syncEnv(odoo, brevo, tempDatabasePath()), []);
    expect(run.code).to.equal(2);
    expect(run.stdout).to.match(/FAILED/);
    expect(run.stdout).to.match(/chunk 1 \(process 1, partners \d+–\d+\): Import failed: invalid file/);
    expect(run.stdout).to.match(/re-run `npm run initial-sync` to resume/);
  });

  it('dry run prints counts, a sample and the planned chunks, with zero Brevo calls', async () => {
    const run = await runScript(syncEnv(odoo, brevo, tempDatabasePath(), { chunkBytes: 100_000 }), ['--dry-run']);
    expect(run.code, run.stderr).to.equal(0);
    expect(brevo.calls).to.have.length(0);
    expect(run.stdout).to.match(/dry run: nothing sent to Brevo/);
    expect(run.stdout).to.match(/planned chunks:\n {2}#1 \d+ contacts, \d+ bytes/);
    expect(run.stdout).to.match(/sample of mapped contacts:\n {2}\{"email":/);
  });

  it('refuses bad options with a message', async () => {
    const env = syncEnv(odoo, brevo, tempDatabasePath());
    const since = await runScript(env, ['--since', '2025-02-30']);
    expect(since.code).to.not.equal(0);
    expect(since.stderr).to.match(/--since/);
    const both = await runScript(env, ['--resume', '--restart']);
    expect(both.code).to.equal(1);
    expect(both.stderr).to.match(/--resume and --restart exclude each other/);
    const help = await runScript(env, ['--help']);
    expect(help.stdout).to.match(/--dry-run/).and.match(/--batch-size <n>/).and.match(/--since <date>/);
  });
});
