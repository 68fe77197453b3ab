import { expect } from 'chai';
import { startFakeBrevo, type FakeBrevo } from './index.js';
import { client } from './raw-client.js';

/** A hand-driven clock: rate windows follow options.now, so sliding is tested without sleeping. */
function manualClock(start = Date.parse('2026-11-02T10:00:00.000Z')) {
  let t = start;
  return { now: () => t, advance: (ms: number) => void (t += ms) };
}

describe('fake Brevo: rate limits', () => {
  let fake: FakeBrevo;
  let api: ReturnType<typeof client>;
  const clock = manualClock();

  before(async () => {
    fake = await startFakeBrevo({ now: clock.now, apiKeys: ['xkeysib-test', 'xkeysib-b'] });
    api = client(fake.baseUrl);
  });
  beforeEach(() => fake.reset());
  after(() => fake.close());

  it('/contacts/*: the 11th call within a second is a 429 with x-sib-ratelimit-* and no Retry-After', async () => {
    const statuses: number[] = [];
    let last;
    for (let i = 0; i < 11; i++) {
      last = await api('GET', '/contacts', { query: { limit: 1 } });
      statuses.push(last.status);
    }
    expect(statuses).to.deep.equal([...Array(10).fill(200), 429]);
    expect(last!.body).to.deep.include({ code: 'too_many_requests' });
    expect(last!.headers.get('x-sib-ratelimit-limit')).to.equal('10');
    expect(last!.headers.get('x-sib-ratelimit-remaining')).to.equal('0');
    expect(Number(last!.headers.get('x-sib-ratelimit-reset'))).to.equal(1);
    expect(last!.headers.get('retry-after')).to.equal(null);
  });

  it('puts the headers on successful answers too, counting down', async () => {
    const first = await api('GET', '/contacts');
    const second = await api('POST', '/contacts', { body: { email: 'a@example.com' } });
    expect(first.headers.get('x-sib-ratelimit-remaining')).to.equal('9');
    expect(second.headers.get('x-sib-ratelimit-remaining')).to.equal('8');
    expect(second.headers.get('x-sib-ratelimit-reset')).to.equal('1');
  });

  it('a refused call changes nothing, and the window slides after a second', async () => {
    for (let i = 0; i < 10; i++) await api('GET', '/contacts');
    const refused = await api('POST', '/contacts', { body: { email: 'late@example.com' } });
    expect(refused.status).to.equal(429);
    expect(fake.state.contacts.size).to.equal(0);
    clock.advance(1000);
    expect((await api('POST', '/contacts', { body: { email: 'late@example.com' } })).status).to.equal(201);
  });

  it('counts per API key', async () => {
    for (let i = 0; i < 10; i++) await api('GET', '/contacts');
    expect((await api('GET', '/contacts')).status).to.equal(429);
    expect((await api('GET', '/contacts', { key: 'xkeysib-b' })).status).to.equal(200);
  });

  it('other routes share 100 per hour (processes, webhooks, account)', async () => {
    const first = await api('GET', '/account');
    expect(first.headers.get('x-sib-ratelimit-limit')).to.equal('100');
    expect(first.headers.get('x-sib-ratelimit-reset')).to.equal('3600');
    for (let i = 0; i < 98; i++) await api('GET', i % 2 ? '/webhooks' : '/processes/1');
    expect((await api('GET', '/account')).headers.get('x-sib-ratelimit-remaining')).to.equal('0');
    const refused = await api('GET', '/account');
    expect(refused.status).to.equal(429);
    expect(refused.headers.get('x-sib-ratelimit-reset')).to.equal('3600');
    clock.advance(30 * 60_000);
    expect((await api('GET', '/account')).headers.get('x-sib-ratelimit-reset')).to.equal('1800');
    clock.advance(30 * 60_000);
    expect((await api('GET', '/account')).status).to.equal(200);
  });

  it('applies the 36,000-per-hour contacts cap and an optional per-minute cap', async () => {
    const c = manualClock();
    const small = await startFakeBrevo({ now: c.now, rateLimits: { contactsPerSecond: 100, contactsPerHour: 3, perMinute: 2 } });
    try {
      const smallApi = client(small.baseUrl);
      expect((await smallApi('GET', '/contacts')).status).to.equal(200);
      expect((await smallApi('GET', '/account')).status).to.equal(200);
      const capped = await smallApi('GET', '/contacts');
      expect(capped.status).to.equal(429);
      expect(capped.headers.get('x-sib-ratelimit-limit')).to.equal('2');
      c.advance(60_000);
      expect((await smallApi('GET', '/contacts')).status).to.equal(200);
      c.advance(60_000);
      expect((await smallApi('GET', '/contacts')).status).to.equal(200);
      c.advance(60_000);
      const hourly = await smallApi('GET', '/contacts');
      expect(hourly.status).to.equal(429);
      expect(hourly.headers.get('x-sib-ratelimit-limit')).to.equal('3');
    } finally {
      await small.close();
    }
  });
});
