// The model methods reachable through execute_kw, with Odoo 18's signatures and
// return shapes (create: int for a dict, list for a list; read of missing ids: []).
// Reads answer rows already encoded as XML-RPC (record-encoder.ts): results go to the wire.
import { fault } from './faults.js';
import { blacklistAdd } from './models/blacklist.js';
import { messagePost } from './models/messages.js';
import { getViews } from './models/views.js';
import { bind, opt, req, type Signature } from './pycall.js';
import { pyStr } from './pyrepr.js';
import type { Context } from './schema.js';
import type { OdooStore } from './store.js';
import { readValue } from './values.js';

export interface Call {
  store: OdooStore;
  model: string;
  uid: number;
  context: Context;
  /** Record methods: the ids from args[0]. */
  ids: number[];
  a: Record<string, unknown>;
}

interface Method {
  sig: Signature;
  /** args[0] holds the ids (Odoo's "multi" methods). */
  record?: boolean;
  /** Only on these models (mail.thread, mail.blacklist). */
  only?: (store: OdooStore, model: string) => boolean;
  run: (c: Call) => unknown;
}

const num = (v: unknown) => (typeof v === 'number' ? v : null);
const opts = (c: Call) => ({ uid: c.uid, context: c.context });
/** read()'s `load`: anything but '_classic_read' gives bare many2one ids. */
const classic = (load: unknown) => load === '_classic_read';

const METHODS: Record<string, Method> = {
  search: {
    sig: { qualname: 'BaseModel.search', params: [req('domain'), opt('offset', 0), opt('limit'), opt('order')] },
    run: (c) => c.store.search(c.model, c.a.domain, { ...opts(c), offset: num(c.a.offset), limit: num(c.a.limit), order: c.a.order as string | null }),
  },
  search_count: {
    sig: { qualname: 'BaseModel.search_count', params: [req('domain'), opt('limit')] },
    run: (c) => c.store.countAs(c.store.envOf(opts(c)), c.model, c.a.domain, num(c.a.limit)),
  },
  search_read: {
    sig: { qualname: 'BaseModel.search_read', params: [opt('domain'), opt('fields'), opt('offset', 0), opt('limit'), opt('order'), opt('load', '_classic_read')] },
    run: (c) => c.store.searchReadEncoded(c.model, c.a.domain ?? [], {
      ...opts(c), fields: c.a.fields as string[] | null, offset: num(c.a.offset), limit: num(c.a.limit),
      order: c.a.order as string | null, load: classic(c.a.load),
    }),
  },
  read: {
    record: true,
    sig: { qualname: 'BaseModel.read', params: [opt('fields'), opt('load', '_classic_read')] },
    run: (c) => c.store.readEncoded(c.model, c.ids, c.a.fields as string[] | null, { ...opts(c), load: classic(c.a.load) }),
  },
  write: {
    record: true,
    sig: { qualname: 'BaseModel.write', params: [req('vals')] },
    run: (c) => c.store.write(c.model, c.ids, c.a.vals as Record<string, unknown>, opts(c)),
  },
  create: {
    sig: { qualname: 'BaseModel.create', params: [req('vals_list')] },
    run: (c) => {
      const vals = c.a.vals_list;
      return Array.isArray(vals) ? c.store.create(c.model, vals, opts(c)) : c.store.create(c.model, vals as Record<string, unknown>, opts(c));
    },
  },
  unlink: {
    record: true,
    sig: { qualname: 'BaseModel.unlink', params: [] },
    run: (c) => c.store.unlink(c.model, c.ids, opts(c)),
  },
  fields_get: {
    sig: { qualname: 'BaseModel.fields_get', params: [opt('allfields'), opt('attributes')] },
    run: (c) => {
      const all = c.store.fieldsGet(c.model, c.a.attributes as string[] | null, opts(c));
      const wanted = c.a.allfields as string[] | null;
      return wanted && wanted.length ? Object.fromEntries(Object.entries(all).filter(([k]) => wanted.includes(k))) : all;
    },
  },
  name_search: {
    sig: { qualname: 'BaseModel.name_search', params: [opt('name', ''), opt('domain'), opt('operator', 'ilike'), opt('limit', 100)] },
    run: (c) => nameSearch(c),
  },
  name_create: {
    sig: { qualname: 'BaseModel.name_create', params: [req('name')] },
    run: (c) => {
      const id = c.store.create(c.model, { [c.store.def(c.model).recName]: c.a.name }, opts(c));
      return [id, c.store.displayName(c.model, id)];
    },
  },
  default_get: {
    sig: { qualname: 'BaseModel.default_get', params: [req('fields_list')] },
    run: (c) => defaultGet(c),
  },
  get_views: {
    sig: { qualname: 'BaseModel.get_views', params: [req('views'), opt('options')] },
    run: (c) => getViews(c.store, c.model, c.a.views),
  },
  message_post: {
    record: true,
    only: (store, model) => Boolean(store.def(model).mailThread),
    sig: { qualname: 'MailThread.message_post', params: [], kwOnly: true, varKw: true },
    run: (c) => messagePost(c.store, c.model, c.ids, c.a, c.uid),
  },
  // These return None in Odoo: the effect is committed, then marshalling fails.
  action_archive: {
    record: true,
    only: (store, model) => store.def(model).fields.has('active'),
    sig: { qualname: 'BaseModel.action_archive', params: [] },
    run: (c) => { c.store.write(c.model, c.ids, { active: false }, opts(c)); return null; },
  },
  action_unarchive: {
    record: true,
    only: (store, model) => store.def(model).fields.has('active'),
    sig: { qualname: 'BaseModel.action_unarchive', params: [] },
    run: (c) => { c.store.write(c.model, c.ids, { active: true }, opts(c)); return null; },
  },
  action_add: {
    only: (_s, model) => model === 'mail.blacklist',
    sig: { qualname: 'MailBlacklist.action_add', params: [req('email'), opt('message')] },
    run: (c) => { blacklistAdd(c.store, c.a.email, { uid: c.uid }); return null; },
  },
};

