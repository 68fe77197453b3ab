import { expect } from 'chai';
import { request } from 'node:http';
import { promisify } from 'node:util';
import xmlrpc from 'xmlrpc';
import { OdooStore, seedPartners, startFakeOdoo, type FakeOdoo } from './index.js';

interface RpcError extends Error { faultCode?: number; faultString?: string; code?: string }

const T0 = Date.parse('2026-03-01T10:00:00.000Z');

describe('fake Odoo 18 XML-RPC server', () => {
  let odoo: FakeOdoo;
  let clock = T0;
  let common: (method: string, params: unknown[]) => Promise<unknown>;
  let object: (method: string, params: unknown[]) => Promise<unknown>;

  /** execute_kw as admin unless told otherwise. */
  const call = (model: string, method: string, args: unknown[] = [], kwargs: Record<string, unknown> = {}, as: [unknown, unknown] = [2, 'admin']) =>
    object('execute_kw', [odoo.db, as[0], as[1], model, method, args, kwargs]) as Promise<any>;

  async function fault(p: Promise<unknown>): Promise<RpcError> {
    try { await p; } catch (e) { return e as RpcError; }
    throw new Error('expected a fault');
  }
  const lastLine = (e: RpcError) => e.faultString!.trimEnd().split('\n').pop();
  const advance = (ms: number) => { clock += ms; };

  before(async () => {
    odoo = await startFakeOdoo({ now: () => new Date(clock) });
    const client = (path: string) => {
      const c = xmlrpc.createClient({ host: '127.0.0.1', port: odoo.port, path });
      return promisify(c.methodCall.bind(c)) as (m: string, p: unknown[]) => Promise<unknown>;
    };
    common = client('/xmlrpc/2/common');
    object = client('/xmlrpc/2/object');
  });
  after(() => odoo.close());
  afterEach(() => odoo.faults.clear());

  describe('common service and wire format', () => {
    it('answers version() with the server version struct', async () => {
      const v = await common('version', []) as Record<string, unknown>;
      expect(v.server_version).to.equal('18.0');
      expect(v.protocol_version).to.equal(1);
    });

    it('authenticates with 4 params: uid, False for bad secrets, Fault 1 with 3 params', async () => {
      expect(await common('authenticate', ['crm', 'admin', 'admin', {}])).to.equal(2);
      expect(await common('authenticate', ['crm', 'admin', 'wrong', {}])).to.equal(false);
      expect(await common('authenticate', ['crm', 'nobody', 'x', {}])).to.equal(false);
      expect(await common('login', ['crm', 'demo', 'demo'])).to.equal(6);
      const e = await fault(common('authenticate', ['crm', 'admin', 'admin']));
      expect(e.faultCode).to.equal(1);
      expect(e.faultString).to.match(/^Traceback \(most recent call last\):/);
      expect(lastLine(e)).to.match(/^TypeError: .*missing 1 required positional argument: 'user_agent_env'/);
    });

    it('rejects an unknown database with Fault 1', async () => {
      const e = await fault(common('authenticate', ['nosuchdb', 'admin', 'admin', {}]));
      expect(e.faultCode).to.equal(1);
      expect(lastLine(e)).to.match(/psycopg2\.OperationalError: .*FATAL: {2}database "nosuchdb" does not exist/);
    });

    it('closes every connection, sends text/xml, an <int> faultCode and never <nil/>', async () => {
      const post = (path: string, body: string) => new Promise<{ headers: Record<string, unknown>; text: string }>((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port: odoo.port, path, method: 'POST', headers: { 'Content-Type': 'text/xml' } }, (res) => {
          let text = '';
          res.on('data', (d) => { text += d; });
          res.on('end', () => resolve({ headers: res.headers, text }));
        });
        req.on('error', reject);
        req.end(body);
      });
      const bad = await post('/xmlrpc/2/object', `<?xml version="1.0"?><methodCall><methodName>execute_kw</methodName><params>
        <param><value><string>crm</string></value></param><param><value><int>2</int></value></param>
        <param><value><string>admin</string></value></param><param><value><string>res.partnerx</string></value></param>
        <param><value><string>search</string></value></param><param><value><array><data><value><array><data/></array></value></data></array></value></param>
        </params></methodCall>`);
      expect(bad.headers.connection).to.equal('close');
      expect(bad.headers['content-type']).to.match(/^text\/xml/);
      // Byte for byte the fault of the reference's §10 sample (Odoo's layout).
      expect(bad.text).to.equal([
        '<?xml version="1.0"?>', '<methodResponse>', '<fault>', '<value><struct>',
        '<member>', '<name>faultCode</name>', '<value><int>2</int></value>', '</member>',
        '<member>', '<name>faultString</name>', "<value><string>Object res.partnerx doesn't exist</string></value>", '</member>',
        '</struct></value>', '</fault>', '', '</methodResponse>', '',
      ].join('\n'));
      const ok = await post('/xmlrpc/2/object', `<?xml version="1.0"?><methodCall><methodName>execute_kw</methodName><params>
        <param><value><string>crm</string></value></param><param><value><int>2</int></value></param>
        <param><value><string>admin</string></value></param><param><value><string>res.partner</string></value></param>
        <param><value><string>search_read</string></value></param><param><value><array><data><value><array><data/></array></value></data></array></value></param>
        <param><value><struct><member><name>limit</name><value><nil/></value></member><member><name>fields</name><value><array><data><value>parent_id</value><value>street</value></data></array></value></member></struct></value></param>
        </params></methodCall>`);
      expect(ok.text).to.include('<methodResponse>').and.not.include('<nil');
      expect(ok.text).to.include('<boolean>0</boolean>');
    });
  });

  describe('credentials on execute_kw', () => {
    it('re-checks the password on every call (Fault 3) and reports unknown uids (Fault 2)', async () => {
      expect(await call('res.partner', 'search_count', [[]])).to.be.a('number');
      const denied = await fault(call('res.partner', 'search_count', [[]], {}, [2, 'nope']));
      expect([denied.faultCode, denied.faultString]).to.deep.equal([3, 'Access Denied']);
      expect((await fault(call('res.partner', 'search_count', [[]], {}, [false, 'admin']))).faultCode).to.equal(3);
      const unknown = await fault(call('res.partner', 'search_count', [[]], {}, [999, 'admin']));
      expect([unknown.faultCode, unknown.faultString]).to.deep.equal([2, 'Record does not exist or has been deleted.\n(Record: res.users(999,), User: 999)']);
      expect(await call('res.partner', 'search_count', [[]], {}, ['2', 'admin'])).to.be.a('number');
    });

    it('accepts API keys as passwords and follows password changes', async () => {
      odoo.store.addApiKey(6, 'key-6');
      expect(await common('authenticate', ['crm', 'demo', 'key-6', {}])).to.equal(6);
      expect(await call('res.partner', 'search_count', [[]], {}, [6, 'key-6'])).to.be.a('number');
      odoo.store.setPassword(6, 'rotated');
      expect((await fault(call('res.partner', 'search_count', [[]], {}, [6, 'demo']))).faultCode).to.equal(3);
      expect(await common('authenticate', ['crm', 'demo', 'rotated', {}])).to.equal(6);
      odoo.store.setPassword(6, 'demo');
    });
  });

  describe('search and read', () => {
    let ids: number[];
    before(() => {
      ids = odoo.store.create('res.partner', [
        { name: 'Zed Alpha', email: 'zed@example.com', city: 'Lyon' },
        { name: 'Ann Alpha', email: 'ann@example.com', city: 'Lyon', message_bounce: 2 },
        { name: 'Bob Alpha', email: 'bob@example.com', city: 'Lyon', active: false },
      ]);
    });

    it('filters, orders, pages and always returns id', async () => {
      const rows = await call('res.partner', 'search_read', [[['city', '=', 'Lyon']]], { fields: ['name'], order: 'name asc', limit: 1, offset: 1 });
      expect(rows).to.deep.equal([{ id: ids[0], name: 'Zed Alpha' }]); // Ann, [Zed]; Bob is archived
      const byKw = await call('res.partner', 'search_read', [], { domain: [['city', '=', 'Lyon']], fields: ['name'], order: 'id asc' });
      expect(byKw.map((r: { id: number }) => r.id)).to.deep.equal([ids[0], ids[1]]);
      const positional = await call('res.partner', 'search_read', [[['city', '=', 'Lyon']], ['city'], 0, 0, 'id desc']);
      expect(positional).to.deep.equal([{ id: ids[1], city: 'Lyon' }, { id: ids[0], city: 'Lyon' }]);
      expect(await call('res.partner', 'search', [[['city', '=', 'Lyon']]])).to.deep.equal([ids[1], ids[0]]); // complete_name ASC
    });

    it('skips archived rows unless active_test is off or the domain names active', async () => {
      expect(await call('res.partner', 'search_count', [[['city', '=', 'Lyon']]])).to.equal(2);
      expect(await call('res.partner', 'search_count', [[['city', '=', 'Lyon']]], { context: { active_test: false } })).to.equal(3);
      expect(await call('res.partner', 'search_count', [[['city', '=', 'Lyon'], ['active', 'in', [true, false]]]])).to.equal(3);
      expect(await call('res.partner', 'read', [[ids[2]], ['active']])).to.deep.equal([{ id: ids[2], active: false }]);
    });

    it('reads many2one as [id, name] (bare with load None), empties as False, integers as 0', async () => {
      const fr = odoo.store.search('res.country', [['code', '=', 'FR']])[0];
      odoo.store.write('res.partner', ids[0], { country_id: fr });
      const [row] = await call('res.partner', 'read', [ids[0]], { fields: ['country_id', 'state_id', 'phone', 'message_bounce', 'category_id', 'create_date'] });
      expect(row).to.deep.include({ country_id: [fr, 'France'], state_id: false, phone: false, message_bounce: 0, category_id: [] });
      expect(row.create_date).to.match(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
      const [bare] = await call('res.partner', 'read', [[ids[0]], ['country_id']], { load: null });
      expect(bare.country_id).to.equal(fr);
      const [sr] = await call('res.partner', 'search_read', [[['id', '=', ids[0]]]], { fields: ['country_id'], load: '' });
      expect(sr.country_id).to.equal(fr);
    });

    it('lists x2many ids in the related model order, not by id', async () => {
      const [b, a] = odoo.store.create('res.partner.category', [{ name: 'Zulu tag' }, { name: 'Alpha tag' }]);
      await call('res.partner', 'write', [[ids[1]], { category_id: [[6, 0, [b, a]]] }]);
      expect((await call('res.partner', 'read', [[ids[1]], ['category_id']]))[0].category_id).to.deep.equal([a, b]);
    });

    it('drops missing ids on read, faults on write/unlink of them', async () => {
      expect(await call('res.partner', 'read', [[999999]])).to.deep.equal([]);
      expect((await call('res.partner', 'read', [[ids[0], 999999], ['name']])).length).to.equal(1);
      const all = (await call('res.partner', 'read', [[ids[0]]]))[0];
      expect(all).to.include.keys('email_normalized', 'is_blacklisted', 'commercial_partner_id', 'write_date');
      const w = await fault(call('res.partner', 'write', [[999999], { name: 'x' }]));
      expect([w.faultCode, w.faultString]).to.deep.equal([2, 'Record does not exist or has been deleted.\n(Record: res.partner(999999,), User: 2)']);
      expect((await fault(call('res.partner', 'unlink', [[999998, 999999]]))).faultString).to.include('res.partner(999998, 999999)');
    });

    it('creates from a dict (int) or a list (list of ids)', async () => {
      expect(await call('res.partner', 'create', [{ name: 'One' }])).to.be.a('number');
      const many = await call('res.partner', 'create', [[{ name: 'Two' }, { name: 'Three' }]]);
      expect(many).to.be.an('array').with.length(2);
      expect(many[1]).to.equal(many[0] + 1);
      expect(await call('res.partner', 'create', [[]])).to.deep.equal([]);
    });

    it('answers the reference faults for bad models, methods, fields, domains and orders', async () => {
      const cases: Array<[Promise<unknown>, number, string]> = [
        [call('res.partnerx', 'search', [[]]), 2, "Object res.partnerx doesn't exist"],
        [call('res.partner', 'no_such_method', [[]]), 1, "AttributeError: The method 'no_such_method' does not exist on the model 'res.partner'"],
        [call('res.partner', '_compute_display_name', [[]]), 4, 'Private methods (such as _compute_display_name) cannot be called remotely.'],
        [call('res.partner', 'read', [[1], ['x_nope']]), 1, "ValueError: Invalid field 'x_nope' on model 'res.partner'"],
        [call('res.partner', 'search', [[['x_nope', '=', 1]]]), 1, "ValueError: Invalid field res.partner.x_nope in leaf ('x_nope', '=', 1)"],
        [call('res.partner', 'search', [[['name', '~~', 'a']]]), 1, "ValueError: Invalid leaf ('name', '~~', 'a')"],
        [call('res.partner', 'search', [[['name', '=']]]), 1, 'ValueError: not enough values to unpack (expected 3, got 2)'],
        [call('res.partner', 'search', ["[('name','=','x')]"]), 1, "AssertionError: Domains to normalize must have a 'domain' form: a list or tuple of domain components"],
        [call('res.partner', 'search', [['|', ['name', '=', 'x']]]), 1, "ValueError: Domain ['|', ['name', '=', 'x']] is syntactically not correct."],
        [call('res.partner', 'search', [[]], { order: 'x_nope asc' }), 1, "ValueError: Invalid field 'x_nope' on model 'res.partner'"],
        [call('res.partner', 'write', [[ids[0]], { message_bounce: 'abc' }]), 1, "ValueError: invalid literal for int() with base 10: 'abc'"],
        [call('res.partner', 'write', [[ids[0]], { type: 'nope' }]), 1, "ValueError: Wrong value for res.partner.type: 'nope'"],
        [call('res.partner', 'write', [[ids[0]], { country_id: 999999 }]), 2, 'The operation cannot be completed: another model requires the record being deleted. If possible, archive it instead.\n\nModel: Contact (res.partner)\nConstraint: res_partner_country_id_fkey\n'],
      ];
      for (const [p, code, message] of cases) {
        const e = await fault(p);
        expect([e.faultCode, code === 1 ? lastLine(e) : e.faultString]).to.deep.equal([code, message]);
      }
    });

    it('supports the usual operators, prefix logic and False comparisons', async () => {
      const names = async (domain: unknown[]) =>
        (await call('res.partner', 'search_read', [domain], { fields: ['name'], order: 'id asc' })).map((r: { name: string }) => r.name);
      expect(await names([['city', '=', 'Lyon'], '|', ['name', 'ilike', 'ann'], ['email', '=like', 'zed@%']])).to.deep.equal(['Zed Alpha', 'Ann Alpha']);
      expect(await names([['city', '=', 'Lyon'], '!', ['name', 'like', 'Ann']])).to.deep.equal(['Zed Alpha']);
      expect(await names([['city', '=', 'Lyon'], ['message_bounce', '>=', 1]])).to.deep.equal(['Ann Alpha']);
      expect(await names([['city', '=', 'Lyon'], ['phone', '=', false], ['name', 'not in', ['Zed Alpha']]])).to.deep.equal(['Ann Alpha']);
      expect(await names([['name', '=ilike', 'z_d al%']])).to.deep.equal(['Zed Alpha']);
    });
  });

  describe('write_date', () => {
    it('keeps sub-second precision: "> same second" still matches, date-only ">" means after that day', async () => {
      clock = Date.parse('2026-03-02T12:48:15.000Z');
      const id = odoo.store.create('res.partner', { name: 'Timed' });
      const [row] = odoo.store.read('res.partner', id, ['write_date']);
      expect(row.write_date).to.equal('2026-03-02 12:48:15');
      for (const bound of ['2026-03-02 12:48:15', '2026-03-02T12:48:15', '2026-03-02 12:48:15.000', '2026-03-02T12:48:15Z', new Date('2026-03-02T12:48:15Z')]) {
        expect(await call('res.partner', 'search', [[['id', '=', id], ['write_date', '>', bound]]])).to.deep.equal([id]);
      }
      expect(await call('res.partner', 'search', [[['id', '=', id], ['write_date', '>', '2026-03-02']]])).to.deep.equal([]);
      expect(await call('res.partner', 'search', [[['id', '=', id], ['write_date', '>=', '2026-03-02']]])).to.deep.equal([id]);
      const e = await fault(call('res.partner', 'search', [[['write_date', '>', 'garbage']]]));
      expect(e.faultString).to.include('psycopg2.errors.InvalidDatetimeFormat: invalid input syntax for type timestamp: "garbage"');
      expect(e.faultString).to.include(`"res_partner"."write_date" > 'garbage')`);
      const ordered = await call('res.partner', 'search_read', [[['write_date', '>=', '2026-03-02 00:00:00']]], { fields: ['write_date'], order: 'write_date asc, id asc' });
      expect(ordered.map((r: { id: number }) => r.id)).to.include(id);
    });

    it('bumps a company’s contacts on any company write, not on blacklisting or message_post', async () => {
      clock = Date.parse('2026-03-03T08:00:00Z');
      const company = odoo.store.create('res.partner', { name: 'Acme', is_company: true, city: 'Paris' });
      const child = odoo.store.create('res.partner', { name: 'Jo', parent_id: company, email: 'jo@acme.example' });
      const stamp = () => odoo.store.read('res.partner', child, ['write_date'])[0].write_date;
      expect(odoo.store.read('res.partner', child, ['city', 'commercial_company_name', 'display_name'])[0])
        .to.deep.include({ city: 'Paris', commercial_company_name: 'Acme', display_name: 'Acme, Jo' });
      advance(60_000);
      await call('res.partner', 'write', [[company], { website: 'https://acme.example' }]);
      expect(stamp()).to.equal('2026-03-03 08:01:00');
      advance(60_000);
      await call('mail.blacklist', 'create', [{ email: 'jo@acme.example' }]);
      await call('res.partner', 'message_post', [[child]], { body: 'hi' });
      expect(stamp()).to.equal('2026-03-03 08:01:00');
      expect(await call('res.partner', 'search', [[['id', '=', child], ['is_blacklisted', '=', true]]])).to.deep.equal([child]);
    });
  });

  describe('custom fields and value conversion', () => {
    before(async () => {
      const [modelId] = await call('ir.model', 'search', [[['model', '=', 'res.partner']]]);
      expect(modelId).to.equal(87);
      await call('ir.model.fields', 'create', [{ model_id: modelId, name: 'x_brevo_last_open', field_description: 'Brevo Last Open', ttype: 'datetime', state: 'manual' }]);
      await call('ir.model.fields', 'create', [{
        model_id: modelId, name: 'x_brevo_status', ttype: 'selection',
        selection_ids: [[0, 0, { value: 'bounced', name: 'Bounced', sequence: 1 }], [0, 0, { value: 'ok', name: 'OK', sequence: 2 }]],
      }]);
      await call('ir.model.fields', 'create', [{ model_id: modelId, name: 'x_brevo_opens', ttype: 'integer' }]);
    });

    it('makes x_ fields usable at once (read, write, domain, fields_get)', async () => {
      const id = await call('res.partner', 'create', [{ name: 'Custom', x_brevo_status: 'bounced', x_brevo_opens: 3 }]);
      expect(await call('res.partner', 'search', [[['x_brevo_status', '=', 'bounced']]])).to.deep.equal([id]);
      const [row] = await call('res.partner', 'read', [[id], ['x_brevo_status', 'x_brevo_opens', 'x_brevo_last_open']]);
      expect(row).to.deep.equal({ id, x_brevo_status: 'bounced', x_brevo_opens: 3, x_brevo_last_open: false });
      await call('res.partner', 'write', [[id], { x_brevo_status: false, x_brevo_opens: false }]);
      expect((await call('res.partner', 'read', [[id], ['x_brevo_status', 'x_brevo_opens']]))[0]).to.deep.equal({ id, x_brevo_status: false, x_brevo_opens: 0 });
      const meta = await call('res.partner', 'fields_get', [['x_brevo_status']], { attributes: ['type', 'selection', 'string'] });
      expect(meta).to.deep.equal({ x_brevo_status: { type: 'selection', string: 'x_brevo_status', selection: [['bounced', 'Bounced'], ['ok', 'OK']] } });
      const bad = await fault(call('res.partner', 'write', [[id], { x_brevo_status: 'nope' }]));
      expect(lastLine(bad)).to.equal("ValueError: Wrong value for res.partner.x_brevo_status: 'nope'");
    });

    it('accepts only "YYYY-MM-DD HH:MM:SS", a date or a dateTime.iso8601 when writing datetimes', async () => {
      const id = odoo.store.create('res.partner', { name: 'Dates' });
      const readBack = async () => (await call('res.partner', 'read', [[id], ['x_brevo_last_open']]))[0].x_brevo_last_open;
      await call('res.partner', 'write', [[id], { x_brevo_last_open: '2024-05-01 10:20:30' }]);
      expect(await readBack()).to.equal('2024-05-01 10:20:30');
      await call('res.partner', 'write', [[id], { x_brevo_last_open: '2024-05-01' }]);
      expect(await readBack()).to.equal('2024-05-01 00:00:00');
      await call('res.partner', 'write', [[id], { x_brevo_last_open: new Date('2024-06-01T01:02:03Z') }]);
      expect(await readBack()).to.equal('2024-06-01 01:02:03');
      const z = await fault(call('res.partner', 'write', [[id], { x_brevo_last_open: '2024-05-01T10:20:30Z' }]));
      expect(lastLine(z)).to.equal("ValueError: time data '2024-05-01T10:20:30Z' does not match format '%Y-%m-%d %H:%M:%S'");
      const frac = await fault(call('res.partner', 'write', [[id], { x_brevo_last_open: '2024-05-01 10:20:30.123456' }]));
      expect(lastLine(frac)).to.equal('ValueError: unconverted data remains: .123456');
    });

    it('reports the §9 faults, admin only', async () => {
      const base = { model_id: 87, ttype: 'char' };
      const cases: Array<[Promise<unknown>, number, string]> = [
        [call('ir.model.fields', 'create', [{ ...base, name: 'brevo' }]), 2, "The operation cannot be completed: Custom fields must have a name that starts with 'x_'!"],
        [call('ir.model.fields', 'create', [{ ...base, name: 'x_brevo_opens' }]), 2, 'The operation cannot be completed: Field names must be unique per model.'],
        [call('ir.model.fields', 'create', [{ model: 'res.partner', name: 'x_other', ttype: 'char' }]), 2,
          'The operation cannot be completed:\n- Create/update: a mandatory field is not set.\n- Delete: another model requires the record being deleted. If possible, archive it instead.\n\nModel: Fields (ir.model.fields)\nField: Model (model_id)\n'],
      ];
      for (const [p, code, message] of cases) {
        const e = await fault(p);
        expect([e.faultCode, e.faultString]).to.deep.equal([code, message]);
      }
      const demo = await fault(call('ir.model.fields', 'create', [{ ...base, name: 'x_demo' }], {}, [6, 'demo']));
      expect(demo.faultCode).to.equal(4);
      expect(demo.faultString).to.match(/^You are not allowed to create 'Fields' \(ir\.model\.fields\) records\.\n\nThis operation is allowed for the following groups:\n\t- Administration\/Access Rights/);
      const portal = await fault(call('res.partner', 'read', [[1], ['is_blacklisted']], {}, [7, 'portal']));
      expect(portal.faultCode).to.equal(4);
      expect(portal.faultString).to.include('"is_blacklisted" on Contact (res.partner)');
    });
  });

  describe('users and rights', () => {
    it('gives portal users the AccessErrors of the reference and refuses uninstalled context languages', async () => {
      const portal: [number, string] = [7, 'portal'];
      const bl = await fault(call('mail.blacklist', 'search', [[]], {}, portal));
      expect(bl.faultString).to.equal("You are not allowed to access 'Mail Blacklist' (mail.blacklist) records.\n\n"
        + 'This operation is allowed for the following groups:\n\t- Administration/Settings\n\t- Email Marketing/User\n\n'
        + 'Contact your administrator to request access if necessary.');
      const del = await fault(call('res.partner', 'unlink', [[1]], {}, portal));
      expect([del.faultCode, del.faultString]).to.deep.equal([4, "You are not allowed to delete 'Contact' (res.partner) records.\n\n"
        + 'This operation is allowed for the following groups:\n\t- Extra Rights/Contact Creation\n\n'
        + 'Contact your administrator to request access if necessary.']);
      const [own] = await call('res.partner', 'search_read', [[['id', '=', 1]]], {}, portal);
      expect(own).to.not.have.property('is_blacklisted');
      expect(await call('mail.blacklist', 'search_count', [[]], {}, [6, 'demo'])).to.be.a('number');
      const lang = await fault(call('res.partner', 'search', [[]], { context: { lang: 'fr_FR' } }));
      expect([lang.faultCode, lang.faultString]).to.deep.equal([2, 'Invalid language code: fr_FR']);
      const id = await call('res.partner', 'create', [{ name: 'Lang', lang: 'xx_XX' }]);
      expect((await call('res.partner', 'read', [[id], ['lang']]))[0].lang).to.equal('xx_XX');
    });
  });

  describe('mail.blacklist', () => {
    it('normalises, returns the existing id for duplicates and does not reactivate archived rows', async () => {
      const id = await call('mail.blacklist', 'create', [{ email: '  Jane2@EXAMPLE.com ' }]);
      expect((await call('mail.blacklist', 'read', [[id], ['email']]))[0].email).to.equal('jane2@example.com');
      expect(await call('mail.blacklist', 'create', [{ email: '"Jane" <jane2@example.com>' }])).to.equal(id);
      expect(await call('mail.blacklist', 'search', [[['email', '=', 'JANE2@example.com']]])).to.deep.equal([id]);
      const partner = odoo.store.create('res.partner', { name: 'Jane', email: 'Jane2@example.com' });
      expect(await call('res.partner', 'search', [[['id', '=', partner], ['is_blacklisted', '!=', false]]])).to.deep.equal([partner]);
      await call('mail.blacklist', 'write', [[id], { active: false }]);
      expect(await call('res.partner', 'search', [[['id', '=', partner], ['is_blacklisted', '=', false]]])).to.deep.equal([partner]);
      expect(await call('mail.blacklist', 'create', [[{ email: 'jane2@example.com' }]])).to.deep.equal([id]);
      expect(await call('mail.blacklist', 'search', [[['email', '=', 'jane2@example.com']]])).to.deep.equal([]);
      expect(await call('mail.blacklist', 'search', [[['email', '=', 'jane2@example.com']]], { context: { active_test: false } })).to.deep.equal([id]);
      const bad = await fault(call('mail.blacklist', 'create', [{ email: 'not-an-email' }]));
      expect([bad.faultCode, bad.faultString]).to.deep.equal([2, 'Invalid email address “not-an-email”']);
    });

    it('applies None-returning methods, then faults with "cannot marshal None"', async () => {
      const id = await call('mail.blacklist', 'create', [{ email: 'gone@example.com' }]);
      const e = await fault(call('mail.blacklist', 'action_archive', [[id]]));
      expect(lastLine(e)).to.equal('TypeError: cannot marshal None unless allow_none is enabled');
      expect(odoo.store.read('mail.blacklist', id, ['active'])[0].active).to.equal(false);
      expect((await fault(call('mail.blacklist', '_add', ['x@example.com']))).faultCode).to.equal(4);
    });
  });

  describe('message_post', () => {
    it('escapes plain bodies into <p>, keeps sanitised HTML, needs a single record', async () => {
      const id = odoo.store.create('res.partner', { name: 'Poster' });
      const msg = await call('res.partner', 'message_post', [[id]], { body: 'Brevo: opened campaign <b>Spring</b> & clicked', message_type: 'comment', subtype_xmlid: 'mail.mt_note' });
      expect(msg).to.be.a('number');
      expect((await call('mail.message', 'read', [[msg], ['body', 'model', 'res_id']]))[0])
        .to.deep.include({ body: '<p>Brevo: opened campaign &lt;b&gt;Spring&lt;/b&gt; &amp; clicked</p>', model: 'res.partner', res_id: id });
      const html = await call('res.partner', 'message_post', [[id]], { body: '<b>ok</b><script>x()</script>', body_is_html: true });
      expect((await call('mail.message', 'read', [[html], ['body']]))[0].body).to.equal('<b>ok</b>');
      expect(lastLine(await fault(call('res.partner', 'message_post', [[id, id + 1]], { body: 'x' })))).to.equal(`ValueError: Expected singleton: res.partner(${id}, ${id + 1})`);
      expect(lastLine(await fault(call('res.partner', 'message_post', [[id]], { body: 'x', message_type: 'nope' })))).to.equal("ValueError: Wrong value for mail.message.message_type: 'nope'");
    });
  });

  describe('views and automations', () => {
    it('puts a page on the partner form through an inherited view (§15)', async () => {
      const [data] = await call('ir.model.data', 'search_read', [[['module', '=', 'base'], ['name', '=', 'view_partner_form']]], { fields: ['res_id'] });
      const arch = '<xpath expr="//notebook" position="inside"><page string="Brevo" name="brevo_engagement"><group><field name="x_brevo_opens"/></group></page></xpath>';
      const view = await call('ir.ui.view', 'create', [{ name: 'res.partner.form.brevo', model: 'res.partner', inherit_id: data.res_id, type: 'form', mode: 'extension', arch_db: arch }]);
      const views = await call('res.partner', 'get_views', [[[false, 'form']]], {});
      expect(views.views.form.arch).to.include('name="brevo_engagement"').and.include('<field name="x_brevo_opens"/>');
      expect(await call('ir.ui.view', 'search', [[['name', '=', 'res.partner.form.brevo']]])).to.deep.equal([view]);
      const nope = await fault(call('ir.ui.view', 'create', [{ name: 'broken', model: 'res.partner', inherit_id: data.res_id, arch_db: '<xpath expr="//nope" position="inside"/>' }]));
      expect([nope.faultCode, nope.faultString]).to.deep.equal([2, 'Element \'<xpath expr="//nope">\' cannot be located in parent view']);
      expect(await call('ir.ui.view', 'search', [[['name', '=', 'broken']]])).to.deep.equal([]);
      expect(await call('ir.ui.view', 'unlink', [[view]])).to.equal(true);
    });

    it('stores webhook automation rules and renames the action', async () => {
      const fields = await call('ir.model.fields', 'search', [[['model', '=', 'res.partner'], ['name', 'in', ['name', 'email']]]]);
      const rule = await call('base.automation', 'create', [{
        name: 'Brevo hook', model_id: 87, trigger: 'on_create_or_write',
        action_server_ids: [[0, 0, { name: 'POST', model_id: 87, state: 'webhook', webhook_url: 'http://127.0.0.1:9/hook', webhook_field_ids: [[6, 0, fields]] }]],
      }]);
      await call('base.automation', 'write', [[rule], { trigger_field_ids: [[6, 0, fields]] }]);
      const [row] = await call('base.automation', 'read', [[rule], ['action_server_ids', 'trigger_field_ids']]);
      expect(row.trigger_field_ids).to.have.members(fields);
      const [action] = await call('ir.actions.server', 'read', [row.action_server_ids, ['name', 'state', 'webhook_url']]);
      expect(action).to.deep.include({ name: 'Send Webhook Notification', state: 'webhook' });
    });
  });

  describe('fault injection', () => {
    it('failNext answers Fault 1 with the given last line and does nothing', async () => {
      const id = odoo.store.create('res.partner', { name: 'Before' });
      odoo.faults.failNext(2);
      for (let i = 0; i < 2; i++) {
        const e = await fault(call('res.partner', 'write', [[id], { name: 'After' }]));
        expect([e.faultCode, lastLine(e)]).to.deep.equal([1, 'psycopg2.errors.SerializationFailure: could not serialize access due to concurrent update']);
      }
      expect(odoo.store.read('res.partner', id, ['name'])[0].name).to.equal('Before');
      odoo.faults.failNext(1, 'MemoryError');
      expect(lastLine(await fault(call('res.partner', 'search', [[]])))).to.equal('MemoryError');
      expect(await call('res.partner', 'write', [[id], { name: 'After' }])).to.equal(true);
      const last = odoo.calls[odoo.calls.length - 1];
      expect(last).to.deep.include({ service: 'object', method: 'execute_kw', model: 'res.partner', modelMethod: 'write' });
      expect(odoo.calls.some((c) => c.faultCode === 1 && c.modelMethod === 'search')).to.equal(true);
    });

    it('setDown resets connections until brought back up', async () => {
      odoo.faults.setDown(true);
      const e = await fault(common('version', []));
      expect(e.code).to.be.oneOf(['ECONNRESET', 'EPIPE']);
      odoo.faults.setDown(false);
      expect(await common('version', [])).to.have.property('server_version', '18.0');
    });

    it('adds latency to every call', async () => {
      odoo.faults.setLatency(120);
      const started = Date.now();
      await common('version', []);
      expect(Date.now() - started).to.be.at.least(110);
      expect(odoo.calls[odoo.calls.length - 1].ms).to.be.at.least(110);
    });
  });
});

