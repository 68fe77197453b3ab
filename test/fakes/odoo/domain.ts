// Odoo search domains: validation with Odoo's error messages, then compilation of
// the prefix-notation list into a predicate over stored records.
import { compareText } from './collate.js';
import { fault } from './faults.js';
import { fieldGetter } from './getter.js';
import { parseDomainDate, parseDomainDatetime } from './datetime.js';
import { pyRepr, pyTuple } from './pyrepr.js';
import type { Env, FieldDef, ModelDef, Rec } from './schema.js';
import { isX2many } from './schema.js';
import type { OdooStore } from './store.js';

export type Leaf = [string, string, unknown];
export type Predicate = (rec: Rec) => boolean;
type Node =
  | { kind: '&' | '|'; a: Node; b: Node }
  | { kind: '!'; a: Node }
  | { kind: 'leaf'; leaf: Leaf }
  | { kind: 'const'; value: boolean };

const OPERATORS = new Set([
  '=', '!=', '<=', '<', '>', '>=', '=?', '=like', '=ilike', 'like', 'not like', 'ilike', 'not ilike',
  'in', 'not in', 'child_of', 'parent_of', 'any', 'not any',
]);
const ARITY: Record<string, number> = { '!': 1, '&': 2, '|': 2 };
const NEGATIVE = new Set(['!=', 'not like', 'not ilike', 'not in', 'not any']);

/** Odoo's normalize_domain: checks arity and adds the implicit '&' between terms. */
function normalize(domain: unknown): unknown[] {
  if (!Array.isArray(domain)) {
    throw fault.python("AssertionError: Domains to normalize must have a 'domain' form: a list or tuple of domain components");
  }
  if (domain.length === 0) return [];
  const out: unknown[] = [];
  let expected = 1;
  for (const token of domain) {
    if (expected === 0) { out.unshift('&'); expected = 1; }
    expected += Array.isArray(token) ? -1 : (ARITY[token as string] ?? 0) - 1;
    out.push(token);
  }
  if (expected !== 0) throw fault.value(`Domain ${pyRepr(domain)} is syntactically not correct.`);
  return out;
}

function checkLeaf(token: unknown): Leaf {
  if (!Array.isArray(token)) throw fault.value(`Invalid leaf ${pyRepr(token)}`);
  if (token.length < 3) throw fault.value(`not enough values to unpack (expected 3, got ${token.length})`);
  if (token.length > 3) throw fault.value('too many values to unpack (expected 3)');
  const [left, rawOp, right] = token as [unknown, unknown, unknown];
  let op = typeof rawOp === 'string' ? rawOp.toLowerCase() : rawOp;
  if (op === '<>') op = '!=';
  if (op === '==') op = '=';
  const constant = (left === 1 || left === 0) && op === '=' && right === 1;
  if (!constant && (typeof left !== 'string' || typeof op !== 'string' || !OPERATORS.has(op))) {
    throw fault.value(`Invalid leaf ${pyTuple(token)}`);
  }
  return [left as string, op as string, right];
}

export function parseDomain(domain: unknown): Node {
  const tokens = normalize(domain);
  if (tokens.length === 0) return { kind: 'const', value: true };
  let i = 0;
  const next = (): Node => {
    const token = tokens[i++];
    if (token === '&' || token === '|') { const a = next(); return { kind: token, a, b: next() }; }
    if (token === '!') return { kind: '!', a: next() };
    const leaf = checkLeaf(token);
    if ((leaf[0] as unknown) === 1 || (leaf[0] as unknown) === 0) return { kind: 'const', value: (leaf[0] as unknown) === 1 };
    return { kind: 'leaf', leaf };
  };
  return next();
}

/** Whether a domain mentions `field` in a leaf (disables active_test for 'active'). */
export function mentionsField(node: Node, field: string): boolean {
  switch (node.kind) {
    case 'leaf': return node.leaf[0] === field;
    case '&': case '|': return mentionsField(node.a, field) || mentionsField(node.b, field);
    case '!': return mentionsField(node.a, field);
    default: return false;
  }
}

