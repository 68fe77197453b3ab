/** The fake Odoo's automation webhooks and the set-up faults connect meets (reference §12, §15). */
import { expect } from 'chai';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import xmlrpc from 'xmlrpc';
import { startFakeOdoo, type FakeOdoo } from './index.js';

interface Received { headers: IncomingHttpHeaders; body: string }

describe('fake Odoo: "Send Webhook Notification" automations', function () {
  this.timeout(20_000);
  let odoo: FakeOdoo;
  let receiver: Server;
  let received: Received[];
  let hookUrl: string;
  let object: (method: string, params: unknown[]) => Promise<unknown>;
  const call = (model: string, method: string, args: unknown[] = [], kwargs: Record<string, unknown> = {}) =>
    object('execute_kw', [odoo.db, 2, 'admin', model, method, args, kwargs]) as Promise<any>;
  const fieldIds = (names: string[]) => call('ir.model.fields', 'search', [[['model', '=', 'res.partner'], ['name', 'in', names]]]) as Promise<number[]>;

  async function rule(triggerFields: string[], payloadFields: string[] = ['write_date']): Promise<number> {
    const id = await call('base.automation', 'create', [{
      name: 'hook', model_id: 87, trigger: 'on_create_or_write',
      action_server_ids: [[0, 0, { name: 'POST', model_id: 87, state: 'webhook', webhook_url: hookUrl, webhook_field_ids: [[6, 0, await fieldIds(payloadFields)]] }]],
    }]);
    await call('base.automation', 'write', [[id], { trigger: 'on_create_or_write', trigger_field_ids: [[6, 0, await fieldIds(triggerFields)]] }]);
    received.length = 0;
    return id;
  }

  beforeEach(async () => {
    received = [];
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => { body += c.toString(); });
      req.on('end', () => { received.push({ headers: req.headers, body }); res.end('ok'); });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    odoo = await startFakeOdoo();
    const c = xmlrpc.createClient({ host: '127.0.0.1', port: odoo.port, path: '/xmlrpc/2/object' });
    object = promisify(c.methodCall.bind(c)) as typeof object;
  });
  afterEach(async () => {
    await odoo.close();
    await new Promise((r) => receiver.close(r));
  });

  it('posts once per change of a trigger field, before answering the call', async () => {
    await rule(['name', 'city']);
    const id = await call('res.partner', 'create', [{ name: 'Jane Dupont', email: 'jane@example.com' }]);
    expect(received).to.have.length(1);
    await call('res.partner', 'write', [[id], { city: 'Porto' }]);
    expect(received).to.have.length(2);
    await call('res.partner', 'write', [[id], { city: 'Porto' }]);
    await call('res.partner', 'write', [[id], { street: 'Rua 1' }]);
    await call('res.partner', 'message_post', [[id]], { body: 'note' });
    await call('mail.blacklist', 'create', [{ email: 'jane@example.com' }]);
    await call('res.partner', 'unlink', [[id]]);
    expect(received).to.have.length(2);
  });

  it('posts on every write, and ten times per create, without trigger fields (as measured)', async () => {
    await rule([]);
    const id = await call('res.partner', 'create', [{ name: 'No Filter' }]);
    expect(received).to.have.length(10);
    await call('res.partner', 'write', [[id], { street: 'same' }]);
    await call('res.partner', 'write', [[id], { street: 'same' }]);
    expect(received).to.have.length(12);
  });

  it("sends Odoo's payload: sorted Python JSON, bare many2one ids, datetimes with microseconds", async () => {
    const action = await rule(['city'], ['write_date', 'country_id', 'name']).then(async (r) => (await call('base.automation', 'read', [[r], ['action_server_ids']]))[0].action_server_ids[0]);
    const id = await call('res.partner', 'create', [{ name: 'Zoë Ætna', country_id: 75 }]);
    const [{ headers, body }] = received;
    expect(headers).to.include({ 'content-type': 'application/json', 'user-agent': 'python-requests/2.28.1' });
    expect(body).to.match(new RegExp(
      `^\\{"_action": "Send Webhook Notification\\(#${action}\\)", "_id": ${id}, "_model": "res.partner", "country_id": 75, "id": ${id}, `
      + '"name": "Zo\\\\u00eb \\\\u00c6tna", "write_date": "\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d(\\.\\d{6})?"\\}$',
    ));
  });

  it('answers the write even when the receiver is down (the error is only recorded)', async () => {
    await rule(['city']);
    await new Promise((r) => receiver.close(r));
    const id = await call('res.partner', 'create', [{ name: 'Down Case' }]);
    expect(await call('res.partner', 'write', [[id], { city: 'Faro' }])).to.equal(true);
    expect(odoo.store.webhooks.deliveries.slice(-1)[0]).to.include({ error: 'ECONNREFUSED' });
    receiver.listen(0); // so that afterEach can close it
  });

  it('deletes a rule with its actions', async () => {
    const id = await rule(['city']);
    const [{ action_server_ids: actions }] = await call('base.automation', 'read', [[id], ['action_server_ids']]);
    await call('base.automation', 'unlink', [[id]]);
    expect(await call('ir.actions.server', 'search', [[['id', 'in', actions]]])).to.deep.equal([]);
  });

  it('refuses to delete a field a view still shows (§15)', async () => {
    const field = await call('ir.model.fields', 'create', [{ model_id: 87, name: 'x_shown', ttype: 'integer' }]);
    const [form] = await call('ir.model.data', 'search_read', [[['module', '=', 'base'], ['name', '=', 'view_partner_form']]], { fields: ['res_id'] });
    const view = await call('ir.ui.view', 'create', [{ name: 'shows.x', model: 'res.partner', inherit_id: form.res_id, type: 'form', mode: 'extension', arch_db: '<xpath expr="//notebook" position="inside"><page string="X"><field name="x_shown"/></page></xpath>' }]);
    const refused = await call('ir.model.fields', 'unlink', [[field]]).then(() => null, (e: { faultCode: number; faultString: string }) => e);
    expect([refused?.faultCode, refused?.faultString]).to.deep.equal([2, 'Cannot rename/delete fields that are still present in views:\nFields: res.partner.x_shown\nView: shows.x']);
    await call('ir.ui.view', 'unlink', [[view]]);
    expect(await call('ir.model.fields', 'unlink', [[field]])).to.equal(true);
  });
});
