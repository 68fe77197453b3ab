/**
 * The outbound flow end to end, in-process, against the fake Odoo (XML-RPC) and the fake Brevo (HTTP) on loopback.
 */
import { expect } from 'chai';
import { startHarness, waitFor, drained, postJson, HOOK_SECRET, BREVO_KEY, type Harness } from '../helpers/harness.js';

const FIELDS = { name: 'Zoë Ångström', email: 'Zoe.Angstrom@Example.com', phone: '06 12 34 56 78', city: 'Lyon', zip: '69001' };

describe('outbound flow (integration)', function () {
  this.timeout(30_000);
  let h: Harness;
  let countryFr: number;

  beforeEach(async () => {
    h = await startHarness();
    [countryFr] = h.odoo.store.search('res.country', [['code', '=', 'FR']]);
  });
  afterEach(() => h.stop());

  const createPartner = (vals: Record<string, unknown> = {}) => h.odoo.store.create('res.partner', { ...FIELDS, country_id: countryFr, ...vals });
  const push = (ids: number[]) => postJson(`${h.url}/hooks/odoo/${HOOK_SECRET}`, { ids });
  const contactCalls = () => h.apiCalls().filter((c) => c.path.startsWith('/v3/contacts') && c.path !== '/v3/contacts/attributes');
  async function sync(ids: number[]) {
    expect((await push(ids)).status).to.equal(202);
    await drained(h.sidecar);
  }

  it('creates a contact with the mapped attributes, ext_id and lists', async () => {
    const id = createPartner();
    await sync([id]);
    const contact = h.brevo.contactByExtId(String(id));
    expect(contact, 'contact in Brevo').to.exist;
    expect(contact!.email).to.equal('zoe.angstrom@example.com');
    expect(contact!.listIds).to.deep.equal([2]);
    // Sent in E.164; Brevo stores SMS as digits.
    expect(contact!.attributes).to.include({ FIRSTNAME: 'Zoë', LASTNAME: 'Ångström', SMS: '33612345678', CITY: 'Lyon', POSTAL_CODE: '69001', COUNTRY: 'France' });
    expect((contactCalls()[0].body as { attributes: Record<string, string> }).attributes.SMS).to.equal('+33612345678');
    expect(h.sidecar.store.deadLetters.count()).to.equal(0);
  });

  it('updates the same contact through ext_id on a change, including an e-mail change', async () => {
    const id = createPartner();
    await sync([id]);
    const brevoId = h.brevo.contactByExtId(String(id))!.id;
    h.odoo.store.write('res.partner', [id], { city: 'Paris', email: 'zoe.new@example.com' });
    await sync([id]);
    const contact = h.brevo.contactByExtId(String(id))!;
    expect(contact.id).to.equal(brevoId);
    expect(contact.email).to.equal('zoe.new@example.com');
    expect(contact.attributes).to.include({ CITY: 'Paris' });
    expect(h.brevo.contactByEmail('zoe.angstrom@example.com')).to.equal(undefined);
    const last = contactCalls().at(-1)!;
    expect(last.method).to.equal('PUT');
    expect(last.query).to.include({ identifierType: 'ext_id' });
  });

  it('finds changed partners by write_date in the cron scan', async () => {
    const id = createPartner();
    await h.sidecar.incrementalSync();
    await drained(h.sidecar);
    expect(h.brevo.contactByExtId(String(id))).to.exist;
  });

  it('costs zero Brevo calls for an unchanged partner and for an engagement-only write', async () => {
    const id = createPartner();
    await sync([id]);
    const before = contactCalls().length;
    await sync([id]);
    h.odoo.store.write('res.partner', [id], { message_bounce: 3 });
    await sync([id]);
    await h.sidecar.incrementalSync();
    await drained(h.sidecar);
    expect(contactCalls().length).to.equal(before);
  });

  it('sends an Odoo opt-out as emailBlacklisted and keeps it through an e-mail change', async () => {
    const id = createPartner();
    await sync([id]);
    await h.sidecar.blacklistPoll(); // first poll: nothing blacklisted yet
    h.odoo.store.create('mail.blacklist', { email: ' ZOE.Angstrom@example.com ' });
    const poll = await h.sidecar.blacklistPoll();
    expect(poll.enqueued).to.equal(1);
    await drained(h.sidecar);
    expect(h.brevo.contactByExtId(String(id))!.emailBlacklisted).to.equal(true);

    h.odoo.store.create('mail.blacklist', { email: 'zoe.moved@example.com' });
    h.odoo.store.write('res.partner', [id], { email: 'zoe.moved@example.com' });
    await sync([id]);
    const contact = h.brevo.contactByExtId(String(id))!;
    expect(contact.email).to.equal('zoe.moved@example.com');
    expect(contact.emailBlacklisted, 're-asserted after the e-mail change').to.equal(true);
    expect(h.apiCalls().some((c) => (c.body as { emailBlacklisted?: boolean } | undefined)?.emailBlacklisted === false)).to.equal(false);
  });

  it('sends one contact for partners sharing an e-mail: the lowest id wins, the others are recorded', async () => {
    const first = createPartner({ email: 'shared@example.com' });
    const second = createPartner({ name: 'Other Person', email: 'Shared@Example.com' });
    await sync([second, first]);
    expect(h.brevo.contactByEmail('shared@example.com')!.ext_id).to.equal(String(first));
    expect(h.brevo.contactByExtId(String(second))).to.equal(undefined);
    expect(h.sidecar.store.partners.get(second)).to.deep.include({ skipReason: 'duplicate_email', duplicateOf: first });
  });

  it('sends a contact without its phone when the number already belongs to another contact', async () => {
    const first = createPartner({ email: 'reception@example.com' });
    const second = createPartner({ name: 'Colleague', email: 'colleague@example.com' });
    await sync([first]);
    await sync([second]);
    expect(h.brevo.contactByExtId(String(first))!.attributes.SMS).to.equal('33612345678');
    const colleague = h.brevo.contactByExtId(String(second))!;
    expect(colleague.attributes).not.to.have.property('SMS');
    expect(colleague.attributes).to.include({ FIRSTNAME: 'Colleague' });
    expect(h.sidecar.store.deadLetters.count()).to.equal(0);
  });

  it('adopts a contact that already exists in Brevo with the e-mail, instead of creating a second one', async () => {
    const existing = h.brevo.state.addContact({ email: 'zoe.angstrom@example.com', attributes: { FIRSTNAME: 'Z.' }, emailBlacklisted: true });
    const id = createPartner();
    await sync([id]);
    expect(h.brevo.state.contacts.size).to.equal(1);
    const contact = h.brevo.contactByExtId(String(id))!;
    expect(contact.id).to.equal(existing.id);
    expect(contact.attributes).to.include({ FIRSTNAME: 'Zoë' });
    expect(contact.emailBlacklisted, 'an opt-out made in Brevo survives').to.equal(true);
  });

  it('recreates a contact deleted in Brevo since it was sent', async () => {
    const id = createPartner();
    await sync([id]);
    h.brevo.state.deleteContact(h.brevo.contactByExtId(String(id))!.id);
    h.odoo.store.write('res.partner', [id], { city: 'Nice' });
    await sync([id]);
    expect(h.brevo.contactByExtId(String(id))!.attributes).to.include({ CITY: 'Nice' });
  });

  it('skips partners without a valid e-mail, with the reason recorded, and no call', async () => {
    const none = createPartner({ email: false });
    const bad = createPartner({ email: 'not an email' });
    await sync([none, bad]);
    expect(contactCalls()).to.have.length(0);
    expect(h.sidecar.store.partners.get(none)?.skipReason).to.equal('no_email');
    expect(h.sidecar.store.partners.get(bad)?.skipReason).to.equal('invalid_email');
  });

  it('retries a 5xx burst and delivers, with no dead letter', async () => {
    const id = createPartner();
    h.brevo.faults.failNext(3, 503);
    await sync([id]);
    expect(h.brevo.contactByExtId(String(id))).to.exist;
    expect(h.sidecar.store.deadLetters.count()).to.equal(0);
    expect(h.apiCalls().filter((c) => c.status === 503)).to.have.length(3);
  });

  it('dead-letters a 400 at once with Brevo\'s error, and delivers the other partners', async () => {
    const bad = createPartner();
    const good = createPartner({ email: 'fine@example.com' });
    h.brevo.faults.failNext(1, 400, { code: 'invalid_parameter', message: 'attributes should be an object' });
    await sync([bad]);
    await sync([good]);
    const [letter] = h.sidecar.store.deadLetters.list();
    expect(letter).to.deep.include({ key: String(bad), errorStatus: 400, errorCode: 'invalid_parameter', errorMessage: 'attributes should be an object', attempts: 1 });
    expect(h.brevo.contactByExtId(String(good))).to.exist;
  });

  it('waits out a 429 for x-sib-ratelimit-reset without spending attempts', async () => {
    await h.stop();
    h = await startHarness({ config: { outbound: { retry: { attempts: 1, minTimeoutMs: 20, maxTimeoutMs: 200, factor: 2 } } } });
    const id = h.odoo.store.create('res.partner', { ...FIELDS });
    h.brevo.faults.rateLimitNext(1, 2);
    await sync([id]);
    const calls = contactCalls();
    const limited = calls.find((c) => c.status === 429)!;
    const next = calls.find((c) => c.at > limited.at)!;
    expect(next.at - limited.at).to.be.at.least(1900);
    expect(h.brevo.contactByExtId(String(id))).to.exist;
    expect(h.sidecar.store.deadLetters.count()).to.equal(0);
  });

  it('pauses on a revoked key, reports unready, dead-letters nothing, and resumes when the key works again', async () => {
    const id = createPartner();
    h.brevo.faults.revokeKey(BREVO_KEY);
    await push([id]);
    await waitFor(() => h.sidecar.pacer.authPaused, 5000, 'the auth pause');
    const ready = await fetch(`${h.url}/readyz`);
    expect(ready.status).to.equal(503);
    expect(((await ready.json()) as { failing: string[] }).failing).to.include('brevo');
    expect(h.sidecar.store.deadLetters.count()).to.equal(0);
    h.brevo.faults.restoreKey(BREVO_KEY);
    await drained(h.sidecar);
    expect(h.brevo.contactByExtId(String(id))).to.exist;
    expect((await fetch(`${h.url}/readyz`)).status).to.equal(200);
  });

  it('paces calls: never more than 5 in any second as they leave, 5 a second overall as Brevo sees them, no 429', async function () {
    this.timeout(30_000);
    // When the pacer lets each call go (the fake shares this process, so what it sees is late by the event loop's delay).
    const left: number[] = [];
    const pacer = h.sidecar.pacer;
    const run = pacer.run.bind(pacer);
    pacer.run = (call) => run(() => (left.push(Date.now()), call()));
    const ids = Array.from({ length: 24 }, (_, i) => createPartner({ email: `pace${i}@example.com`, phone: false }));
    await sync(ids);
    expect(left.length).to.be.at.least(24);
    for (const t of left) expect(left.filter((u) => u >= t && u < t + 1000).length).to.be.at.most(5);
    const seen = contactCalls().map((c) => c.at).sort((a, b) => a - b);
    expect(seen).to.have.length(24);
    expect(seen[seen.length - 1] - seen[0]).to.be.at.least((seen.length - 1) * 200 - 50);
    expect(h.apiCalls().filter((c) => c.status === 429)).to.have.length(0);
  });
});

