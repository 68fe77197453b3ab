/**
 * npm run connect against the fakes: a first run sets everything up, a second changes nothing, a dry run only reads,
 * a drifted rule is put back, undo removes what connect created; and the rule it creates really pushes changes.
 */
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { startFakeOdoo, type FakeOdoo } from '../fakes/odoo/index.js';
import { startFakeBrevo, type FakeBrevo } from '../fakes/brevo/index.js';
import { connectToolSchema, loadConfigWith, type ConnectToolConfig } from '../../src/config.js';
import { OdooXmlRpcClient } from '../../src/crm/odoo-xmlrpc.js';
import { BrevoSdkPlatform } from '../../src/brevo/brevo-sdk.js';
import { DEFAULT_FIELD_MAP } from '../../src/outbound/field-map.js';
import { connectSettings, type ConnectSettings } from '../../src/connect/settings.js';
import { runConnect, type ConnectOptions } from '../../src/connect/connect.js';
import { RULE_NAME } from '../../src/connect/automation-rule.js';
import { triggerFieldNames } from '../../src/connect/trigger-fields.js';
import type { ConnectReport, StepAction } from '../../src/connect/report.js';
import { BREVO_KEY, HOOK_SECRET, WEBHOOK_TOKEN, drained, fakeEnv, startHarness, tempDatabasePath, type Harness } from '../helpers/harness.js';

const PUBLIC_URL = 'https://sidecar.example.com/base';
const CONNECT: ConnectOptions = { dryRun: false, undo: false, keepFields: false };
const MUTATING = new Set(['create', 'write', 'unlink']);

function configFor(odoo: FakeOdoo, brevo: FakeBrevo, env: NodeJS.ProcessEnv = {}): ConnectToolConfig {
  return loadConfigWith(connectToolSchema, { ...fakeEnv(odoo, brevo, tempDatabasePath()), PUBLIC_URL, WEBHOOK_BEARER_TOKENS: WEBHOOK_TOKEN, ...env });
}

function clientsFor(config: ConnectToolConfig) {
  return {
    crm: new OdooXmlRpcClient({ ...config.odoo, timeoutMs: 10_000 }),
    platform: new BrevoSdkPlatform(config.brevo),
  };
}

const actions = (report: ConnectReport) => Object.fromEntries(report.steps.map((s) => [s.step, s.action])) as Record<string, StepAction>;
const names = (odoo: FakeOdoo, ids: unknown) => odoo.store.read('ir.model.fields', ids as number[], ['name']).map((r) => r.name).sort();

/** The rule as the fake Odoo holds it, with its webhook action and field names. */
function ruleState(odoo: FakeOdoo) {
  const rules = odoo.store.searchRead('base.automation', [['name', '=', RULE_NAME]], {
    fields: ['trigger', 'active', 'model_name', 'trigger_field_ids', 'action_server_ids'], context: { active_test: false }, load: false,
  });
  if (rules.length !== 1) return { count: rules.length };
  const [rule] = rules;
  const actionRows = odoo.store.read('ir.actions.server', rule.action_server_ids as number[], ['name', 'state', 'webhook_url', 'webhook_field_ids'], { load: false });
  return {
    count: 1, trigger: rule.trigger, active: rule.active, model: rule.model_name, triggerFields: names(odoo, rule.trigger_field_ids),
    actions: actionRows.map((a) => ({ name: a.name, state: a.state, url: a.webhook_url, payloadFields: names(odoo, a.webhook_field_ids) })),
  };
}

const odooWrites = (odoo: FakeOdoo) => odoo.calls.filter((c) => MUTATING.has(c.modelMethod ?? '')).length;
const brevoWrites = (brevo: FakeBrevo) => brevo.calls.filter((c) => c.method !== 'GET').length;

