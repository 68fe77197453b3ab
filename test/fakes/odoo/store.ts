// The in-memory ORM behind the fake server. Tests may call it directly: the
// semantics are those of the RPC layer (write bumps write_date, computed fields
// follow, faults are OdooFault), only access rights are skipped unless a uid is given.
import { checkModelAccess, fieldAccessFault, fieldAllowed, type Operation, type Role } from './access.js';
import { bootstrap } from './bootstrap.js';
import { compile, mentionsField, parseDomain } from './domain.js';
import { fault } from './faults.js';
import { compileOrder, type Sorter } from './order.js';
import { collect, firstIndex, idLowerBound, ordersByIdAsc } from './id-range.js';
import { pyStr } from './pyrepr.js';
import { buildModel, linkInverses, MAGIC_FIELDS } from './registry.js';
import type { Context, Env, FieldDef, HookCtx, ModelDef, ModelSpec, RawValue, Rec, Vals } from './schema.js';
import { isX2many } from './schema.js';
import { UserDirectory } from './users.js';
import { describeField } from './describe.js';
import { convertScalar, parseX2many, type X2mCommand } from './values.js';
import type { PreEncoded } from './fast-encoder.js';
import { encodedRows, encodeRowsAhead, rowObjects, type Row, type RowRenderer } from './record-encoder.js';
import { applyX2many } from './x2many.js';
import { AutomationWebhooks } from './webhooks.js';

export type { Row } from './record-encoder.js';
export type Domain = unknown[];

export interface CallOptions {
  /** Act as this user (access rights apply); omitted = superuser acting as admin (uid 2). */
  uid?: number;
  context?: Context;
}
export interface SearchOptions extends CallOptions {
  limit?: number | null | false;
  offset?: number | null | false;
  order?: string | null | false;
}
export interface ReadOptions extends CallOptions {
  /** false = many2one as bare ids (Odoo's `load: None`). */
  load?: boolean;
}
export interface SearchReadOptions extends SearchOptions, ReadOptions {
  fields?: string[] | null | false;
}
export interface NewUser {
  login: string;
  password: string;
  name?: string;
  email?: string;
  role?: Role;
  uid?: number;
}

type RecordFactory = (id: number, values: RawValue[], now: number, uid: number) => Rec;
interface Converted { scalars: Array<[FieldDef, RawValue]>; x2m: Array<[FieldDef, X2mCommand[]]> }

export const ADMIN_UID = 2;
const SORT_CACHE_MIN_ROWS = 2000;

export class OdooStore {
  readonly users = new UserDirectory();
  /**
   * Installed languages: a context naming another one gets Fault 2 "Invalid language
   * code" (as on the measured server), though res.partner.lang stores any string.
   */
  readonly installedLangs = ['en_US'];
  private readonly models = new Map<string, ModelDef>();
  private readonly tables = new Map<string, Map<number, Rec>>();
  private readonly nextIds = new Map<string, number>();
  private readonly revisions = new Map<string, number>();
  private readonly inverse = new Map<string, Map<number, Set<number>>>();
  private readonly orderCache = new Map<string, Sorter>();
  private readonly columnCache = new Map<string, FieldDef[]>();
  private readonly factoryCache = new Map<string, RecordFactory>();
  private readonly sortedCache = new Map<string, { revision: number; rows: Rec[] }>();
  private globalRevision = 0;
  /** Rows encoded ahead (encodeAhead): for one field list read with load, valid until anything in the store changes. */
  private ahead?: { fields: FieldDef[]; revision: number; rows: WeakMap<Rec, string> };
  private readonly clock: () => Date;
  private lastUs = 0;
  private txUs: number | undefined;
  private txDepth = 0;

  /** Automation rules' webhooks, fired by creates and writes (reference §12). */
  readonly webhooks = new AutomationWebhooks(this);

  constructor(opts: { now?: () => Date } = {}) {
    this.clock = opts.now ?? (() => new Date());
    bootstrap(this);
  }

  // ---------------------------------------------------------------- public ORM

  create(model: string, vals: Vals, opts?: CallOptions): number;
  create(model: string, vals: Vals[], opts?: CallOptions): number[];
  create(model: string, vals: Vals | Vals[], opts: CallOptions = {}): number | number[] {
    const ids = this.tx(() => this.createMany(this.envOf(opts), this.def(model), Array.isArray(vals) ? vals : [vals]));
    return Array.isArray(vals) ? ids : ids[0];
  }

