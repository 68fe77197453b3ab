/**
 * Import bodies written from rows that are already JSON. Left to itself, the SDK JSON.stringifies the whole request:
 * an 8 MB import of staged rows becomes tens of MB of row objects, then one 8–16 MB string (two bytes per character
 * as soon as one name has a "ł"), then its 8 MB of UTF-8 — some 40 MB for a moment, the initial sync's peak memory.
 * Instead the SDK serialises the request with an empty `jsonBody`, and its `fetch` (the SDK's `fetch` option) writes
 * the rows' texts into that place, straight into one buffer of the body's size: the same bytes, the SDK's headers,
 * auth, timeout and error handling all the same.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { ImportRowTexts } from './platform.js';

const rowsOfThisCall = new AsyncLocalStorage<ImportRowTexts>();

/** Runs one SDK import call whose `jsonBody` is left empty: its body gets these rows. */
export function withImportRows<T>(rows: ImportRowTexts, call: () => Promise<T>): Promise<T> {
  return rowsOfThisCall.run(rows, call);
}

/** The SDK's fetch: a request made inside withImportRows gets its rows; every other request goes as it is. */
export const importBodyFetch: typeof fetch = (input, init) => {
  const rows = rowsOfThisCall.getStore();
  if (rows === undefined || typeof init?.body !== 'string') return fetch(input, init);
  return fetch(input, { ...init, body: withRows(init.body, rows) });
};

const EMPTY_ROWS = '"jsonBody":[]';
/** The most UTF-8 bytes one UTF-16 code unit takes. */
const MAX_BYTES_PER_UNIT = 3;

/** `body` (the SDK's JSON with `"jsonBody":[]`) with the rows between the brackets, comma-separated, as UTF-8. */
export function withRows(body: string, rows: ImportRowTexts): Uint8Array<ArrayBuffer> {
  const at = body.indexOf(EMPTY_ROWS);
  if (at < 0) throw new Error('the import request has no empty jsonBody to fill');
  const open = at + EMPTY_ROWS.length - 1;
  const writer = new GrowingBuffer((rows.bytesHint ?? 0) + Buffer.byteLength(body));
  writer.write(body.slice(0, open));
  let separator = '';
  for (const text of rows.texts()) {
    writer.write(separator);
    writer.write(text);
    separator = ',';
  }
  writer.write(body.slice(open));
  return writer.bytes();
}

/** UTF-8 written into one buffer, replaced by one twice as large when a text does not fit. */
class GrowingBuffer {
  private buffer: Buffer;
  private length = 0;

  constructor(size: number) {
    this.buffer = Buffer.allocUnsafe(Math.max(size, 1024));
  }

  write(text: string): void {
    // Measured only near the end: a text of n code units takes at most 3n bytes.
    const room = this.buffer.length - this.length;
    if (text.length * MAX_BYTES_PER_UNIT > room && Buffer.byteLength(text) > room) this.grow(this.length + Buffer.byteLength(text));
    this.length += this.buffer.write(text, this.length);
  }

  bytes(): Uint8Array<ArrayBuffer> {
    return new Uint8Array(this.buffer.buffer as ArrayBuffer, this.buffer.byteOffset, this.length);
  }

  private grow(needed: number): void {
    const larger = Buffer.allocUnsafe(Math.max(needed, this.buffer.length * 2));
    this.buffer.copy(larger, 0, 0, this.length);
    this.buffer = larger;
  }
}
