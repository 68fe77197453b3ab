// Fast XML-RPC response encoder for the fake Odoo: plain string building instead of
// the xmlrpc package's xmlbuilder DOM (~10× faster on a 5,000-partner page). The layout
// is Odoo 18's, byte for byte: rpc.py's `dumps` wraps what Python's xmlrpc.client
// Marshaller writes (a newline after most tags, see the constants below) between a
// declaration line and a blank line before </methodResponse>. Like the marshaller,
// strings escape only & < > (no CDATA) and control characters pass through. The value
// texts (numbers, dates) follow the xmlrpc package's serializer, as the fake always did,
// so the values decoded by the sidecar do not change.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const dateFormatter = require('xmlrpc/lib/date_formatter') as { encodeIso8601(date: Date): string };

// Odoo's rpc.py: f'<?xml version="1.0"?>\n<methodResponse>\n{Marshaller.dumps(params)}\n</methodResponse>\n'.
const HEAD = '<?xml version="1.0"?>\n<methodResponse>\n';
const TAIL = '\n</methodResponse>\n';
const PARAMS_OPEN = '<params>\n<param>\n';
const PARAMS_CLOSE = '</param>\n</params>\n';
const FAULT_OPEN = '<fault>\n';
const FAULT_CLOSE = '</fault>\n';

// Markup the marshaller writes around values: shared with record-encoder.ts, which writes rows the same way.
export const ARRAY_OPEN = '<value><array><data>\n';
export const ARRAY_CLOSE = '</data></array></value>\n';
export const STRUCT_OPEN = '<value><struct>\n';
export const STRUCT_CLOSE = '</struct></value>\n';
export const MEMBER_CLOSE = '</member>\n';
/** A string value is STRING_OPEN + escaped text + STRING_CLOSE (an empty string too: `<string></string>`). */
export const STRING_OPEN = '<value><string>';
export const STRING_CLOSE = '</string></value>\n';
const TRUE = '<value><boolean>1</boolean></value>\n';
const FALSE = '<value><boolean>0</boolean></value>\n';
// The marshaller writes nil without the newline (dump_nil). Odoo never sends it (allow_none=False): neither does
// the fake over the wire (rpc.ts refuses None first), this is only for callers of encodeValue.
const NIL = '<value><nil/></value>';
/** base64.encodebytes: lines of at most 76 characters, each ending with a newline. */
const BASE64_LINE = 76;

const SPECIAL = /[&<>]/;

/** Escapes text content; most strings have nothing to escape and are returned as they are. */
export function escapeText(s: string): string {
  if (!SPECIAL.test(s)) return s;
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * A value already encoded as the UTF-8 bytes of one XML-RPC `<value>` (record-encoder.ts builds the rows of a read
 * this way, without the intermediate objects); the encoder writes it as it is.
 */
export class PreEncoded {
  constructor(readonly bytes: Buffer) {}
}

export function encodeString(s: string): string {
  return STRING_OPEN + escapeText(s) + STRING_CLOSE;
}

/** Whole numbers are <int>, others <double>, written as JavaScript prints them (as the xmlrpc package does). */
export function encodeNumber(n: number): string {
  return n % 1 === 0 ? `<value><int>${n}</int></value>\n` : `<value><double>${n}</double></value>\n`;
}

/** What opens a struct member: the marshaller puts the name on its own line. */
export function memberOpen(name: string): string {
  return `<member>\n<name>${escapeText(name)}</name>\n`;
}

function encodeArray(items: unknown[]): string {
  let out = ARRAY_OPEN;
  for (const item of items) out += encodeValue(item);
  return out + ARRAY_CLOSE;
}

function encodeStruct(obj: Record<string, unknown>): string {
  let out = STRUCT_OPEN;
  for (const key of Object.keys(obj)) out += memberOpen(key) + encodeValue(obj[key]) + MEMBER_CLOSE;
  return out + STRUCT_CLOSE;
}

function encodeBase64(bytes: Buffer): string {
  const text = bytes.toString('base64');
  let out = '<value><base64>\n';
  for (let at = 0; at < text.length; at += BASE64_LINE) out += `${text.slice(at, at + BASE64_LINE)}\n`;
  return `${out}</base64></value>\n`;
}

function encodeObject(v: object | null): string {
  if (v === null) return NIL;
  if (Array.isArray(v)) return encodeArray(v);
  if (v instanceof Date) return `<value><dateTime.iso8601>${dateFormatter.encodeIso8601(v)}</dateTime.iso8601></value>\n`;
  if (Buffer.isBuffer(v)) return encodeBase64(v);
  if (v instanceof PreEncoded) return v.bytes.toString('utf8');
  return encodeStruct(v as Record<string, unknown>);
}

/** One `<value>`; undefined, bigints, functions and symbols become an empty `<value/>` like in the xmlrpc package. */
export function encodeValue(v: unknown): string {
  switch (typeof v) {
    case 'string': return encodeString(v);
    case 'number': return encodeNumber(v);
    case 'boolean': return v ? TRUE : FALSE;
    case 'object': return encodeObject(v);
    default: return '<value/>\n';
  }
}

/** Python's marshaller refuses None anywhere in a result (allow_none=False): whether `v` holds any. */
export function holdsNone(v: unknown): boolean {
  if (v === null || v === undefined) return true;
  if (typeof v !== 'object' || v instanceof Date || v instanceof PreEncoded || Buffer.isBuffer(v)) return false;
  return Array.isArray(v) ? v.some(holdsNone) : Object.values(v).some(holdsNone);
}

export function encodeResponse(value: unknown): string {
  return HEAD + PARAMS_OPEN + encodeValue(value) + PARAMS_CLOSE + TAIL;
}

const PARAM_HEAD = Buffer.from(HEAD + PARAMS_OPEN);
const PARAM_TAIL = Buffer.from(PARAMS_CLOSE + TAIL);

/** The response's UTF-8 bytes, in pieces: a pre-encoded result is sent as it is, not copied. */
export function encodeResponseBytes(value: unknown): Buffer[] {
  if (value instanceof PreEncoded) return [PARAM_HEAD, value.bytes, PARAM_TAIL];
  return [Buffer.from(encodeResponse(value), 'utf8')];
}

/** Odoo's faults: int faultCode, string faultString, in that order. */
export function encodeFault(faultCode: number, faultString: string): string {
  return HEAD + FAULT_OPEN + encodeStruct({ faultCode, faultString }) + FAULT_CLOSE + TAIL;
}