  write(model: string, ids: number | number[], vals: Vals, opts: CallOptions = {}): true {
    this.tx(() => this.writeMany(this.envOf(opts), this.def(model), toIds(ids), vals));
    return true;
  }

  unlink(model: string, ids: number | number[], opts: CallOptions = {}): true {
    this.tx(() => this.unlinkMany(this.envOf(opts), this.def(model), toIds(ids)));
    return true;
  }

  search(model: string, domain: unknown = [], opts: SearchOptions = {}): number[] {
    const env = this.envOf(opts);
    return this.select(env, this.def(model), domain, opts).map((r) => r.id);
  }

  count(model: string, domain: unknown = [], ctx: Context = {}): number {
    return this.countAs(this.envOf({ context: ctx }), model, domain);
  }

  read(model: string, ids: number | number[], fields?: string[] | null, opts: ReadOptions = {}): Row[] {
    return this.readAs(rowObjects, model, ids, fields, opts);
  }

  searchRead(model: string, domain: unknown = [], opts: SearchReadOptions = {}): Row[] {
    return this.searchReadAs(rowObjects, model, domain, opts);
  }

  /** read() as the RPC layer answers it: the same rows, encoded as XML-RPC without building them. */
  readEncoded(model: string, ids: number | number[], fields?: string[] | null, opts: ReadOptions = {}): PreEncoded {
    return this.readAs(encodedRows, model, ids, fields, opts);
  }

  /** searchRead() as the RPC layer answers it (see readEncoded). */
  searchReadEncoded(model: string, domain: unknown = [], opts: SearchReadOptions = {}): PreEncoded {
    return this.searchReadAs(encodedRows, model, domain, opts);
  }

  /**
   * Encodes every record of `model` now for later reads of `fields` (as search_read asks them, in that order): a
   * benchmark's reads then copy rows instead of encoding them, so that the fake costs the machine little beside the
   * sidecar it measures. Any change to the store (even setRaw) makes the rows stale, and reads encode as usual again.
   */
  encodeAhead(model: string, fields: string[]): void {
    const env = this.envOf({});
    const def = this.def(model);
    const output = this.outputFields(env, def, fields);
    this.ahead = { fields: output, revision: this.globalRevision, rows: encodeRowsAhead(this, this.table(model).values(), output, true) };
  }

  /** The rows encodeAhead made for a read of exactly these fields, if nothing changed since. */
  rowsEncodedAhead(fields: FieldDef[], load: boolean): WeakMap<Rec, string> | undefined {
    const ahead = this.ahead;
    if (!ahead || !load || ahead.revision !== this.globalRevision || ahead.fields.length !== fields.length) return undefined;
    return ahead.fields.every((field, i) => field === fields[i]) ? ahead.rows : undefined;
  }

  /** Odoo's fields_get: attribute dicts per field, restricted fields hidden from portal users. */
  fieldsGet(model: string, attributes?: string[] | null, opts: CallOptions = {}): Record<string, Record<string, unknown>> {
    const env = this.envOf(opts);
    const def = this.def(model);
    const out: Record<string, Record<string, unknown>> = {};
    for (const field of def.fields.values()) {
      if (!env.su && !fieldAllowed(this.roleOf(env.uid), field)) continue;
      out[field.name] = describeField(this, field, attributes);
    }
    return out;
  }

  // ---------------------------------------------------------------- users

  /** Adds a user (and its partner), returning the uid. */
  addUser(user: NewUser): number {
    return this.tx(() => {
      const partner = this.create('res.partner', { name: user.name ?? user.login, email: user.email ?? false });
      if (user.uid) this.setNextId('res.users', user.uid);
      const uid = this.create('res.users', { login: user.login, name: user.name ?? user.login, partner_id: partner, share: user.role === 'portal' });
      this.users.set(uid, user.password, user.role ?? 'internal');
      return uid;
    });
  }

  setPassword(uid: number, password: string): void { this.users.setPassword(uid, password); }
  addApiKey(uid: number, key: string): void { this.users.addApiKey(uid, key); }
  removeApiKey(uid: number, key: string): void { this.users.removeApiKey(uid, key); }

  /** authenticate(): uid, or false for an unknown login or a wrong secret (never a fault). */
  authenticate(login: unknown, secret: unknown): number | false {
    for (const rec of this.table('res.users').values()) {
      if (rec.login === login && rec.active !== false && this.users.matches(rec.id, secret)) return rec.id;
    }
    return false;
  }

