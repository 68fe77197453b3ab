import { expect } from 'chai';
import { startFakeBrevo, type FakeBrevo } from './index.js';
import { client } from './raw-client.js';

describe('fake Brevo: faults, call log, /__fake control', () => {
  let fake: FakeBrevo;
  let api: ReturnType<typeof client>;

  before(async () => {
    fake = await startFakeBrevo({ rateLimits: { contactsPerSecond: 1000, otherPerHour: 1000 } });
    api = client(fake.baseUrl);
  });
  beforeEach(() => fake.reset());
  after(() => fake.close());

  it('failNext answers the next n requests with that status, then recovers', async () => {
    fake.faults.failNext(2, 503, { code: 'unavailable', message: 'maintenance' });
    const a = await api('GET', '/account');
    const b = await api('POST', '/contacts', { body: { email: 'a@example.com' } });
    expect([a.status, b.status]).to.deep.equal([503, 503]);
    expect(a.body).to.deep.equal({ code: 'unavailable', message: 'maintenance' });
    expect(b.headers.get('x-sib-ratelimit-limit')).to.equal('1000');
    expect(fake.state.contacts.size).to.equal(0);
    expect((await api('GET', '/account')).status).to.equal(200);
  });

  it('failNext defaults to a JSON 500; a string body goes out as HTML (gateway pages)', async () => {
    fake.faults.failNext(1);
    fake.faults.failNext(1, 502, '<html>Bad Gateway</html>');
    const a = await api('GET', '/account');
    expect(a.status).to.equal(500);
    expect(a.body.message).to.be.a('string');
    const b = await api('GET', '/account');
    expect(b.status).to.equal(502);
    expect(b.headers.get('content-type')).to.match(/text\/html/);
  });

  it('rateLimitNext answers 429 with the given reset, queued after earlier faults (FIFO)', async () => {
    fake.faults.failNext(1, 500);
    fake.faults.rateLimitNext(1, 42);
    expect((await api('GET', '/contacts')).status).to.equal(500);
    const limited = await api('GET', '/contacts');
    expect(limited.status).to.equal(429);
    expect(limited.body.code).to.equal('too_many_requests');
    expect(limited.headers.get('x-sib-ratelimit-reset')).to.equal('42');
    expect(limited.headers.get('x-sib-ratelimit-remaining')).to.equal('0');
    expect((await api('GET', '/contacts')).status).to.equal(200);
  });

  it('hangNext never answers: the client times out, the call is logged with status 0', async () => {
    fake.faults.hangNext(1);
    const started = Date.now();
    let error: unknown;
    try {
      await api('GET', '/contacts', { signal: AbortSignal.timeout(150) });
    } catch (err) {
      error = err;
    }
    expect((error as Error).name).to.equal('TimeoutError');
    expect(Date.now() - started).to.be.lessThan(1000);
    expect((await api('GET', '/contacts')).status).to.equal(200);
    expect(fake.calls.map((c) => c.status)).to.deep.equal([0, 200]);
  });

  it('dropNext destroys the socket', async () => {
    fake.faults.dropNext(1);
    let error: unknown;
    try {
      await api('GET', '/account');
    } catch (err) {
      error = err;
    }
    expect(error).to.be.instanceOf(TypeError); // fetch failed
    expect((await api('GET', '/account')).status).to.equal(200);
  });

  it('setLatency delays answers; clear() removes every fault', async () => {
    fake.faults.setLatency(120);
    let t = Date.now();
    await api('GET', '/account');
    expect(Date.now() - t).to.be.at.least(100);
    fake.faults.failNext(3);
    fake.faults.clear();
    t = Date.now();
    expect((await api('GET', '/account')).status).to.equal(200);
    expect(Date.now() - t).to.be.lessThan(100);
  });

  it('logs every request in arrival order with path, query, status, body and key (401s included)', async () => {
    await api('POST', '/contacts', { body: { email: 'a@example.com' } });
    await api('GET', '/contacts/a%40example.com', { query: { identifierType: 'email_id' } });
    await api('GET', '/account', { key: null });
    expect(fake.calls.map((c) => [c.method, c.path, c.status])).to.deep.equal([
      ['POST', '/v3/contacts', 201],
      ['GET', '/v3/contacts/a%40example.com', 200],
      ['GET', '/v3/account', 401],
    ]);
    expect(fake.calls[0]).to.deep.include({ body: { email: 'a@example.com' }, apiKey: 'xkeysib-test' });
    expect(fake.calls[1].query).to.deep.equal({ identifierType: 'email_id' });
    expect(fake.calls[2].apiKey).to.equal(undefined);
    expect(fake.calls[0].at).to.be.a('number');
    expect(fake.calls[0].at).to.be.at.most(fake.calls[1].at);
  });

  it('/__fake/state, /__fake/faults and /__fake/reset work over HTTP, without key or log', async () => {
    await api('POST', '/contacts', { body: { email: 'a@example.com', ext_id: 'crm-1' } });
    const state = await fetch(`${fake.url}/__fake/state`).then((r) => r.json());
    expect(state.contacts).to.have.length(1);
    expect(state.contacts[0]).to.include({ email: 'a@example.com', ext_id: 'crm-1' });
    expect(state.lists[0]).to.include({ id: 2, name: 'Newsletter', totalSubscribers: 0 });
    expect(state).to.have.keys(['contacts', 'attributes', 'lists', 'processes', 'webhooks', 'calls']);
    expect(state.calls).to.have.length(1);

    const post = (path: string, body?: unknown) =>
      fetch(`${fake.url}/__fake/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body ?? {}) });
    expect((await post('faults', { verb: 'failNext', args: [1, 503] })).status).to.equal(200);
    expect((await api('GET', '/account')).status).to.equal(503);
    expect((await post('faults', { verb: 'rateLimitNext', n: 1, resetSeconds: 7 })).status).to.equal(200);
    expect((await api('GET', '/account')).headers.get('x-sib-ratelimit-reset')).to.equal('7');
    expect((await post('faults', { verb: 'explode' })).status).to.equal(400);

    expect((await post('reset')).status).to.equal(204);
    expect(fake.state.contacts.size).to.equal(0);
    expect(fake.calls).to.have.length(0);
  });
});
