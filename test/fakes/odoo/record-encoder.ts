// The rows of a read or search_read, either as objects (what tests calling the store get)
// or encoded straight to XML-RPC bytes (what the RPC layer sends). Pages of 2,000
// partners are most of what the fake does during an initial sync; encoded this way it
// serves them several times faster than building the objects and encoding them.
//
// The encoded form is, by construction, the UTF-8 of what fast-encoder.ts writes for the
// row objects: each field's member is `encodeValue(readValue(...))` (values.ts), and the
// shortcuts only skip work whose result is already known:
// - plain values (text, numbers, booleans) are read from the record and encoded at once,
//   without readValue's dispatch; anything unusual (an object where a primitive belongs,
//   a computed field) takes the general way;
// - many2one, many2many and datetime members depend on the stored value alone (a record
//   id, an id list, a timestamp's millisecond), so within one call (nothing changes during
//   a read) each distinct value is encoded once and reused. Nothing outlives the call.
//
// Rows are assembled as byte strings: JavaScript strings holding one UTF-8 byte per
// character. Most values are ASCII and are their own byte string; the others are
// converted alone. A row then joins into a one-byte string that is copied into the answer
// as it is ('latin1'), where converting the whole row to UTF-8 would take V8's slow path
// for every row holding one accented letter. Every piece next to a value is ASCII markup,
// so no surrogate pair is ever split between two pieces.
import { US_PER_MS } from './datetime.js';
import { fault } from './faults.js';
import {
  ARRAY_CLOSE, ARRAY_OPEN, encodeNumber, encodeValue, escapeText, holdsNone, MEMBER_CLOSE, memberOpen, PreEncoded, STRING_CLOSE,
  STRING_OPEN, STRUCT_CLOSE, STRUCT_OPEN,
} from './fast-encoder.js';
import { fieldGetter } from './getter.js';
import type { FieldDef, Rec } from './schema.js';
import type { OdooStore } from './store.js';
import { readValue } from './values.js';

export type Row = Record<string, unknown> & { id: number };

/** Turns records into the answer of a read: `fields` are the requested ones, without id, checked already. */
export type RowRenderer<T> = (store: OdooStore, recs: Rec[], fields: FieldDef[], load: boolean) => T;

/** Rows as objects: id first, then each field in the order asked (a field asked twice keeps its first place). */
export const rowObjects: RowRenderer<Row[]> = (store, recs, fields, load) => recs.map((rec) => {
  const row: Row = { id: rec.id };
  for (const field of fields) row[field.name] = readValue(store, field, rec, load);
  return row;
});

const NON_ASCII = /[^\x00-\x7f]/;
/** Text that is not its own escaped byte string: something to escape or a non-ASCII character. */
const NOT_PLAIN = /[&<>\u0080-\uffff]/;

/** Where byteString encodes (used synchronously, so one is enough). */
let scratch = Buffer.allocUnsafe(4096);

/** The UTF-8 bytes of `text`, one per character (ASCII text is its own byte string). */
export function byteString(text: string): string {
  if (!NON_ASCII.test(text)) return text;
  // A UTF-16 code unit never takes more than 3 bytes.
  if (scratch.length < text.length * 3) scratch = Buffer.allocUnsafe(text.length * 3);
  return scratch.toString('latin1', 0, scratch.write(text, 0, 'utf8'));
}

/** Appends the byte strings of one field's `<member>…</member>` for a record to `out`. */
type MemberEncoder = (rec: Rec, out: string[]) => void;
/** The general way, as a byte string: exactly what encoding the row object gives. */
type MemberBytes = (rec: Rec) => string;

function generalMember(store: OdooStore, field: FieldDef, open: string, load: boolean): MemberBytes {
  return (rec) => {
    const value = readValue(store, field, rec, load);
    // Python's marshaller would refuse the whole answer: so does encoding the row object.
    if (holdsNone(value)) throw fault.cannotMarshalNone();
    return byteString(open + encodeValue(value) + MEMBER_CLOSE);
  };
}

/** Text-like, numeric and boolean fields: readValue's conversion of a primitive and encodeValue, inlined. */
function plainMember(field: FieldDef, open: string, general: MemberBytes): MemberEncoder | undefined {
  const get = fieldGetter(field.name);
  const constant = (value: unknown) => byteString(open + encodeValue(value) + MEMBER_CLOSE);
  // An object where a primitive belongs (only a test poking the store could put it there): the general way.
  const other = (rec: Rec, raw: unknown) => (typeof raw === 'object' ? general(rec) : constant(raw));
  switch (field.type) {
    case 'char': case 'text': case 'html': case 'selection': case 'date': {
      const [unset, stringOpen, stringClose] = [constant(false), byteString(open + STRING_OPEN), STRING_CLOSE + MEMBER_CLOSE];
      return (rec, out) => {
        const raw = get(rec);
        if (raw === null || raw === undefined) out.push(unset);
        else if (typeof raw !== 'string') out.push(other(rec, raw));
        else out.push(stringOpen, NOT_PLAIN.test(raw) ? byteString(escapeText(raw)) : raw, stringClose);
      };
    }
    case 'integer': case 'float': case 'monetary': {
      const zero = constant(0);
      return (rec, out) => {
        const raw = get(rec);
        out.push(raw === null || raw === undefined ? zero : other(rec, raw));
      };
    }
    case 'boolean': {
      const [yes, no] = [constant(true), constant(false)];
      return (rec, out) => { out.push(get(rec) ? yes : no); };
    }
    default:
      return undefined;
  }
}

