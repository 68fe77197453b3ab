import { expect } from 'chai';
import { startFakeBrevo, type FakeBrevo } from './index.js';
import { client } from './raw-client.js';

/** Functional suites lift the per-second cap; rate-limits.test.ts covers the real one. */
const RELAXED = { rateLimits: { contactsPerSecond: 1000, otherPerHour: 1000 } };

describe('fake Brevo: contacts', () => {
  let fake: FakeBrevo;
  let api: ReturnType<typeof client>;

  before(async () => {
    fake = await startFakeBrevo(RELAXED);
    api = client(fake.baseUrl);
  });
  beforeEach(() => fake.reset());
  after(() => fake.close());

  describe('createContact', () => {
    it('creates with 201 {id}, stores the email lowercased, indexes email and ext_id', async () => {
      const res = await api('POST', '/contacts', { body: { email: 'Ada@Example.com', ext_id: 'crm-1', listIds: [2] } });
      expect(res.status).to.equal(201);
      expect(res.body).to.deep.equal({ id: 1 });
      expect(fake.contactByEmail('ADA@example.com')?.id).to.equal(1);
      expect(fake.contactByExtId('crm-1')).to.include({ id: 1, email: 'ada@example.com' });
      expect(fake.contactByExtId('crm-1')?.listIds).to.deep.equal([2]);
    });

    it('upserts an existing contact with updateEnabled: 204 and no body', async () => {
      await api('POST', '/contacts', { body: { email: 'a@example.com', attributes: { FIRSTNAME: 'Ada' } } });
      const res = await api('POST', '/contacts', { body: { email: 'A@example.com', updateEnabled: true, attributes: { LASTNAME: 'L' } } });
      expect(res.status).to.equal(204);
      expect(res.body).to.equal(undefined);
      expect(fake.state.contacts.size).to.equal(1);
      expect(fake.contactByEmail('a@example.com')?.attributes).to.deep.equal({ FIRSTNAME: 'Ada', LASTNAME: 'L' });
    });

    it('refuses a duplicate email without updateEnabled: 400 duplicate_parameter with metadata', async () => {
      await api('POST', '/contacts', { body: { email: 'a@example.com' } });
      const res = await api('POST', '/contacts', { body: { email: 'a@example.com' } });
      expect(res.status).to.equal(400);
      expect(res.body).to.deep.equal({
        code: 'duplicate_parameter',
        message: 'Unable to create contact, email is already associated with another Contact',
        metadata: { duplicate_identifiers: ['email'] },
      });
    });

    it('reports a duplicate ext_id the same way', async () => {
      await api('POST', '/contacts', { body: { email: 'a@example.com', ext_id: 'crm-1' } });
      const res = await api('POST', '/contacts', { body: { email: 'b@example.com', ext_id: 'crm-1' } });
      expect(res.status).to.equal(400);
      expect(res.body.metadata).to.deep.equal({ duplicate_identifiers: ['ext_id'] });
    });

    it('uses invalid_parameter when configured so (Brevo since 2026)', async () => {
      const other = await startFakeBrevo({ ...RELAXED, duplicateErrorCode: 'invalid_parameter' });
      try {
        const otherApi = client(other.baseUrl);
        await otherApi('POST', '/contacts', { body: { email: 'a@example.com' } });
        const res = await otherApi('POST', '/contacts', { body: { email: 'a@example.com' } });
        expect(res.status).to.equal(400);
        expect(res.body.code).to.equal('invalid_parameter');
        expect(res.body.metadata.duplicate_identifiers).to.deep.equal(['email']);
      } finally {
        await other.close();
      }
    });

    it('refuses an upsert whose email and ext_id belong to two different contacts', async () => {
      await api('POST', '/contacts', { body: { email: 'a@example.com', ext_id: 'crm-a' } });
      await api('POST', '/contacts', { body: { email: 'b@example.com', ext_id: 'crm-b' } });
      const res = await api('POST', '/contacts', { body: { email: 'a@example.com', ext_id: 'crm-b', updateEnabled: true } });
      expect(res.status).to.equal(400);
      expect(res.body.metadata.duplicate_identifiers).to.deep.equal(['email']);
      expect(fake.contactByExtId('crm-b')?.email).to.equal('b@example.com');
    });

    it('forceMerge keeps the latest-modified contact and deletes the other', async () => {
      await api('POST', '/contacts', { body: { email: 'a@example.com', ext_id: 'crm-a' } });
      await api('POST', '/contacts', { body: { email: 'b@example.com', ext_id: 'crm-b' } });
      const res = await api('POST', '/contacts', { body: { email: 'a@example.com', ext_id: 'crm-b', updateEnabled: true, forceMerge: true, getId: true } });
      expect(res.status).to.equal(200);
      expect(fake.state.contacts.size).to.equal(1);
      expect(fake.contactByExtId('crm-b')?.email).to.equal('a@example.com');
    });

    it('needs an identifier, and existing list ids', async () => {
      const none = await api('POST', '/contacts', { body: { attributes: { FIRSTNAME: 'x' } } });
      expect(none.status).to.equal(400);
      expect(none.body.code).to.equal('missing_parameter');
      const badList = await api('POST', '/contacts', { body: { email: 'a@example.com', listIds: [99] } });
      expect(badList.status).to.equal(400);
      expect(badList.body).to.deep.equal({ code: 'invalid_parameter', message: 'Invalid list ids: 99' });
    });

    it('creates SMS-only contacts, the SMS normalised to digits and unique', async () => {
      const res = await api('POST', '/contacts', { body: { attributes: { SMS: '+33 6 12 34 56 78' } } });
      expect(res.status).to.equal(201);
      const got = await api('GET', '/contacts/0033612345678', { query: { identifierType: 'phone_id' } });
      expect(got.body.attributes.SMS).to.equal('33612345678');
      expect(got.body).to.not.have.property('email');
      const dup = await api('POST', '/contacts', { body: { email: 'x@example.com', attributes: { SMS: '33612345678' } } });
      expect(dup.body.metadata.duplicate_identifiers).to.deep.equal(['SMS']);
    });
  });

  describe('attribute filtering', () => {
    it('drops unknown, lower-case and type-mismatched attributes silently (still 2xx)', async () => {
      const res = await api('POST', '/contacts', {
        body: { email: 'a@example.com', attributes: { FIRSTNAME: 'Ada', firstname: 'low', NOT_THERE: 'x', LASTNAME: 42, 'DOUBLE_OPT-IN': 'Yes' } },
      });
      expect(res.status).to.equal(201);
      expect(fake.contactByEmail('a@example.com')?.attributes).to.deep.equal({ FIRSTNAME: 'Ada', 'DOUBLE_OPT-IN': 1 });
    });

    it('keeps values of attributes created through the API, by type', async () => {
      await api('POST', '/contacts/attributes/normal/score', { body: { type: 'float' } });
      await api('POST', '/contacts/attributes/normal/VIP', { body: { type: 'boolean' } });
      await api('POST', '/contacts/attributes/normal/BIRTHDAY', { body: { type: 'date' } });
      await api('POST', '/contacts', { body: { email: 'a@example.com', attributes: { SCORE: 2.5, VIP: 'yes', BIRTHDAY: '1990-05-02T00:00:00Z' } } });
      expect(fake.contactByEmail('a@example.com')?.attributes).to.deep.equal({ SCORE: 2.5, BIRTHDAY: '1990-05-02' });
    });
  });

  describe('updateContact', () => {
    beforeEach(async () => {
      await api('POST', '/contacts', { body: { email: 'a@example.com', ext_id: 'crm-1', emailBlacklisted: true } });
      await api('POST', '/contacts', { body: { email: 'taken@example.com', ext_id: 'crm-2' } });
    });

    it('updates by ext_id: 204, attributes and lists', async () => {
      const res = await api('PUT', '/contacts/crm-1', { query: { identifierType: 'ext_id' }, body: { attributes: { LASTNAME: 'K' }, listIds: [2] } });
      expect(res.status).to.equal(204);
      expect(fake.contactByExtId('crm-1')).to.deep.include({ listIds: [2], attributes: { LASTNAME: 'K' } });
      const unlink = await api('PUT', '/contacts/crm-1', { query: { identifierType: 'ext_id' }, body: { unlinkListIds: [2] } });
      expect(unlink.status).to.equal(204);
      expect(fake.contactByExtId('crm-1')?.listIds).to.deep.equal([]);
    });

    it('answers 404 document_not_found for an unknown contact', async () => {
      const res = await api('PUT', '/contacts/nobody', { query: { identifierType: 'ext_id' }, body: { attributes: {} } });
      expect(res.status).to.equal(404);
      expect(res.body).to.deep.equal({ code: 'document_not_found', message: 'Contact does not exist' });
    });

    it('changes the email through attributes.EMAIL, which un-blocklists the contact', async () => {
      expect(fake.contactByExtId('crm-1')?.emailBlacklisted).to.equal(true);
      const res = await api('PUT', '/contacts/crm-1', { query: { identifierType: 'ext_id' }, body: { attributes: { EMAIL: 'New@Example.com' } } });
      expect(res.status).to.equal(204);
      const c = fake.contactByExtId('crm-1')!;
      expect(c.email).to.equal('new@example.com');
      expect(c.emailBlacklisted).to.equal(false);
      expect(fake.contactByEmail('a@example.com')).to.equal(undefined);
    });

    it('refuses an email already used by another contact, with duplicate metadata', async () => {
      const res = await api('PUT', '/contacts/a%40example.com', { query: { identifierType: 'email_id' }, body: { attributes: { EMAIL: 'taken@example.com' } } });
      expect(res.status).to.equal(400);
      expect(res.body).to.deep.equal({
        code: 'duplicate_parameter',
        message: 'Unable to update contact, email is already associated with another Contact',
        metadata: { duplicate_identifiers: ['email'] },
      });
    });

    it('falls back to email / contact id without identifierType', async () => {
      expect((await api('PUT', '/contacts/a%40example.com', { body: { smsBlacklisted: true } })).status).to.equal(204);
      expect((await api('PUT', '/contacts/2', { body: { smsBlacklisted: true } })).status).to.equal(204);
      expect((await api('PUT', '/contacts/crm-1', { body: { smsBlacklisted: true } })).status).to.equal(404);
    });
  });

  describe('get, delete, list', () => {
    beforeEach(async () => {
      for (const n of [1, 2, 3]) await api('POST', '/contacts', { body: { email: `c${n}@example.com`, ext_id: `crm-${n}` } });
    });

    it('gets a contact by every identifierType, with empty statistics', async () => {
      const byId = await api('GET', '/contacts/2', { query: { identifierType: 'contact_id' } });
      expect(byId.status).to.equal(200);
      expect(byId.body).to.include({ id: 2, email: 'c2@example.com', emailBlacklisted: false });
      expect(byId.body.attributes).to.deep.equal({ EXT_ID: 'crm-2' });
      expect(byId.body.statistics).to.be.an('object');
      expect((await api('GET', '/contacts/crm-3', { query: { identifierType: 'ext_id' } })).body.id).to.equal(3);
      expect((await api('GET', '/contacts/c1%40example.com', { query: { identifierType: 'email_id' } })).body.id).to.equal(1);
    });

    it('deletes: 204 then 404', async () => {
      expect((await api('DELETE', '/contacts/crm-1', { query: { identifierType: 'ext_id' } })).status).to.equal(204);
      expect((await api('DELETE', '/contacts/crm-1', { query: { identifierType: 'ext_id' } })).status).to.equal(404);
      expect(fake.contactByEmail('c1@example.com')).to.equal(undefined);
    });

    it('pages newest first, filters on modifiedSince', async () => {
      const all = await api('GET', '/contacts', { query: { limit: 2 } });
      expect(all.body.count).to.equal(3);
      expect(all.body.contacts.map((c: { id: number }) => c.id)).to.deep.equal([3, 2]);
      const asc = await api('GET', '/contacts', { query: { limit: 2, offset: 1, sort: 'asc' } });
      expect(asc.body.contacts.map((c: { id: number }) => c.id)).to.deep.equal([2, 3]);
      const future = await api('GET', '/contacts', { query: { modifiedSince: '2999-01-01T00:00:00.000Z' } });
      expect(future.body).to.deep.equal({ contacts: [], count: 0 });
      const bad = await api('GET', '/contacts', { query: { modifiedSince: 'yesterday' } });
      expect(bad.status).to.equal(400);
    });

    it('filters on an attribute with equals()', async () => {
      await api('PUT', '/contacts/crm-2', { query: { identifierType: 'ext_id' }, body: { attributes: { FIRSTNAME: 'Bo' } } });
      const res = await api('GET', '/contacts', { query: { filter: 'equals(FIRSTNAME,"Bo")' } });
      expect(res.body.contacts.map((c: { id: number }) => c.id)).to.deep.equal([2]);
    });
  });
});

