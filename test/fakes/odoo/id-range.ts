// The fast path of keyset paging (`[['id', '>', cursor], ...]`, order 'id asc', a limit):
// what PostgreSQL's primary-key index does. Without it every page filters the whole table,
// and a scan of N partners costs N²/page. The domain's predicate still decides every row;
// this only skips the rows an id bound rules out and stops once the page is full.
import { parseDomain } from './domain.js';
import type { Rec } from './schema.js';

type Node = ReturnType<typeof parseDomain>;

/** Whether `order` sorts by id ascending first ('id', 'id asc', 'id ASC, name'). */
export function ordersByIdAsc(order: string): boolean {
  return /^\s*"?id"?(\s+asc)?\s*(,|$)/i.test(order);
}

/** The lowest id a record must exceed (or reach) to match, from `id >`/`id >=` leaves AND-ed at the top. */
export function idLowerBound(domain: unknown): { id: number; inclusive: boolean } | undefined {
  return bound(parseDomain(domain ?? []));
}

function bound(node: Node): { id: number; inclusive: boolean } | undefined {
  if (node.kind === '&') {
    const a = bound(node.a);
    const b = bound(node.b);
    if (!a || !b) return a ?? b;
    return a.id > b.id || (a.id === b.id && !a.inclusive) ? a : b;
  }
  if (node.kind !== 'leaf') return undefined;
  const [field, operator, value] = node.leaf;
  if (field !== 'id' || typeof value !== 'number' || (operator !== '>' && operator !== '>=')) return undefined;
  return { id: value, inclusive: operator === '>=' };
}

/** Index of the first row (sorted by id ascending) that satisfies the bound. */
export function firstIndex(rows: Rec[], lower: { id: number; inclusive: boolean }): number {
  let lo = 0;
  let hi = rows.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const id = rows[mid].id;
    if (id > lower.id || (lower.inclusive && id === lower.id)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Matching rows from `start`, stopping after `max` of them. */
export function collect(rows: Rec[], pred: (r: Rec) => boolean, start: number, max: number): Rec[] {
  const out: Rec[] = [];
  for (let i = start; i < rows.length && out.length < max; i++) if (pred(rows[i])) out.push(rows[i]);
  return out;
}
