/**
 * The tokenizer half of the fast decoder: an incremental scanner for the XML that XML-RPC servers actually send
 * (an optional `<?xml …?>` line, plain tags without attributes, text with the five XML entities and character
 * references, CDATA sections). It jumps between `<` and `>` with indexOf instead of looking at every character like a
 * general XML parser: 2–2.5× faster than saxes driving the same builder on a search_read page. Anything else —
 * comments, attributes, spaces in tags, other entities, a second root, mismatched tags, a truncated body — throws
 * NotCanonical, and the caller hands the text to the xmlrpc package. Like that package's sax parser, it keeps CR
 * characters as they are (an XML parser would turn CRLF into LF).
 */
import { isAscii } from 'node:buffer';
import {
  KNOWN_TAGS, NotCanonical, parseBoolean, parseDouble, parseIntValue, XmlRpcBuilder, type Outcome,
} from './fast-builder.js';

/** Known tag names by length, so a name is recognised with a startsWith or two and returned as a constant. */
const TAGS_BY_LENGTH: string[][] = [];
for (const tag of KNOWN_TAGS) (TAGS_BY_LENGTH[tag.length] ??= []).push(tag);

function knownTag(s: string, start: number, end: number): string | undefined {
  const candidates = TAGS_BY_LENGTH[end - start];
  if (candidates) for (const tag of candidates) if (s.startsWith(tag, start)) return tag;
  return undefined;
}

const LT = 0x3c;
const GT = 0x3e;
const SLASH = 0x2f;
const BANG = 0x21;
const QUESTION = 0x3f;
const LETTER_M = 0x6d;
const CDATA_OPEN = '<![CDATA[';
const CDATA_CLOSE = ']]>';

/**
 * A whole member with a scalar value, a many2one (`[id, "label"]`) or a list of ids, compact or in Odoo's layout
 * (Python's marshaller puts a newline after most tags; the newline after `</member>` is taken too). Texts stop at `<`:
 * CDATA and anything nested fail to match and go tag by tag.
 *
 * Only test(), and no capture groups: exec's match array and captured substrings (about 5 kB per partner) were the
 * largest allocation of the page worker, whose main cost is garbage collection. Once the shape is known, member()
 * reads the name and value at their positions. The shape is checked by a regular expression rather than by hand
 * because V8 runs it as native code over the characters: checking every tag with startsWith and charCodeAt decoded a
 * page 1.4 to 2 times slower than exec did; test() and positions are at least as fast as exec.
 */
const MEMBER_SHAPE = new RegExp([
  '<member>\\n?<name>[^<]*</name>\\n?<value>',
  '(?:<string>[^<]*</string>|<int>[^<]*</int>|<i4>[^<]*</i4>|<boolean>[^<]*</boolean>|<double>[^<]*</double>',
  '|<array><data>\\n?(?:<value><int>-?\\d+</int></value>\\n?<value><string>[^<]*</string></value>\\n?',
  '|(?:<value><int>-?\\d+</int></value>\\n?)*)</data></array>)',
  '</value>\\n?</member>\\n?',
].join(''), 'y');

const MEMBER_OPEN = '<member>';
const NAME_OPEN = '<name>';
const NAME_CLOSE = '</name>';
const VALUE_OPEN = '<value>';
const ARRAY_OPEN = '<array><data>';
const ID_OPEN = '<value><int>';
const ID_CLOSE = '</int></value>';
const LABEL_OPEN = '<value><string>';
const NEWLINE = 0x0a;
const MINUS = 0x2d;
const DIGIT_0 = 0x30;
const DIGIT_1 = 0x31;
const LETTER_A = 0x61;
const LETTER_B = 0x62;
const LETTER_I = 0x69;
const LETTER_S = 0x73;
/** Up to 15 decimal digits always fit a double exactly; longer ints go through parseInt, which rounds its own way. */
const MAX_EXACT_DIGITS = 15;

