import { expect } from 'chai';
import { request } from 'node:http';
import { createRequire } from 'node:module';
import { PARTNER_SYNC_FIELDS } from '../../../src/crm/partners.js';
import { DEFAULT_DOMAIN } from '../../../src/initial-sync/options.js';
import { encodeResponse, encodeResponseBytes, holdsNone } from './fast-encoder.js';
import { OdooFault } from './faults.js';
import { OdooStore, seedPartners, startFakeOdoo } from './index.js';
import { byteString } from './record-encoder.js';
import { pick, prng, type Rng } from './seed.js';
import type { ReadOptions, SearchReadOptions } from './store.js';

const require = createRequire(import.meta.url);
const Serializer = require('xmlrpc/lib/serializer') as { serializeMethodCall(method: string, params: unknown[]): string };

/** What the initial sync asks for: the partner fields but is_blacklisted (read once per run instead). */
const SYNC_FIELDS = PARTNER_SYNC_FIELDS.filter((f) => f !== 'is_blacklisted');
const SYNC_DOMAIN = DEFAULT_DOMAIN;
const CUSTOM_FIELDS = [
  { name: 'x_score', ttype: 'float' }, { name: 'x_opens', ttype: 'integer' }, { name: 'x_seen', ttype: 'datetime' },
  { name: 'x_vip', ttype: 'boolean' }, { name: 'x_note', ttype: 'text' }, { name: 'x_since', ttype: 'date' },
  { name: 'x_related', ttype: 'many2one', relation: 'res.partner' }, { name: 'x_tags', ttype: 'many2many', relation: 'res.partner.category' },
];
/** Strings that exercise escaping and UTF-8: accents, CJK, an emoji (a surrogate pair), lone surrogates, controls. */
const PIECES = ['a', ' ', '\n', '\t', '\r', '\u0007', '&', '<', '>', '"', ']]>', '&lt;', 'é', 'Ł', 'ß', '中', '😀', '\ud800', '\udfff', 'x'.repeat(40), '42'];

function hardString(rng: Rng): string {
  let s = '';
  for (let n = Math.floor(rng() * 6); n > 0; n--) s += pick(rng, PIECES);
  return s;
}

/** The general way: row objects, encoded by fast-encoder.ts, then to UTF-8 as the server used to send them. */
const general = (rows: unknown) => Buffer.from(encodeResponse(rows), 'utf8').toString('latin1');
/** The way the RPC layer answers now. */
const direct = (value: unknown) => Buffer.concat(encodeResponseBytes(value)).toString('latin1');