export interface CompileCtx { store: OdooStore; model: ModelDef; env: Env }

export function compile(ctx: CompileCtx, node: Node): Predicate {
  switch (node.kind) {
    case 'const': { const v = node.value; return () => v; }
    case '!': { const a = compile(ctx, node.a); return (r) => !a(r); }
    case '&': { const a = compile(ctx, node.a), b = compile(ctx, node.b); return (r) => a(r) && b(r); }
    case '|': { const a = compile(ctx, node.a), b = compile(ctx, node.b); return (r) => a(r) || b(r); }
    case 'leaf': return compileLeaf(ctx, node.leaf);
  }
}

function compileLeaf(ctx: CompileCtx, original: Leaf): Predicate {
  const { store, model } = ctx;
  const leaf = model.hooks.rewriteLeaf ? model.hooks.rewriteLeaf(store, original) : original;
  const [path, op, value] = leaf;
  const [name, ...rest] = path.split('.');
  const field = model.fields.get(name);
  if (!field) throw fault.value(`Invalid field ${model.name}.${name} in leaf ${pyTuple(original)}`);
  store.checkFieldAccess(ctx.env, model, [name], 'read');
  if (rest.length) return compilePath(ctx, field, [rest.join('.'), op, value]);
  if (field.search) return field.search(store, op, value);
  if (op === 'child_of' || op === 'parent_of') return compileHierarchy(ctx, op, value);
  if (op === 'any' || op === 'not any') return compileAny(ctx, field, op, value);
  if (!field.store && !field.compute) {
    throw fault.value(`Non-stored field ${model.name}.${name} cannot be searched.`);
  }
  const get: (r: Rec) => unknown = field.compute ? (r) => field.compute!(store, r) : fieldGetter(name);
  if (isX2many(field.type)) return compileX2many(ctx, field, op, value, get);
  if (field.type === 'many2one' && isNameMatch(op, value)) return compileM2oName(ctx, field, op, value, get);
  return compileScalar(ctx, field, op, value, get);
}

/** `country_id.code = 'FR'`: search the comodel, then match the link. */
function compilePath(ctx: CompileCtx, field: FieldDef, sub: Leaf): Predicate {
  if (!field.relation) throw fault.value(`Invalid field ${ctx.model.name}.${field.name} in leaf ${pyTuple(sub)}`);
  const ids = new Set(ctx.store.searchIds(ctx.env, field.relation, [sub], { active_test: false }));
  return linkMatcher(ctx, field, ids);
}

function linkMatcher(ctx: CompileCtx, field: FieldDef, ids: Set<number>): Predicate {
  if (field.type === 'many2one') return (r) => ids.has(r[field.name] as number);
  return (r) => linkedIds(ctx, field, r).some((id) => ids.has(id));
}

function linkedIds(ctx: CompileCtx, field: FieldDef, r: Rec): number[] {
  if (field.type === 'one2many') return ctx.store.inverseIds(field, r.id);
  return (r[field.name] as number[] | undefined) ?? [];
}

function compileAny(ctx: CompileCtx, field: FieldDef, op: string, value: unknown): Predicate {
  if (!field.relation) throw fault.value(`Invalid leaf ${pyTuple([field.name, op, value])}`);
  const ids = new Set(ctx.store.searchIds(ctx.env, field.relation, value, {}));
  const match = linkMatcher(ctx, field, ids);
  return op === 'any' ? match : (r) => !match(r);
}

function compileHierarchy(ctx: CompileCtx, op: string, value: unknown): Predicate {
  const parent = ctx.model.parentName;
  const ids = new Set((Array.isArray(value) ? value : [value]).filter((v): v is number => typeof v === 'number'));
  if (!parent) return (r) => ids.has(r.id);
  const table = ctx.store.table(ctx.model.name);
  const ancestors = (id: number): number[] => {
    const out: number[] = [];
    for (let cur: number | null | undefined = id; cur && out.length < 1000; cur = table.get(cur)?.[parent] as number | null) out.push(cur);
    return out;
  };
  if (op === 'child_of') return (r) => ancestors(r.id).some((a) => ids.has(a));
  const wanted = new Set([...ids].flatMap(ancestors));
  return (r) => wanted.has(r.id);
}

