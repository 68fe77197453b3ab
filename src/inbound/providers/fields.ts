/**
 * Field readers shared by the provider adapters. Payloads are hostile until proven otherwise: every reader accepts
 * `unknown`, returns undefined for what it cannot use, and bounds string lengths so one event cannot bloat storage.
 */

export const MAX_LINK = 2048;
export const MAX_REASON = 1000;
export const MAX_NAME = 500;
export const MAX_ID = 256;
const MAX_EVENT_NAME = 100;
const MAX_EMAIL = 320; // RFC 5321: 64 local + '@' + 255 domain

// C0, DEL, C1 and the Unicode line/paragraph separators: never part of an address, and dangerous in logs.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A trimmed, bounded string from a string or a finite number; undefined when empty or of another type. */
export function text(value: unknown, max: number): string | undefined {
  const s = typeof value === 'string' ? value.trim() : typeof value === 'number' && Number.isFinite(value) ? String(value) : '';
  return s ? s.slice(0, max) : undefined;
}

/** The first of several candidate fields that holds usable text (e.g. Brevo's click URL under URL, link or url). */
export function firstText(values: unknown[], max: number): string | undefined {
  for (const value of values) {
    const s = text(value, max);
    if (s !== undefined) return s;
  }
  return undefined;
}

/** The event name as received (trimmed), or undefined when it is missing, not a string, too long or has controls. */
export function eventName(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const name = value.trim();
  return name && name.length <= MAX_EVENT_NAME && !CONTROL.test(name) ? name : undefined;
}

// One '@' between a local part and a domain, no whitespace anywhere: '@', 'a@', 'a b@c.d' name nobody.
const ADDRESS = /^[^\s@]+@[^\s@]+$/;

export type EmailField = { ok: true; email: string | null } | { ok: false };

/** Trimmed and lower-cased; absent or empty → null (the event names nobody); anything unusable → not ok. */
export function readEmail(value: unknown): EmailField {
  if (value === undefined || value === null) return { ok: true, email: null };
  if (typeof value !== 'string') return { ok: false };
  const email = value.trim().toLowerCase();
  if (!email) return { ok: true, email: null };
  if (email.length > MAX_EMAIL || CONTROL.test(email) || !ADDRESS.test(email)) return { ok: false };
  return { ok: true, email };
}

/** Integers of a list id field that may be a number, a digit string or an array of them; others are dropped. */
export function listIds(value: unknown): number[] | undefined {
  if (value === undefined || value === null) return undefined;
  const ids = (Array.isArray(value) ? value : [value])
    .map((v) => (typeof v === 'string' && /^\d{1,15}$/.test(v.trim()) ? Number(v) : v))
    .filter((v): v is number => Number.isSafeInteger(v) && (v as number) > 0);
  return ids.length > 0 ? [...new Set(ids)] : undefined;
}
