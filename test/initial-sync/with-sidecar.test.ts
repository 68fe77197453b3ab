/**
 * The initial sync next to a running sidecar sharing its SQLite file: the sidecar receives Brevo's import callbacks
 * (notifyUrl), and afterwards its outbound flow finds the imported partners already sent.
 */
import { expect } from 'chai';
import { drained, postJson, startHarness, tempDatabasePath, type Harness } from '../helpers/harness.js';
import { PARTNERS_WATERMARK } from '../../src/cron/incremental-sync.js';
import { bodyOf, expectedContacts, importCalls, processPolls, runInProcess, syncEnv } from './support.js';

describe('initial sync with the sidecar', function () {
  this.timeout(240_000);
  let h: Harness;
  let databasePath: string;

  beforeEach(async () => {
    databasePath = tempDatabasePath();
    h = await startHarness({ databasePath, odoo: { partners: 300, seed: 5 }, brevo: { importDelayMs: 20 } });
  });
  afterEach(() => h.stop());

  const apiCallsAfter = (from: number) => h.brevo.calls.slice(from).filter((c) => c.path !== '/v3/contacts/attributes');

  it('waits for the notifyUrl callbacks the sidecar records, without polling', async () => {
    // The default poll interval (60 s) would make any poll-based completion time out this test.
    const env = syncEnv(h.odoo, h.brevo, databasePath, { chunkBytes: 30_000, pollSeconds: 60 }, h.url);
    const { report } = await runInProcess(env);
    expect(report.status).to.equal('completed');
    expect(processPolls(h.brevo)).to.have.length(0);
    const calls = importCalls(h.brevo);
    expect(calls.length).to.be.greaterThan(1);
    const token = /\/brevo\/import-done\/([\w-]+)\?chunk=\d+$/.exec(bodyOf(calls[0]).notifyUrl!)![1];
    for (const call of calls) expect(bodyOf(call).notifyUrl).to.match(new RegExp(`^${h.url}/brevo/import-done/${token}\\?chunk=\\d+$`));
    // The sidecar records a callback before answering it: Brevo may learn of the answer just after the run saw the record.
    await h.brevo.importsIdle();
    for (const process of h.brevo.state.processes.values()) expect(process.notify?.status).to.equal(200);
    const recorded = h.sidecar.store.db.prepare('SELECT COUNT(*) FROM runs WHERE kind = ?').pluck().get('initial_sync');
    expect(recorded).to.equal(1);
    expect(h.brevo.state.contacts.size).to.equal(expectedContacts(h.odoo).size);
  });

  it('records callbacks for a live run only: POST with a body, or GET', async () => {
    const run = h.sidecar.store.initialSync.create({}, 'live-token-0123456789', {});
    const forged = await postJson(`${h.url}/brevo/import-done/not-a-token`, { processId: 1, status: 'completed' });
    expect(forged.status).to.equal(404);
    expect(h.sidecar.store.initialSync.completions(run.id)).to.have.length(0);

    expect((await postJson(`${h.url}/brevo/import-done/live-token-0123456789?chunk=3`, { processId: 7, status: 'failed', error: 'bad file' })).status).to.equal(200);
    expect((await fetch(`${h.url}/brevo/import-done/live-token-0123456789?chunk=4`)).status).to.equal(200);
    expect(h.sidecar.store.initialSync.completions(run.id).map(({ processId, chunk, status, body }) => ({ processId, chunk, status, body }))).to.deep.equal([
      { processId: 7, chunk: 3, status: 'failed', body: '{"processId":7,"status":"failed","error":"bad file"}' },
      { processId: null, chunk: 4, status: null, body: '{}' },
    ]);

    h.sidecar.store.initialSync.finish(run.id, 'done');
    expect((await postJson(`${h.url}/brevo/import-done/live-token-0123456789`, { processId: 8, status: 'completed' })).status).to.equal(404);
  });

  it('leaves the outbound flow nothing to send for the imported partners', async () => {
    await runInProcess(syncEnv(h.odoo, h.brevo, databasePath, { chunkBytes: 30_000 }, h.url));
    const imported = [...expectedContacts(h.odoo).keys()].map(Number);
    const from = h.brevo.calls.length;

    // A push of every imported partner: re-read, mapped, same hash → zero Brevo calls.
    h.sidecar.enqueuer.enqueue(imported, { source: 'test' });
    await drained(h.sidecar, 90_000);
    expect(apiCallsAfter(from)).to.have.length(0);

    // An incremental scan from before the import: every partner read at its write_date is skipped.
    h.sidecar.store.watermarks.set(PARTNERS_WATERMARK, '2000-01-01 00:00:00');
    const scan = await h.sidecar.incrementalSync();
    await drained(h.sidecar, 90_000);
    expect(scan.scanned).to.be.greaterThan(imported.length);
    expect(apiCallsAfter(from)).to.have.length(0);
    expect(h.sidecar.store.deadLetters.count()).to.equal(0);
  });
});
