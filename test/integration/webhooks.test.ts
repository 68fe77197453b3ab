/**
 * The webhook receiver over real HTTP: verification, the answers of the contract, durable intake, then apply.
 */
import { expect } from 'chai';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { PROJECT_ROOT } from '../../src/config.js';
import { startHarness, HMAC_SECRET, WEBHOOK_TOKEN, type Harness } from '../helpers/harness.js';

const fixture = (name: string) => readFileSync(resolve(PROJECT_ROOT, 'test/fixtures/webhooks', name), 'utf8');
const bearer = { authorization: `Bearer ${WEBHOOK_TOKEN}` };

describe('webhook receiver (integration)', function () {
  this.timeout(30_000);
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
    await h.sidecar.applyWorker.stop(); // tests look at the inbox before applying
  });
  afterEach(() => h.stop());

  async function post(provider: string, body: string | Uint8Array, headers: Record<string, string> = {}) {
    const response = await fetch(`${h.url}/webhooks/${provider}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: body as BodyInit });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }
  const stored = () => h.sidecar.store.db.prepare('SELECT COUNT(*) FROM events').pluck().get() as number;

  it('accepts a verified Brevo batch, stores every event once, and answers duplicates with 200', async () => {
    const body = fixture('brevo-transactional.json');
    const count = (JSON.parse(body) as unknown[]).length;
    const first = await post('brevo', body, bearer);
    expect(first).to.deep.equal({ status: 200, body: { accepted: count, duplicates: 0, invalid: 0 } });
    const replay = await post('brevo', body, bearer);
    expect(replay).to.deep.equal({ status: 200, body: { accepted: 0, duplicates: count, invalid: 0 } });
    expect(stored()).to.equal(count);
  });

  it('refuses a wrong, missing or rotated-out token with 401 and stores nothing', async () => {
    const body = fixture('brevo-transactional.json');
    expect((await post('brevo', body, { authorization: 'Bearer nope' })).status).to.equal(401);
    expect((await post('brevo', body)).status).to.equal(401);
    expect((await post('brevo', body, { authorization: `Basic ${Buffer.from('a:b').toString('base64')}` })).status).to.equal(401);
    expect(stored()).to.equal(0);
  });

  it('verifies the HMAC signature over the raw bytes (SendPulse endpoint)', async () => {
    const body = JSON.stringify((JSON.parse(fixture('sendpulse.json')) as { delivered: unknown[] }).delivered);
    const signature = createHmac('sha256', HMAC_SECRET).update(body).digest('hex');
    expect((await post('sendpulse', body, { 'x-sendinblue-signature': signature })).status).to.equal(200);
    const tampered = body.replace('@', '@x');
    expect((await post('sendpulse', tampered, { 'x-sendinblue-signature': signature })).status).to.equal(401);
    const reformatted = JSON.stringify(JSON.parse(body), null, 2);
    expect((await post('sendpulse', reformatted, { 'x-sendinblue-signature': signature })).status, 're-serialised JSON never matches').to.equal(401);
  });

  it('answers 404 for an endpoint with no verification configured, and for unknown providers', async () => {
    expect((await post('arpoone', fixture('arpoone.json'), bearer)).status).to.equal(404);
    expect((await post('mailchimp', '{}', bearer)).status).to.equal(404);
    expect(stored()).to.equal(0);
  });

  it('answers 415, 400 and 413 for bad input and stores nothing', async () => {
    const wrongType = await fetch(`${h.url}/webhooks/brevo`, { method: 'POST', headers: { 'content-type': 'text/plain', ...bearer }, body: '{}' });
    expect(wrongType.status).to.equal(415);
    expect((await post('brevo', '{"event": "opened", ', bearer)).status).to.equal(400);
    expect((await post('brevo', '[1, "x", null]', bearer)).status).to.equal(400);
    const tooMany = JSON.stringify(Array.from({ length: 1001 }, (_, i) => ({ event: 'opened', email: `a${i}@example.com`, ts_event: 1700000000 })));
    expect((await post('brevo', tooMany, bearer)).status).to.equal(413);
    const huge = Buffer.alloc(6 * 1024 * 1024, 'a');
    expect((await post('brevo', huge, bearer)).status).to.equal(413);
    expect(stored()).to.equal(0);
  });

  it('keeps the good events of a batch with one bad event', async () => {
    const body = JSON.stringify([
      { event: 'opened', email: 'one@example.com', ts_event: 1700000000 },
      { event: 'click', email: 'bad\u0007@example.com', ts_event: 1700000001 },
      { event: 'click', email: 'two@example.com', ts_event: 1700000002, link: 'https://example.com' },
    ]);
    const answer = await post('brevo', body, bearer);
    expect(answer).to.deep.equal({ status: 200, body: { accepted: 2, duplicates: 0, invalid: 1 } });
  });

  it('answers 429 when the inbox cannot be written, and stores nothing half-way', async () => {
    h.sidecar.store.db.pragma('query_only = ON');
    const answer = await post('brevo', fixture('brevo-transactional.json'), bearer);
    h.sidecar.store.db.pragma('query_only = OFF');
    expect(answer.status).to.equal(429);
    expect(stored()).to.equal(0);
  });

  it('applies what it accepted: an unsubscribe from the marketing webhook blacklists the partner', async () => {
    const spam = JSON.parse(fixture('brevo-marketing-spam.json')) as { email: string };
    const id = h.odoo.store.create('res.partner', { name: 'Spam Reporter', email: spam.email });
    expect((await post('brevo', JSON.stringify(spam), bearer)).status).to.equal(200);
    await h.sidecar.applyWorker.drain();
    const partner = h.odoo.store.read('res.partner', [id], ['is_blacklisted', 'x_brevo_status'])[0];
    expect(partner).to.include({ is_blacklisted: true, x_brevo_status: 'spam' });
  });
});