describe('npm run connect (against the fakes)', function () {
  this.timeout(30_000);
  let odoo: FakeOdoo;
  let brevo: FakeBrevo;
  let config: ConnectToolConfig;
  let settings: ConnectSettings;
  const run = (options: Partial<ConnectOptions> = {}) => runConnect(clientsFor(config), settings, { ...CONNECT, ...options });

  beforeEach(async () => {
    odoo = await startFakeOdoo();
    brevo = await startFakeBrevo({ apiKeys: [BREVO_KEY] });
    config = configFor(odoo, brevo);
    settings = connectSettings(config, DEFAULT_FIELD_MAP);
  });
  afterEach(() => Promise.all([odoo.close(), brevo.close()]));

  it('creates everything on the first run and changes nothing on the second', async () => {
    const first = await run();

    expect(first.ok).to.equal(true);
    expect(actions(first)).to.deep.equal({
      odoo: 'checked', 'brevo-key': 'checked', 'brevo-attributes': 'created', 'brevo-lists': 'checked', 'crm-fields': 'created',
      'crm-form-page': 'created', 'automation-rule': 'created', 'brevo-webhooks': 'created',
    });
    expect(first.steps[0].detail).to.contain('Odoo 18.0').and.contain('uid 2');

    expect(ruleState(odoo)).to.deep.equal({
      count: 1, trigger: 'on_create_or_write', active: true, model: 'res.partner',
      triggerFields: triggerFieldNames(DEFAULT_FIELD_MAP),
      actions: [{ name: 'Send Webhook Notification', state: 'webhook', url: `${PUBLIC_URL}/hooks/odoo/${HOOK_SECRET}`, payloadFields: ['write_date'] }],
    });
    expect(triggerFieldNames(DEFAULT_FIELD_MAP)).to.include.members(['email', 'active', 'name', 'city', 'mobile', 'category_id'])
      .and.not.include('x_brevo_open_count');
    const webhooks = [...brevo.state.webhooks.values()];
    expect(webhooks.map((w) => [w.type, w.url, w.auth])).to.have.deep.members([
      ['transactional', `${PUBLIC_URL}/webhooks/brevo`, { type: 'bearer', token: WEBHOOK_TOKEN }],
      ['marketing', `${PUBLIC_URL}/webhooks/brevo`, { type: 'bearer', token: WEBHOOK_TOKEN }],
    ]);
    expect(odoo.store.search('ir.model.fields', [['model', '=', 'res.partner'], ['name', '=like', 'x_brevo_%']])).to.have.length(10);

    const [odooBefore, brevoBefore] = [odooWrites(odoo), brevoWrites(brevo)];
    const second = await run();
    expect(second.ok).to.equal(true);
    expect(new Set(Object.values(actions(second)))).to.deep.equal(new Set(['checked', 'unchanged']));
    expect([odooWrites(odoo), brevoWrites(brevo)]).to.deep.equal([odooBefore, brevoBefore]);
  });

  it('prints the plan in a dry run and changes nothing', async () => {
    const plan = await run({ dryRun: true });
    expect(plan.ok).to.equal(true);
    expect(actions(plan)).to.include({ 'brevo-attributes': 'created', 'crm-fields': 'created', 'crm-form-page': 'created', 'automation-rule': 'created', 'brevo-webhooks': 'created' });
    expect(odooWrites(odoo)).to.equal(0);
    expect(brevoWrites(brevo)).to.equal(0);
    expect(ruleState(odoo).count).to.equal(0);
    expect(brevo.state.webhooks.size).to.equal(0);
  });

  it('puts a drifted rule back: archived, another URL, a trigger field missing', async () => {
    await run();
    const [rule] = odoo.store.search('base.automation', [['name', '=', RULE_NAME]]);
    const [action] = odoo.store.search('ir.actions.server', [['base_automation_id', '=', rule]]);
    const [city] = odoo.store.search('ir.model.fields', [['model', '=', 'res.partner'], ['name', '=', 'city']]);
    odoo.store.write('base.automation', [rule], { active: false, trigger_field_ids: [[3, city]] });
    odoo.store.write('ir.actions.server', [action], { webhook_url: 'http://old-host/hooks/odoo/old-secret' });
    const plan = await run({ dryRun: true });
    expect(actions(plan)['automation-rule']).to.equal('updated');
    expect(ruleState(odoo).active).to.equal(false);

    const report = await run();
    expect(actions(report)['automation-rule']).to.equal('updated');
    expect(ruleState(odoo)).to.deep.include({ count: 1, active: true, triggerFields: triggerFieldNames(DEFAULT_FIELD_MAP) });
    expect(ruleState(odoo).actions).to.deep.equal([{ name: 'Send Webhook Notification', state: 'webhook', url: `${PUBLIC_URL}/hooks/odoo/${HOOK_SECRET}`, payloadFields: ['write_date'] }]);
  });

  it('undoes what it created (a dry run first changes nothing), keeping the Brevo attributes', async () => {
    await run();
    const attributes = brevo.state.attributes.length;
    const [odooBefore, brevoBefore] = [odooWrites(odoo), brevoWrites(brevo)];
    const plan = await run({ undo: true, dryRun: true });
    expect(actions(plan)).to.include({ 'automation-rule': 'removed', 'brevo-webhooks': 'removed', 'crm-form-page': 'removed', 'crm-fields': 'removed', 'brevo-attributes': 'kept' });
    expect([odooWrites(odoo), brevoWrites(brevo)]).to.deep.equal([odooBefore, brevoBefore]);

    const undone = await run({ undo: true });
    expect(undone.ok).to.equal(true);
    expect(actions(undone)).to.include({ 'automation-rule': 'removed', 'brevo-webhooks': 'removed', 'crm-form-page': 'removed', 'crm-fields': 'removed' });
    expect(ruleState(odoo).count).to.equal(0);
    expect(odoo.store.search('ir.actions.server', [['state', '=', 'webhook']])).to.deep.equal([]);
    expect(brevo.state.webhooks.size).to.equal(0);
    expect(odoo.store.search('ir.ui.view', [['name', '=', 'res.partner.form.brevo']])).to.deep.equal([]);
    expect(odoo.store.def('res.partner').fields.has('x_brevo_open_count')).to.equal(false);
    expect(brevo.state.attributes.length).to.equal(attributes);

    const again = await run({ undo: true });
    expect(actions(again)).to.include({ 'automation-rule': 'absent', 'brevo-webhooks': 'absent', 'crm-form-page': 'absent', 'crm-fields': 'absent' });
  });

  it('keeps the engagement fields on --undo --keep-fields', async () => {
    await run();
    const undone = await run({ undo: true, keepFields: true });
    expect(actions(undone)).to.include({ 'crm-form-page': 'removed', 'crm-fields': 'kept' });
    expect(odoo.store.def('res.partner').fields.has('x_brevo_open_count')).to.equal(true);
  });

  it('stops at a refused credential and says which', async () => {
    config = configFor(odoo, brevo, { ODOO_PASSWORD: 'wrong-password' });
    const report = await runConnect(clientsFor(config), connectSettings(config, DEFAULT_FIELD_MAP), CONNECT);
    expect(report.ok).to.equal(false);
    expect(report.steps.map((s) => [s.step, s.action])).to.deep.equal([['odoo', 'failed']]);
    expect(report.steps[0].detail).to.contain('rejected the login').and.not.contain('wrong-password');

    config = configFor(odoo, brevo, { BREVO_API_KEY: 'xkeysib-wrong-key' });
    const refused = await runConnect(clientsFor(config), connectSettings(config, DEFAULT_FIELD_MAP), CONNECT);
    expect(refused.steps.map((s) => [s.step, s.action])).to.deep.equal([['odoo', 'checked'], ['brevo-key', 'failed']]);
    expect(refused.steps[1].detail).to.contain('Brevo refused the API key').and.not.contain('xkeysib-wrong-key');
    expect(odooWrites(odoo)).to.equal(0);
  });

  it('reports a missing Brevo list and carries on with the other steps', async () => {
    config = configFor(odoo, brevo, { BREVO_LIST_IDS: '2,99' });
    const report = await runConnect(clientsFor(config), connectSettings(config, DEFAULT_FIELD_MAP), CONNECT);
    expect(report.ok).to.equal(false);
    expect(actions(report)).to.include({ 'brevo-lists': 'failed', 'automation-rule': 'created', 'brevo-webhooks': 'created' });
    expect(report.steps.find((s) => s.step === 'brevo-lists')!.detail).to.contain('99');
  });

  it('refuses an Odoo without webhook automations', async () => {
    const crm = Object.assign(clientsFor(config).crm, { version: async () => '16.0' });
    const report = await runConnect({ ...clientsFor(config), crm }, settings, CONNECT);
    expect(report.steps.map((s) => [s.step, s.action])).to.deep.equal([['odoo', 'failed']]);
    expect(report.steps[0].detail).to.contain('Odoo 16.0').and.contain('needs Odoo 17');
  });

  it('needs PUBLIC_URL and a bearer token, and names them', () => {
    const bare = loadConfigWith(connectToolSchema, fakeEnv(odoo, brevo, tempDatabasePath()));
    expect(() => connectSettings(bare, DEFAULT_FIELD_MAP)).to.throw().with.property('problems').that.satisfies(
      (p: string[]) => p.some((l) => l.startsWith('PUBLIC_URL')) && p.some((l) => l.startsWith('WEBHOOK_BEARER_TOKENS')),
    );
  });
});

