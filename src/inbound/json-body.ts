/**
 * A webhook body → its events as values and as the exact text the provider sent for each. The inbox keeps that text
 * (not a re-serialisation), and reading it costs one pass: the top-level array is cut at its commas, and each element
 * is parsed on its own by JSON.parse, which does all of the validation. A body is accepted exactly when JSON.parse
 * would accept it whole (property-tested).
 */

export interface BodyItem {
  value: unknown;
  /** The element's text as received, without the whitespace around it. */
  text: string;
}

export interface ParsedBody {
  /** Whether the body was an array (a batch), as opposed to one value. */
  batch: boolean;
  items: BodyItem[];
}

export class MalformedJsonError extends Error {
  constructor(reason: string) {
    super(`malformed JSON body: ${reason}`);
    this.name = new.target.name;
  }
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;

/** JSON's four whitespace characters (String.prototype.trim knows more, which JSON.parse refuses). */
function isJsonSpace(code: number): boolean {
  return code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09;
}

function skipSpace(text: string, from: number): number {
  let i = from;
  while (i < text.length && isJsonSpace(text.charCodeAt(i))) i++;
  return i;
}

/** Index of the quote closing the string opened at `open` (one not escaped by an odd run of backslashes). */
function closingQuote(text: string, open: number): number {
  let quote = text.indexOf('"', open + 1);
  while (quote !== -1) {
    let backslashes = 0;
    while (text.charCodeAt(quote - 1 - backslashes) === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return quote;
    quote = text.indexOf('"', quote + 1);
  }
  throw new MalformedJsonError('unterminated string');
}

function parseItem(text: string, start: number, end: number): BodyItem {
  const slice = text.slice(start, end);
  let value: unknown;
  try {
    value = JSON.parse(slice);
  } catch (err) {
    throw new MalformedJsonError((err as Error).message);
  }
  // JSON.parse accepted it, so only JSON whitespace surrounds the value: trimming it is exact.
  return { value, text: slice.trim() };
}

/** The elements of a top-level array whose '[' is at `open`. */
function splitArray(text: string, open: number): BodyItem[] {
  const items: BodyItem[] = [];
  let depth = 0;
  let start = open + 1;
  for (let i = start; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === QUOTE) i = closingQuote(text, i);
    else if (code === OPEN_ARRAY || code === OPEN_OBJECT) depth++;
    else if (code === COMMA && depth === 0) {
      items.push(parseItem(text, start, i));
      start = i + 1;
    } else if (code === CLOSE_ARRAY || code === CLOSE_OBJECT) {
      if (depth > 0) {
        depth--;
        continue;
      }
      if (code !== CLOSE_ARRAY) throw new MalformedJsonError('unbalanced brackets');
      // `[]` and `[ ]` are empty; `[1,]` leaves an empty last element, which JSON.parse refuses.
      if (items.length > 0 || skipSpace(text, start) < i) items.push(parseItem(text, start, i));
      if (skipSpace(text, i + 1) !== text.length) throw new MalformedJsonError('unexpected text after the array');
      return items;
    }
  }
  throw new MalformedJsonError('unterminated array');
}

/** Throws MalformedJsonError when JSON.parse would refuse the text. */
export function parseJsonBody(text: string): ParsedBody {
  const first = skipSpace(text, 0);
  if (text.charCodeAt(first) === OPEN_ARRAY) return { batch: true, items: splitArray(text, first) };
  return { batch: false, items: [parseItem(text, 0, text.length)] };
}