describe('seedPartners', () => {
  const fixed = () => new Date(T0);
  const snapshot = (store: OdooStore) => JSON.stringify(store.searchRead('res.partner', [], { order: 'id asc', context: { active_test: false } }));

  it('is deterministic for a seed and differs across seeds', () => {
    const a = new OdooStore({ now: fixed }), b = new OdooStore({ now: fixed }), c = new OdooStore({ now: fixed });
    seedPartners(a, 300, 42);
    seedPartners(b, 300, 42);
    seedPartners(c, 300, 43);
    expect(snapshot(a)).to.equal(snapshot(b));
    expect(snapshot(a)).to.not.equal(snapshot(c));
  });

  it('produces realistic proportions', () => {
    const store = new OdooStore({ now: fixed });
    const ids = seedPartners(store, 3000, 1);
    expect(ids).to.have.length(3000);
    const rows = store.read('res.partner', ids, ['is_company', 'parent_id', 'email', 'email_normalized', 'active', 'category_id', 'phone', 'name', 'country_id'], { load: false });
    const share = (pred: (r: (typeof rows)[number]) => boolean) => rows.filter(pred).length / rows.length;
    expect(share((r) => r.is_company === true)).to.be.within(0.07, 0.13);
    expect(share((r) => r.parent_id !== false)).to.be.within(0.15, 0.35);
    expect(share((r) => r.email === false)).to.be.within(0.015, 0.05);
    expect(share((r) => typeof r.email === 'string' && !/@[^@\s]+\.[a-z]+>?\s*$/i.test(r.email))).to.be.within(0.01, 0.035);
    const counts = new Map<string, number>();
    rows.forEach((r) => { if (typeof r.email_normalized === 'string') counts.set(r.email_normalized, (counts.get(r.email_normalized) ?? 0) + 1); });
    const shared = rows.filter((r) => typeof r.email_normalized === 'string' && counts.get(r.email_normalized)! > 1).length / rows.length;
    expect(shared).to.be.within(0.02, 0.1);
    expect(share((r) => r.active === false)).to.be.within(0.003, 0.04);
    expect(share((r) => (r.category_id as number[]).length > 0)).to.be.within(0.45, 0.75);
    expect(share((r) => r.country_id === false)).to.be.within(0.05, 0.25);
    expect(rows.some((r) => /[éèëöüåłñç]/i.test(String(r.name)))).to.equal(true);
    expect(rows.some((r) => r.phone === '12' || r.phone === '000' || r.phone === 'n/a')).to.equal(true);
    const blacklisted = store.count('res.partner', [['id', 'in', ids], ['is_blacklisted', '=', true]], { active_test: false });
    expect(blacklisted / ids.length).to.be.within(0.01, 0.04);
  });

  // Seeding speed is a benchmark matter (bench:initial-sync seeds 100k), not a timed test.
  it('seeds 50,000 partners', function () {
    this.timeout(60_000);
    const store = new OdooStore();
    seedPartners(store, 50_000, 3);
    expect(store.count('res.partner', [], { active_test: false })).to.be.at.least(50_000);
  });
});
