/**
 * The admin's set-up steps against the fakes: Brevo attributes and lists, CRM fields and form page, Brevo webhooks.
 */
import { expect } from 'chai';
import { startFakeBrevo, type FakeBrevo } from '../fakes/brevo/index.js';
import { startFakeOdoo, type FakeOdoo } from '../fakes/odoo/index.js';
import { BrevoSdkPlatform } from '../../src/brevo/brevo-sdk.js';
import { setupBrevo } from '../../src/outbound/brevo-setup.js';
import { Pacer } from '../../src/outbound/pacer.js';
import { OdooXmlRpcClient } from '../../src/crm/odoo-xmlrpc.js';
import { setupCrmFields, VIEW_NAME } from '../../src/crm/setup-fields.js';
import { registerWebhooks } from '../../src/brevo/webhook-registration.js';
import { BREVO_KEY, MAPPED_ATTRIBUTES } from '../helpers/harness.js';
import { loadConfig } from '../../src/config.js';

const fields = loadConfig({ ODOO_URL: 'http://x', ODOO_DB: 'x', ODOO_USER: 'x', ODOO_PASSWORD: 'x', BREVO_API_KEY: 'x', BREVO_LIST_IDS: '1', CRM_HOOK_SECRET: 'x'.repeat(16) }).inbound.fields;

describe('set-up steps (integration)', function () {
  this.timeout(20_000);

  describe('setup-brevo', () => {
    let brevo: FakeBrevo;
    beforeEach(async () => { brevo = await startFakeBrevo({ apiKeys: [BREVO_KEY] }); });
    afterEach(() => brevo.close());

    it('creates only the missing attributes, as text, within the rate limit, and checks the lists', async () => {
      const platform = new BrevoSdkPlatform({ apiKey: BREVO_KEY, baseUrl: brevo.baseUrl, timeoutSeconds: 5 });
      const pacer = new Pacer({ intervalCap: 5, intervalMs: 1000, authProbeMs: 1000, probe: () => platform.probe() });
      const first = await setupBrevo(platform, MAPPED_ATTRIBUTES, [2, 99], false, (c) => pacer.run(c));
      expect(first.created).to.include.members(['COMPANY', 'CITY', 'TAGS']).and.not.include('FIRSTNAME');
      expect(first.lists).to.deep.equal([{ id: 2, exists: true }, { id: 99, exists: false }]);
      expect(first.ok).to.equal(false);
      const names = [...brevo.state.attributes.values()].map((a: { name: string }) => a.name);
      expect(names).to.include.members(MAPPED_ATTRIBUTES);
      const again = await setupBrevo(platform, MAPPED_ATTRIBUTES, [2], false, (c) => pacer.run(c));
      expect(again.created).to.deep.equal([]);
      expect(brevo.calls.filter((c) => c.status === 429)).to.have.length(0);
      pacer.stop();
    });

    it('changes nothing in a dry run', async () => {
      const platform = new BrevoSdkPlatform({ apiKey: BREVO_KEY, baseUrl: brevo.baseUrl, timeoutSeconds: 5 });
      const report = await setupBrevo(platform, MAPPED_ATTRIBUTES, [2], true);
      expect(report.created).to.include('COMPANY');
      expect(brevo.calls.filter((c) => c.method !== 'GET')).to.have.length(0);
    });
  });

  describe('setup-crm-fields', () => {
    let odoo: FakeOdoo;
    beforeEach(async () => { odoo = await startFakeOdoo(); });
    afterEach(() => odoo.close());

    it('creates the engagement fields and the Brevo page of the partner form, once', async () => {
      const crm = new OdooXmlRpcClient({ url: odoo.url, db: odoo.db, user: 'admin', password: 'admin', timeoutMs: 5000 });
      const planned = await setupCrmFields(crm, fields, true);
      expect(planned.created).to.have.length(10);
      expect(odoo.store.search('ir.model.fields', [['name', '=', fields.openCount]])).to.have.length(0);

      const first = await setupCrmFields(crm, fields, false);
      expect(first).to.deep.include({ view: 'created', existing: [] });
      const [id] = odoo.store.search('res.partner', [], { limit: 1 });
      await crm.call('res.partner', 'write', [[id], { [fields.status]: 'bounced', [fields.lastOpen]: '2026-11-22 10:00:00', [fields.openCount]: 2 }]);
      const views = await crm.call<{ views: { form: { arch: string } } }>('res.partner', 'get_views', [[[false, 'form']]], {});
      expect(views.views.form.arch).to.contain('Brevo').and.contain(fields.openCount);

      const second = await setupCrmFields(crm, fields, false);
      expect(second).to.deep.include({ created: [], view: 'unchanged' });
      expect(odoo.store.search('ir.ui.view', [['name', '=', VIEW_NAME]])).to.have.length(1);
    });
  });

  describe('register-webhooks', () => {
    let brevo: FakeBrevo;
    beforeEach(async () => { brevo = await startFakeBrevo({ apiKeys: [BREVO_KEY] }); });
    afterEach(() => brevo.close());

    it('registers a transactional and a marketing webhook with the bearer token, idempotently', async () => {
      const options = { apiKey: BREVO_KEY, baseUrl: brevo.baseUrl, url: 'https://sidecar.example.com/webhooks/brevo', bearerToken: 'tok-123', dryRun: false };
      const first = await registerWebhooks(options);
      expect(first.map((r) => r.action)).to.deep.equal(['created', 'created']);
      const hooks = [...brevo.state.webhooks.values()] as Array<{ type: string; batched: boolean; auth?: { token?: string }; events: string[] }>;
      expect(hooks.map((w) => w.type).sort()).to.deep.equal(['marketing', 'transactional']);
      expect(hooks.every((w) => w.batched && w.auth?.token === 'tok-123')).to.equal(true);
      const second = await registerWebhooks(options);
      expect(second.map((r) => r.action)).to.deep.equal(['unchanged', 'unchanged']);
      expect(brevo.calls.length).to.be.at.most(6);
    });
  });
});
