import { expect } from 'chai';
import { startFakeBrevo, type FakeBrevo } from './index.js';
import { client } from './raw-client.js';
import { ResponseValidator } from './spec/responses.js';
import { loadSpec } from './spec/validator.js';

/** The fake's answers must fit the official response schemas (plus the SDK 6 widenings in overlay.ts). */
describe('fake Brevo: responses conform to the spec', () => {
  let fake: FakeBrevo;
  let api: ReturnType<typeof client>;
  const spec = new ResponseValidator(loadSpec());

  before(async () => {
    fake = await startFakeBrevo({ importDelayMs: 10, rateLimits: { contactsPerSecond: 1000, otherPerHour: 1000 } });
    api = client(fake.baseUrl);
    await api('POST', '/contacts', { body: { email: 'a@example.com', ext_id: 'crm-a', attributes: { FIRSTNAME: 'A', SMS: '+33612345678' }, listIds: [2] } });
    await api('POST', '/webhooks', { body: { url: 'https://example.com/h', events: ['delivered'] } });
  });
  after(() => fake.close());

  const cases: Array<[string, string, string, number, Record<string, unknown>?]> = [
    ['createContact', 'POST', '/contacts', 201, { email: 'b@example.com' }],
    ['getContacts', 'GET', '/contacts', 200],
    ['getContactInfo', 'GET', '/contacts/1', 200],
    ['getAttributes', 'GET', '/contacts/attributes', 200],
    ['getLists', 'GET', '/contacts/lists', 200],
    ['getList', 'GET', '/contacts/lists/2', 200],
    ['createList', 'POST', '/contacts/lists', 201, { name: 'L', folderId: 1 }],
    ['addContactToList', 'POST', '/contacts/lists/2/contacts/add', 201, { ids: [1] }],
    ['importContacts', 'POST', '/contacts/import', 202, { listIds: [2], jsonBody: [{ email: 'c@example.com' }] }],
    ['getWebhooks', 'GET', '/webhooks', 200],
    ['getWebhook', 'GET', '/webhooks/1', 200],
    ['createWebhook', 'POST', '/webhooks', 201, { url: 'https://example.com/2', events: ['opened'] }],
    ['getAccount', 'GET', '/account', 200],
    ['getContactInfo', 'GET', '/contacts/999', 404],
    ['createContact', 'POST', '/contacts', 400, { email: 'a@example.com' }],
  ];

  for (const [operationId, method, path, status, body] of cases) {
    it(`${operationId} ${status}`, async () => {
      const res = await api(method, path, { body });
      expect(res.status).to.equal(status);
      expect(spec.errors(operationId, status, res.body)).to.deep.equal([]);
    });
  }

  it('getProcess 200, queued and completed', async () => {
    const { body } = await api('POST', '/contacts/import', { body: { listIds: [2], jsonBody: [{ email: 'd@example.com' }, { email: 'bad' }] } });
    expect(spec.errors('getProcess', 200, (await api('GET', `/processes/${body.processId}`)).body)).to.deep.equal([]);
    await fake.importsIdle();
    const done = await api('GET', `/processes/${body.processId}`);
    expect(done.body.status).to.equal('completed');
    expect(spec.errors('getProcess', 200, done.body)).to.deep.equal([]);
  });
});
