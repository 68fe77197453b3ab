// Converting values between the wire and the store: what Odoo's fields do in
// convert_to_cache (writes, with Python's error messages) and convert_to_read (reads).
import { fault } from './faults.js';
import { formatDatetime, parseWriteDate, parseWriteDatetime } from './datetime.js';
import { pyRepr } from './pyrepr.js';
import type { FieldDef, ModelDef, RawValue, Rec, Selection } from './schema.js';
import type { OdooStore } from './store.js';

export function selectionOf(store: OdooStore, field: FieldDef): Selection {
  const sel = field.selection;
  return typeof sel === 'function' ? sel(store) : sel ?? [];
}

const isEmpty = (v: unknown) => v === false || v === null || v === undefined;

function toInteger(value: unknown): number {
  if (isEmpty(value)) return 0;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'number') return Math.trunc(value);
  if (typeof value === 'string' && /^\s*[+-]?\d+\s*$/.test(value)) return parseInt(value, 10);
  if (typeof value === 'string') throw fault.value(`invalid literal for int() with base 10: ${pyRepr(value)}`);
  throw fault.type(`int() argument must be a string, a bytes-like object or a real number, not '${pyType(value)}'`);
}

function toFloat(value: unknown): number {
  if (isEmpty(value)) return 0;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && /^\s*[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?\s*$/i.test(value)) return parseFloat(value);
  if (typeof value === 'string') throw fault.value(`could not convert string to float: ${pyRepr(value)}`);
  throw fault.type(`float() argument must be a string or a real number, not '${pyType(value)}'`);
}

function pyType(v: unknown): string {
  if (Array.isArray(v)) return 'list';
  if (v instanceof Date) return 'datetime';
  if (typeof v === 'object') return 'dict';
  return typeof v === 'number' ? 'int' : typeof v;
}

/** Python truthiness, which is what a Boolean field applies. */
function truthy(v: unknown): boolean {
  if (Array.isArray(v)) return v.length > 0;
  if (v && typeof v === 'object' && !(v instanceof Date)) return Object.keys(v).length > 0;
  return Boolean(v);
}

function toChar(value: unknown): string | null {
  if (isEmpty(value) || value === '') return null;
  if (typeof value === 'string') return value;
  if (value === true) return 'True';
  if (typeof value === 'number') return String(value);
  return pyRepr(value);
}

function toSelection(store: OdooStore, model: ModelDef, field: FieldDef, value: unknown): string | null {
  if (isEmpty(value)) return null;
  const ok = typeof value === 'string'
    && (field.checkSelection === false || selectionOf(store, field).some(([key]) => key === value));
  if (!ok) throw fault.value(`Wrong value for ${model.name}.${field.name}: ${pyRepr(value)}`);
  return value as string;
}

/** A missing many2one target is a PostgreSQL foreign-key violation, reported as code 2. */
export function fkFault(model: ModelDef, constraint: string) {
  return fault.user(
    'The operation cannot be completed: another model requires the record being deleted. If possible, archive it instead.\n\n'
    + `Model: ${model.description} (${model.name})\nConstraint: ${constraint}\n`,
  );
}

function toMany2one(store: OdooStore, model: ModelDef, field: FieldDef, value: unknown): number | null {
  if (isEmpty(value) || value === 0) return null;
  let id = value;
  if (typeof id === 'string' && /^\s*\d+\s*$/.test(id)) id = Number(id);
  if (typeof id === 'string') {
    throw fault.python(`psycopg2.errors.InvalidTextRepresentation: invalid input syntax for type integer: "${id}"`);
  }
  if (typeof id !== 'number' || !Number.isInteger(id)) throw fault.value(`Wrong value for ${model.name}.${field.name}: ${pyRepr(value)}`);
  if (!store.exists(field.relation!, id)) throw fkFault(model, `${model.table}_${field.name}_fkey`);
  return id;
}

/** convert_to_cache for every non-x2many field type. */
export function convertScalar(store: OdooStore, model: ModelDef, field: FieldDef, value: unknown): RawValue {
  switch (field.type) {
    case 'char': case 'text': case 'html': return toChar(value);
    case 'integer': return toInteger(value);
    case 'float': case 'monetary': return toFloat(value);
    case 'boolean': return truthy(value);
    case 'date': return parseWriteDate(value);
    case 'datetime': return parseWriteDatetime(value);
    case 'selection': return toSelection(store, model, field, value);
    case 'many2one': return toMany2one(store, model, field, value);
    default: throw new Error(`convertScalar: ${field.type}`);
  }
}

/** An x2many write, normalised to Odoo's command tuples. */
export type X2mCommand =
  | { op: 'create'; vals: Record<string, unknown> }
  | { op: 'update'; id: number; vals: Record<string, unknown> }
  | { op: 'delete' | 'unlink' | 'link'; id: number }
  | { op: 'clear' }
  | { op: 'set'; ids: number[] };

const asId = (v: unknown, field: FieldDef): number => {
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  throw fault.value(`Wrong value for ${field.name}: ${pyRepr(v)}`);
};

/** Parses `[[6,0,ids]]`, `[[4,id]]`, `[[0,0,vals]]`... or a bare id list (meaning "set"). */
export function parseX2many(field: FieldDef, value: unknown): X2mCommand[] {
  if (isEmpty(value)) return [{ op: 'clear' }];
  if (!Array.isArray(value)) throw fault.value(`Wrong value for ${field.name}: ${pyRepr(value)}`);
  if (value.every((v) => typeof v === 'number')) return [{ op: 'set', ids: value as number[] }];
  return value.map((cmd): X2mCommand => {
    if (!Array.isArray(cmd) || typeof cmd[0] !== 'number') throw fault.value(`Wrong value for ${field.name}: ${pyRepr(value)}`);
    const [code, a, b] = cmd as [number, unknown, unknown];
    switch (code) {
      case 0: return { op: 'create', vals: (b ?? {}) as Record<string, unknown> };
      case 1: return { op: 'update', id: asId(a, field), vals: (b ?? {}) as Record<string, unknown> };
      case 2: return { op: 'delete', id: asId(a, field) };
      case 3: return { op: 'unlink', id: asId(a, field) };
      case 4: return { op: 'link', id: asId(a, field) };
      case 5: return { op: 'clear' };
      case 6: return { op: 'set', ids: (Array.isArray(b) ? b : Array.isArray(a) ? a : []).map((x) => asId(x, field)) };
      default: throw fault.value(`Wrong value for ${field.name}: ${pyRepr(value)}`);
    }
  });
}

/** convert_to_read: empty values become False (0 for numbers), datetimes lose their microseconds. */
export function readValue(store: OdooStore, field: FieldDef, rec: Rec, load: boolean): unknown {
  const raw = field.compute ? field.compute(store, rec) : rec[field.name];
  switch (field.type) {
    case 'integer': case 'float': case 'monetary': return raw ?? 0;
    case 'boolean': return Boolean(raw);
    case 'datetime': return raw === null || raw === undefined ? false : formatDatetime(raw as number);
    case 'many2one': {
      if (raw === null || raw === undefined || !store.exists(field.relation!, raw as number)) return false;
      return load ? [raw, store.displayName(field.relation!, raw as number)] : raw;
    }
    case 'many2many': return store.sortIds(field.relation!, (raw as number[] | undefined) ?? []);
    case 'one2many': return store.sortIds(field.relation!, store.inverseIds(field, rec.id));
    default: return raw === null || raw === undefined ? false : raw;
  }
}