/** What a member depends on, for fields whose member follows from the stored value alone; undefined: not cacheable. */
function memoKey(field: FieldDef): ((raw: unknown) => unknown) | undefined {
  switch (field.type) {
    case 'many2one': return (raw) => (typeof raw === 'number' ? raw : undefined);
    // The millisecond is all formatDatetime looks at (and seeded or batch-written rows share their timestamp).
    case 'datetime': return (raw) => (typeof raw === 'number' ? Math.floor(raw / US_PER_MS) : undefined);
    // The related model's order decides the listed order; ties keep the stored order, so the key is the sequence.
    case 'many2many': return (raw) => (Array.isArray(raw) && raw.every((id) => typeof id === 'number') ? raw.join(',') : undefined);
    default: return undefined;
  }
}

function memoMember(field: FieldDef, general: MemberBytes): MemberEncoder | undefined {
  const keyOf = memoKey(field);
  if (!keyOf) return undefined;
  const get = fieldGetter(field.name);
  const seen = new Map<unknown, string>();
  return (rec, out) => {
    const key = keyOf(get(rec));
    if (key === undefined) { out.push(general(rec)); return; }
    let member = seen.get(key);
    if (member === undefined) { member = general(rec); seen.set(key, member); }
    out.push(member);
  };
}

/** The encoder of each distinct field, in first-appearance order (as an object's keys come out). Valid for one call. */
function memberEncoders(store: OdooStore, fields: FieldDef[], load: boolean): MemberEncoder[] {
  const seen = new Set<string>();
  const out: MemberEncoder[] = [];
  for (const field of fields) {
    if (seen.has(field.name)) continue;
    seen.add(field.name);
    const open = memberOpen(field.name);
    const general = generalMember(store, field, open, load);
    // Computed fields read through their compute function, which may look at the whole record.
    const fast = field.compute ? undefined : plainMember(field, open, general) ?? memoMember(field, general);
    out.push(fast ?? ((rec, parts) => { parts.push(general(rec)); }));
  }
  return out;
}

/** Byte strings copied into one growing buffer: no buffer per row, no final concatenation. */
class ByteSink {
  private buf: Buffer;
  private used = 0;
  constructor(capacity: number) { this.buf = Buffer.allocUnsafe(Math.max(capacity, 1024)); }

  write(bytes: string): void {
    const room = this.used + bytes.length;
    if (room > this.buf.length) {
      const bigger = Buffer.allocUnsafe(Math.max(room, this.buf.length * 2));
      this.buf.copy(bigger, 0, 0, this.used);
      this.buf = bigger;
    }
    this.used += this.buf.write(bytes, this.used, 'latin1');
  }

  bytes(): Buffer { return this.buf.subarray(0, this.used); }
}

const ROW_OPEN = STRUCT_OPEN + memberOpen('id');
/** About what a partner row of the initial sync takes. */
const BYTES_PER_ROW_GUESS = 2048;
/** Rows joined per copy into the answer: fewer, larger strings, still small enough to stay in the CPU cache. */
const ROWS_PER_JOIN = 8;

/** The same rows as `rowObjects`, as the UTF-8 of the `<value>` fast-encoder.ts would write for them. */
export const encodedRows: RowRenderer<PreEncoded> = (store, recs, fields, load) => {
  if (recs.length === 0) return new PreEncoded(Buffer.from(encodeValue([])));
  const ahead = store.rowsEncodedAhead(fields, load);
  const members = memberEncoders(store, fields, load);
  const sink = new ByteSink(recs.length * BYTES_PER_ROW_GUESS);
  sink.write(ARRAY_OPEN);
  const parts: string[] = [];
  for (let i = 0; i < recs.length; i++) {
    const ready = ahead?.get(recs[i]);
    if (ready === undefined) encodeRow(recs[i], members, parts);
    else parts.push(ready);
    if ((i + 1) % ROWS_PER_JOIN === 0) { sink.write(parts.join('')); parts.length = 0; }
  }
  sink.write(parts.join(''));
  sink.write(ARRAY_CLOSE);
  return new PreEncoded(sink.bytes());
};

function encodeRow(rec: Rec, members: MemberEncoder[], parts: string[]): void {
  parts.push(ROW_OPEN, encodeNumber(rec.id), MEMBER_CLOSE);
  for (const member of members) member(rec, parts);
  parts.push(STRUCT_CLOSE);
}

/**
 * Each record's row, as encodedRows writes it for a read of `fields`: what the store keeps when asked to encode a
 * model ahead of the reads (OdooStore.encodeAhead), so that a benchmark's fake Odoo spends almost nothing per page.
 */
export function encodeRowsAhead(store: OdooStore, recs: Iterable<Rec>, fields: FieldDef[], load: boolean): WeakMap<Rec, string> {
  const members = memberEncoders(store, fields, load);
  const rows = new WeakMap<Rec, string>();
  const parts: string[] = [];
  for (const rec of recs) {
    encodeRow(rec, members, parts);
    rows.set(rec, parts.join(''));
    parts.length = 0;
  }
  return rows;
}