  /** execute_kw's per-call check: Fault 3 for bad secrets, Fault 2 for an unknown uid. */
  checkCredentials(uid: unknown, secret: unknown): number {
    const id = typeof uid === 'string' && /^\d+$/.test(uid) ? Number(uid) : uid;
    if (typeof id !== 'number' || !Number.isInteger(id) || id <= 0) throw fault.denied();
    const user = this.table('res.users').get(id);
    if (!user) throw fault.missing('res.users', [id], id);
    if (user.active === false || !this.users.matches(id, secret)) throw fault.denied();
    return id;
  }

  roleOf(uid: number): Role {
    return this.users.get(uid)?.role ?? 'internal';
  }

  // ---------------------------------------------------------------- lookups

  /** The model definition, or Odoo's "Object x doesn't exist" (Fault 2). */
  def(model: string): ModelDef {
    const def = this.models.get(model);
    if (!def) throw fault.user(`Object ${model} doesn't exist`);
    return def;
  }

  hasModel(model: string): boolean { return this.models.has(model); }
  modelNames(): string[] { return [...this.models.keys()]; }

  table(model: string): Map<number, Rec> {
    let t = this.tables.get(model);
    if (!t) { t = new Map(); this.tables.set(model, t); }
    return t;
  }

  exists(model: string, id: number): boolean { return this.table(model).has(id); }

  /** ir.model id of a model (res.partner is 87, like the measured database). */
  modelId(model: string): number {
    const [id] = this.searchIds(this.envOf({}), 'ir.model', [['model', '=', model]], {});
    if (!id) throw fault.user(`Object ${model} doesn't exist`);
    return id;
  }

  /** Resolves an external id such as 'base.view_partner_form'. */
  ref(xmlid: string): number {
    const [module, name] = xmlid.split('.');
    const table = this.table('ir.model.data');
    for (const rec of table.values()) if (rec.module === module && rec.name === name) return rec.res_id as number;
    throw fault.value(`External ID not found in the system: ${xmlid}`);
  }

  displayName(model: string, id: number): string {
    const def = this.models.get(model);
    const rec = this.table(model).get(id);
    if (!def || !rec) return `${model},${id}`;
    const name = def.displayName ? def.displayName(this, rec) : rec[def.recName];
    return typeof name === 'string' && name !== '' ? name : `${model},${id}`;
  }

  /** Orders ids like the model's default `_order` (how x2many lists are read). */
  sortIds(model: string, ids: number[]): number[] {
    if (ids.length < 2) return [...ids];
    const table = this.table(model);
    const recs = ids.map((id) => table.get(id)).filter((r): r is Rec => r !== undefined);
    return this.sorter(this.def(model), this.def(model).order)(recs).map((r) => r.id);
  }

  /** Ids on the other side of a one2many. */
  inverseIds(field: FieldDef, id: number): number[] {
    const index = this.inverse.get(`${field.relation}.${field.inverse}`);
    const table = this.table(field.relation!);
    let ids: number[];
    if (index) ids = [...(index.get(id) ?? [])];
    else ids = [...table.values()].filter((r) => r[field.inverse!] === id).map((r) => r.id);
    if (field.activeOnly) ids = ids.filter((c) => table.get(c)?.active !== false);
    return ids;
  }

  /** Bumped on every change of a model's rows (caches key on it). */
  revision(model: string): number { return this.revisions.get(model) ?? 0; }

  now(): Date { return this.clock(); }

  // ---------------------------------------------------------------- for model modules and the RPC layer

  envOf(opts: CallOptions): Env {
    return { uid: opts.uid ?? ADMIN_UID, context: opts.context ?? {}, su: opts.uid === undefined };
  }

  registerModel(spec: ModelSpec): ModelDef {
    const def = buildModel(spec);
    this.models.set(def.name, def);
    this.table(def.name);
    return def;
  }

  /** Called once all models are registered: wires one2many inverses. */
  finishRegistry(): void { linkInverses(this.models); }

  addField(model: string, field: FieldDef): void {
    this.def(model).fields.set(field.name, field);
    this.schemaChanged();
  }

  removeField(model: string, name: string): void {
    this.def(model).fields.delete(name);
    for (const rec of this.table(model).values()) delete rec[name];
    this.schemaChanged();
  }