const isNameMatch = (op: string, value: unknown) =>
  typeof value === 'string' || (Array.isArray(value) && value.some((v) => typeof v === 'string') && /in$/.test(op));

/** many2one compared with text matches the target's display name, like Odoo's name_search. */
function compileM2oName(ctx: CompileCtx, field: FieldDef, op: string, value: unknown, get: (r: Rec) => unknown): Predicate {
  const positive = op.replace(/^not /, '').replace('!=', '=');
  const matchName = stringMatcher(positive, value);
  const ids = new Set<number>();
  for (const rec of ctx.store.table(field.relation!).values()) {
    if (matchName(ctx.store.displayName(field.relation!, rec.id))) ids.add(rec.id);
  }
  if (NEGATIVE.has(op)) return (r) => !ids.has(get(r) as number);
  return (r) => ids.has(get(r) as number);
}

function compileX2many(ctx: CompileCtx, field: FieldDef, op: string, value: unknown, get: (r: Rec) => unknown): Predicate {
  const ids = (r: Rec): number[] => field.type === 'one2many' ? linkedIds(ctx, field, r) : ((get(r) as number[] | undefined) ?? []);
  if (typeof value === 'string' || (Array.isArray(value) && value.some((v) => typeof v === 'string'))) {
    const match = stringMatcher(op.replace(/^not /, '').replace('!=', '='), value);
    const names = (r: Rec) => ids(r).map((id) => ctx.store.displayName(field.relation!, id));
    return NEGATIVE.has(op) ? (r) => !names(r).some(match) : (r) => names(r).some(match);
  }
  const list = Array.isArray(value) ? value : [value];
  const wanted = new Set(list.filter((v): v is number => typeof v === 'number'));
  const wantsEmpty = list.some((v) => v === false || v === null);
  const any = (r: Rec) => { const l = ids(r); return (wantsEmpty && l.length === 0) || l.some((id) => wanted.has(id)); };
  switch (op) {
    case '=': case 'in': return any;
    case '!=': case 'not in': return (r) => !any(r);
    default: throw fault.value(`Invalid leaf ${pyTuple([field.name, op, value])}`);
  }
}

/** Turns an SQL LIKE pattern into a RegExp ('%' any run, '_' one character, '\' escapes). */
function likeRegExp(pattern: string, insensitive: boolean): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === '\\' && i + 1 < pattern.length) re += pattern[++i].replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    else if (ch === '%') re += '[\\s\\S]*';
    else if (ch === '_') re += '[\\s\\S]';
    else re += ch.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return new RegExp(`^${re}$`, insensitive ? 'iu' : 'u');
}

/** String matcher for text operators (used on display names too). */
function stringMatcher(op: string, value: unknown): (s: unknown) => boolean {
  const text = (v: unknown) => (v === null || v === undefined || v === false ? null : String(v));
  switch (op) {
    case 'like': case 'ilike': case '=like': case '=ilike': {
      const pattern = op.startsWith('=') ? String(value) : `%${String(value)}%`;
      const re = likeRegExp(pattern, op.endsWith('ilike'));
      return (s) => { const t = text(s); return t !== null && re.test(t); };
    }
    case 'in': { const set = new Set((value as unknown[]).map(String)); return (s) => text(s) !== null && set.has(text(s)!); }
    default: return (s) => text(s) === String(value);
  }
}


