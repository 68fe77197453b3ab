/**
 * The Brevo → CRM opt-out reconciliation against the fakes: an unsubscribe made in Brevo whose webhook never came is
 * found by listing contacts modified since the watermark, and applied to Odoo through the inbox, exactly once.
 */
import { expect } from 'chai';
import { openStore } from '../../src/store/index.js';
import { BREVO_CONTACTS_WATERMARK, BREVO_PAGE_LIMIT, RECONCILE_PROVIDER_TYPE, type OptOutReport } from '../../src/cron/brevo-opt-outs.js';
import { CRON_JOB_NAMES } from '../../src/cron/jobs.js';
import type { CronResult } from '../../src/cron/runner.js';
import { startHarness, tempDatabasePath, type Harness } from '../helpers/harness.js';

const OPT_OUTS = CRON_JOB_NAMES.brevoOptOuts;

function reportOf(result: CronResult): OptOutReport {
  if (result.outcome !== 'ok') throw new Error(`opt-out reconciliation ended ${result.outcome}`);
  return result.report as OptOutReport;
}

describe('Brevo → CRM opt-out reconciliation (cron)', function () {
  this.timeout(60_000);
  let h: Harness;
  let databasePath: string;

  beforeEach(async () => {
    databasePath = tempDatabasePath();
    h = await startHarness({ databasePath });
  });
  afterEach(() => h.stop());

  const read = (id: number) => h.odoo.store.read('res.partner', [id], null)[0] as Record<string, unknown>;
  const blacklistRows = (email: string) =>
    h.odoo.store.searchRead('mail.blacklist', [['email', '=', email]], { fields: ['active'], context: { active_test: false } });
  const notes = (id: number) => h.odoo.store.searchRead('mail.message', [['res_id', '=', id], ['model', '=', 'res.partner']], { fields: ['body'] });
  const listCalls = () => h.brevo.calls.filter((c) => c.method === 'GET' && c.path === '/v3/contacts' && c.query.limit !== undefined && Number(c.query.limit) === BREVO_PAGE_LIMIT);
  const run = async () => reportOf(await h.sidecar.cron.run(OPT_OUTS));

  /** A partner and its Brevo contact, then an unsubscribe in Brevo that sends no webhook. */
  function silentUnsubscribe(email: string): number {
    const id = h.odoo.store.create('res.partner', { name: 'Quiet Leaver', email }) as number;
    const contact = h.brevo.state.addContact({ email, ext_id: String(id), listIds: [2] });
    h.brevo.state.mutateContact(contact.id, (c) => { c.emailBlacklisted = true; });
    return id;
  }

  it('blacklists the address in Odoo and sets the Brevo status, exactly once across two runs', async () => {
    const id = silentUnsubscribe('quiet.leaver@example.com');
    h.brevo.state.addContact({ email: 'still.subscribed@example.com', listIds: [2] });

    const first = await run();
    expect(first).to.include({ contacts: 2, blocklisted: 1, queued: 1, alreadyInOdoo: 0 });
    await h.sidecar.applyWorker.drain();
    expect(blacklistRows('quiet.leaver@example.com').map((r) => r.active)).to.deep.equal([true]);
    expect(read(id)).to.include({ x_brevo_status: 'unsubscribed', is_blacklisted: true });
    expect(blacklistRows('still.subscribed@example.com')).to.have.length(0);

    const second = await run();
    expect(second).to.include({ blocklisted: 1, queued: 0, alreadyInOdoo: 1 });
    await h.sidecar.applyWorker.drain();
    expect(blacklistRows('quiet.leaver@example.com')).to.have.length(1);
    const posted = notes(id).map((n) => String(n.body));
    expect(posted).to.have.length(1);
    expect(posted[0]).to.match(/quiet\.leaver@example\.com unsubscribed/).and.match(/reconciliation/);
    const events = h.sidecar.store.db.prepare('SELECT provider, provider_type, status FROM events').all();
    expect(events).to.deep.equal([{ provider: 'brevo', provider_type: RECONCILE_PROVIDER_TYPE, status: 'applied' }]);
  });

  it('stores one event when a second run comes before the first was applied', async () => {
    await h.sidecar.applyWorker.stop(); // the first run's event stays pending
    silentUnsubscribe('twice.seen@example.com');
    expect(await run()).to.include({ queued: 1, duplicates: 0 });
    expect(await run()).to.include({ queued: 0, duplicates: 1 });
    expect(h.sidecar.store.inbox.countsByStatus()).to.include({ pending: 1 });
  });

  it('leaves alone an address Odoo blacklisted itself (our own opt-out, sent to Brevo)', async () => {
    h.odoo.store.create('mail.blacklist', { email: 'odoo.side@example.com' });
    h.brevo.state.addContact({ email: 'odoo.side@example.com', emailBlacklisted: true, listIds: [2] });
    expect(await run()).to.include({ blocklisted: 1, alreadyInOdoo: 1, queued: 0 });
    expect(h.sidecar.store.inbox.countsByStatus().pending).to.equal(0);
  });

  it('persists its watermark and asks only for contacts modified since, less the overlap window', async () => {
    silentUnsubscribe('watermark@example.com');
    const modifiedAt = h.brevo.contactByEmail('watermark@example.com')!.modifiedAt;
    await run();
    expect(listCalls()[0].query.modifiedSince, 'the first run reads every contact').to.equal(undefined);
    expect(h.sidecar.store.watermarks.get(BREVO_CONTACTS_WATERMARK)).to.equal(new Date(modifiedAt).toISOString());

    await run();
    const overlapMs = h.sidecar.config.cron.overlapMinutes * 60_000;
    expect(listCalls()[1].query.modifiedSince).to.equal(new Date(Date.parse(modifiedAt) - overlapMs).toISOString());

    await h.stop();
    const reopened = openStore(databasePath);
    try {
      expect(reopened.watermarks.get(BREVO_CONTACTS_WATERMARK)).to.equal(new Date(modifiedAt).toISOString());
    } finally {
      reopened.close();
    }
    h = await startHarness(); // afterEach stops a harness
  });

  it('pages through more than one page of contacts', async () => {
    for (let i = 0; i < BREVO_PAGE_LIMIT; i++) h.brevo.state.addContact({ email: `reader${i}@example.com`, listIds: [2] });
    // Created last: with the oldest first, it is on the second page.
    const id = silentUnsubscribe('second.page@example.com');
    const report = await run();
    expect(report).to.include({ pages: 2, contacts: BREVO_PAGE_LIMIT + 1, queued: 1 });
    expect(listCalls().map((c) => Number(c.query.offset ?? 0))).to.deep.equal([0, BREVO_PAGE_LIMIT]);
    await h.sidecar.applyWorker.drain();
    expect(read(id)).to.include({ is_blacklisted: true });
  });
});
