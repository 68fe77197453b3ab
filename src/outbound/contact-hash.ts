/** A stable fingerprint of a mapped contact: same content, same hash, whatever the key order. */
import { hash } from 'node:crypto';
import type { ContactPayload } from '../brevo/platform.js';

/**
 * SHA-256 (base64url) of the contact's canonical JSON: keys sorted at every level. The hashes are stored per partner
 * (change detection), so this text must never change: it is, byte for byte, `JSON.stringify` of the contact rebuilt
 * with sorted keys, written in one pass instead of rebuilding the objects first.
 */
export function contactHash(contact: ContactPayload): string {
  return canonicalHash(contactJson(contact));
}

/** The contact's canonical JSON: a text that parses back to the same contact, and what its hash is taken of. */
export function contactJson(contact: ContactPayload): string {
  return objectJson(contact as unknown as Record<string, unknown>);
}

/** The hash of a contact given as its canonical JSON (contactJson): no second pass over the contact. */
export function canonicalHash(json: string): string {
  return hash('sha256', json, 'base64url');
}

/** JSON.stringify(value) with every object's keys in sorted order; undefined where JSON.stringify gives undefined. */
export function canonicalJson(value: unknown): string | undefined {
  if (typeof value === 'string') return quoted(value);
  if (typeof value !== 'object' || value === null) return JSON.stringify(value);
  return Array.isArray(value) ? arrayJson(value) : objectJson(value as Record<string, unknown>);
}

function arrayJson(values: unknown[]): string {
  let out = '[';
  for (let i = 0; i < values.length; i++) out += (i ? ',' : '') + (canonicalJson(values[i]) ?? 'null');
  return `${out}]`;
}

function objectJson(object: Record<string, unknown>): string {
  let out = '{';
  for (const key of enumerationOrder(sortedKeys(object))) {
    const json = canonicalJson(object[key]);
    if (json !== undefined) out += (out.length > 1 ? ',' : '') + quoteKey(key) + ':' + json;
  }
  return `${out}}`;
}

/** What JSON.stringify escapes in a string: quotes, backslashes, control characters, surrogates (lone ones). */
const ESCAPED = /["\\\u0000-\u001f\ud800-\udfff]/;

/** JSON.stringify(text), without its cost for the usual text that has nothing to escape. */
const quoted = (text: string) => (ESCAPED.test(text) ? JSON.stringify(text) : `"${text}"`);

/** Keys are the field map's attribute names and the contact's own, over and over: quoted once. */
const quotedKeys = new Map<string, string>();
const MAX_QUOTED_KEYS = 10_000;

function quoteKey(key: string): string {
  let quotedKey = quotedKeys.get(key);
  if (quotedKey === undefined) {
    quotedKey = quoted(key);
    if (quotedKeys.size < MAX_QUOTED_KEYS) quotedKeys.set(key, quotedKey);
  }
  return quotedKey;
}

/** Object.keys(object).sort(): insertion sort (a contact has a dozen keys), comparing code units as sort() does. */
function sortedKeys(object: object): string[] {
  const keys = Object.keys(object);
  for (let i = 1; i < keys.length; i++) {
    const key = keys[i];
    let j = i - 1;
    for (; j >= 0 && keys[j] > key; j--) keys[j + 1] = keys[j];
    keys[j + 1] = key;
  }
  return keys;
}

const ARRAY_INDEX = /^(?:0|[1-9][0-9]*)$/;
const isArrayIndex = (key: string) => ARRAY_INDEX.test(key) && Number(key) < 2 ** 32 - 1;

/**
 * The order JSON.stringify lists an object built with these keys in: array-index keys ("0", "7") first, numerically,
 * then the others as inserted. Attribute names are UPPER_CASE, so this only matters to be exact.
 */
function enumerationOrder(sorted: string[]): string[] {
  if (!sorted.some((key) => key.charCodeAt(0) <= 57 /* 9 */ && isArrayIndex(key))) return sorted;
  const indices = sorted.filter(isArrayIndex).sort((a, b) => Number(a) - Number(b));
  return [...indices, ...sorted.filter((key) => !isArrayIndex(key))];
}
