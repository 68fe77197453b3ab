/**
 * What an import does to the account, row by row, for a body mixing every case the import path distinguishes:
 * new contacts, existing ones found by e-mail, by EXT_ID or by phone, a blocklisted chunk, rows skipped and reported.
 * Written against the contact-by-contact implementation, kept as the contract of the one-pass one.
 */
import { expect } from 'chai';
import { DEFAULT_ATTRIBUTES } from './attribute-registry.js';
import { contactToWire } from './contact-json.js';
import { startFakeBrevo, type FakeBrevo, type FakeImportReport } from './index.js';
import { client } from './raw-client.js';

const ATTRIBUTES = [
  ...DEFAULT_ATTRIBUTES,
  { name: 'CITY', category: 'normal', type: 'text' },
  { name: 'SCORE', category: 'normal', type: 'float' },
  { name: 'VIP', category: 'normal', type: 'boolean' },
  { name: 'BIRTHDAY', category: 'normal', type: 'date' },
  { name: 'ORDERS', category: 'calculated', type: 'float' },
];

/** A contact as the API shows it, without its timestamps. */
function shown(fake: FakeBrevo, id: number): Record<string, unknown> {
  const { createdAt: _c, modifiedAt: _m, ...rest } = contactToWire(fake.state.contacts.get(id)!);
  return rest;
}

const NOTHING_REPORTED: FakeImportReport = {
  rows: 0, created: 0, updated: 0, skipped: 0, invalidEmails: [], duplicateEmails: [], duplicateExtIds: [], conflicts: 0,
  duplicatePhones: [], duplicateWhatsapps: [], duplicateLandlines: [], duplicateContacts: [],
};

