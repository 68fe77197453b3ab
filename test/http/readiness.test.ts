/**
 * /readyz: 200 only when the database takes a write, Odoo accepts the credentials, Brevo the key, and the queue runs;
 * otherwise 503 naming the failing checks. Checks that call out are cached, a failure for less time than a success.
 */
import { expect } from 'chai';
import Database from 'better-sqlite3';
import { startFakeOdoo, type FakeOdoo } from '../fakes/odoo/index.js';
import { startFakeBrevo, type FakeBrevo } from '../fakes/brevo/index.js';
import { OdooXmlRpcClient } from '../../src/crm/odoo-xmlrpc.js';
import { BrevoSdkPlatform } from '../../src/brevo/brevo-sdk.js';
import { openStore } from '../../src/store/index.js';
import { readinessChecks, runReadiness } from '../../src/http/health.js';
import { Pacer } from '../../src/outbound/pacer.js';
import { BREVO_KEY, startHarness, tempDatabasePath, type Harness } from '../helpers/harness.js';

describe('readiness checks', function () {
  this.timeout(20_000);
  let odoo: FakeOdoo;
  let brevo: FakeBrevo;
  let clock: number;
  const queue = { paused: false, authPaused: false };

  beforeEach(async () => {
    odoo = await startFakeOdoo();
    brevo = await startFakeBrevo({ apiKeys: [BREVO_KEY] });
    clock = Date.now();
    queue.paused = queue.authPaused = false;
  });
  afterEach(() => Promise.all([odoo.close(), brevo.close()]));

  function checks(db = openStore(tempDatabasePath()).db) {
    const crm = new OdooXmlRpcClient({ url: odoo.url, db: odoo.db, user: 'admin', password: 'admin', timeoutMs: 5000 });
    const platform = new BrevoSdkPlatform({ apiKey: BREVO_KEY, baseUrl: brevo.baseUrl, timeoutSeconds: 5 });
    return readinessChecks({ db, crm, platform, pacer: queue as unknown as Pacer, now: () => clock });
  }

  it('is ready when every dependency answers', async () => {
    const result = await runReadiness(checks());
    expect(result).to.deep.include({ ready: true, failing: [] });
    expect(Object.keys(result.checks)).to.have.members(['database', 'crm', 'brevo', 'queue']);
  });

  it('sees changed Odoo credentials once the cached success expires', async () => {
    const all = checks();
    expect((await runReadiness(all)).ready).to.equal(true);
    odoo.store.users.set(2, 'a-new-password', 'admin');
    expect((await runReadiness(all)).ready, 'cached success').to.equal(true);
    clock += 31_000;
    const result = await runReadiness(all);
    expect(result.failing).to.deep.equal(['crm']);
    expect(result.checks.crm.detail).to.contain('rejected the login');
  });

  it('fails on a revoked Brevo key, and recovers once it works again (failures are cached briefly)', async () => {
    const all = checks();
    brevo.faults.revokeKey(BREVO_KEY);
    expect((await runReadiness(all)).failing).to.deep.equal(['brevo']);
    brevo.faults.restoreKey(BREVO_KEY);
    clock += 6_000;
    expect((await runReadiness(all)).ready).to.equal(true);
  });

  it('fails when the database cannot be written', async () => {
    const path = tempDatabasePath();
    openStore(path).close();
    const result = await runReadiness(checks(new Database(path, { readonly: true })));
    expect(result.failing).to.deep.equal(['database']);
    expect(result.checks.database.detail).to.contain('readonly');
  });

  it('fails while the Brevo queue is paused, saying why', async () => {
    queue.paused = true;
    expect((await runReadiness(checks())).checks.queue).to.deep.equal({ ok: false, detail: 'paused by a Brevo rate limit' });
    queue.authPaused = true;
    const result = await runReadiness(checks());
    expect(result.failing).to.have.members(['brevo', 'queue']);
  });
});

describe('GET /readyz (integration)', function () {
  this.timeout(20_000);
  let h: Harness;
  afterEach(() => h.stop());

  it('answers 503 with the failing checks in JSON while Odoo is down', async () => {
    h = await startHarness();
    expect((await fetch(`${h.url}/healthz`)).status).to.equal(200);
    h.odoo.faults.setDown(true);
    const res = await fetch(`${h.url}/readyz`);
    expect(res.status).to.equal(503);
    const body = (await res.json()) as { status: string; failing: string[]; checks: Record<string, { ok: boolean; detail?: string }> };
    expect(body.status).to.equal('unready');
    expect(body.failing).to.deep.equal(['crm']);
    expect(body.checks.crm.detail).to.contain('Odoo unreachable');
    expect(body.checks.database).to.deep.equal({ ok: true });
  });
});