/** The position after the newline Odoo's layout may put at p. */
function skipNewline(s: string, p: number): number {
  return s.charCodeAt(p) === NEWLINE ? p + 1 : p;
}

/** parseInt(s.slice(from, to), 10) when that text is 1 to 15 digits after an optional '-'; NaN for anything else. */
function plainInt(s: string, from: number, to: number): number {
  const negative = s.charCodeAt(from) === MINUS;
  const first = negative ? from + 1 : from;
  if (first === to || to - first > MAX_EXACT_DIGITS) return NaN;
  let n = 0;
  for (let i = first; i < to; i++) {
    const digit = s.charCodeAt(i) - DIGIT_0;
    if (digit < 0 || digit > 9) return NaN;
    n = n * 10 + digit;
  }
  return negative ? -n : n;
}

/** Non-ASCII characters of a text decoded as latin1 (each one a byte of the UTF-8 on the wire). */
const HIGH_BYTE = /[\x80-\xff]/;

/** Bytes as latin1 text, one character per byte. */
export function latin1Text(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}

/** A text cut out of a body decoded as latin1, back to what UTF-8 decoding would have given (replacement characters alike). */
function fromLatin1Bytes(text: string): string {
  return HIGH_BYTE.test(text) ? Buffer.from(text, 'latin1').toString('utf8') : text;
}

/**
 * Decodes one response from chunks: write() texts or writeBytes() bytes as they arrive, then end(). Throws
 * NotCanonical to give up; text() is then everything written so far, for the slow path to read again.
 *
 * Bytes are read as latin1, one character per byte. Markup is ASCII, and every byte of a multi-byte UTF-8 character
 * is ≥ 0x80, so tags are found exactly as in the UTF-8 text, and each text is turned into UTF-8 on its own (before
 * its entities are resolved, which may produce characters ≥ 0x80 themselves). `latin1Bytes`: the whole body is
 * written at once as such a reading (tryDecodeFast), with bytes ≥ 0x80 in it.
 */
export class FastResponseDecoder {
  /** Texts cut from the buffer are latin1 readings of UTF-8 bytes, some ≥ 0x80: they are decoded back one by one. */
  private highBytes: boolean;

  constructor(latin1Bytes = false) {
    this.highBytes = latin1Bytes;
  }

  private readonly builder = new XmlRpcBuilder();
  /** Names of the open elements, to check that every end tag matches. */
  private readonly open: string[] = [];
  /** Unconsumed text: a token cut by a chunk boundary waits here for the next chunk. */
  private buf = '';
  private pos = 0;
  /** What earlier buffers consumed: slices of strings the decoded values point into anyway, so they cost no copy. */
  private readonly consumed: string[] = [];
  private started = false;
  private sawRoot = false;
  /** Inside `<![CDATA[`: a long section is passed on piece by piece as chunks arrive, not held back whole. */
  private inCdata = false;

  write(chunk: string): void {
    if (this.pos > 0) this.consumed.push(this.buf.slice(0, this.pos));
    this.buf = this.pos === 0 ? this.buf + chunk : this.buf.slice(this.pos) + chunk;
    this.pos = 0;
    this.scan(false);
  }

  /**
   * Bytes of the body as they arrive (read as UTF-8), each chunk read as latin1 (see the class comment). A text cut
   * by a chunk boundary is handed on only up to the last whole character. Only texts cut from a buffer holding a byte
   * ≥ 0x80 need decoding back: an ASCII page skips that test for every text.
   */
  writeBytes(bytes: Uint8Array): void {
    const carried = this.highBytes && this.pos < this.buf.length;
    this.highBytes = carried || !isAscii(bytes);
    this.write(latin1Text(bytes));
  }

  /** Everything written so far (a latin1 reading, if bytes were written). */
  text(): string {
    return this.consumed.join('') + this.buf;
  }

  end(): Outcome {
    this.scan(true);
    if (this.open.length || !this.sawRoot) throw new NotCanonical('unclosed document');
    return this.builder.end();
  }

