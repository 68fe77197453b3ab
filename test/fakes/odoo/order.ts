// `order` clauses ('write_date asc, id asc', 'complete_name ASC, id DESC'): parsing with
// Odoo's errors, and sorting that follows PostgreSQL (NULLS LAST ascending,
// NULLS FIRST descending, locale-aware text).
import { compareFolded, foldText } from './collate.js';
import { fault } from './faults.js';
import { fieldGetter } from './getter.js';
import { pyStr } from './pyrepr.js';
import type { ModelDef, Rec } from './schema.js';
import type { OdooStore } from './store.js';

/** Sorts records in place and returns them. */
export type Sorter = (recs: Rec[]) => Rec[];

const TERM = /^\s*("?)([a-z0-9_.]+)\1(?:\s+(asc|desc))?(?:\s+nulls\s+(first|last))?\s*$/i;

interface Key { get: (r: Rec) => unknown; desc: boolean; nullsFirst: boolean }
/** A record with its sort values (and folded text keys) computed once. */
interface Decorated { rec: Rec; values: unknown[]; folded: Array<string | undefined> }

export function compileOrder(store: OdooStore, model: ModelDef, order: string): Sorter {
  const keys = order.split(',').filter((t) => t.trim()).map((term) => parseTerm(store, model, term, order));
  const compare = (a: Decorated, b: Decorated) => {
    for (let i = 0; i < keys.length; i++) {
      const c = compareValues(a.values[i], a.folded[i], b.values[i], b.folded[i], keys[i].nullsFirst);
      if (c !== 0) return keys[i].desc ? -c : c;
    }
    return 0;
  };
  return (recs) => {
    const rows = recs.map((rec): Decorated => {
      const values = keys.map((k) => k.get(rec));
      return { rec, values, folded: values.map((v) => (typeof v === 'string' ? foldText(v) : undefined)) };
    });
    rows.sort(compare);
    for (let i = 0; i < rows.length; i++) recs[i] = rows[i].rec;
    return recs;
  };
}

function parseTerm(store: OdooStore, model: ModelDef, term: string, order: string): Key {
  const m = TERM.exec(term);
  if (!m) throw fault.value(`Invalid "order" specified (${order}). A valid "order" specification is a comma-separated list of valid field names (optionally followed by asc/desc for the direction)`);
  const [, , name, dir, nulls] = m;
  const field = model.fields.get(name);
  if (!field) throw fault.value(`Invalid field ${pyStr(name)} on model ${pyStr(model.name)}`);
  if (!field.store && !field.compute) throw fault.value(`Cannot convert ${model.name}.${name} to SQL because it is not stored`);
  const desc = (dir ?? 'asc').toLowerCase() === 'desc';
  // Nulls flip with the direction because the comparison is negated for DESC.
  const nullsFirst = nulls ? (nulls.toLowerCase() === 'first') !== desc : false;
  let get: (r: Rec) => unknown = field.compute ? (r) => field.compute!(store, r) : fieldGetter(name);
  // Ordering by a many2one follows the target's name, as the comodel's _order would.
  if (field.type === 'many2one') {
    const raw = get;
    get = (r) => { const id = raw(r) as number | null; return id ? store.displayName(field.relation!, id) : null; };
  }
  if (field.type === 'boolean') { const raw = get; get = (r) => Boolean(raw(r)); }
  return { get, desc, nullsFirst };
}

/** Ascending comparison; nulls sort last (or first), whatever the direction flip does later. */
function compareValues(a: unknown, fa: string | undefined, b: unknown, fb: string | undefined, nullsFirst: boolean): number {
  const an = a === null || a === undefined, bn = b === null || b === undefined;
  if (an || bn) return an === bn ? 0 : (an ? 1 : -1) * (nullsFirst ? -1 : 1);
  if (fa !== undefined && fb !== undefined) return compareFolded(a as string, fa, b as string, fb);
  if (typeof a === 'boolean') return Number(a) - Number(b);
  return (a as number) - (b as number);
}