describe('fake Brevo: what an import applies', () => {
  let fake: FakeBrevo;
  let api: ReturnType<typeof client>;

  before(async () => {
    fake = await startFakeBrevo({
      importDelayMs: 5,
      attributes: ATTRIBUTES,
      lists: [{ id: 2, name: 'Newsletter' }, { id: 3, name: 'Customers' }],
      rateLimits: { contactsPerSecond: 1000, otherPerHour: 1000 },
    });
    api = client(fake.baseUrl);
  });
  beforeEach(() => fake.reset());
  after(() => fake.close());

  /** Posts one import, waits for it, and returns its report. */
  async function runImport(body: Record<string, unknown>): Promise<FakeImportReport> {
    const res = await api('POST', '/contacts/import', { body });
    expect(res.status, JSON.stringify(res.body)).to.equal(202);
    await fake.importsIdle();
    const process = fake.state.processes.get(res.body.processId)!;
    expect(process.status, process.error).to.equal('completed');
    return process.report!;
  }

  function seed() {
    return {
      ann: fake.state.addContact({ email: 'ann@example.com', ext_id: '1', attributes: { FIRSTNAME: 'Ann', LASTNAME: 'Old', SMS: '33611111111' }, listIds: [3] }),
      bob: fake.state.addContact({ email: 'bob@example.com', attributes: { FIRSTNAME: 'Bob' }, listUnsubscribed: [2] }),
      carl: fake.state.addContact({ email: 'carl.old@example.com', ext_id: '3', emailBlacklisted: true }),
      dora: fake.state.addContact({ email: 'dora@example.com', attributes: { SMS: '33622222222' } }),
      eve: fake.state.addContact({ email: 'eve@example.com', emailBlacklisted: true }),
      fay: fake.state.addContact({ email: 'fay@example.com' }),
      gus: fake.state.addContact({ email: 'gus@example.com', ext_id: '7' }),
    };
  }

  const MIXED_ROWS = [
    // Existing by e-mail (any case) and EXT_ID: typed values parsed from text, unknown and calculated ones dropped.
    { email: 'ANN@Example.com', attributes: { EXT_ID: '1', LASTNAME: 'New', CITY: 'Paris', SCORE: '12.5', VIP: 'TRUE', BIRTHDAY: '1990-02-03T10:00:00Z', UNKNOWN: 'x', ORDERS: '3', FIRSTNAME: '' } },
    // Existing by e-mail alone: gains an EXT_ID and a phone; joining list 2 lifts its unsubscription from it.
    { email: 'bob@example.com', attributes: { EXT_ID: '2', SMS: '+33 6 33 33 33 33' } },
    // Existing by EXT_ID: the e-mail changes, which lifts the blocklist.
    { email: 'carl@example.com', attributes: { EXT_ID: '3' } },
    // New: a phone that is no phone and a score that is no number are dropped, the row is kept.
    { email: 'new@example.com', attributes: { EXT_ID: '10', FIRSTNAME: 'Nina', SMS: 'not a phone', SCORE: 'abc' } },
    { email: 'not-an-email', attributes: { EXT_ID: '11' } },
    { attributes: { FIRSTNAME: 'NoId' } },
    { email: 'new@example.com', attributes: { EXT_ID: '12' } },
    { email: 'other@example.com', attributes: { EXT_ID: '10' } },
    // Known limit: a phone alone identifies a contact, which then takes the new e-mail and EXT_ID.
    { email: 'dora2@example.com', attributes: { EXT_ID: '13', SMS: '33622222222' } },
    // E-mail of one contact, phone of another.
    { email: 'eve@example.com', attributes: { EXT_ID: '14', SMS: '0033611111111' } },
    // E-mail of one contact, EXT_ID of another.
    { email: 'fay@example.com', attributes: { EXT_ID: '7' } },
    { email: ' Hal@Example.com ', attributes: { EXT_ID: '15', 'DOUBLE_OPT-IN': 'Yes' } },
  ];

  it('applies a mixed body: creates, updates by e-mail, EXT_ID or phone, and reports what it skipped', async () => {
    const s = seed();
    const untouched = [s.eve, s.fay, s.gus].map((c) => [c.id, shown(fake, c.id)] as const);
    const report = await runImport({ listIds: [2], updateExistingContacts: true, emptyContactsAttributes: false, jsonBody: MIXED_ROWS });
    expect(report).to.deep.equal({
      ...NOTHING_REPORTED,
      rows: 12,
      created: 2,
      updated: 4,
      invalidEmails: ['not-an-email', ''],
      duplicateEmails: ['new@example.com'],
      duplicateExtIds: ['10'],
      conflicts: 2,
      duplicatePhones: ['eve@example.com'],
      duplicateContacts: ['fay@example.com'],
    });
    const flags = { emailBlacklisted: false, smsBlacklisted: false, whatsappBlacklisted: false };
    expect(shown(fake, s.ann.id)).to.deep.equal({
      email: 'ann@example.com', id: s.ann.id, ...flags, listIds: [3, 2], listUnsubscribed: [],
      attributes: { FIRSTNAME: 'Ann', LASTNAME: 'New', SMS: '33611111111', CITY: 'Paris', SCORE: 12.5, VIP: true, BIRTHDAY: '1990-02-03', EXT_ID: '1' },
    });
    expect(shown(fake, s.bob.id)).to.deep.equal({
      email: 'bob@example.com', id: s.bob.id, ...flags, listIds: [2], listUnsubscribed: [],
      attributes: { FIRSTNAME: 'Bob', SMS: '33633333333', EXT_ID: '2' },
    });
    expect(shown(fake, s.carl.id)).to.deep.equal({
      email: 'carl@example.com', id: s.carl.id, ...flags, listIds: [2], listUnsubscribed: [], attributes: { EXT_ID: '3' },
    });
    expect(shown(fake, s.dora.id)).to.deep.equal({
      email: 'dora2@example.com', id: s.dora.id, ...flags, listIds: [2], listUnsubscribed: [], attributes: { SMS: '33622222222', EXT_ID: '13' },
    });
    // The rows that matched two contacts changed neither.
    for (const [id, before] of untouched) expect(shown(fake, id)).to.deep.equal(before);
    const nina = fake.contactByEmail('new@example.com')!;
    expect(shown(fake, nina.id)).to.deep.equal({
      email: 'new@example.com', id: nina.id, ...flags, listIds: [2], listUnsubscribed: [], attributes: { FIRSTNAME: 'Nina', EXT_ID: '10' },
    });
    const hal = fake.contactByExtId('15')!;
    expect(shown(fake, hal.id)).to.deep.equal({
      email: 'hal@example.com', id: hal.id, ...flags, listIds: [2], listUnsubscribed: [], attributes: { 'DOUBLE_OPT-IN': 1, EXT_ID: '15' },
    });
    expect(fake.state.contacts.size).to.equal(9);
    // Every identifier still finds its contact after the import.
    expect(fake.state.findBy('SMS', '+33633333333')?.id).to.equal(s.bob.id);
    expect(fake.state.findBy('email', 'carl.old@example.com')).to.equal(undefined);
    expect(fake.state.findBy('email', 'dora@example.com')).to.equal(undefined);
    expect(fake.state.findBy('ext_id', '13')?.id).to.equal(s.dora.id);
  });

  it('leaves the request it was given as it was sent (the call log and the process keep it)', async () => {
    seed();
    const body = { listIds: [2], jsonBody: MIXED_ROWS };
    const res = await api('POST', '/contacts/import', { body });
    await fake.importsIdle();
    const sent = JSON.parse(JSON.stringify(body));
    expect(fake.state.processes.get(res.body.processId)!.request).to.deep.equal(sent);
    expect(fake.calls.find((c) => c.path === '/v3/contacts/import')!.body).to.deep.equal(sent);
  });

  it('blocklists every row of an emailBlacklist chunk, new and existing, and adds its lists', async () => {
    const s = seed();
    const report = await runImport({
      listIds: [3], emailBlacklist: true,
      jsonBody: [{ email: 'bob@example.com', attributes: { CITY: 'Lyon' } }, { email: 'ivy@example.com', attributes: { EXT_ID: '16' } }],
    });
    expect(report).to.deep.equal({ ...NOTHING_REPORTED, rows: 2, created: 1, updated: 1 });
    expect(fake.contactByEmail('bob@example.com')).to.deep.include({ emailBlacklisted: true, listIds: [3], listUnsubscribed: [2], attributes: { FIRSTNAME: 'Bob', CITY: 'Lyon' } });
    expect(fake.contactByExtId('16')).to.deep.include({ email: 'ivy@example.com', emailBlacklisted: true, listIds: [3], attributes: {} });
    // Without the flag, an import leaves a blocklisted contact blocklisted.
    await runImport({ listIds: [2], jsonBody: [{ email: 'eve@example.com', attributes: { FIRSTNAME: 'Eve' } }] });
    expect(fake.contactByEmail('eve@example.com')).to.deep.include({ emailBlacklisted: true, listIds: [2], attributes: { FIRSTNAME: 'Eve' } });
    expect(s.eve.id).to.equal(fake.contactByEmail('eve@example.com')!.id);
  });

  it('skips existing contacts without updateExistingContacts, and erases only with emptyContactsAttributes', async () => {
    const s = seed();
    const skipped = await runImport({
      listIds: [2], updateExistingContacts: false, emptyContactsAttributes: true,
      jsonBody: [{ email: 'ann@example.com', attributes: { LASTNAME: '' } }, { email: 'jay@example.com', attributes: { CITY: '', FIRSTNAME: 'Jay', SMS: '' } }],
    });
    expect(skipped).to.deep.equal({ ...NOTHING_REPORTED, rows: 2, created: 1, skipped: 1 });
    expect(fake.contactByEmail('ann@example.com')!.attributes.LASTNAME).to.equal('Old');
    expect(fake.contactByEmail('jay@example.com')).to.deep.include({ attributes: { FIRSTNAME: 'Jay' }, listIds: [2] });

    const erased = await runImport({ listIds: [2], emptyContactsAttributes: true, jsonBody: [{ email: 'ann@example.com', attributes: { LASTNAME: '', SMS: '', EXT_ID: '' } }] });
    expect(erased).to.deep.equal({ ...NOTHING_REPORTED, rows: 1, updated: 1 });
    expect(shown(fake, s.ann.id)).to.deep.equal({
      email: 'ann@example.com', id: s.ann.id, emailBlacklisted: false, smsBlacklisted: false, whatsappBlacklisted: false,
      listIds: [3, 2], listUnsubscribed: [], attributes: { FIRSTNAME: 'Ann' },
    });
    expect(fake.state.findBy('SMS', '33611111111')).to.equal(undefined);
    expect(fake.state.findBy('ext_id', '1')).to.equal(undefined);
  });

  it('applies the same rows from a CSV fileBody', async () => {
    const s = seed();
    const report = await runImport({
      listIds: [2],
      fileBody: 'EMAIL;EXT_ID;LASTNAME;SCORE;SMS\nann@example.com;1;Csv;7;\nnew@example.com;10;Neu;x;+33 6 44 44 44 44\nnew@example.com;12;Again;;',
    });
    expect(report).to.deep.equal({ ...NOTHING_REPORTED, rows: 3, created: 1, updated: 1, duplicateEmails: ['new@example.com'] });
    expect(fake.state.contacts.get(s.ann.id)!.attributes).to.deep.equal({ FIRSTNAME: 'Ann', LASTNAME: 'Csv', SMS: '33611111111', SCORE: 7 });
    expect(fake.contactByExtId('10')).to.deep.include({ email: 'new@example.com', attributes: { SMS: '33644444444', LASTNAME: 'Neu' } });
  });
});
