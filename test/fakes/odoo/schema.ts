// Shapes of the fake ORM's metadata: field and model definitions, the raw values
// kept in records, and the hooks through which a model adds its own behaviour.
import type { OdooStore } from './store.js';

export type FieldType =
  | 'char' | 'text' | 'html' | 'integer' | 'float' | 'monetary' | 'boolean'
  | 'date' | 'datetime' | 'selection' | 'many2one' | 'one2many' | 'many2many';

/** Stored representation: datetimes are epoch microseconds, dates 'YYYY-MM-DD', m2o an id, m2m an id list. */
export type RawValue = string | number | boolean | null | number[] | undefined;
export type Rec = { id: number; [field: string]: RawValue };
export type Vals = Record<string, unknown>;
export type Context = Record<string, unknown>;
export type Selection = Array<[string, string]>;

/** Who is calling: `su` skips access rights (tests poking the store directly). */
export interface Env { uid: number; context: Context; su: boolean }

export interface FieldDef {
  name: string;
  type: FieldType;
  string: string;
  relation?: string;
  /** one2many: the many2one on the comodel pointing back here. */
  inverse?: string;
  /** one2many lists only active comodel rows (res.partner.child_ids). */
  activeOnly?: boolean;
  selection?: Selection | ((store: OdooStore) => Selection);
  /** false for selections Odoo stores unchecked (res.partner.lang). */
  checkSelection?: boolean;
  required?: boolean;
  readonly?: boolean;
  /** false for computed fields recomputed on each read. */
  store: boolean;
  /** Stored but computed by model hooks: writes are ignored. */
  computed?: boolean;
  compute?: (store: OdooStore, rec: Rec) => RawValue;
  /** Custom search for non-stored fields: returns a predicate for the leaf. */
  search?: (store: OdooStore, operator: string, value: unknown) => (rec: Rec) => boolean;
  /** Security group the caller needs to read or search the field. */
  groups?: string;
  default?: RawValue | ((env: Env) => RawValue);
  /** x_ field created through ir.model.fields. */
  manual?: boolean;
  help?: string;
  /** Maintained reverse index (many2one targeted by a one2many). */
  indexed?: boolean;
}

export interface HookCtx { store: OdooStore; env: Env }

export interface ModelHooks {
  /** Normalise incoming values before conversion (both create and write). */
  prepareVals?(ctx: HookCtx, vals: Vals, op: 'create' | 'write'): Vals;
  /** Wraps the generic create; `next` inserts and returns the new ids. */
  create?(ctx: HookCtx, valsList: Vals[], next: (valsList: Vals[]) => number[]): number[];
  afterCreate?(ctx: HookCtx, ids: number[]): void;
  beforeWrite?(ctx: HookCtx, ids: number[], vals: Vals): void;
  afterWrite?(ctx: HookCtx, ids: number[], fields: Set<string>): void;
  beforeUnlink?(ctx: HookCtx, ids: number[]): void;
  afterUnlink?(ctx: HookCtx, ids: number[]): void;
  /** Rewrite a domain leaf before it is compiled (mail.blacklist normalises e-mails). */
  rewriteLeaf?(store: OdooStore, leaf: [string, string, unknown]): [string, string, unknown];
}

export interface ModelDef {
  name: string;
  description: string;
  /** Default `_order`. */
  order: string;
  recName: string;
  fields: Map<string, FieldDef>;
  table: string;
  displayName?: (store: OdooStore, rec: Rec) => string;
  hooks: ModelHooks;
  /** Has mail.thread's message_post. */
  mailThread?: boolean;
  /** Field used by child_of / parent_of. */
  parentName?: string;
}

/** What model modules declare; the registry fills in names, tables and magic fields. */
export interface ModelSpec {
  name: string;
  description: string;
  order?: string;
  recName?: string;
  fields: Record<string, Omit<FieldDef, 'name' | 'store'> & { store?: boolean }>;
  displayName?: ModelDef['displayName'];
  hooks?: ModelHooks;
  mailThread?: boolean;
  parentName?: string;
}

/** Field spec shorthands for model modules. */
type Extra = Partial<Omit<FieldDef, 'name' | 'type' | 'string'>>;
export const f = {
  char: (string: string, extra: Extra = {}) => ({ type: 'char' as const, string, ...extra }),
  text: (string: string, extra: Extra = {}) => ({ type: 'text' as const, string, ...extra }),
  html: (string: string, extra: Extra = {}) => ({ type: 'html' as const, string, ...extra }),
  int: (string: string, extra: Extra = {}) => ({ type: 'integer' as const, string, ...extra }),
  float: (string: string, extra: Extra = {}) => ({ type: 'float' as const, string, ...extra }),
  bool: (string: string, extra: Extra = {}) => ({ type: 'boolean' as const, string, ...extra }),
  date: (string: string, extra: Extra = {}) => ({ type: 'date' as const, string, ...extra }),
  datetime: (string: string, extra: Extra = {}) => ({ type: 'datetime' as const, string, ...extra }),
  selection: (string: string, selection: FieldDef['selection'], extra: Extra = {}) =>
    ({ type: 'selection' as const, string, selection, ...extra }),
  m2o: (relation: string, string: string, extra: Extra = {}) => ({ type: 'many2one' as const, string, relation, ...extra }),
  o2m: (relation: string, inverse: string, string: string, extra: Extra = {}) =>
    ({ type: 'one2many' as const, string, relation, inverse, ...extra }),
  m2m: (relation: string, string: string, extra: Extra = {}) => ({ type: 'many2many' as const, string, relation, ...extra }),
};

export const isRelational = (t: FieldType) => t === 'many2one' || t === 'one2many' || t === 'many2many';
export const isX2many = (t: FieldType) => t === 'one2many' || t === 'many2many';