/** Leaf on a stored or computed scalar: SQL semantics, NULLs included by negative operators. */
function compileScalar(ctx: CompileCtx, field: FieldDef, op: string, value: unknown, get: (r: Rec) => unknown): Predicate {
  const isNull = field.type === 'boolean'
    ? (v: unknown) => !v
    : (v: unknown) => v === null || v === undefined;
  const conv = (v: unknown) => convertOperand(ctx, field, op, v);
  const eq = (a: unknown, b: unknown) => (field.type === 'boolean' ? Boolean(a) === Boolean(b) : a === b);
  const cmp = (a: unknown, b: unknown) =>
    typeof a === 'string' && typeof b === 'string' ? compareText(a, b) : (a as number) - (b as number);
  const empty = value === false || value === null;
  switch (op) {
    case '=?': if (empty) return () => true; // falls through to '='
    case '=': {
      if (empty) return (r) => isNull(get(r));
      const v = conv(value);
      return (r) => eq(get(r), v);
    }
    case '!=': {
      if (empty) return (r) => !isNull(get(r));
      const v = conv(value);
      return (r) => !eq(get(r), v);
    }
    case 'in': case 'not in': {
      const list = Array.isArray(value) ? value : [value];
      const withNull = list.some((v) => v === false || v === null);
      const set = new Set(list.filter((v) => v !== false && v !== null).map(conv));
      const hit = (r: Rec) => { const v = get(r); return isNull(v) ? withNull : set.has(field.type === 'boolean' ? true : v); };
      return op === 'in' ? hit : (r) => !hit(r);
    }
    case '<': case '<=': case '>': case '>=': {
      if (empty) return () => false;
      const v = conv(value);
      const test = { '<': (c: number) => c < 0, '<=': (c: number) => c <= 0, '>': (c: number) => c > 0, '>=': (c: number) => c >= 0 }[op];
      return (r) => { const x = get(r); return !isNull(x) && test(cmp(x, v)); };
    }
    default: { // like family
      if (empty && (op === 'like' || op === 'ilike')) return (r) => isNull(get(r));
      const match = stringMatcher(op.replace(/^not /, ''), value);
      const show = field.type === 'boolean' ? (v: unknown) => (v ? 'true' : 'false') : (v: unknown) => v;
      return NEGATIVE.has(op) ? (r) => !match(show(get(r))) : (r) => match(show(get(r)));
    }
  }
}

/** Converts a domain operand to the stored representation of the field. */
function convertOperand(ctx: CompileCtx, field: FieldDef, op: string, v: unknown): unknown {
  switch (field.type) {
    case 'datetime': {
      const us = parseDomainDatetime(v, op);
      if (us === undefined) throw badTimestamp(ctx, field, op, v, 'timestamp');
      return us;
    }
    case 'date': {
      const d = parseDomainDate(v);
      if (d === undefined) throw badTimestamp(ctx, field, op, v, 'date');
      return d;
    }
    case 'integer': case 'float': case 'monetary': case 'many2one': {
      if (typeof v === 'number') return v;
      if (typeof v === 'boolean') return v ? 1 : 0;
      const n = Number(v);
      if (typeof v !== 'string' || v.trim() === '' || Number.isNaN(n)) {
        throw fault.python(`psycopg2.errors.InvalidTextRepresentation: invalid input syntax for type ${field.type === 'integer' || field.type === 'many2one' ? 'integer' : 'double precision'}: "${String(v)}"`);
      }
      return n;
    }
    case 'boolean': return Boolean(v);
    default: return typeof v === 'string' ? v : String(v);
  }
}

/** PostgreSQL's error for a bad timestamp literal, with the two SQL context lines. */
function badTimestamp(ctx: CompileCtx, field: FieldDef, op: string, v: unknown, type: string) {
  const sqlOp = op === '=?' ? '=' : op.toUpperCase();
  const literal = `'${String(v)}'`;
  const lead = `LINE 1: ...active" = true) AND ("${ctx.model.table}"."${field.name}" ${sqlOp} `;
  return fault.python(
    `psycopg2.errors.InvalidDatetimeFormat: invalid input syntax for type ${type}: "${String(v)}"\n`
    + `${lead}${literal})...\n${' '.repeat(lead.length)}^`,
  );
}