  private scan(final: boolean): void {
    const s = this.buf;
    let i = this.pos;
    while (i < s.length) {
      const next = this.inCdata ? this.cdataContent(s, i, final)
        : s.charCodeAt(i) === LT ? this.markup(s, i, final) : this.textRun(s, i, final);
      if (next < 0) break;
      this.started = true;
      i = next;
    }
    this.pos = i;
  }

  /** A token cut by the end of the buffer: wait for more, unless there is no more. */
  private incomplete(final: boolean): number {
    if (final) throw new NotCanonical('truncated document');
    return -1;
  }

  private markup(s: string, i: number, final: boolean): number {
    const c = s.charCodeAt(i + 1);
    if (c === LETTER_M && this.open.length > 0) {
      const end = this.member(s, i);
      if (end >= 0) return end;
    }
    if (c === SLASH) return this.endTag(s, i, final);
    if (c === BANG) return this.cdata(s, i, final);
    if (c === QUESTION) return this.declaration(s, i, final);
    if (Number.isNaN(c)) return this.incomplete(final);
    return this.startTag(s, i, final);
  }

  private startTag(s: string, i: number, final: boolean): number {
    const gt = s.indexOf('>', i + 1);
    if (gt < 0) return this.incomplete(final);
    const selfClosing = s.charCodeAt(gt - 1) === SLASH;
    const name = knownTag(s, i + 1, selfClosing ? gt - 1 : gt);
    if (name === undefined) throw new NotCanonical('unknown tag, attributes or spaces in a tag');
    if (this.open.length === 0) {
      if (this.sawRoot) throw new NotCanonical('second root element');
      this.sawRoot = true;
    }
    this.builder.open(name);
    if (selfClosing) this.builder.close(name);
    else this.open.push(name);
    return gt + 1;
  }

  /**
   * A member of MEMBER_SHAPE, handed to the builder in one step: the same name and value as tag by tag, for a fraction
   * of the work. Anything else, or a member cut by the end of the buffer, returns -1 and goes tag by tag.
   */
  private member(s: string, i: number): number {
    MEMBER_SHAPE.lastIndex = i;
    if (!MEMBER_SHAPE.test(s)) return -1;
    const end = MEMBER_SHAPE.lastIndex;
    const nameStart = skipNewline(s, i + MEMBER_OPEN.length) + NAME_OPEN.length;
    const nameEnd = s.indexOf('<', nameStart);
    const valueStart = skipNewline(s, nameEnd + NAME_CLOSE.length) + VALUE_OPEN.length;
    this.builder.member(this.nameAt(s, nameStart, nameEnd), this.valueAt(s, valueStart));
    return end;
  }

  /** A member's name: rows repeat their names in order, so usually the string this position had before. */
  private nameAt(s: string, from: number, to: number): string {
    const expected = this.builder.expectedMemberName();
    if (expected !== undefined && expected.length === to - from && s.startsWith(expected, from)) return expected;
    return this.textOf(s.slice(from, to));
  }

  /** The value whose first tag starts at p, told apart by its first letter (MEMBER_SHAPE allows no other). */
  private valueAt(s: string, p: number): unknown {
    const kind = s.charCodeAt(p + 1);
    if (kind === LETTER_A) return this.relationAt(s, skipNewline(s, p + ARRAY_OPEN.length));
    const from = s.indexOf('>', p) + 1;
    const to = s.indexOf('<', from);
    if (kind === LETTER_I) return this.intAt(s, from, to);
    if (kind === LETTER_B) return this.booleanAt(s, from, to);
    const text = this.textOf(s.slice(from, to));
    return kind === LETTER_S ? text : parseDouble(text);
  }

  /** An int as the Deserializer reads it (parseInt), from the characters unless the text is unusual. */
  private intAt(s: string, from: number, to: number): number {
    const n = plainInt(s, from, to);
    return Number.isNaN(n) ? parseIntValue(this.textOf(s.slice(from, to))) : n;
  }