  private schemaChanged(): void {
    this.orderCache.clear();
    this.sortedCache.clear();
    this.factoryCache.clear();
    this.columnCache.clear();
  }

  /** Forces the id of the next record (ids measured on real databases: uid 2, model 87...). */
  setNextId(model: string, id: number): void { this.nextIds.set(model, id); }

  /** Sets a stored value without side effects (no write_date, no hooks). */
  setRaw(model: string, rec: Rec, name: string, value: RawValue): void {
    const field = this.def(model).fields.get(name);
    if (field?.indexed) this.reindex(model, name, rec.id, rec[name] as number | null, value as number | null);
    rec[name] = value;
    // Nothing observable: rows encoded ahead and sorted copies are made again.
    this.globalRevision++;
  }

  /** Sets write_date/write_uid like every ORM write does. */
  touch(model: string, ids: Iterable<number>, env: Env): void {
    const table = this.table(model);
    const now = this.nowUs();
    for (const id of ids) {
      const rec = table.get(id);
      if (rec) { rec.write_date = now; rec.write_uid = env.uid; }
    }
  }

  /** Search as a given env; `context` carries active_test. */
  searchIds(env: Env, model: string, domain: unknown, context: Context, opts: SearchOptions = {}): number[] {
    const sub: Env = { ...env, context: { ...env.context, ...context } };
    return this.select(sub, this.def(model), domain, opts).map((r) => r.id);
  }

  countAs(env: Env, model: string, domain: unknown, limit?: number | null | false): number {
    const def = this.def(model);
    this.checkAccess(env, def, 'read');
    const n = this.filter(env, def, domain).length;
    return limit ? Math.min(n, limit) : n;
  }

  /** Runs `fn` as one transaction: every write inside shares one timestamp. */
  tx<T>(fn: () => T): T {
    if (this.txDepth++ === 0) this.txUs = this.nextUs();
    try { return fn(); } finally { if (--this.txDepth === 0) this.txUs = undefined; }
  }

  nowUs(): number { return this.txUs ?? this.nextUs(); }

  checkAccess(env: Env, def: ModelDef, op: Operation): void {
    if (!env.su) checkModelAccess(this.roleOf(env.uid), def, op);
  }

  checkFieldAccess(env: Env, def: ModelDef, names: string[], op: 'read' | 'write'): void {
    if (env.su) return;
    const role = this.roleOf(env.uid);
    const denied = names.filter((n) => { const f = def.fields.get(n); return f && !fieldAllowed(role, f); });
    if (denied.length) throw fieldAccessFault(def, denied, op);
  }

  // ---------------------------------------------------------------- internals: create / write / unlink

  createMany(env: Env, def: ModelDef, valsList: Vals[]): number[] {
    this.checkAccess(env, def, 'create');
    const ctx: HookCtx = { store: this, env };
    const prepared = valsList.map((v) => this.prepare(ctx, def, v, 'create'));
    const insert = (list: Vals[]) => this.insertMany(env, def, list);
    return def.hooks.create ? def.hooks.create(ctx, prepared, insert) : insert(prepared);
  }

  private prepare(ctx: HookCtx, def: ModelDef, vals: unknown, op: 'create' | 'write'): Vals {
    if (!vals || typeof vals !== 'object' || Array.isArray(vals)) {
      throw fault.python(`AttributeError: '${Array.isArray(vals) ? 'list' : typeof vals}' object has no attribute 'items'`);
    }
    return def.hooks.prepareVals ? def.hooks.prepareVals(ctx, { ...(vals as Vals) }, op) : (vals as Vals);
  }

  private insertMany(env: Env, def: ModelDef, valsList: Vals[]): number[] {
    // Convert everything first: a bad value anywhere creates nothing, as in a rolled back transaction.
    const converted = valsList.map((v) => this.convert(env, def, v));
    const ids: number[] = [];
    try {
      for (const c of converted) ids.push(this.insertOne(env, def, c));
      def.hooks.afterCreate?.({ store: this, env }, ids);
      this.webhooks.created(def.name, ids);
    } catch (e) {
      // A nested create (x2many command) or a hook failed: take the new rows back out.
      this.discard(def.name, ids);
      throw e;
    }
    this.bumpRevision(def.name);
    return ids;
  }