describe('CRM push endpoint', function () {
  let h: Harness;
  before(async () => { h = await startHarness(); });
  after(() => h.stop());
  const jobs = () => h.sidecar.store.jobs.stats().pending + h.sidecar.store.jobs.stats().running;

  it('refuses a wrong secret with 401 and stores nothing', async () => {
    const res = await postJson(`${h.url}/hooks/odoo/wrong-secret`, { ids: [1] });
    expect(res.status).to.equal(401);
    expect(jobs()).to.equal(0);
  });

  it('refuses malformed bodies, other models and non-JSON with 400/415 and stores nothing', async () => {
    const url = `${h.url}/hooks/odoo/${HOOK_SECRET}`;
    expect((await postJson(url, '{"ids": [1,')).status).to.equal(400);
    expect((await postJson(url, { ids: [] })).status).to.equal(400);
    expect((await postJson(url, { ids: ['1'] })).status).to.equal(400);
    expect((await postJson(url, { _model: 'sale.order', _id: 3 })).status).to.equal(400);
    const text = await fetch(url, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'ids=1' });
    expect(text.status).to.equal(415);
    expect(jobs()).to.equal(0);
  });

  it('accepts Odoo\'s automation payload with 202 and deduplicates on (_id, write_date)', async () => {
    const url = `${h.url}/hooks/odoo/${HOOK_SECRET}`;
    const payload = { _action: 'Send Webhook Notification(#211)', _id: 44, _model: 'res.partner', id: 44, email: 'x@example.com', write_date: '2026-11-22 12:56:42.233720' };
    h.sidecar.worker.stop(0); // keep the jobs in the outbox to look at them
    const first = await postJson(url, payload);
    expect(first).to.deep.equal({ status: 202, body: { queued: 1, duplicates: 0 } });
    const again = await postJson(url, payload);
    expect(again).to.deep.equal({ status: 202, body: { queued: 0, duplicates: 1 } });
    expect(jobs()).to.equal(1);
  });
});
