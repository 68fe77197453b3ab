import { expect } from 'chai';
import { startHarness, drained, type Harness } from '../helpers/harness.js';

const TOKEN = 'admin-token-0123456789abcdef';

describe('admin endpoints (integration)', function () {
  this.timeout(20_000);
  let h: Harness;
  afterEach(() => h.stop());

  const call = (path: string, init: RequestInit = {}, token: string | null = TOKEN) =>
    fetch(`${h.url}${path}`, { ...init, headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) } });

  it('refuses requests without the token, and exists only when a token is configured', async () => {
    h = await startHarness({ config: { adminToken: TOKEN } });
    expect((await call('/admin/dead-letters', {}, null)).status).to.equal(401);
    expect((await call('/admin/dead-letters', {}, 'wrong-token-0123456789')).status).to.equal(401);
    const body = await (await call('/admin/dead-letters', {}, 'nope')).text();
    expect(body).not.to.contain(TOKEN);
    await h.stop();
    h = await startHarness();
    expect((await call('/admin/dead-letters')).status).to.equal(404);
  });

  it('forces a push, lists a dead letter with its Brevo error, retries it, and shows runs', async () => {
    h = await startHarness({ config: { adminToken: TOKEN } });
    const id = h.odoo.store.create('res.partner', { name: 'Admin Case', email: 'admin-case@example.com' });
    h.brevo.faults.failNext(1, 400, { code: 'invalid_parameter', message: 'bad things' });
    expect((await call(`/admin/partners/${id}/push`, { method: 'POST' })).status).to.equal(202);
    await drained(h.sidecar);
    const listed = (await (await call('/admin/dead-letters?error=400')).json()) as { deadLetters: Array<{ id: number; errorCode: string }> };
    expect(listed.deadLetters.map((l) => l.errorCode)).to.deep.equal(['invalid_parameter']);
    expect((await call('/admin/dead-letters/retry', { method: 'POST', body: '{}' })).status).to.equal(400);
    const retried = await call('/admin/dead-letters/retry', { method: 'POST', body: JSON.stringify({ id: listed.deadLetters[0].id }) });
    expect(await retried.json()).to.deep.equal({ retried: 1 });
    await drained(h.sidecar);
    expect(h.brevo.contactByExtId(String(id))).to.exist;
    const { runs } = h.sidecar.store;
    runs.finish(runs.start('initial_sync'), 'completed', { partnersRead: 3 });
    runs.finish(runs.start('cron:incremental-sync'), 'ok', { enqueued: 0 });
    const all = (await (await call('/admin/runs')).json()) as { runs: Array<{ kind: string; status: string; report: unknown }> };
    expect(all.runs.slice(0, 2).map((r) => r.kind)).to.deep.equal(['cron:incremental-sync', 'initial_sync']);
    const syncs = (await (await call('/admin/runs?kind=initial_sync')).json()) as typeof all;
    expect(syncs.runs.map(({ kind, status, report }) => ({ kind, status, report }))).to.deep.equal([{ kind: 'initial_sync', status: 'completed', report: { partnersRead: 3 } }]);
  });
});
