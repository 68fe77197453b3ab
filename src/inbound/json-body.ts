/**
 * A webhook body → its events as values and as the exact text the provider sent for each. The inbox keeps that text
 * (not a re-serialisation). JSON.parse reads and validates the whole body once; a batch's element boundaries are then
 * found by one scan of the (now known valid) text, which only has to tell strings from structure.
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

/** JSON's four whitespace characters (String.prototype.trim knows more, but valid JSON has no others outside strings). */
function isJsonSpace(code: number): boolean {
  return code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09;
}

/**
 * Index of the quote closing the string opened at `open` (one not escaped by an odd run of backslashes); the end of
 * the text if there is none, which valid JSON never lacks, so that a wrong turn ends the scan instead of looping.
 */
function closingQuote(text: string, open: number): number {
  let quote = text.indexOf('"', open + 1);
  for (;;) {
    if (quote === -1) return text.length;
    let backslashes = 0;
    while (text.charCodeAt(quote - 1 - backslashes) === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return quote;
    quote = text.indexOf('"', quote + 1);
  }
}

/** The text of `text.slice(start, end)` without the JSON whitespace around it. */
function trimmed(text: string, start: number, end: number): string {
  let from = start;
  let to = end;
  while (from < to && isJsonSpace(text.charCodeAt(from))) from++;
  while (to > from && isJsonSpace(text.charCodeAt(to - 1))) to--;
  return text.slice(from, to);
}

/** The texts of the elements of the valid JSON array `text`, in order. */
function elementTexts(text: string): string[] {
  const texts: string[] = [];
  let depth = 0;
  let start = text.indexOf('[') + 1;
  for (let i = start; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === QUOTE) i = closingQuote(text, i);
    else if (code === OPEN_ARRAY || code === OPEN_OBJECT) depth++;
    else if (code === CLOSE_ARRAY || code === CLOSE_OBJECT) {
      if (depth-- > 0) continue;
      const last = trimmed(text, start, i);
      if (last || texts.length > 0) texts.push(last);
      break;
    } else if (code === COMMA && depth === 0) {
      texts.push(trimmed(text, start, i));
      start = i + 1;
    }
  }
  return texts;
}

/** Throws MalformedJsonError when the text is not JSON. */
export function parseJsonBody(text: string): ParsedBody {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new MalformedJsonError((err as Error).message);
  }
  if (!Array.isArray(value)) return { batch: false, items: [{ value, text: text.trim() }] };
  const texts = elementTexts(text);
  // A scan that disagreed with JSON.parse would be a bug here: then each element is re-serialised instead.
  const exact = texts.length === value.length;
  return { batch: true, items: value.map((item, i) => ({ value: item, text: exact ? texts[i] : JSON.stringify(item) })) };
}
