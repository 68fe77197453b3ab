import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { startFakeBrevo, type FakeBrevo } from './index.js';
import { client } from './raw-client.js';

/** Collects the POSTs the fake makes to notifyUrl. */
async function notifyReceiver(): Promise<{ url: string; bodies: unknown[]; close(): Promise<void> }> {
  const bodies: unknown[] = [];
  const server: Server = createServer((req, res) => {
    let data = '';
    req.on('data', (c) => (data += c));
    req.on('end', () => {
      bodies.push(JSON.parse(data));
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/brevo/import-done`, bodies, close: () => new Promise((r) => server.close(() => r())) };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('fake Brevo: imports and processes', () => {
  let fake: FakeBrevo;
  let api: ReturnType<typeof client>;

  before(async () => {
    fake = await startFakeBrevo({ importDelayMs: 20, rateLimits: { otherPerHour: 1000, contactsPerSecond: 1000 } });
    api = client(fake.baseUrl);
  });
  beforeEach(() => fake.reset());
  after(() => fake.close());

  it('202 {processId}, then queued → in_process → completed, then notifies', async () => {
    // A slower fake of its own: each state must last long enough to be observed on a busy machine.
    const slow = await startFakeBrevo({ importDelayMs: 300 });
    const slowApi = client(slow.baseUrl);
    const receiver = await notifyReceiver();
    try {
      const res = await slowApi('POST', '/contacts/import', {
        body: {
          listIds: [2],
          notifyUrl: receiver.url,
          jsonBody: [
            { email: 'A@example.com', attributes: { EXT_ID: 'crm-a', FIRSTNAME: 'Ada', UNKNOWN: 'x' } },
            { email: 'not-an-email', attributes: { FIRSTNAME: 'Bad' } },
            { email: 'b@example.com', attributes: { EXT_ID: 'crm-b' } },
          ],
        },
      });
      expect(res.status).to.equal(202);
      const processId = res.body.processId as number;
      const queued = await slowApi('GET', `/processes/${processId}`);
      expect(queued.body).to.deep.equal({ id: processId, status: 'queued', name: 'IMPORTUSER', export_url: null });
      expect(slow.state.contacts.size).to.equal(0);
      let status = 'queued';
      while (status === 'queued') {
        await sleep(10);
        status = slow.state.processes.get(processId)!.status;
      }
      expect(status).to.equal('in_process');
      await slow.importsIdle();
      const done = await slowApi('GET', `/processes/${processId}`);
      expect(done.body.status).to.equal('completed');
      expect(done.body.info.import.invalid_emails).to.match(/\/__fake\/processes\/\d+\/invalid_emails\.csv$/);
      expect(done.body.info.import.duplicate_ext_id).to.equal(null);
      expect(slow.state.processes.get(processId)!.report).to.deep.include({ rows: 3, created: 2, invalidEmails: ['not-an-email'] });
      expect(slow.contactByExtId('crm-a')).to.deep.include({ email: 'a@example.com', attributes: { FIRSTNAME: 'Ada' }, listIds: [2] });
      expect(receiver.bodies).to.deep.equal([{ processId, status: 'completed' }]);
      const csv = await fetch(done.body.info.import.invalid_emails).then((r) => r.text());
      expect(csv).to.contain('not-an-email');
    } finally {
      await receiver.close();
      await slow.close();
    }
  });

  it('honours emailBlacklist, updateExistingContacts and emptyContactsAttributes', async () => {
    await api('POST', '/contacts', { body: { email: 'old@example.com', attributes: { FIRSTNAME: 'Keep', LASTNAME: 'Erase' } } });
    const rows = [{ email: 'old@example.com', attributes: { FIRSTNAME: 'New', LASTNAME: '' } }, { email: 'new@example.com' }];
    await api('POST', '/contacts/import', { body: { listIds: [2], emailBlacklist: true, jsonBody: rows } });
    await fake.importsIdle();
    expect(fake.contactByEmail('old@example.com')).to.deep.include({ emailBlacklisted: true, attributes: { FIRSTNAME: 'New', LASTNAME: 'Erase' } });
    expect(fake.contactByEmail('new@example.com')?.emailBlacklisted).to.equal(true);

    await api('POST', '/contacts/import', { body: { listIds: [2], emptyContactsAttributes: true, jsonBody: rows } });
    await fake.importsIdle();
    expect(fake.contactByEmail('old@example.com')?.attributes).to.deep.equal({ FIRSTNAME: 'New' });

    const skip = await api('POST', '/contacts/import', { body: { listIds: [2], updateExistingContacts: false, jsonBody: [{ email: 'old@example.com', attributes: { FIRSTNAME: 'Nope' } }] } });
    await fake.importsIdle();
    expect(fake.contactByEmail('old@example.com')?.attributes.FIRSTNAME).to.equal('New');
    expect(fake.state.processes.get(skip.body.processId)!.report!.skipped).to.equal(1);
  });

  it('imports a `;` CSV fileBody into a newList', async () => {
    const res = await api('POST', '/contacts/import', {
      body: { newList: { listName: 'Imported', folderId: 1 }, fileBody: 'EMAIL;FIRSTNAME;EXT_ID\nc@example.com;Cy;crm-c\nc@example.com;Dup;crm-d' },
    });
    expect(res.status).to.equal(202);
    await fake.importsIdle();
    const list = [...fake.state.lists.values()].find((l) => l.name === 'Imported')!;
    expect(fake.contactByExtId('crm-c')).to.deep.include({ email: 'c@example.com', listIds: [list.id] });
    expect(fake.state.processes.get(res.body.processId)!.report!.duplicateEmails).to.deep.equal(['c@example.com']);
  });

  it('validates the request: one source, a target list, 10 MB', async () => {
    const two = await api('POST', '/contacts/import', { body: { listIds: [2], jsonBody: [{ email: 'a@example.com' }], fileBody: 'EMAIL\na@example.com' } });
    expect(two.status).to.equal(400);
    const none = await api('POST', '/contacts/import', { body: { listIds: [2] } });
    expect(none.body.code).to.equal('missing_parameter');
    const noList = await api('POST', '/contacts/import', { body: { jsonBody: [{ email: 'a@example.com' }] } });
    expect(noList.body).to.deep.equal({ code: 'missing_parameter', message: 'listIds or newList is required' });
    const big = await api('POST', '/contacts/import', { body: { listIds: [2], fileBody: 'EMAIL\n' + 'x'.repeat(10 * 1024 * 1024) } });
    expect(big.status).to.equal(400);
    expect(big.body.message).to.match(/10MB/);
    expect(fake.state.processes.size).to.equal(0);
  });

  it('404 invalid_parameter for an unknown process', async () => {
    const res = await api('GET', '/processes/4242');
    expect(res.status).to.equal(404);
    expect(res.body).to.deep.equal({ code: 'invalid_parameter', message: 'processId is invalid' });
  });
});