describe('the automation rule connect creates, end to end', function () {
  this.timeout(30_000);
  let h: Harness;
  afterEach(() => h.stop());

  it('posts one request per partner change to the sidecar, none for engagement written back', async () => {
    h = await startHarness();
    const config = { ...h.sidecar.config, publicUrl: h.url };
    const report = await runConnect(clientsFor(config), connectSettings(config, DEFAULT_FIELD_MAP), CONNECT);
    expect(actions(report)['automation-rule']).to.equal('created');
    const crm = new OdooXmlRpcClient({ ...config.odoo, timeoutMs: 10_000 });
    const deliveries = h.odoo.store.webhooks.deliveries;

    const id = await crm.call<number>('res.partner', 'create', [{ name: 'Rule Case', email: 'rule-case@example.com' }]);
    await crm.call('res.partner', 'write', [[id], { city: 'Lisboa' }]);
    await crm.call('res.partner', 'write', [[id], { city: 'Lisboa' }]);
    await crm.call('res.partner', 'write', [[id], { x_brevo_open_count: 3 }]);
    expect(deliveries.map((d) => d.status)).to.deep.equal([202, 202]);
    const payload = JSON.parse(deliveries[1].body) as Record<string, unknown>;
    expect(payload).to.include({ _id: id, _model: 'res.partner', id });
    expect(String(payload.write_date)).to.match(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d{6})?$/);
    expect(deliveries[1].url).to.equal(`${h.url}/hooks/odoo/${HOOK_SECRET}`);

    await drained(h.sidecar);
    expect(h.brevo.contactByExtId(String(id))?.attributes.CITY).to.equal('Lisboa');
  });
});

