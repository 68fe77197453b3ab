import { expect } from 'chai';
import { Brevo, BrevoClient, BrevoError, BrevoTimeoutError } from '@getbrevo/brevo';
import { startFakeBrevo, type FakeBrevo } from './index.js';

/** The fake must accept what @getbrevo/brevo 6.0.3 sends, and the SDK must parse what the fake answers. */
describe('fake Brevo: @getbrevo/brevo SDK round trip', () => {
  let fake: FakeBrevo;
  let brevo: BrevoClient;

  before(async () => {
    fake = await startFakeBrevo({ importDelayMs: 20, rateLimits: { contactsPerSecond: 1000, otherPerHour: 1000 } });
    brevo = new BrevoClient({ apiKey: 'xkeysib-test', baseUrl: fake.baseUrl, maxRetries: 0 });
  });
  beforeEach(() => fake.reset());
  after(() => fake.close());

  async function brevoError(p: Promise<unknown>): Promise<BrevoError> {
    try {
      await p;
    } catch (err) {
      if (err instanceof BrevoError) return err;
      throw err;
    }
    throw new Error('expected a BrevoError');
  }

  it('createContact: {id} on 201, undefined on the 204 upsert', async () => {
    const created = await brevo.contacts.createContact({ email: 'p1@example.com', ext_id: 'crm-1', attributes: { FIRSTNAME: 'Ada' }, listIds: [2] });
    expect(created).to.deep.equal({ id: 1 });
    const upserted = await brevo.contacts.createContact({ email: 'p1@example.com', ext_id: 'crm-1', attributes: { LASTNAME: 'K' }, updateEnabled: true });
    expect(upserted).to.equal(undefined);
    expect(fake.calls.map((c) => c.path)).to.deep.equal(['/v3/contacts', '/v3/contacts']);
  });

  it('duplicates surface as Brevo.BadRequestError with statusCode, body.metadata and headers', async () => {
    await brevo.contacts.createContact({ email: 'p1@example.com' });
    const err = await brevoError(brevo.contacts.createContact({ email: 'p1@example.com' }));
    expect(err).to.be.instanceOf(Brevo.BadRequestError);
    expect(err.statusCode).to.equal(400);
    expect(err.body).to.deep.include({ code: 'duplicate_parameter', metadata: { duplicate_identifiers: ['email'] } });
    expect(err.rawResponse?.headers.get('x-sib-ratelimit-remaining')).to.be.a('string');
  });

  it('updateContact by ext_id, getContactInfo by email, deleteContact; 404 as NotFoundError', async () => {
    await brevo.contacts.createContact({ email: 'p1@example.com', ext_id: 'crm-1' });
    await brevo.contacts.updateContact({ identifier: 'crm-1', identifierType: 'ext_id', attributes: { LASTNAME: 'K', EMAIL: 'p1+new@example.com' } });
    expect(fake.calls.at(-1)).to.deep.include({ method: 'PUT', path: '/v3/contacts/crm-1', query: { identifierType: 'ext_id' } });
    const info = await brevo.contacts.getContactInfo({ identifier: 'p1+new@example.com', identifierType: 'email_id' });
    expect(info).to.deep.include({ id: 1, email: 'p1+new@example.com', attributes: { LASTNAME: 'K', EXT_ID: 'crm-1' } });
    await brevo.contacts.deleteContact({ identifier: 1, identifierType: 'contact_id' });
    const err = await brevoError(brevo.contacts.getContactInfo({ identifier: 'crm-1', identifierType: 'ext_id' }));
    expect(err).to.be.instanceOf(Brevo.NotFoundError);
    expect(err.body).to.deep.equal({ code: 'document_not_found', message: 'Contact does not exist' });
  });

  it('getContacts with limit/modifiedSince/ids; withRawResponse exposes the rate headers', async () => {
    await brevo.contacts.createContact({ email: 'a@example.com' });
    await brevo.contacts.createContact({ email: 'b@example.com' });
    const { data, rawResponse } = await brevo.contacts
      .getContacts({ limit: 1000, modifiedSince: '2000-01-01T00:00:00.000Z', ids: [1, 2], sort: 'asc' })
      .withRawResponse();
    expect(data.count).to.equal(2);
    expect(data.contacts.map((c) => c.email)).to.deep.equal(['a@example.com', 'b@example.com']);
    expect(rawResponse.headers.get('x-sib-ratelimit-limit')).to.equal('1000');
  });

  it('importContacts → getProcess, with the import applied', async () => {
    const { processId } = await brevo.contacts.importContacts({
      listIds: [2],
      updateExistingContacts: true,
      jsonBody: [{ email: 'a@example.com', attributes: { EXT_ID: 'crm-a', FIRSTNAME: 'A' } }],
    });
    await fake.importsIdle();
    const proc = await brevo.process.getProcess({ processId });
    expect(proc).to.deep.include({ id: processId, status: 'completed', name: 'IMPORTUSER' });
    expect(fake.contactByExtId('crm-a')?.email).to.equal('a@example.com');
  });

  it('attributes and lists', async () => {
    await brevo.contacts.createAttribute({ attributeCategory: 'normal', attributeName: 'ODOO_ID', type: 'text' });
    const { attributes } = await brevo.contacts.getAttributes();
    expect(attributes.map((a) => a.name)).to.include('ODOO_ID');
    const { id } = await brevo.contacts.createList({ name: 'Partners', folderId: 1 });
    const lists = await brevo.contacts.getLists({ limit: 50 });
    expect(lists.lists?.map((l) => l.id)).to.include(id);
    await brevo.contacts.createContact({ email: 'a@example.com' });
    const added = await brevo.contacts.addContactToList({ listId: id, body: { emails: ['a@example.com'] } });
    expect(added.contacts.success).to.deep.equal(['a@example.com']);
  });

  it('webhooks and account', async () => {
    const { id } = await brevo.webhooks.createWebhook({ url: 'https://sidecar.example.com/brevo', events: ['hardBounce', 'unsubscribed'], type: 'marketing', batched: true });
    const { webhooks } = await brevo.webhooks.getWebhooks({ type: 'marketing' });
    expect(webhooks.map((w) => w.id)).to.deep.equal([id]);
    const account = await brevo.account.getAccount();
    expect(account.email).to.equal('owner@example.com');
  });

  it('the deprecated updateBatchContacts fails loudly', async () => {
    const err = await brevoError(brevo.contacts.updateBatchContacts({ contacts: [{ email: 'a@example.com', attributes: {} }] }));
    expect(err.statusCode).to.equal(400);
    expect(err.body).to.deep.include({ code: 'method_not_allowed' });
  });

  it('401 and 429 are plain BrevoErrors on createContact (statusCode, not a subclass)', async () => {
    const anonymous = new BrevoClient({ apiKey: 'xkeysib-wrong', baseUrl: fake.baseUrl, maxRetries: 0 });
    const unauthorized = await brevoError(anonymous.contacts.createContact({ email: 'a@example.com' }));
    expect(unauthorized.statusCode).to.equal(401);
    fake.faults.rateLimitNext(1, 30);
    const limited = await brevoError(brevo.contacts.createContact({ email: 'a@example.com' }));
    expect(limited.statusCode).to.equal(429);
    expect(limited.rawResponse?.headers.get('x-sib-ratelimit-reset')).to.equal('30');
    expect(limited).to.not.be.instanceOf(Brevo.TooManyRequestsError);
    fake.faults.rateLimitNext(1, 30);
    const listed = await brevoError(brevo.contacts.getContacts());
    expect(listed).to.be.instanceOf(Brevo.TooManyRequestsError); // only where the spec declares a 429
  });

  /**
   * SDK 6.0.3 quirk (Node 20): its timeout aborts fetch with the string reason "timeout", which is not an
   * Error named AbortError, so the SDK reports it as a plain BrevoError (message '"timeout"', cause
   * 'timeout'), not as the documented BrevoTimeoutError. Clients must test for both.
   */
  it('a hung request times out as a plain BrevoError (cause "timeout"); a dropped one has no statusCode', async () => {
    fake.faults.hangNext(1);
    const timedOut = await brevoError(brevo.account.getAccount({ timeoutInSeconds: 0.15 }));
    expect(timedOut).to.not.be.instanceOf(BrevoTimeoutError);
    expect(timedOut.cause).to.equal('timeout');
    expect(timedOut.statusCode).to.equal(undefined);
    fake.faults.dropNext(1);
    const dropped = await brevoError(brevo.account.getAccount());
    expect(dropped.message).to.equal('fetch failed');
    expect(dropped.statusCode).to.equal(undefined);
  });
});