function nameSearch(c: Call): Array<[number, string]> {
  const def = c.store.def(c.model);
  const extra = Array.isArray(c.a.domain) ? c.a.domain : [];
  const name = c.a.name;
  const domain = name ? ['&', [def.recName, c.a.operator, name], ...(extra.length ? extra : [[1, '=', 1]])] : extra;
  const ids = c.store.search(c.model, domain, { ...opts(c), limit: num(c.a.limit) });
  return ids.map((id) => [id, c.store.displayName(c.model, id)]);
}

function defaultGet(c: Call): Record<string, unknown> {
  const def = c.store.def(c.model);
  const env = c.store.envOf(opts(c));
  const out: Record<string, unknown> = {};
  for (const name of (c.a.fields_list as string[]) ?? []) {
    const field = def.fields.get(name);
    const value = typeof field?.default === 'function' ? field.default(env) : field?.default;
    if (field && value !== undefined && value !== null) out[name] = readValue(c.store, field, { id: 0, [name]: value }, false);
  }
  return out;
}

/** Resolves a method for a model, with Odoo's faults for private and unknown names. */
export function lookupMethod(store: OdooStore, model: string, name: unknown): Method {
  const text = String(name);
  if (text.startsWith('_')) throw fault.access(`Private methods (such as ${text}) cannot be called remotely.`);
  const method = Object.prototype.hasOwnProperty.call(METHODS, text) ? METHODS[text] : undefined;
  if (!method || (method.only && !method.only(store, model))) {
    throw fault.python(`AttributeError: The method ${pyStr(text)} does not exist on the model ${pyStr(model)}`);
  }
  return method;
}

/** Odoo's call_kw: peel the ids off record methods, bind the rest, run. */
export function callModelMethod(store: OdooStore, uid: number, model: string, name: unknown, args: unknown, kwargs: unknown): unknown {
  store.def(model);
  const method = lookupMethod(store, model, name);
  const list = Array.isArray(args) ? [...args] : [];
  const kw = { ...((kwargs && typeof kwargs === 'object' ? kwargs : {}) as Record<string, unknown>) };
  const context = (kw.context && typeof kw.context === 'object' ? kw.context : {}) as Context;
  delete kw.context;
  let ids: number[] = [];
  if (method.record) {
    if (!list.length) throw fault.python('IndexError: list index out of range');
    ids = toIds(list.shift());
  }
  const a = bind(method.sig, list, kw);
  return store.tx(() => method.run({ store, model, uid, context, ids, a }));
}

function toIds(value: unknown): number[] {
  const list = Array.isArray(value) ? value : value === false || value === null ? [] : [value];
  return list.map((v) => {
    if (typeof v === 'number' && Number.isInteger(v)) return v;
    if (typeof v === 'string' && /^\d+$/.test(v)) return Number(v);
    throw fault.python(`psycopg2.errors.InvalidTextRepresentation: invalid input syntax for type integer: "${String(v)}"`);
  });
}