  /** '0' or '1' from the character; anything else as the Deserializer reads it (it throws). */
  private booleanAt(s: string, from: number, to: number): boolean {
    const c = s.charCodeAt(from);
    if (to - from === 1 && (c === DIGIT_0 || c === DIGIT_1)) return c === DIGIT_1;
    return parseBoolean(this.textOf(s.slice(from, to)));
  }

  /**
   * The items of a many2one `[id, "label"]` or of a list of ids, from p (the first `<value>`, or `</data>`) to
   * `</data>`. In MEMBER_SHAPE, a `<value><string>` can only be the label right after the first id.
   */
  private relationAt(s: string, p: number): number[] | [number, string] {
    const ids: number[] = [];
    while (s.charCodeAt(p + 1) !== SLASH) {
      const digits = p + ID_OPEN.length;
      const digitsEnd = s.indexOf('<', digits);
      const id = this.intAt(s, digits, digitsEnd);
      p = skipNewline(s, digitsEnd + ID_CLOSE.length);
      if (s.charCodeAt(p + VALUE_OPEN.length + 1) === LETTER_S) {
        const label = p + LABEL_OPEN.length;
        return [id, this.textOf(s.slice(label, s.indexOf('<', label)))];
      }
      ids.push(id);
    }
    return ids;
  }

  /** Compares in place: no string is cut out for the name. */
  private endTag(s: string, i: number, final: boolean): number {
    const name = this.open.pop();
    const gt = i + 2 + (name?.length ?? 0);
    if (gt >= s.length) {
      if (name !== undefined) this.open.push(name);
      return this.incomplete(final);
    }
    if (name === undefined || s.charCodeAt(gt) !== GT || !s.startsWith(name, i + 2)) throw new NotCanonical('mismatched end tag');
    this.builder.close(name);
    return gt + 1;
  }

  /** `<![CDATA[…]]>` inside the root; comments and doctypes are left to the slow path. */
  private cdata(s: string, i: number, final: boolean): number {
    if (!s.startsWith(CDATA_OPEN, i)) {
      if (s.length - i < CDATA_OPEN.length && CDATA_OPEN.startsWith(s.slice(i))) return this.incomplete(final);
      throw new NotCanonical('comment or doctype');
    }
    if (this.open.length === 0) throw new NotCanonical('CDATA outside the root');
    this.inCdata = true;
    return i + CDATA_OPEN.length;
  }

  /** CDATA content up to `]]>`; at a chunk boundary, all but a possibly cut `]]`. */
  private cdataContent(s: string, i: number, final: boolean): number {
    const close = s.indexOf(CDATA_CLOSE, i);
    if (close >= 0) {
      this.builder.text(this.decoded(s.slice(i, close)));
      this.inCdata = false;
      return close + CDATA_CLOSE.length;
    }
    const to = this.wholeCharacters(s, i, s.length - (CDATA_CLOSE.length - 1));
    if (to <= i) return this.incomplete(final);
    this.builder.text(this.decoded(s.slice(i, to)));
    return to;
  }

  /** Only the XML declaration, and only as the very first thing. */
  private declaration(s: string, i: number, final: boolean): number {
    const close = s.indexOf('?>', i + 2);
    if (close < 0) return this.incomplete(final);
    const target = s.charCodeAt(i + 5);
    if (this.started || !s.startsWith('<?xml', i) || (target !== 0x20 && target !== QUESTION)) {
      throw new NotCanonical('processing instruction');
    }
    return close + 2;
  }

  /** Text up to the next tag; at a chunk boundary, everything before a possibly cut entity reference. */
  private textRun(s: string, i: number, final: boolean): number {
    const lt = s.indexOf('<', i);
    let to = lt < 0 ? s.length : lt;
    if (lt < 0 && !final && this.open.length) {
      const amp = s.lastIndexOf('&');
      if (amp >= i && s.indexOf(';', amp) < 0) to = amp;
      to = this.wholeCharacters(s, i, to);
      if (to === i) return -1;
    }
    const text = s.slice(i, to);
    if (this.open.length === 0) {
      if (!isBlank(text)) throw new NotCanonical('text outside the root');
    } else {
      this.builder.text(this.textOf(text));
    }
    return to;
  }