describe('fake Brevo: spec validation', () => {
  let fake: FakeBrevo;
  let api: ReturnType<typeof client>;

  before(async () => {
    fake = await startFakeBrevo(RELAXED);
    api = client(fake.baseUrl);
  });
  beforeEach(() => fake.reset());
  after(() => fake.close());

  it('400 invalid_parameter for a wrong type', async () => {
    const res = await api('POST', '/contacts', { body: { email: 'a@example.com', listIds: ['two'] } });
    expect(res.status).to.equal(400);
    expect(res.body).to.deep.equal({ code: 'invalid_parameter', message: 'listIds[0] must be of type integer' });
    expect(fake.state.contacts.size).to.equal(0);
  });

  it('400 for limit over 1000 on GET /contacts and over 50 on GET /contacts/lists', async () => {
    const contacts = await api('GET', '/contacts', { query: { limit: 1001 } });
    expect(contacts.status).to.equal(400);
    expect(contacts.body).to.deep.equal({ code: 'invalid_parameter', message: 'limit must be <= 1000' });
    expect((await api('GET', '/contacts', { query: { limit: 1000 } })).status).to.equal(200);
    expect((await api('GET', '/contacts/lists', { query: { limit: 51 } })).status).to.equal(400);
  });

  it('400 for a bad identifierType', async () => {
    const res = await api('GET', '/contacts/42', { query: { identifierType: 'crm_id' } });
    expect(res.status).to.equal(400);
    expect(res.body.code).to.equal('invalid_parameter');
    expect(res.body.message).to.match(/^identifierType must be one of: email_id/);
  });

  it('400 for snake_case webhook events (payload names are not subscription names)', async () => {
    const res = await api('POST', '/webhooks', { body: { url: 'https://example.com/hook', events: ['hard_bounce'], type: 'marketing' } });
    expect(res.status).to.equal(400);
    expect(res.body.message).to.match(/^events\[0\] must be one of/);
  });

  it('400 missing_parameter for a required field', async () => {
    const res = await api('POST', '/contacts/lists', { body: { name: 'No folder' } });
    expect(res.body).to.deep.equal({ code: 'missing_parameter', message: 'folderId is missing' });
  });

  it('400 for undeclared fields (typos), but accepts the SDK 6 additions', async () => {
    const typo = await api('POST', '/contacts', { body: { email: 'a@example.com', extId: 'crm-1' } });
    expect(typo.body).to.deep.equal({ code: 'invalid_parameter', message: 'extId is not a valid parameter' });
    const sdk6 = await api('POST', '/contacts', { body: { email: 'a@example.com', forceMerge: false, getId: false } });
    expect(sdk6.status).to.equal(201);
  });

  it('400 for more than 150 contacts in one list add', async () => {
    const ids = Array.from({ length: 151 }, (_, i) => i + 1);
    const res = await api('POST', '/contacts/lists/2/contacts/add', { body: { ids } });
    expect(res.body).to.deep.equal({ code: 'invalid_parameter', message: 'ids must NOT have more than 150 items' });
  });

  it('400 for a body that is not JSON, after the key check', async () => {
    const res = await fetch(`${fake.baseUrl}/contacts`, { method: 'POST', headers: { 'api-key': 'xkeysib-test', 'content-type': 'application/json' }, body: '{nope' });
    expect(res.status).to.equal(400);
  });

  it('405 for a known path with another method, 404 for an unknown route', async () => {
    expect((await api('PATCH', '/contacts')).status).to.equal(405);
    expect((await api('GET', '/smtp/emails')).status).to.equal(404);
  });
});

