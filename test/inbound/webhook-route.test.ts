/**
 * The webhook route as a plain Node handler, over real HTTP: what express used to decide for it (paths, media types,
 * size limits, aborted uploads) still decided the same way, the text of each event kept as sent, and the events
 * counted by outcome and type in /metrics.
 */
import { expect } from 'chai';
import { request } from 'node:http';
import { startHarness, WEBHOOK_TOKEN, type Harness } from '../helpers/harness.js';

const BEARER = `Bearer ${WEBHOOK_TOKEN}`;
const event = (i: number) => ({ event: 'opened', email: `reader${i}@example.com`, ts_event: 1763800000 + i });

describe('webhook route', function () {
  this.timeout(30_000);
  let h: Harness;
  before(async () => {
    h = await startHarness({ config: { webhooks: { maxBodyBytes: 2000 } } });
    await h.sidecar.applyWorker.stop(); // the inbox is looked at as stored
  });
  after(() => h.stop());

  const stored = () => h.sidecar.store.db.prepare('SELECT COUNT(*) FROM events').pluck().get() as number;
  const post = async (path: string, body: string, headers: Record<string, string> = {}) => {
    const response = await fetch(`${h.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: BEARER, ...headers }, body });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  /** A body sent in two chunks with no Content-Length, the way a streaming client would; optionally cut off. */
  const streamed = (chunks: string[], abort = false) => new Promise<number | 'aborted'>((resolve, reject) => {
    const req = request(`${h.url}/webhooks/brevo`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: BEARER } }, (res) => {
      res.resume().on('end', () => resolve(res.statusCode!));
    });
    req.on('error', (err) => (abort ? resolve('aborted') : reject(err)));
    req.write(chunks[0]);
    setImmediate(() => (abort ? req.destroy() : req.end(chunks[1])));
  });

  it('takes the paths and media types express routed to it, and leaves the rest to the app', async () => {
    expect((await post('/webhooks/brevo/', JSON.stringify(event(1)))).status).to.equal(200);
    expect((await post('/WEBHOOKS/brevo?source=relay', JSON.stringify(event(2)))).status).to.equal(200);
    expect((await post('/webhooks/brevo', JSON.stringify(event(3)), { 'content-type': 'application/json; charset=utf-8' })).status).to.equal(200);
    expect((await post('/webhooks/brevo', JSON.stringify(event(4)), { 'content-type': 'application/cloudevents+json' })).status).to.equal(200);
    expect((await post('/webhooks/br%65vo', JSON.stringify(event(5)))).status).to.equal(200);
    expect((await fetch(`${h.url}/webhooks/brevo`)).status).to.equal(404);
    expect((await post('/webhooks/brevo/extra', JSON.stringify(event(6)))).status).to.equal(404);
    expect(stored()).to.equal(5);
  });

  it('refuses compressed, oversized and cut-off bodies, storing nothing', async () => {
    const before = stored();
    expect(await post('/webhooks/brevo', JSON.stringify(event(10)), { 'content-encoding': 'gzip' })).to.deep.equal({ status: 415, body: { error: 'unsupported Content-Encoding: gzip' } });
    const big = JSON.stringify(Array.from({ length: 40 }, (_, i) => event(100 + i)));
    expect((await post('/webhooks/brevo', big)).status, 'declared length over the limit').to.equal(413);
    expect(await streamed([big.slice(0, 1500), big.slice(1500)]), 'streamed past the limit').to.equal(413);
    expect(await streamed(['[{"event":"opened",', '"email":"a@example.com"}]'], true)).to.equal('aborted');
    expect(stored()).to.equal(before);
    expect(await streamed(['[{"event":"opened",', '"email":"cut@example.com"}]']), 'the server still answers').to.equal(200);
  });

  it('stores each event of a batch as the text it was sent as', async () => {
    const body = '[\n  {"event":"click",  "email":"Text@Example.com","ts_event":1763800500, "link":"https://x/ü"} ,{"event":"opened","email":"t2@example.com"}\n]';
    expect((await post('/webhooks/brevo', body)).status).to.equal(200);
    const rows = h.sidecar.store.db.prepare(`SELECT event FROM events WHERE email IN ('text@example.com', 't2@example.com') ORDER BY id`).pluck().all() as string[];
    expect(rows.map((r) => r.slice(r.indexOf('"raw":') + 6, -1))).to.deep.equal([
      '{"event":"click",  "email":"Text@Example.com","ts_event":1763800500, "link":"https://x/ü"}', '{"event":"opened","email":"t2@example.com"}',
    ]);
  });

  it('counts events by provider, outcome and type', async () => {
    const body = JSON.stringify([event(900), { event: 'click', email: 'metrics@example.com', ts_event: 1763800901, link: 'https://x' }, { event: 'opened', email: 7 }]);
    expect((await post('/webhooks/brevo', body)).body).to.deep.equal({ accepted: 2, duplicates: 0, invalid: 1 });
    expect((await post('/webhooks/brevo', body)).body).to.deep.equal({ accepted: 0, duplicates: 2, invalid: 1 });
    const metrics = await (await fetch(`${h.url}/metrics`)).text();
    const count = (labels: string) => Number(new RegExp(`sidecar_webhook_events_total\\{${labels}\\} (\\d+)`).exec(metrics)?.[1]);
    expect(count('provider="brevo",outcome="duplicate",type="opened"')).to.equal(1);
    expect(count('provider="brevo",outcome="duplicate",type="clicked"')).to.equal(1);
    expect(count('provider="brevo",outcome="invalid",type="none"')).to.equal(2);
    expect(count('provider="brevo",outcome="accepted",type="clicked"')).to.be.at.least(1);
  });
});