describe('scripts/connect.ts (the CLI)', function () {
  this.timeout(60_000);
  let odoo: FakeOdoo;
  let brevo: FakeBrevo;
  before(async () => {
    odoo = await startFakeOdoo();
    brevo = await startFakeBrevo({ apiKeys: [BREVO_KEY] });
  });
  after(() => Promise.all([odoo.close(), brevo.close()]));

  const cli = (args: string[], env: NodeJS.ProcessEnv = {}) => new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', 'scripts/connect.ts', ...args], {
      env: { PATH: process.env.PATH, ...fakeEnv(odoo, brevo, tempDatabasePath()), PUBLIC_URL, WEBHOOK_BEARER_TOKENS: WEBHOOK_TOKEN, ...env },
    }, (err, stdout, stderr) => resolve({ code: err ? (err as { code?: number }).code ?? 1 : 0, stdout, stderr }));
  });

  it('prints the plan as JSON in a dry run, and the table on a real run, without the hook secret', async () => {
    const plan = await cli(['--dry-run', '--json']);
    expect(plan.code).to.equal(0);
    const report = JSON.parse(plan.stdout) as ConnectReport;
    expect(report).to.deep.include({ mode: 'connect', dryRun: true, ok: true });
    expect(odoo.store.search('base.automation', [])).to.deep.equal([]);

    const real = await cli([]);
    expect(real.code).to.equal(0);
    expect(real.stdout).to.match(/Automation rule "Send Webhook Notification"\s+created\s+POST https:\/\/sidecar\.example\.com\/base\/hooks\/odoo\/\[redacted\]/);
    expect(real.stdout).to.contain('connect: done').and.not.contain(HOOK_SECRET);
  });

  it('exits 1 with one line per missing setting', async () => {
    const bare = await cli([], { PUBLIC_URL: '', WEBHOOK_BEARER_TOKENS: '' });
    expect(bare.code).to.equal(1);
    expect(bare.stderr).to.contain('PUBLIC_URL: is required').and.contain('WEBHOOK_BEARER_TOKENS: is required');
  });
});
