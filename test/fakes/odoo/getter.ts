// Property readers compiled per field name. A shared `(r) => r[name]` closure makes
// V8 use a slow megamorphic lookup; a function per name keeps each load monomorphic,
// which is most of the cost of scanning 50,000 rows.
import type { Rec } from './schema.js';

const cache = new Map<string, (r: Rec) => unknown>();

export function fieldGetter(name: string): (r: Rec) => unknown {
  let get = cache.get(name);
  if (!get) {
    get = new Function('r', `return r[${JSON.stringify(name)}];`) as (r: Rec) => unknown;
    cache.set(name, get);
  }
  return get;
}