  /** Removes rows without hooks or reference clean-up (undoing a failed create). */
  discard(model: string, ids: number[]): void {
    const def = this.def(model);
    const table = this.table(model);
    for (const id of ids) {
      const rec = table.get(id);
      if (!rec) continue;
      for (const field of def.fields.values()) {
        if (field.indexed && rec[field.name]) this.reindex(model, field.name, id, rec[field.name] as number, null);
      }
      table.delete(id);
    }
    this.bumpRevision(model);
  }

  private insertOne(env: Env, def: ModelDef, conv: Converted): number {
    const id = this.nextIds.get(def.name) ?? 1;
    const columns = this.columns(def);
    const now = this.nowUs();
    const rec = this.factory(def)(id, columns.map((f) => this.defaultOf(env, f)), now, env.uid);
    for (const [field, value] of conv.scalars) rec[field.name] = value;
    this.checkRequired(def, rec, columns);
    this.nextIds.set(def.name, Math.max(id + 1, this.nextIds.get(def.name) ?? 1));
    this.table(def.name).set(id, rec);
    for (const field of columns) {
      if (field.indexed && rec[field.name]) this.reindex(def.name, field.name, id, null, rec[field.name] as number);
    }
    for (const [field, cmds] of conv.x2m) applyX2many(this, env, def, rec, field, cmds);
    return id;
  }

  /** Stored columns a new row gets (cached; the cache is dropped when fields change). */
  private columns(def: ModelDef): FieldDef[] {
    let cols = this.columnCache.get(def.name);
    if (!cols) {
      cols = [...def.fields.values()].filter((f) => f.store && f.type !== 'one2many' && !MAGIC_FIELDS.has(f.name));
      this.columnCache.set(def.name, cols);
    }
    return cols;
  }

  /**
   * Builds rows through a generated object literal: V8 keeps such objects in fast
   * mode, whereas adding 40 properties one by one turns them into slow dictionaries.
   */
  private factory(def: ModelDef): RecordFactory {
    let make = this.factoryCache.get(def.name);
    if (!make) {
      const props = this.columns(def).map((f, i) => `${JSON.stringify(f.name)}: v[${i}]`);
      const body = `return { id: id, ${props.join(', ')}${props.length ? ', ' : ''}`
        + 'create_date: now, write_date: now, create_uid: uid, write_uid: uid };';
      make = new Function('id', 'v', 'now', 'uid', body) as RecordFactory;
      this.factoryCache.set(def.name, make);
    }
    return make;
  }

  private defaultOf(env: Env, field: FieldDef): RawValue {
    const d = typeof field.default === 'function' ? field.default(env) : field.default;
    if (d !== undefined) return Array.isArray(d) ? [...d] : d;
    return field.type === 'many2many' ? [] : null;
  }

  private checkRequired(def: ModelDef, rec: Rec, fields: Iterable<FieldDef>): void {
    for (const field of fields) {
      if (!field.required || !field.store || field.type === 'boolean') continue;
      const v = rec[field.name];
      if (v === null || v === undefined || (Array.isArray(v) && v.length === 0)) throw mandatoryFault(def, field);
    }
  }

  writeMany(env: Env, def: ModelDef, ids: number[], vals: Vals): void {
    this.checkAccess(env, def, 'write');
    this.mustExist(env, def, ids);
    const ctx: HookCtx = { store: this, env };
    const prepared = this.prepare(ctx, def, vals, 'write');
    def.hooks.beforeWrite?.(ctx, ids, prepared);
    const conv = this.convert(env, def, prepared);
    const cleared = conv.scalars.find(([f, v]) => f.required && f.type !== 'boolean' && (v === null || v === undefined));
    if (cleared) throw mandatoryFault(def, cleared[0]);
    const before = this.webhooks.snapshot(def.name, ids);
    const table = this.table(def.name);
    for (const id of ids) {
      const rec = table.get(id)!;
      for (const [field, value] of conv.scalars) this.setRaw(def.name, rec, field.name, value);
      for (const [field, cmds] of conv.x2m) applyX2many(this, env, def, rec, field, cmds);
    }
    this.touch(def.name, ids, env);
    const names = new Set([...conv.scalars, ...conv.x2m].map(([f]) => f.name));
    def.hooks.afterWrite?.(ctx, ids, names);
    this.webhooks.written(def.name, ids, before);
    this.bumpRevision(def.name);
  }

