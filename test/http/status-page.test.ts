/**
 * The status page over real HTTP: who may see it, how a browser logs in, CSRF-safe buttons, and no secret in any page
 * or error body.
 */
import { expect } from 'chai';
import { startHarness, drained, postJson, BREVO_KEY, HOOK_SECRET, WEBHOOK_TOKEN, type Harness } from '../helpers/harness.js';
import { PUSH_PARTNER } from '../../src/outbound/enqueuer.js';

const TOKEN = 'status-admin-token-0123456789';
const SECRETS = [TOKEN, HOOK_SECRET, BREVO_KEY, WEBHOOK_TOKEN, 'admin'];

describe('status page (integration)', function () {
  this.timeout(20_000);
  let h: Harness;
  afterEach(() => h.stop());

  const get = (path: string, headers: Record<string, string> = {}) => fetch(`${h.url}${path}`, { headers, redirect: 'manual' });
  const post = (path: string, form: Record<string, string | number>, headers: Record<string, string> = {}) =>
    fetch(`${h.url}${path}`, {
      method: 'POST', redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: h.url, ...headers },
      body: new URLSearchParams(Object.entries(form).map(([k, v]) => [k, String(v)])).toString(),
    });

  /** Logs in like the login form does; returns the cookie header to send back. */
  async function logIn(): Promise<string> {
    const res = await post('/status/login', { token: TOKEN });
    expect(res.status).to.equal(303);
    const [cookie] = res.headers.getSetCookie();
    expect(cookie).to.match(/^sidecar_session=[\w-]{40,};/).and.match(/HttpOnly/i).and.match(/SameSite=Strict/i);
    return cookie.split(';')[0];
  }

  async function csrfOf(cookie: string): Promise<string> {
    const html = await (await get('/status', { cookie })).text();
    return /name="csrf" value="([^"]+)"/.exec(html)![1];
  }

  function deadLetter(key: string, code = 'invalid_parameter'): number {
    h.sidecar.store.deadLetters.record(
      { id: 0, kind: PUSH_PARTNER, key, payload: {}, source: 'test', firstAttemptAt: Date.now() },
      { status: 400, code, message: `Brevo said no to ${key}` }, 1,
    );
    return h.sidecar.store.deadLetters.list({}).find((d) => d.key === key)!.id;
  }

  function expectNoSecret(body: string): void {
    for (const secret of SECRETS.slice(0, 4)) expect(body).not.to.contain(secret);
    expect(body).not.to.match(/\n\s+at .+\(.+:\d+:\d+\)/); // no stack trace
  }

  it('answers 401 with a login form without credentials, and does not exist without ADMIN_TOKEN', async () => {
    h = await startHarness({ config: { adminToken: TOKEN } });
    const anonymous = await get('/status');
    expect(anonymous.status).to.equal(401);
    expect(await anonymous.text()).to.contain('name="token"').and.not.contain('Dead letters');
    expect((await get('/status', { authorization: 'Bearer wrong-token-0123456789' })).status).to.equal(401);
    expect((await get('/status', { cookie: 'sidecar_session=forged' })).status).to.equal(401);
    expect((await get('/')).headers.get('location')).to.equal('status');
    const refused = await post('/status/login', { token: 'wrong-token-0123456789' });
    expect(refused.status).to.equal(401);
    expect(refused.headers.getSetCookie()).to.deep.equal([]);
    await h.stop();

    h = await startHarness();
    expect((await get('/status')).status).to.equal(404);
  });

  it('shows readiness, queues, dead letters, runs and events to the bearer token, and no secret', async () => {
    h = await startHarness({ config: { adminToken: TOKEN } });
    deadLetter('41');
    h.sidecar.store.db.prepare(`INSERT INTO runs (kind, status, started_at, finished_at, report) VALUES ('initial_sync', 'done', ?, ?, ?)`)
      .run(Date.now() - 5000, Date.now(), JSON.stringify({ partnersRead: 300, contactsImported: 290 }));
    const res = await get('/status', { authorization: `Bearer ${TOKEN}` });
    expect(res.status).to.equal(200);
    expect(res.headers.get('content-security-policy')).to.contain("default-src 'none'");
    expect(res.headers.get('cache-control')).to.equal('no-store');
    const html = await res.text();
    expect(html).to.contain('Readiness').and.contain('database').and.contain('queue').and.contain('Dead letters: 1')
      .and.contain('invalid_parameter').and.contain('Brevo said no to 41').and.contain('partnersRead=300').and.contain('Last webhook events');
    expectNoSecret(html);
  });

  it('logs a browser in with a cookie, and its buttons need the CSRF token and our origin', async () => {
    h = await startHarness({ config: { adminToken: TOKEN } });
    const id = deadLetter('42');
    expect((await post('/status/login', { token: TOKEN }, { origin: 'https://evil.example' })).status).to.equal(403);
    const cookie = await logIn();
    const page = await get('/status', { cookie });
    expect(page.status).to.equal(200);
    const csrf = await csrfOf(cookie);

    const noToken = await post('/status/dead-letters/retry', { id }, { cookie });
    const badToken = await post('/status/dead-letters/retry', { id, csrf: `${csrf}x` }, { cookie });
    const foreign = await post('/status/dead-letters/retry', { id, csrf }, { cookie, origin: 'https://evil.example' });
    expect([noToken.status, badToken.status, foreign.status]).to.deep.equal([403, 403, 403]);
    expectNoSecret(await badToken.text());
    expect(h.sidecar.store.deadLetters.count()).to.equal(1);

    await h.sidecar.worker.stop(0); // the retried job stays in the outbox for the assertion below
    const done = await post('/status/dead-letters/retry', { id, csrf }, { cookie });
    expect(done.status).to.equal(303);
    expect(h.sidecar.store.deadLetters.count()).to.equal(0);
    expect(h.sidecar.store.db.prepare(`SELECT COUNT(*) FROM jobs WHERE kind = ? AND key = '42'`).pluck().get(PUSH_PARTNER)).to.equal(1);
    const after = await (await get(`/status${done.headers.get('location')!.replace('../../status', '')}`, { cookie })).text();
    expect(after).to.contain('Retried 1 dead letter.');
  });

  it('discards a whole group by kind and error, and logs out', async () => {
    h = await startHarness({ config: { adminToken: TOKEN } });
    deadLetter('43', 'duplicate_parameter');
    deadLetter('44', 'duplicate_parameter');
    const kept = deadLetter('45', 'invalid_parameter');
    const cookie = await logIn();
    const csrf = await csrfOf(cookie);
    const bad = await post('/status/dead-letters/discard', { csrf, kind: PUSH_PARTNER }, { cookie });
    expect(bad.status).to.equal(400);
    expect((await post('/status/dead-letters/discard', { csrf, kind: PUSH_PARTNER, error: 'duplicate_parameter' }, { cookie })).status).to.equal(303);
    expect(h.sidecar.store.deadLetters.list({}).map((d) => d.id)).to.deep.equal([kept]);

    expect((await post('/status/logout', { csrf }, { cookie })).status).to.equal(303);
    expect((await get('/status', { cookie })).status).to.equal(401);
  });

  it('charts the last hour from the live counters: contacts sent, webhook events received, outbox depth', async () => {
    h = await startHarness({ config: { adminToken: TOKEN } });
    const ids = [1, 2].map((i) => h.odoo.store.create('res.partner', { name: `Chart ${i}`, email: `chart${i}@example.com` }));
    expect((await postJson(`${h.url}/hooks/odoo/${HOOK_SECRET}`, { ids })).status).to.equal(202);
    await drained(h.sidecar);
    const events = [{ event: 'opened', email: 'chart1@example.com', ts_event: 1763800000, 'message-id': '<chart@example.com>' }];
    expect((await postJson(`${h.url}/webhooks/brevo`, events, { authorization: `Bearer ${WEBHOOK_TOKEN}` })).status).to.equal(200);

    const html = await (await get('/status', { authorization: `Bearer ${TOKEN}` })).text();
    const figure = (title: string) => html.slice(html.indexOf(`<figcaption>${title}`)).split('</figure>')[0];
    const values = (title: string) => [...figure(title).matchAll(/data-value="(\d+)"/g)].map((m) => Number(m[1]));
    // Totals, not one bar: the counts may straddle a minute boundary.
    expect(figure('Contacts sent to Brevo per minute')).to.contain('(2 in the hour)');
    expect(values('Contacts sent to Brevo per minute').reduce((a, b) => a + b)).to.equal(2);
    expect(figure('Webhook events received per minute')).to.contain('(1 in the hour)');
    expect(values('Webhook events received per minute')).to.deep.equal([1]);
    expect(figure('Outbox depth')).to.contain('<svg');
  });

  it('lets a script press the buttons with the bearer token alone', async () => {
    h = await startHarness({ config: { adminToken: TOKEN } });
    const id = deadLetter('46');
    const res = await post('/status/dead-letters/discard', { id }, { authorization: `Bearer ${TOKEN}`, origin: '' });
    expect(res.status).to.equal(303);
    expect(h.sidecar.store.deadLetters.count()).to.equal(0);
  });
});