describe('fake Brevo: authentication', () => {
  let fake: FakeBrevo;
  let api: ReturnType<typeof client>;

  before(async () => {
    fake = await startFakeBrevo({ apiKeys: ['xkeysib-test', 'xkeysib-other'] });
    api = client(fake.baseUrl);
  });
  after(() => fake.close());

  it('401 without a key, with an unknown key, and while revoked', async () => {
    for (const key of [null, 'xkeysib-wrong']) {
      const res = await api('GET', '/account', { key });
      expect(res.status).to.equal(401);
      expect(res.body).to.deep.equal({ code: 'unauthorized', message: 'Key not found' });
      expect(res.headers.get('x-sib-ratelimit-limit')).to.equal('100');
    }
    fake.faults.revokeKey('xkeysib-other');
    expect((await api('GET', '/account', { key: 'xkeysib-other' })).status).to.equal(401);
    expect((await api('GET', '/account')).status).to.equal(200);
    fake.faults.restoreKey('xkeysib-other');
    expect((await api('GET', '/account', { key: 'xkeysib-other' })).status).to.equal(200);
  });
});

describe('fake Brevo: attributes, lists, webhooks, account, batch', () => {
  let fake: FakeBrevo;
  let api: ReturnType<typeof client>;

  before(async () => {
    fake = await startFakeBrevo(RELAXED);
    api = client(fake.baseUrl);
  });
  beforeEach(() => fake.reset());
  after(() => fake.close());

  it('lists, creates and deletes attributes', async () => {
    const names = (await api('GET', '/contacts/attributes')).body.attributes.map((a: { name: string }) => a.name);
    expect(names).to.include.members(['EMAIL', 'FIRSTNAME', 'LASTNAME', 'SMS']);
    expect((await api('POST', '/contacts/attributes/normal/ODOO_ID', { body: { type: 'text' } })).status).to.equal(201);
    const again = await api('POST', '/contacts/attributes/normal/ODOO_ID', { body: { type: 'text' } });
    expect(again.body).to.deep.equal({ code: 'invalid_parameter', message: 'Attribute name must be unique' });
    expect((await api('DELETE', '/contacts/attributes/normal/ODOO_ID')).status).to.equal(204);
    expect((await api('DELETE', '/contacts/attributes/normal/ODOO_ID')).status).to.equal(404);
  });

  it('creates lists, adds existing contacts with success/failure, 404 for an unknown list', async () => {
    const created = await api('POST', '/contacts/lists', { body: { name: 'Customers', folderId: 1 } });
    expect(created.status).to.equal(201);
    const id = created.body.id as number;
    await api('POST', '/contacts', { body: { email: 'a@example.com' } });
    const add = await api('POST', `/contacts/lists/${id}/contacts/add`, { body: { emails: ['a@example.com', 'ghost@example.com'] } });
    expect(add.status).to.equal(201);
    expect(add.body).to.deep.equal({ contacts: { success: ['a@example.com'], failure: ['ghost@example.com'] } });
    const list = await api('GET', `/contacts/lists/${id}`);
    expect(list.body).to.include({ id, name: 'Customers', totalSubscribers: 1 });
    expect((await api('GET', '/contacts/lists/999')).status).to.equal(404);
    const lists = await api('GET', '/contacts/lists');
    expect(lists.body.count).to.equal(2);
    const removed = await api('POST', `/contacts/lists/${id}/contacts/remove`, { body: { emails: ['a@example.com'] } });
    expect(removed.body).to.deep.equal({ contacts: { success: ['a@example.com'], failure: [] } });
    expect(fake.contactByEmail('a@example.com')?.listIds).to.deep.equal([]);
  });

  it('registers webhooks: 201 {id}, listed by type (default transactional), max 40', async () => {
    const body = { url: 'https://example.com/brevo', events: ['hardBounce', 'listAddition'], type: 'marketing', auth: { type: 'bearer', token: 't' }, headers: [{ key: 'x-secret', value: 's' }], batched: true, description: 'sidecar' };
    const res = await api('POST', '/webhooks', { body });
    expect(res.status).to.equal(201);
    expect((await api('GET', '/webhooks')).body.webhooks).to.deep.equal([]);
    const listed = (await api('GET', '/webhooks', { query: { type: 'marketing' } })).body.webhooks;
    expect(listed).to.have.length(1);
    expect(listed[0]).to.include({ id: res.body.id, url: body.url, batched: true });
    expect(listed[0].auth).to.deep.equal(body.auth);
    expect((await api('PUT', `/webhooks/${res.body.id}`, { body: { events: ['delivered'] } })).status).to.equal(204);
    expect((await api('GET', `/webhooks/${res.body.id}`)).body.events).to.deep.equal(['delivered']);
    const wrongType = await api('POST', '/webhooks', { body: { url: 'https://example.com/x', events: ['listAddition'] } });
    expect(wrongType.status).to.equal(400);
    for (let i = 1; i < 40; i++) await api('POST', '/webhooks', { body: { url: `https://example.com/${i}`, events: ['delivered'] } });
    const over = await api('POST', '/webhooks', { body: { url: 'https://example.com/41', events: ['delivered'] } });
    expect(over.status).to.equal(400);
    expect((await api('DELETE', `/webhooks/${res.body.id}`)).status).to.equal(204);
    expect((await api('GET', `/webhooks/${res.body.id}`)).status).to.equal(404);
  });

  it('answers GET /account', async () => {
    const res = await api('GET', '/account');
    expect(res.status).to.equal(200);
    expect(res.body).to.include({ email: 'owner@example.com', companyName: 'Fake Brevo Account' });
    expect(res.body.plan[0]).to.include({ type: 'free' });
  });

  it('refuses POST /contacts/batch loudly, whatever the body', async () => {
    const res = await api('POST', '/contacts/batch', { body: { contacts: [{ email: 'a@example.com' }] } });
    expect(res.status).to.equal(400);
    expect(res.body).to.deep.equal({ code: 'method_not_allowed', message: 'Deprecated since 2026-10-30: use /contacts/import' });
  });
});