  unlinkMany(env: Env, def: ModelDef, ids: number[]): void {
    this.checkAccess(env, def, 'unlink');
    this.mustExist(env, def, ids);
    const ctx: HookCtx = { store: this, env };
    def.hooks.beforeUnlink?.(ctx, ids);
    this.discard(def.name, ids);
    this.dropReferences(def.name, new Set(ids));
    def.hooks.afterUnlink?.(ctx, ids);
    this.bumpRevision(def.name);
  }

  /** ON DELETE SET NULL for many2one columns, and relation rows for many2many. */
  private dropReferences(model: string, gone: Set<number>): void {
    for (const other of this.models.values()) {
      const fields = [...other.fields.values()].filter((f) => f.relation === model && f.store && f.type !== 'one2many');
      if (!fields.length) continue;
      for (const rec of this.table(other.name).values()) {
        for (const f of fields) {
          const v = rec[f.name];
          if (f.type === 'many2one' && gone.has(v as number)) this.setRaw(other.name, rec, f.name, null);
          else if (Array.isArray(v) && v.some((id) => gone.has(id))) rec[f.name] = v.filter((id) => !gone.has(id));
        }
      }
      this.bumpRevision(other.name);
    }
  }

  private mustExist(env: Env, def: ModelDef, ids: number[]): void {
    const table = this.table(def.name);
    const missing = ids.filter((id) => !table.has(id));
    if (missing.length) throw fault.missing(def.name, missing, env.uid);
  }

  private convert(env: Env, def: ModelDef, vals: Vals): Converted {
    const out: Converted = { scalars: [], x2m: [] };
    for (const [name, value] of Object.entries(vals)) {
      if (MAGIC_FIELDS.has(name)) continue;
      const field = def.fields.get(name);
      if (!field) throw fault.value(`Invalid field ${pyStr(name)} on model ${pyStr(def.name)}`);
      // Computed fields without an inverse: Odoo accepts the value and recomputes anyway.
      if (field.compute || field.computed) continue;
      this.checkFieldAccess(env, def, [name], 'write');
      if (isX2many(field.type)) out.x2m.push([field, parseX2many(field, value)]);
      else out.scalars.push([field, convertScalar(this, def, field, value)]);
    }
    return out;
  }

  private reindex(model: string, name: string, id: number, from: number | null, to: number | null): void {
    const key = `${model}.${name}`;
    let index = this.inverse.get(key);
    if (!index) { index = new Map(); this.inverse.set(key, index); }
    if (from) index.get(from)?.delete(id);
    if (to) {
      let set = index.get(to);
      if (!set) { set = new Set(); index.set(to, set); }
      set.add(id);
    }
  }

  private bumpRevision(model: string): void {
    this.revisions.set(model, this.revision(model) + 1);
    this.globalRevision++;
  }

  /** Monotonic microseconds that never land on a whole second (like PostgreSQL's now()). */
  private nextUs(): number {
    const base = this.clock().getTime() * 1000 + 417;
    this.lastUs = base > this.lastUs || Math.floor(base / 1000) !== Math.floor(this.lastUs / 1000) ? base : this.lastUs + 1;
    return this.lastUs;
  }

  // ---------------------------------------------------------------- internals: search / read

  private predicate(env: Env, def: ModelDef, domain: unknown): (rec: Rec) => boolean {
    let node = parseDomain(domain ?? []);
    const activeTest = env.context.active_test !== false;
    if (def.fields.has('active') && activeTest && !mentionsField(node, 'active')) {
      node = { kind: '&', a: { kind: 'leaf', leaf: ['active', '=', true] }, b: node };
    }
    return compile({ store: this, model: def, env }, node);
  }

  private filter(env: Env, def: ModelDef, domain: unknown): Rec[] {
    const pred = this.predicate(env, def, domain);
    const out: Rec[] = [];
    for (const rec of this.table(def.name).values()) if (pred(rec)) out.push(rec);
    return out;
  }

