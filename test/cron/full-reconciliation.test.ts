/**
 * The nightly full reconciliation against the fake Odoo and fake Brevo: after an initial sync nothing differs; a
 * change no webhook announced and the write_date scan cannot see is found, enqueued and reaches Brevo.
 */
import { expect } from 'chai';
import { drained, startHarness, tempDatabasePath, type Harness } from '../helpers/harness.js';
import { expectedContacts, runInProcess, syncEnv } from '../initial-sync/support.js';
import { CRON_JOB_NAMES } from '../../src/cron/jobs.js';
import type { ReconciliationReport } from '../../src/cron/full-reconciliation.js';
import type { CronResult } from '../../src/cron/runner.js';

const RECONCILE = CRON_JOB_NAMES.fullReconciliation;
const LONG_AGO = Date.parse('2020-01-01T00:00:00Z') * 1000; // the fake stores write_date in microseconds

function reportOf(result: CronResult): ReconciliationReport {
  if (result.outcome !== 'ok') throw new Error(`reconciliation ended ${result.outcome}`);
  return result.report as ReconciliationReport;
}

describe('full reconciliation (cron)', function () {
  this.timeout(120_000);
  let h: Harness;
  let imported: number[];

  beforeEach(async () => {
    const databasePath = tempDatabasePath();
    h = await startHarness({ databasePath, odoo: { partners: 120, seed: 11 }, brevo: { importDelayMs: 20 } });
    const { report } = await runInProcess(syncEnv(h.odoo, h.brevo, databasePath, { chunkBytes: 30_000 }, h.url));
    expect(report.status).to.equal('completed');
    imported = [...expectedContacts(h.odoo).keys()].map(Number);
    // A database whose partners were last written long ago: the incremental scan's window holds none of them.
    for (const record of h.odoo.store.table('res.partner').values()) h.odoo.store.setRaw('res.partner', record, 'write_date', LONG_AGO);
  });
  afterEach(() => h.stop());

  const contactCalls = (from: number) => h.brevo.calls.slice(from).filter((c) => c.path.startsWith('/v3/contacts') && c.path !== '/v3/contacts/attributes');
  const partnerRecord = (id: number) => h.odoo.store.table('res.partner').get(id)!;

  it('finds nothing to send after an initial sync, and says why the others are not sendable', async () => {
    const report = reportOf(await h.sidecar.cron.run(RECONCILE));
    expect(report.enqueued).to.equal(0);
    expect(report.unchanged).to.equal(imported.length);
    expect(report.partners).to.equal(report.unchanged + report.sharedEmail + Object.values(report.notSendable).reduce((a, b) => a + b, 0));
    expect(h.sidecar.store.jobs.stats().pending).to.equal(0);
  });

  it('sends a change that no webhook announced and the write_date scan cannot see', async () => {
    const [changed] = imported;
    // A direct database change: no write_date, no automation rule, so neither the hook nor the incremental scan see it.
    h.odoo.store.setRaw('res.partner', partnerRecord(changed), 'city', 'Reconciliationville');
    expect((await h.sidecar.incrementalSync()).enqueued, 'what the write_date scan sees').to.equal(0);
    const from = h.brevo.calls.length;

    const report = reportOf(await h.sidecar.cron.run(RECONCILE));
    expect(report).to.include({ changed: 1, neverSent: 0, enqueued: 1 });
    await drained(h.sidecar);

    expect(h.brevo.contactByExtId(String(changed))!.attributes.CITY).to.equal('Reconciliationville');
    const calls = contactCalls(from);
    expect(calls).to.have.length(1);
    expect(calls[0]).to.include({ method: 'PUT' });
    expect(reportOf(await h.sidecar.cron.run(RECONCILE)).enqueued, 'the next night finds it settled').to.equal(0);
  });

  it('creates a partner that was never sent, and leaves alone a partner held in the dead letters', async () => {
    const countryFr = h.odoo.store.search('res.country', [['code', '=', 'FR']])[0];
    const lost = h.odoo.store.create('res.partner', { name: 'Lost Webhook', email: 'lost.webhook@example.org', country_id: countryFr }) as number;
    h.odoo.store.setRaw('res.partner', partnerRecord(lost), 'write_date', LONG_AGO);
    const held = imported[1];
    h.odoo.store.setRaw('res.partner', partnerRecord(held), 'city', 'Held Back');
    h.sidecar.store.deadLetters.record(
      { id: 1, kind: 'push_partner', key: String(held), payload: {}, source: 'cron', firstAttemptAt: null },
      { status: 400, code: 'invalid_parameter', message: 'refused' }, 8,
    );

    const report = reportOf(await h.sidecar.cron.run(RECONCILE));
    expect(report).to.include({ neverSent: 1, changed: 0, enqueued: 1, deadLettered: 1 });
    await drained(h.sidecar);

    expect(h.brevo.contactByExtId(String(lost))).to.include({ email: 'lost.webhook@example.org' });
    expect(h.brevo.contactByExtId(String(held))!.attributes.CITY).to.not.equal('Held Back');
  });

  it('does not enqueue a partner whose address belongs to a lower id', async () => {
    const owner = imported[2];
    const email = h.brevo.contactByExtId(String(owner))!.email!;
    const twin = h.odoo.store.create('res.partner', { name: 'Same Address', email }) as number;
    h.odoo.store.setRaw('res.partner', partnerRecord(twin), 'write_date', LONG_AGO);

    const report = reportOf(await h.sidecar.cron.run(RECONCILE));
    expect(report.enqueued).to.equal(0);
    expect(report.sharedEmail).to.be.greaterThan(0);
    expect(h.sidecar.store.jobs.stats().pending).to.equal(0);
  });

  it('records each run in the runs table with its counts', async () => {
    await h.sidecar.cron.run(RECONCILE);
    const [run] = h.sidecar.store.runs.latest(`cron:${RECONCILE}`);
    expect(run.status).to.equal('ok');
    expect(run.finishedAt).to.be.a('number');
    expect(run.report).to.include({ enqueued: 0, unchanged: imported.length });
  });
});
