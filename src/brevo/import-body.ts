/**
 * Import bodies written from rows that are already JSON. Left to itself, the SDK JSON.stringifies the whole request:
 * an 8 MB import of staged rows becomes tens of MB of row objects, then one 8–16 MB string (two bytes per character
 * as soon as one name has a "ł"), then its 8 MB of UTF-8 — some 40 MB for a moment, the initial sync's peak memory.
 * Instead the SDK serialises the request with an empty `jsonBody`, and its `fetch` (the SDK's `fetch` option) streams
 * the body with the rows' texts in that place, 64 kB at a time: the same bytes, the SDK's headers, auth, timeout and
 * error handling all the same.
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
  const body = importBody(init.body, rows);
  const headers = new Headers(init.headers);
  headers.set('content-length', String(body.length));
  return fetch(input, { ...init, headers, body: stream(body.pieces), duplex: 'half' } as RequestInit);
};

const EMPTY_ROWS = '"jsonBody":[]';
/** Bytes handed to the socket at a time. */
const PIECE_BYTES = 64 * 1024;
/** The most UTF-8 bytes one UTF-16 code unit takes. */
const MAX_BYTES_PER_UNIT = 3;

/**
 * `body` (the SDK's JSON with `"jsonBody":[]`) with the rows between the brackets, comma-separated: its length in
 * UTF-8 bytes (the rows are read once to measure them, so Brevo gets a Content-Length), then the bytes in pieces as
 * the socket takes them (the rows are read again). A row source that changed in between fails the request (fetch
 * checks the length), which is then retried like any failed call.
 */
export function importBody(body: string, rows: ImportRowTexts): { length: number; pieces: Iterable<Uint8Array> } {
  const at = body.indexOf(EMPTY_ROWS);
  if (at < 0) throw new Error('the import request has no empty jsonBody to fill');
  const open = at + EMPTY_ROWS.length - 1;
  const [head, tail] = [body.slice(0, open), body.slice(open)];
  let length = Buffer.byteLength(head) + Buffer.byteLength(tail);
  let count = 0;
  for (const text of rows.texts()) {
    length += byteLength(text);
    count++;
  }
  length += Math.max(0, count - 1);
  return { length, pieces: { [Symbol.iterator]: () => pieces(texts(head, rows, tail)) } };
}

const byteLength = (text: string | Uint8Array) => (typeof text === 'string' ? Buffer.byteLength(text) : text.length);

function* texts(head: string, rows: ImportRowTexts, tail: string): Generator<string | Uint8Array> {
  yield head;
  let separator = '';
  for (const text of rows.texts()) {
    if (separator) yield separator;
    yield text;
    separator = ',';
  }
  yield tail;
}

/**
 * The texts as UTF-8, in pieces of about PIECE_BYTES: a text larger than that is a piece of its own (bytes as they
 * are). A piece handed out is never written again: the socket may still be sending it.
 */
function* pieces(texts: Iterable<string | Uint8Array>): Generator<Uint8Array> {
  let piece = Buffer.allocUnsafe(PIECE_BYTES);
  let used = 0;
  for (const text of texts) {
    // Measured only near the end of a piece: a text of n code units takes at most 3n bytes.
    const room = piece.length - used;
    const bytes = typeof text !== 'string' ? text.length : text.length * MAX_BYTES_PER_UNIT > room ? Buffer.byteLength(text) : 0;
    if (bytes > room) {
      if (used > 0) yield piece.subarray(0, used);
      used = 0;
      if (typeof text !== 'string' && bytes >= PIECE_BYTES) {
        yield text;
        if (room < piece.length) piece = Buffer.allocUnsafe(PIECE_BYTES);
        continue;
      }
      piece = Buffer.allocUnsafe(Math.max(PIECE_BYTES, bytes));
    }
    if (typeof text === 'string') used += piece.write(text, used);
    else {
      piece.set(text, used);
      used += bytes;
    }
  }
  if (used > 0) yield piece.subarray(0, used);
}

/** A stream that makes the next piece only when the socket wants it. */
function stream(pieces: Iterable<Uint8Array>): ReadableStream<Uint8Array> {
  const iterator = pieces[Symbol.iterator]();
  return new ReadableStream({
    pull(controller) {
      const next = iterator.next();
      if (next.done) controller.close();
      else controller.enqueue(next.value);
    },
  });
}
