/**
 * The initial sync in-process against the fake Odoo and the fake Brevo: what it sends, how it cuts and flags chunks,
 * what it skips and why, and the dry run's promise of zero Brevo calls.
 */
import { expect } from 'chai';
import { startFakeOdoo, type FakeOdoo } from '../fakes/odoo/index.js';
import { startFakeBrevo, type FakeBrevo } from '../fakes/brevo/index.js';
import { BREVO_KEY, tempDatabasePath } from '../helpers/harness.js';
import { openStore } from '../../src/store/index.js';
import { bodyOf, brevoAttributes, expectedContacts, importCalls, processPolls, runInProcess, syncEnv } from './support.js';

/** Partners the default domain selects: an e-mail, active. */
const expectedRead = (odoo: FakeOdoo) => odoo.store.count('res.partner', [['email', '!=', false], ['active', '=', true]]);

describe('initial sync', function () {
  this.timeout(60_000);
  let odoo: FakeOdoo;
  let brevo: FakeBrevo;
  let databasePath: string;

  beforeEach(async () => {
    odoo = await startFakeOdoo({ partners: 400, seed: 3 });
    brevo = await startFakeBrevo({ apiKeys: [BREVO_KEY], attributes: brevoAttributes(), importDelayMs: 20 });
    databasePath = tempDatabasePath();
  });
  afterEach(() => Promise.all([odoo.close(), brevo.close()]));

  it('imports every valid partner once, by ext_id, with the lowest id owning a shared address', async () => {
    const { report } = await runInProcess(syncEnv(odoo, brevo, databasePath));
    expect(report.status).to.equal('completed');
    const expected = expectedContacts(odoo);
    expect(brevo.state.contacts.size).to.equal(expected.size);
    for (const [extId, email] of expected) expect(brevo.contactByExtId(extId)?.email, `partner ${extId}`).to.equal(email);
    expect(report.contactsImported).to.equal(expected.size);
    expect(report.valid).to.equal(expected.size);
    for (const call of importCalls(brevo)) {
      expect(bodyOf(call)).to.include({ updateExistingContacts: true, emptyContactsAttributes: false });
      expect(bodyOf(call).listIds).to.deep.equal([2]);
      for (const row of bodyOf(call).jsonBody) expect(row.attributes.EXT_ID).to.be.a('string');
    }
    expect(brevo.calls.filter((c) => c.path === '/v3/contacts/batch')).to.have.length(0);
  });

  it('reads the blacklist, the tags and the count once, then pages of partners', async () => {
    await runInProcess(syncEnv(odoo, brevo, databasePath, { pageSize: 100 }));
    const calls = odoo.calls.filter((c) => c.service === 'object');
    expect(calls.filter((c) => c.model === 'res.partner' && c.modelMethod === 'search_read')).to.have.length(Math.ceil(expectedRead(odoo) / 100));
    expect(calls.filter((c) => c.model === 'mail.blacklist')).to.have.length(1);
    expect(calls.filter((c) => c.model === 'res.partner.category')).to.have.length(1);
    expect(calls.filter((c) => c.modelMethod === 'search_count')).to.have.length(1);
    expect(calls.filter((c) => c.model === 'res.partner' && c.modelMethod === 'read')).to.have.length(0);
  });

  it('keeps every import body under the byte limit', async () => {
    const { report } = await runInProcess(syncEnv(odoo, brevo, databasePath, { chunkBytes: 12_000 }));
    expect(report.status).to.equal('completed');
    const calls = importCalls(brevo);
    expect(calls.length).to.be.greaterThan(5);
    for (const call of calls) expect(Buffer.byteLength(JSON.stringify(call.body))).to.be.at.most(12_000);
    expect(report.chunks.total).to.equal(calls.length);
    expect(brevo.state.contacts.size).to.equal(expectedContacts(odoo).size);
  });

  it('sends the import it is filling once little is left to read, so that the run ends on a small one', async () => {
    const chunkBytes = 120_000;
    const { report } = await runInProcess(syncEnv(odoo, brevo, databasePath, { chunkBytes, pageSize: 50 }));
    expect(report.status).to.equal('completed');
    const sizes = importCalls(brevo).filter((call) => !bodyOf(call).emailBlacklist).map((call) => Buffer.byteLength(JSON.stringify(call.body)));
    // Every contact fits in one import; it is cut in two: a large one sent early, a last one under a quarter of the limit.
    expect(sizes).to.have.length(2);
    expect(sizes[0]).to.be.above(chunkBytes / 2);
    expect(sizes[1]).to.be.below(chunkBytes / 4);
    expect(brevo.state.contacts.size).to.equal(expectedContacts(odoo).size);
  });

  it('sends blacklisted partners in chunks of their own, flagged emailBlacklist', async () => {
    const blocked = odoo.store.create('res.partner', { name: 'Blocked Person', email: 'blocked.person@example.com' }) as number;
    odoo.store.create('mail.blacklist', { email: 'blocked.person@example.com' });
    const { report } = await runInProcess(syncEnv(odoo, brevo, databasePath));
    const blacklisted = new Set(
      (odoo.store.searchRead('res.partner', [['is_blacklisted', '=', true]], { fields: ['id'] }) as Array<{ id: number }>).map((r) => String(r.id)),
    );
    expect(blacklisted.has(String(blocked))).to.equal(true);
    const flagged = importCalls(brevo).filter((c) => bodyOf(c).emailBlacklist === true);
    expect(flagged.length).to.be.greaterThan(0);
    expect(report.chunks.blacklisted).to.equal(flagged.length);
    for (const call of importCalls(brevo)) {
      const rows = bodyOf(call).jsonBody.map((r) => String(r.attributes.EXT_ID));
      if (bodyOf(call).emailBlacklist) expect(rows.every((id) => blacklisted.has(id)), 'flagged chunk holds only blacklisted').to.equal(true);
      else {
        expect(bodyOf(call)).not.to.have.property('emailBlacklist');
        expect(rows.some((id) => blacklisted.has(id)), 'unflagged chunk holds no blacklisted').to.equal(false);
      }
    }
    expect(brevo.contactByExtId(String(blocked))?.emailBlacklisted).to.equal(true);
  });

  it('reports skipped partners by reason, the owner of a shared address, and unmappable phones', async () => {
    const owner = odoo.store.create('res.partner', { name: 'First Owner', email: 'shared.box@example.com' }) as number;
    const second = odoo.store.create('res.partner', { name: 'Second User', email: 'Shared.Box@example.com' }) as number;
    const invalid = odoo.store.create('res.partner', { name: 'Bad Address', email: 'bad.address@nodot' }) as number;
    const blank = odoo.store.create('res.partner', { name: 'Blank', email: '   ' }) as number;
    odoo.store.create('res.partner', { name: 'Phone Less', email: 'phone.less@example.com', phone: '12' });
    const { report } = await runInProcess(syncEnv(odoo, brevo, databasePath));
    expect(report.skipped.duplicate_email).to.be.greaterThan(0);
    expect(report.skippedExamples.duplicate_email).to.deep.include({ partnerId: second, duplicateOf: owner, detail: 'shared.box@example.com' });
    expect(report.skippedExamples.invalid_email!.map((e) => e.partnerId)).to.include(invalid);
    expect(report.skippedExamples.no_email!.map((e) => e.partnerId)).to.include(blank);
    expect(report.unmappablePhones).to.be.greaterThan(0);
    expect(report.partnersRead).to.equal(report.valid + Object.values(report.skipped).reduce((a, b) => a + b, 0));
    // The outbound flow sees the same decisions.
    const store = openStore(databasePath);
    try {
      expect(store.partners.get(second)).to.include({ skipReason: 'duplicate_email', duplicateOf: owner });
      expect(store.partners.get(invalid)).to.include({ skipReason: 'invalid_email' });
      expect(store.partners.get(owner)?.contactHash).to.be.a('string');
    } finally {
      store.close();
    }
  });

  it('dry run: reads and maps everything, plans the chunks, makes no Brevo call and keeps no state', async () => {
    const { report } = await runInProcess(syncEnv(odoo, brevo, databasePath, { chunkBytes: 30_000 }), { dryRun: true });
    expect(brevo.calls).to.have.length(0);
    expect(report.status).to.equal('dry_run');
    expect(report.valid).to.equal(expectedContacts(odoo).size);
    expect(report.contactsImported).to.equal(0);
    expect(report.plannedChunks!.length).to.be.greaterThan(1);
    expect(report.plannedChunks!.reduce((n, c) => n + c.contacts, 0)).to.equal(report.valid);
    for (const chunk of report.plannedChunks!) expect(chunk.bytes).to.be.at.most(30_000);
    expect(report.sample).to.have.length(5);
    expect(report.sample![0]).to.have.nested.property('attributes.EXT_ID');
    const store = openStore(databasePath);
    try {
      expect(store.initialSync.unfinished()).to.equal(undefined);
      expect(store.db.prepare('SELECT COUNT(*) FROM partner_sync').pluck().get()).to.equal(0);
    } finally {
      store.close();
    }
  });

  it('limit and since narrow the partners read; a partial run still asks Odoo who owns a shared address', async () => {
    const owner = odoo.store.create('res.partner', { name: 'Old Owner', email: 'old.owner@example.com' }) as number;
    for (const rec of odoo.store.table('res.partner').values()) odoo.store.setRaw('res.partner', rec, 'write_date', Date.parse('2020-01-01T00:00:00Z') * 1000);
    const later = odoo.store.create('res.partner', { name: 'New Colleague', email: 'old.owner@example.com' }) as number;
    const limited = await runInProcess(syncEnv(odoo, brevo, databasePath), { limit: 50 });
    expect(limited.report.partnersRead).to.equal(50);
    expect(limited.report.filter).to.deep.include({ limit: 50 });
    // Only `later` was written since 2021; its address belongs to a lower partner outside the window.
    const { report } = await runInProcess(syncEnv(odoo, brevo, tempDatabasePath()), { since: '2021-01-01' });
    expect(report.filter).to.deep.include({ since: '2021-01-01 00:00:00' });
    expect(report.partnersRead).to.equal(1);
    expect(report.skippedExamples.duplicate_email).to.deep.equal([{ partnerId: later, duplicateOf: owner, detail: 'old.owner@example.com' }]);
  });

  it('polls GET /processes sparingly when no callback URL is configured', async () => {
    const { report } = await runInProcess(syncEnv(odoo, brevo, databasePath, { chunkBytes: 40_000, pollSeconds: 0.05 }));
    expect(report.status).to.equal('completed');
    const polls = processPolls(brevo);
    expect(polls.length).to.be.at.least(report.chunks.total);
    expect(report.brevoCalls).to.deep.equal({ total: report.chunks.total + polls.length, imports: report.chunks.total, polls: polls.length });
    for (const call of importCalls(brevo)) expect(bodyOf(call)).not.to.have.property('notifyUrl');
    // Spaced by the configured interval, never in a burst.
    const times = polls.map((c) => c.at).sort((a, b) => a - b);
    for (let i = 1; i < times.length; i++) expect(times[i] - times[i - 1]).to.be.at.least(45);
  });

  it('reports a failed import process with its reason, and a resumed run sends that chunk again', async () => {
    brevo.faults.failNextImports(1, 'Import failed: file could not be parsed');
    const env = syncEnv(odoo, brevo, databasePath, { chunkBytes: 40_000 });
    const { report } = await runInProcess(env);
    expect(report.status).to.equal('failed');
    expect(report.chunks.failed).to.equal(1);
    expect(report.failures[0]).to.include({ chunk: 1, reason: 'Import failed: file could not be parsed' });
    expect(brevo.state.contacts.size).to.be.lessThan(expectedContacts(odoo).size);

    const again = await runInProcess(env);
    expect(again.report).to.include({ status: 'completed', resumed: true, invocations: 2 });
    expect(again.report.chunks.failed).to.equal(0);
    expect(brevo.state.contacts.size).to.equal(expectedContacts(odoo).size);
  });

  it('sends the last two imports together; one refused, the other is still sent before the run reports, and a resume completes', async () => {
    // 400 partners fill neither import half-way: both kinds leave at the end, together.
    brevo.faults.failNext(1, 400, { code: 'invalid_parameter', message: 'import refused' });
    const env = syncEnv(odoo, brevo, databasePath);
    const { report } = await runInProcess(env);
    expect(report.status).to.equal('failed');
    expect(report.failures.map((f) => f.reason).join(' ')).to.match(/import refused/);
    const calls = importCalls(brevo);
    expect(calls.map((c) => c.status)).to.have.members([400, 202]);
    // Both uploads were under way before either answered.
    expect(Math.max(...calls.map((c) => c.at)) - Math.min(...calls.map((c) => c.at))).to.be.lessThan(500);
    // Nothing was left running behind the failure: by the time the run reported, the accepted import was recorded.
    const store = openStore(databasePath);
    try {
      expect(store.initialSync.chunks(report.runId).map((c) => c.status)).to.have.members(['built', 'sent']);
    } finally {
      store.close();
    }

    const again = await runInProcess(env);
    expect(again.report).to.include({ status: 'completed', resumed: true });
    expect(importCalls(brevo)).to.have.length(3);
    expect(brevo.state.contacts.size).to.equal(expectedContacts(odoo).size);
  });

  it('--restart abandons an unfinished run and starts from the first partner', async () => {
    brevo.faults.failNextImports(1);
    const env = syncEnv(odoo, brevo, databasePath);
    expect((await runInProcess(env)).report.status).to.equal('failed');
    const restarted = await runInProcess(env, { mode: 'restart' });
    expect(restarted.report).to.include({ status: 'completed', resumed: false, invocations: 1 });
    expect(restarted.report.partnersRead).to.equal((await runInProcess(env, { dryRun: true })).report.partnersRead);
  });

  it('records each invocation in the runs table', async () => {
    await runInProcess(syncEnv(odoo, brevo, databasePath));
    const store = openStore(databasePath);
    try {
      const rows = store.db.prepare(`SELECT kind, status, report FROM runs WHERE kind = 'initial_sync'`).all() as Array<{ kind: string; status: string; report: string }>;
      expect(rows).to.have.length(1);
      expect(rows[0].status).to.equal('completed');
      expect(JSON.parse(rows[0].report)).to.include({ status: 'completed', partnersRead: expectedRead(odoo), contactsImported: expectedContacts(odoo).size });
      // A finished run leaves no scratch rows behind.
      for (const table of ['initial_sync_identifiers', 'initial_sync_contacts', 'import_completions']) {
        expect(store.db.prepare(`SELECT COUNT(*) FROM ${table}`).pluck().get(), table).to.equal(0);
      }
    } finally {
      store.close();
    }
  });
});