  private select(env: Env, def: ModelDef, domain: unknown, opts: SearchOptions): Rec[] {
    this.checkAccess(env, def, 'read');
    const order = opts.order || def.order;
    const pred = this.predicate(env, def, domain);
    let recs: Rec[];
    if (this.table(def.name).size > SORT_CACHE_MIN_ROWS) {
      // Big tables: filter a cached sorted copy (what an index gives PostgreSQL), since
      // sorting 50,000 rows on every page of a scan would dominate the fake's latency.
      // A page of a keyset scan by id starts at its bound and stops when full.
      const rows = this.sortedRows(def, order);
      const lower = ordersByIdAsc(order) ? idLowerBound(domain) : undefined;
      const max = opts.limit ? (opts.offset || 0) + opts.limit : Infinity;
      recs = lower || max < Infinity ? collect(rows, pred, lower ? firstIndex(rows, lower) : 0, max) : rows.filter(pred);
    } else {
      recs = [];
      for (const rec of this.table(def.name).values()) if (pred(rec)) recs.push(rec);
      this.sorter(def, order)(recs);
    }
    const offset = opts.offset || 0;
    return opts.limit ? recs.slice(offset, offset + opts.limit) : offset ? recs.slice(offset) : recs;
  }

  /** All rows of a model in `order`, recomputed after any change anywhere (names of m2o targets count). */
  private sortedRows(def: ModelDef, order: string): Rec[] {
    const key = `${def.name}|${order}`;
    const hit = this.sortedCache.get(key);
    if (hit && hit.revision === this.globalRevision) return hit.rows;
    const sort = this.sorter(def, order); // compiled even when not used below: it checks the order
    const all = [...this.table(def.name).values()];
    // Ids are unique: when they come first, nothing after them can change the order.
    const rows = ordersByIdAsc(order) ? sortById(all) : sort(all);
    if (this.sortedCache.size > 32) this.sortedCache.clear();
    this.sortedCache.set(key, { revision: this.globalRevision, rows });
    return rows;
  }

  private sorter(def: ModelDef, order: string): Sorter {
    const key = `${def.name}|${order}`;
    let sort = this.orderCache.get(key);
    if (!sort) { sort = compileOrder(this, def, order); this.orderCache.set(key, sort); }
    return sort;
  }

  /** Field names to read: all readable ones when none are given; unknown ones fault. */
  private readableFields(env: Env, def: ModelDef, fields: string[] | null | false | undefined): string[] {
    if (fields && fields.length) {
      for (const name of fields) {
        if (!def.fields.has(name)) throw fault.value(`Invalid field ${pyStr(name)} on model ${pyStr(def.name)}`);
      }
      this.checkFieldAccess(env, def, fields, 'read');
      return fields;
    }
    const role = this.roleOf(env.uid);
    return [...def.fields.values()].filter((f) => env.su || fieldAllowed(role, f)).map((f) => f.name);
  }

  private readAs<T>(render: RowRenderer<T>, model: string, ids: number | number[], fields: string[] | null | undefined, opts: ReadOptions): T {
    const env = this.envOf(opts);
    const def = this.def(model);
    this.checkAccess(env, def, 'read');
    const table = this.table(model);
    const recs = toIds(ids).map((id) => table.get(id)).filter((r): r is Rec => r !== undefined);
    return render(this, recs, this.outputFields(env, def, fields), opts.load ?? true);
  }

  private searchReadAs<T>(render: RowRenderer<T>, model: string, domain: unknown, opts: SearchReadOptions): T {
    const env = this.envOf(opts);
    const def = this.def(model);
    // Fields are checked before the domain, as Odoo does.
    const names = this.readableFields(env, def, opts.fields);
    return render(this, this.select(env, def, domain, opts), this.outputFields(env, def, names), opts.load ?? true);
  }

  /** The fields a read returns besides id (which comes first in every row). */
  private outputFields(env: Env, def: ModelDef, fields: string[] | null | undefined): FieldDef[] {
    return this.readableFields(env, def, fields).filter((n) => n !== 'id').map((n) => def.fields.get(n)!);
  }
}

/** Rows by ascending id; rows are usually created in id order, so mostly this only checks. */
function sortById(rows: Rec[]): Rec[] {
  for (let i = 1; i < rows.length; i++) if (rows[i - 1].id > rows[i].id) return rows.sort((a, b) => a.id - b.id);
  return rows;
}

function toIds(ids: number | number[]): number[] {
  return Array.isArray(ids) ? ids : [ids];
}

/** Odoo's NOT NULL violation text (code 2). */
export function mandatoryFault(def: ModelDef, field: FieldDef) {
  return fault.user(
    'The operation cannot be completed:\n- Create/update: a mandatory field is not set.\n'
    + '- Delete: another model requires the record being deleted. If possible, archive it instead.\n\n'
    + `Model: ${def.description} (${def.name})\nField: ${field.string} (${field.name})\n`,
  );
}
