/**
 * Bursts: above the threshold the outbox drains through Brevo imports, in-process against the fake Odoo (XML-RPC) and
 * the fake Brevo (HTTP) on loopback.
 */
import { expect } from 'chai';
import { drained, startHarness, type Harness } from '../helpers/harness.js';
import { contactHash } from '../../src/outbound/contact-hash.js';
import {
  bodyOf, contactsByExtId, createPartners, importCalls, processPolls, singleContactCalls, startBurstHarness, THRESHOLD,
} from './burst-support.js';

describe('outbox bursts (integration)', function () {
  this.timeout(90_000);
  let h: Harness;
  afterEach(() => h?.stop());

  const importedRows = () => importCalls(h.brevo).flatMap((c) => bodyOf(c).jsonBody);

  it('drains above the threshold with one import per chunk, to the contacts the per-partner path makes', async () => {
    const chunkBytes = 6000;
    h = await startBurstHarness({ config: { initialSync: { chunkBytes } } });
    const partners = createPartners(h.odoo, 60);
    h.sidecar.enqueuer.enqueue(partners.all, { source: 'test' });
    await drained(h.sidecar);

    expect(singleContactCalls(h.brevo), 'no call per contact').to.have.length(0);
    const imports = importCalls(h.brevo);
    // One call per chunk: each import is its own process, and every contact travels exactly once.
    expect(imports.length).to.be.greaterThan(2);
    expect(imports.every((c) => c.status === 202)).to.equal(true);
    expect(h.brevo.state.processes.size).to.equal(imports.length);
    for (const call of imports) expect(Buffer.byteLength(JSON.stringify(call.body))).to.be.at.most(chunkBytes);
    const extIds = importedRows().map((row) => String(row.attributes.EXT_ID));
    expect(extIds.sort()).to.deep.equal(partners.expected.map(String).sort());
    // Blocklisted contacts travel apart, flagged.
    const flagged = imports.filter((c) => bodyOf(c).emailBlacklist === true).flatMap((c) => bodyOf(c).jsonBody.map((r) => Number(r.attributes.EXT_ID)));
    expect(flagged.sort()).to.deep.equal([...partners.blocklisted].sort());

    const viaBurst = contactsByExtId(h.brevo);
    expect([...viaBurst.keys()].sort()).to.deep.equal(partners.expected.map(String).sort());
    expect(viaBurst.get(String(partners.expected[1]))).to.deep.include({ email: 'p.person0@example.com', emailBlacklisted: false, listIds: [2] });
    expect(viaBurst.get(String(partners.expected[1]))!.attributes).to.include({
      // A contact of the company: Odoo gives it the company's address.
      FIRSTNAME: 'Person0', LASTNAME: 'Family p', COMPANY: 'p Acme SARL', TAGS: 'p-lead,p-vip', CITY: 'Lyon', SMS: '33610345600', COUNTRY: 'France',
    });
    for (const id of partners.blocklisted) expect(viaBurst.get(String(id))!.emailBlacklisted).to.equal(true);
    expect(h.sidecar.store.deadLetters.count()).to.equal(0);

    // The same partners through the per-partner path, on a fresh pair of fakes: the same contacts.
    const reference = await startHarness({ config: { outbound: { burstThreshold: 10_000, pacing: { intervalCap: 9, intervalMs: 1000 } } } });
    try {
      const same = createPartners(reference.odoo, 60);
      expect(same.all).to.deep.equal(partners.all);
      reference.sidecar.enqueuer.enqueue(same.all, { source: 'test' });
      await drained(reference.sidecar);
      expect(importCalls(reference.brevo)).to.have.length(0);
      expect(viaBurst).to.deep.equal(contactsByExtId(reference.brevo));
    } finally {
      await reference.stop();
    }
  });

  it('records what it sent: the same partners again cost zero Brevo calls', async () => {
    h = await startBurstHarness();
    const partners = createPartners(h.odoo, 40);
    h.sidecar.enqueuer.enqueue(partners.all, { source: 'test' });
    await drained(h.sidecar);

    for (const id of partners.expected) {
      const state = h.sidecar.store.partners.get(id)!;
      expect(state.contactHash, `hash of ${id}`).to.equal(contactHash(state.contact!));
      expect(state.readWriteDate).to.be.a('string');
    }
    const skips = partners.all.filter((id) => !partners.expected.includes(id)).map((id) => h.sidecar.store.partners.get(id)!.skipReason);
    expect(skips).to.deep.equal(['duplicate_email', 'invalid_email', 'archived']);
    expect(h.sidecar.store.partners.get(partners.all.at(-3)!)!.duplicateOf).to.equal(partners.expected[1]);

    const before = h.brevo.calls.length;
    h.sidecar.enqueuer.enqueue(partners.all, { source: 'test' });
    await drained(h.sidecar);
    expect(h.brevo.calls.slice(before)).to.have.length(0);
  });

  it('sends a mass re-tag as one import; an e-mail change and a cleared value keep their own call', async () => {
    h = await startBurstHarness();
    const partners = createPartners(h.odoo, 40);
    h.sidecar.enqueuer.enqueue(partners.all, { source: 'test' });
    await drained(h.sidecar);
    // person0 moves to a new address (its twin, skipped so far, now owns the old one); person4 loses its city.
    const [, moved, , , , cleared] = partners.expected;
    const twin = partners.all.at(-3)!;
    expect(h.odoo.store.read('res.partner', [cleared], ['city'])[0].city).to.equal('Paris');
    const brevoIdOfMoved = h.brevo.contactByExtId(String(moved))!.id;

    const retag = h.odoo.store.create('res.partner.category', { name: 'spring-campaign' });
    h.odoo.store.write('res.partner', partners.all, { category_id: [[4, retag]] });
    h.odoo.store.write('res.partner', [moved], { email: 'moved@example.org' });
    h.odoo.store.write('res.partner', [cleared], { city: false, zip: false });
    const from = h.brevo.calls.length;
    h.sidecar.enqueuer.enqueue(partners.all, { source: 'test' });
    await drained(h.sidecar);

    const calls = h.brevo.calls.slice(from);
    const imports = calls.filter((c) => c.path === '/v3/contacts/import');
    expect(imports).to.have.length(2); // the blocklisted contacts' chunk, and the others'
    const rows = imports.flatMap((c) => bodyOf(c).jsonBody.map((r) => Number(r.attributes.EXT_ID)));
    expect(rows.sort((a, b) => a - b)).to.deep.equal([...partners.expected.filter((id) => id !== moved && id !== cleared), twin]);
    const own = calls.filter((c) => c.method === 'PUT').map((c) => c.path);
    expect(own.sort()).to.deep.equal([`/v3/contacts/${moved}`, `/v3/contacts/${cleared}`].sort());

    for (const id of [...partners.expected, twin]) expect(String(h.brevo.contactByExtId(String(id))!.attributes.TAGS)).to.contain('spring-campaign');
    expect(h.brevo.contactByExtId(String(moved))).to.deep.include({ id: brevoIdOfMoved, email: 'moved@example.org' });
    expect(h.brevo.contactByExtId(String(twin))).to.deep.include({ email: 'p.person0@example.com' });
    expect(h.brevo.contactByExtId(String(cleared))!.attributes).not.to.have.any.keys('CITY', 'POSTAL_CODE');
    expect(h.sidecar.store.deadLetters.count()).to.equal(0);
  });

  it('uses the per-partner path at or below the threshold', async () => {
    h = await startBurstHarness();
    const partners = createPartners(h.odoo, THRESHOLD - 5);
    expect(partners.all.length).to.be.at.most(THRESHOLD);
    h.sidecar.enqueuer.enqueue(partners.all, { source: 'test' });
    await drained(h.sidecar);
    expect(importCalls(h.brevo)).to.have.length(0);
    expect(singleContactCalls(h.brevo).length).to.be.at.least(partners.expected.length);
    expect([...contactsByExtId(h.brevo).keys()].sort()).to.deep.equal(partners.expected.map(String).sort());
  });

  it('retries a failed import with backoff, then sends it', async () => {
    h = await startBurstHarness();
    const partners = createPartners(h.odoo, 30);
    h.brevo.faults.failNextImports(2, 'Import failed: the file could not be processed');
    h.sidecar.enqueuer.enqueue(partners.all, { source: 'test' });
    await drained(h.sidecar);
    // Two failed attempts of the (blocklisted and other) imports, then one of each that completes.
    expect(importCalls(h.brevo).length).to.be.within(3, 4);
    expect([...contactsByExtId(h.brevo).keys()].sort()).to.deep.equal(partners.expected.map(String).sort());
    expect(h.sidecar.store.deadLetters.count()).to.equal(0);
  });

  it('dead-letters the jobs of an import that keeps failing, with the reason', async () => {
    h = await startBurstHarness({ config: { outbound: { retry: { attempts: 3, minTimeoutMs: 20, maxTimeoutMs: 100, factor: 2 } } } });
    const partners = createPartners(h.odoo, 30);
    const normal = partners.expected.filter((id) => !partners.blocklisted.includes(id));
    h.sidecar.enqueuer.enqueue(normal, { source: 'test' });
    h.brevo.faults.failNextImports(3, 'Import failed: the file could not be processed');
    await drained(h.sidecar);

    expect(importCalls(h.brevo)).to.have.length(3);
    expect(h.brevo.state.contacts.size).to.equal(0);
    const letters = h.sidecar.store.deadLetters.list();
    expect(letters.map((l) => Number(l.key)).sort((a, b) => a - b)).to.deep.equal(normal);
    for (const letter of letters) {
      expect(letter).to.deep.include({ kind: 'push_partner', errorCode: 'import_failed', errorMessage: 'Import failed: the file could not be processed', attempts: 3 });
    }
  });

  it('dead-letters at once the jobs of an import Brevo refuses (4xx), with its answer', async () => {
    h = await startBurstHarness();
    const partners = createPartners(h.odoo, 30);
    h.brevo.faults.failNext(1, 400, { code: 'invalid_parameter', message: 'Invalid list ids: 2' });
    h.sidecar.enqueuer.enqueue(partners.expected.filter((id) => !partners.blocklisted.includes(id)), { source: 'test' });
    await drained(h.sidecar);
    expect(importCalls(h.brevo)).to.have.length(1);
    const letters = h.sidecar.store.deadLetters.list();
    expect(letters.length).to.be.greaterThan(THRESHOLD);
    expect(letters[0]).to.deep.include({ errorStatus: 400, errorCode: 'invalid_parameter', errorMessage: 'Invalid list ids: 2', attempts: 1 });
  });

  it('sends one by one the rows Brevo skipped: an address and a phone number owned by two contacts', async () => {
    h = await startBurstHarness();
    const partners = createPartners(h.odoo, 30);
    const person0 = partners.expected[1];
    expect(h.odoo.store.read('res.partner', [person0], ['mobile'])[0].mobile).to.equal('06 10 34 56 00');
    // Made in Brevo by hand: a contact with person0's address, another with its phone number.
    const byHand = h.brevo.state.addContact({ email: 'p.person0@example.com' });
    const switchboard = h.brevo.state.addContact({ email: 'switchboard@elsewhere.example.com', attributes: { SMS: '+33610345600' } });
    h.sidecar.enqueuer.enqueue(partners.all, { source: 'test' });
    await drained(h.sidecar);

    const report = [...h.brevo.state.processes.values()].map((p) => p.report!);
    expect(report.flatMap((r) => r.duplicatePhones)).to.deep.equal(['p.person0@example.com']);
    // Its own call adopts the contact with the address, and leaves the number to the contact that has it.
    const contact = h.brevo.contactByExtId(String(person0))!;
    expect(contact.id).to.equal(byHand.id);
    expect(contact.attributes).to.include({ FIRSTNAME: 'Person0' });
    expect(contact.attributes).not.to.have.property('SMS');
    expect(h.brevo.contactByEmail('switchboard@elsewhere.example.com')).to.deep.include({ id: switchboard.id, attributes: { SMS: '33610345600' } });
    expect(h.brevo.state.contacts.size).to.equal(partners.expected.length + 1);
    expect(h.sidecar.store.partners.get(person0)!.contactHash).to.be.a('string');
    expect(h.sidecar.store.deadLetters.count()).to.equal(0);
  });

  it('waits for the notifyUrl callback when the sidecar has a public URL, then reads the process once', async () => {
    h = await startBurstHarness({ publicUrl: true });
    const partners = createPartners(h.odoo, 30);
    h.sidecar.enqueuer.enqueue(partners.all, { source: 'test' });
    await drained(h.sidecar);
    const imports = importCalls(h.brevo);
    expect(imports).to.have.length(2);
    for (const [i, call] of imports.entries()) {
      expect(bodyOf(call).notifyUrl).to.match(new RegExp(`^${h.url}/brevo/burst-done/[\\w-]{32}\\?chunk=${i + 1}$`));
    }
    for (const process of h.brevo.state.processes.values()) expect(process.notify?.status).to.equal(200);
    expect(processPolls(h.brevo)).to.have.length(imports.length);
    expect([...contactsByExtId(h.brevo).keys()].sort()).to.deep.equal(partners.expected.map(String).sort());
    const stale = await fetch(bodyOf(imports[0]).notifyUrl!, { method: 'POST' });
    expect(stale.status).to.equal(404);
    const metrics = await (await fetch(`${h.url}/metrics`)).text();
    expect(metrics).to.match(/^sidecar_bursts_total 1$/m);
    expect(metrics).to.match(new RegExp(`^sidecar_burst_jobs_total\\{outcome="imported"\\} ${partners.expected.length}$`, 'm'));
  });
});