  /** A text between tags as the value it stands for: UTF-8 decoded, entities resolved. */
  private textOf(text: string): string {
    const decoded = this.decoded(text);
    return decoded.indexOf('&') < 0 ? decoded : decodeEntities(decoded);
  }

  private decoded(text: string): string {
    return this.highBytes ? fromLatin1Bytes(text) : text;
  }

  /**
   * `to`, or the start of a multi-byte character that the buffer's end at `to` cuts short: that character's bytes go
   * to the next text together, so that each piece decodes as the whole text would (a lead byte and its continuation
   * bytes are never decoded apart).
   */
  private wholeCharacters(s: string, from: number, to: number): number {
    if (!this.highBytes) return to;
    for (let i = to - 1; i >= from && i >= to - (MAX_UTF8_BYTES - 1); i--) {
      const c = s.charCodeAt(i);
      if (c < 0x80) return to;
      if (c >= 0xc0) return to - i < utf8Length(c) ? i : to;
    }
    return to;
  }
}

const MAX_UTF8_BYTES = 4;

/** The bytes of the UTF-8 sequence a lead byte starts. */
function utf8Length(lead: number): number {
  return lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : 2;
}

function isBlank(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return false;
  }
  return true;
}

/** Resolves `&amp;`-style references; the sax parser resolves these five and valid character references alike. */
export function decodeEntities(text: string): string {
  let out = '';
  let from = 0;
  for (let amp = text.indexOf('&'); amp >= 0; amp = text.indexOf('&', from)) {
    const semi = text.indexOf(';', amp + 1);
    if (semi < 0) throw new NotCanonical('bare ampersand');
    out += text.slice(from, amp) + resolve(text.slice(amp + 1, semi));
    from = semi + 1;
  }
  return out + text.slice(from);
}

function resolve(name: string): string {
  switch (name) {
    case 'amp': return '&';
    case 'lt': return '<';
    case 'gt': return '>';
    case 'quot': return '"';
    case 'apos': return "'";
    default: return characterReference(name);
  }
}

/** `#65` or `#x41`, for a character XML allows; sax lowercases and accepts more, so the rest takes the slow path. */
function characterReference(name: string): string {
  const hex = name.charCodeAt(1) === 0x78;
  const start = hex ? 2 : 1;
  if (name.charCodeAt(0) !== 0x23 || name.length === start || name.length - start > 7) throw new NotCanonical(`entity &${name};`);
  let code = 0;
  for (let i = start; i < name.length; i++) {
    const digit = digitValue(name.charCodeAt(i), hex);
    if (digit < 0) throw new NotCanonical(`entity &${name};`);
    code = code * (hex ? 16 : 10) + digit;
  }
  if (!isXmlChar(code)) throw new NotCanonical(`entity &${name};`);
  return String.fromCodePoint(code);
}

function digitValue(c: number, hex: boolean): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (!hex) return -1;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  return -1;
}

function isXmlChar(c: number): boolean {
  return c === 0x09 || c === 0x0a || c === 0x0d || (c >= 0x20 && c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd)
    || (c >= 0x10000 && c <= 0x10ffff);
}

/**
 * Decodes a whole body on the fast path; undefined when the xmlrpc package must decode it instead. Bytes are read as
 * UTF-8 but decoded as latin1 first: V8 decodes latin1 several times faster than UTF-8 with any non-ASCII byte in it,
 * and the page stays a one-byte string (half the memory) instead of becoming two-byte for a single accent.
 */
export function tryDecodeFast(body: string | Uint8Array): Outcome | undefined {
  try {
    const bytes = typeof body !== 'string';
    const decoder = new FastResponseDecoder(bytes && !isAscii(body));
    decoder.write(bytes ? latin1Text(body) : body);
    return decoder.end();
  } catch {
    return undefined;
  }
}