describe('fake Odoo reads encoded straight to XML-RPC', () => {
  let store: OdooStore;
  let partners: number[];

  /** search_read both ways: the same bytes (compared as latin1 text, one character per byte). */
  function sameSearchRead(domain: unknown[], opts: SearchReadOptions = {}): void {
    const want = general(store.searchRead('res.partner', domain, opts));
    expect(direct(store.searchReadEncoded('res.partner', domain, opts))).to.equal(want);
  }
  function sameRead(ids: number[], fields: string[] | null, opts: ReadOptions = {}): void {
    expect(direct(store.readEncoded('res.partner', ids, fields, opts))).to.equal(general(store.read('res.partner', ids, fields, opts)));
  }
  /** Keyset pages like the initial sync's, each compared; returns how many rows were read. */
  function sameKeysetScan(fields: string[] | undefined, opts: SearchReadOptions = {}, domain: unknown[] = SYNC_DOMAIN, limit = 700): number {
    let cursor = 0;
    let rows = 0;
    for (;;) {
      const page = [['id', '>', cursor], ...domain];
      const pageOpts = { ...opts, fields, order: 'id asc', limit };
      sameSearchRead(page, pageOpts);
      const ids = store.searchRead('res.partner', page, pageOpts).map((r) => r.id);
      if (ids.length === 0) return rows;
      rows += ids.length;
      cursor = ids[ids.length - 1];
    }
  }
  const rec = (id: number) => store.table('res.partner').get(id)!;
  const fieldDefs = (names: string[]) => names.map((name) => store.def('res.partner').fields.get(name)!);

  before(() => {
    store = new OdooStore({ now: () => new Date('2026-03-01T10:00:00.250Z') });
    const modelId = store.modelId('res.partner');
    for (const field of CUSTOM_FIELDS) store.create('ir.model.fields', { model_id: modelId, ...field });
    // Over 2,000 rows: searches go through the sorted cache and the keyset shortcut, as in a benchmark.
    seedPartners(store, 2500, 3);
    partners = store.search('res.partner', [], { order: 'id asc', context: { active_test: false } });
    const rng = prng(11);
    const tags = store.search('res.partner.category', []);
    for (const id of partners.slice(0, 400)) {
      store.write('res.partner', id, {
        street2: hardString(rng), comment: `<p>${hardString(rng)}</p>`, x_note: hardString(rng), x_score: Math.round(rng() * 1e4) / 100,
        x_opens: Math.floor(rng() * 50), x_vip: rng() < 0.5, x_since: rng() < 0.5 ? '2025-12-31' : false,
        x_seen: rng() < 0.7 ? `2026-02-0${1 + Math.floor(rng() * 9)} 0${Math.floor(rng() * 10)}:00:00` : false,
        x_related: rng() < 0.5 ? pick(rng, partners) : false, x_tags: [[6, 0, tags.filter(() => rng() < 0.3)]],
      });
    }
    // Datetimes one second apart: rows that differ only there must not share an encoding.
    partners.slice(400, 520).forEach((id, i) => store.write('res.partner', id, { x_seen: `2026-02-03 04:0${Math.floor(i / 60)}:${String(i % 60).padStart(2, '0')}` }));
  });

  it('answers every page of the initial sync\'s keyset scan exactly as encoding the row objects does', () => {
    const active = store.count('res.partner', SYNC_DOMAIN);
    expect(sameKeysetScan(SYNC_FIELDS)).to.equal(active);
    expect(sameKeysetScan(SYNC_FIELDS, { load: false })).to.equal(active);
  });

  it('answers all fields the same, computed ones included (is_blacklisted, display_name, child_ids, country_code)', () => {
    expect(sameKeysetScan(undefined, {}, [], 1000)).to.equal(store.count('res.partner', []));
    sameSearchRead([['is_company', '=', true]], { limit: 50, load: false });
  });

  it('answers reads by id the same: missing ids dropped, a field asked twice, id among the fields', () => {
    sameRead([partners[5], 999_999, partners[1], partners[5]], ['name', 'id', 'category_id', 'name', 'email', 'x_tags']);
    sameRead(partners.slice(0, 300), SYNC_FIELDS);
    sameRead(partners.slice(0, 30), null, { load: false });
    sameRead([], SYNC_FIELDS);
  });

  it('stays exact after the changes rows depend on: names of companies, tags and countries, the blacklist, archiving', () => {
    const fields = [...SYNC_FIELDS, 'is_blacklisted', 'display_name', 'x_tags', 'x_related', 'x_seen', 'commercial_partner_id'];
    const company = store.search('res.partner', [['is_company', '=', true], ['child_ids', '!=', false]], { limit: 1 })[0];
    const [tag] = store.search('res.partner.category', [], { limit: 1 });
    const [country] = store.search('res.country', [['code', '=', 'FR']]);
    const someone = rec(partners[10]);
    const checks: Array<() => void> = [
      () => store.write('res.partner', company, { name: 'Zzz & <Renamed> Société' }),
      () => store.write('res.partner.category', tag, { name: 'aaa first now' }),
      () => store.write('res.country', country, { name: 'République', code: 'FX' }),
      () => store.create('mail.blacklist', { email: someone.email_normalized as string }),
      () => store.write('res.partner', partners.slice(20, 40), { active: false }),
      () => store.unlink('res.partner.category', tag),
      () => store.write('res.partner', partners.slice(40, 45), { x_seen: '2026-02-03 04:05:06' }),
    ];
    for (const change of checks) {
      change();
      sameKeysetScan(fields, {}, [['active', 'in', [true, false]]], 900);
    }
    expect(store.read('res.partner', partners[10], ['is_blacklisted'])[0].is_blacklisted).to.equal(true);
  });

  it('serves rows encoded ahead exactly as it encodes them, and encodes again once anything changed', () => {
    const fields = [...SYNC_FIELDS, 'x_tags', 'x_related', 'x_seen', 'x_note'];
    const onTheFly = () => direct(store.searchReadEncoded('res.partner', SYNC_DOMAIN, { fields, order: 'id asc', limit: 3000 }));
    const before = onTheFly();
    store.encodeAhead('res.partner', fields);
    const shown = store.table('res.partner').get(store.search('res.partner', SYNC_DOMAIN, { order: 'id asc', limit: 1 })[0])!;
    expect(store.rowsEncodedAhead(fieldDefs(fields), true), 'rows kept for this field list').to.not.equal(undefined);
    expect(onTheFly()).to.equal(before);
    // Served from what was encoded ahead: a value changed behind the store's back does not show.
    const city = shown.city;
    shown.city = 'changed behind its back';
    expect(onTheFly()).to.equal(before);
    shown.city = city;
    // Another field list, or load=false, is encoded as usual.
    expect(store.rowsEncodedAhead(fieldDefs(fields.slice(1)), true)).to.equal(undefined);
    expect(store.rowsEncodedAhead(fieldDefs(fields), false)).to.equal(undefined);
    // A change anywhere (a tag's name shows in no row asked here) and a raw poke both make them stale.
    const [tag] = store.search('res.partner.category', [], { limit: 1 });
    store.write('res.partner.category', tag, { name: 'renamed ahead' });
    expect(store.rowsEncodedAhead(fieldDefs(fields), true)).to.equal(undefined);
    store.encodeAhead('res.partner', fields);
    store.setRaw('res.partner', shown, 'city', 'Poked & <changed>');
    expect(store.rowsEncodedAhead(fieldDefs(fields), true)).to.equal(undefined);
    expect(onTheFly()).to.contain('Poked &amp; &lt;changed&gt;');
  });

  it('encodes hard strings as fast-encoder.ts does: escapes, accents, emoji, lone surrogates, control characters', () => {
    const rng = prng(99);
    const ids = store.create('res.partner', Array.from({ length: 300 }, () => ({
      name: `n${hardString(rng)}`, email: `${hardString(rng)}@example.com`, street: hardString(rng), city: rng() < 0.2 ? '' : hardString(rng),
      comment: hardString(rng), x_note: hardString(rng),
    })));
    sameRead(ids, ['name', 'email', 'email_normalized', 'street', 'city', 'comment', 'x_note', 'complete_name', 'display_name']);
    for (let i = 0; i < 500; i++) {
      const s = hardString(rng);
      expect(byteString(s)).to.equal(Buffer.from(s, 'utf8').toString('latin1'));
    }
  });

  it('takes the general way for stored values the shortcuts do not expect', () => {
    const [a, b, c] = store.create('res.partner', [{ name: 'Odd A' }, { name: 'Odd B' }, { name: 'Odd C' }]);
    const poke = (id: number, values: Record<string, unknown>) => Object.assign(rec(id), values);
    poke(a, { ref: 42, phone: true, x_opens: 1.5, x_score: '7', x_vip: 'no', x_seen: 'soon', x_related: 'x', x_tags: [3, 'x'] });
    poke(b, { ref: [1, 2], x_opens: false, x_vip: [], x_related: 999_999, x_tags: [999_999], x_seen: null, parent_id: 999_999 });
    poke(c, { ref: { k: 'v' }, x_score: null, x_since: 20260101, street: '' });
    sameRead([a, b, c], ['ref', 'phone', 'street', 'x_opens', 'x_score', 'x_vip', 'x_seen', 'x_related', 'x_tags', 'x_since', 'parent_id']);
  });

  it('refuses None anywhere in a row like the marshaller does', () => {
    const id = store.create('res.partner', { name: 'Has None' });
    Object.assign(rec(id), { ref: [null] });
    expect(holdsNone(store.read('res.partner', id, ['ref']))).to.equal(true);
    let refused: unknown;
    try { store.readEncoded('res.partner', id, ['ref']); } catch (e) { refused = e; }
    expect(refused).to.be.instanceOf(OdooFault);
    expect((refused as OdooFault).faultString).to.include('cannot marshal None');
    store.unlink('res.partner', id);
  });

  it('gives the same rows off the keyset shortcut: other orders, offsets, archived rows, computed-field domains', () => {
    const domain = [['id', '>', partners[100]]];
    for (const order of ['name desc', 'id desc', 'complete_name asc, id desc', 'id asc, name desc', 'city, id']) {
      sameSearchRead(domain, { fields: SYNC_FIELDS, order, limit: 150, offset: 30 });
    }
    sameSearchRead(domain, { fields: SYNC_FIELDS, limit: 100, context: { active_test: false } });
    sameSearchRead(['|', ['is_blacklisted', '=', true], ['city', '=', false]], { fields: SYNC_FIELDS, order: 'id' });
    sameSearchRead([['id', '>=', partners[50]], ['id', '>', partners[40]]], { fields: ['name'], order: 'id', limit: 5 });
  });

  it('orders by id whatever the creation order, and still checks the rest of an id-first order', () => {
    store.setNextId('res.partner', 900_000);
    const high = store.create('res.partner', { name: 'High id', email: 'high@example.com' });
    store.setNextId('res.partner', 800_000);
    const low = store.create('res.partner', { name: 'Low id', email: 'low@example.com' });
    const ids = store.search('res.partner', [['id', '>', 700_000]], { order: 'id asc, name desc', limit: 10 });
    expect(ids).to.deep.equal([low, high]);
    const all = store.search('res.partner', [], { order: 'id', context: { active_test: false } });
    expect(all).to.deep.equal([...all].sort((x, y) => x - y));
    expect(() => store.search('res.partner', [], { order: 'id asc, nope' })).to.throw(OdooFault, "Invalid field 'nope'");
  });

  it('sends those bytes over HTTP with a matching Content-Length', async () => {
    const odoo = await startFakeOdoo({ partners: 2100, seed: 5 });
    try {
      const domain = [['id', '>', 10], ...SYNC_DOMAIN];
      const kw = { fields: SYNC_FIELDS, order: 'id asc', limit: 2000 };
      const body = Serializer.serializeMethodCall('execute_kw', [odoo.db, 2, 'admin', 'res.partner', 'search_read', [domain], kw]);
      const answer = await new Promise<{ length: string | undefined; bytes: Buffer }>((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port: odoo.port, path: '/xmlrpc/2/object', method: 'POST', headers: { 'Content-Type': 'text/xml' } }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ length: res.headers['content-length'], bytes: Buffer.concat(chunks) }));
        });
        req.on('error', reject);
        req.end(body);
      });
      expect(answer.bytes.toString('latin1')).to.equal(general(odoo.store.searchRead('res.partner', domain, kw)));
      expect(Number(answer.length)).to.equal(answer.bytes.length);
      expect(answer.bytes.length).to.be.greaterThan(1_000_000);
    } finally {
      await odoo.close();
    }
  });
});
