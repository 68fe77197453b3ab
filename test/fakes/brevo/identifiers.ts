/**
 * Contact identifiers: unique per account. `email` and `ext_id` are top-level fields; SMS, WHATSAPP and
 * LANDLINE_NUMBER live in `attributes` but are identifiers too (identifierType phone_id...).
 */
import { badRequest } from './errors.js';

export type IdentifierKey = 'email' | 'ext_id' | 'SMS' | 'WHATSAPP' | 'LANDLINE_NUMBER';

export const IDENTIFIER_KEYS: IdentifierKey[] = ['email', 'ext_id', 'SMS', 'WHATSAPP', 'LANDLINE_NUMBER'];

/** Attribute names that carry an identifier instead of a plain value. */
export const PHONE_ATTRIBUTES = ['SMS', 'WHATSAPP', 'LANDLINE_NUMBER'] as const;

/** identifierType query values (spec enum) → what they look up. */
export const IDENTIFIER_TYPES: Record<string, IdentifierKey | 'id'> = {
  email_id: 'email',
  contact_id: 'id',
  ext_id: 'ext_id',
  phone_id: 'SMS',
  whatsapp_id: 'WHATSAPP',
  landline_number_id: 'LANDLINE_NUMBER',
};

/** Same pattern as ajv-formats' "email" (fast mode), so the spec check and ours agree. */
const EMAIL_RE = /^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/i;

export function isValidEmail(email: string): boolean {
  return EMAIL_RE.test(email.trim());
}

/** Brevo matches emails case-insensitively and stores them lowercased. */
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

/**
 * Brevo accepts `91xxxxxxxxxx`, `+91xxxxxxxxxx` and `0091xxxxxxxxxx` and returns digits only (spec examples:
 * `"SMS": "33058407250"`). Returns undefined when it cannot be a phone number.
 */
export function normalisePhone(raw: string): string | undefined {
  let digits = raw.trim().replace(/[\s().-]/g, '');
  if (digits.startsWith('+')) digits = digits.slice(1);
  else if (digits.startsWith('00')) digits = digits.slice(2);
  return /^\d{6,17}$/.test(digits) ? digits : undefined;
}

/** Canonical form of an identifier value, or a 400 as Brevo answers for a malformed one. */
export function canonicalIdentifier(key: IdentifierKey, raw: string): string {
  const canonical = canonicalOrUndefined(key, raw);
  if (canonical !== undefined) return canonical;
  throw badRequest(key === 'email' ? 'Invalid email address' : `Invalid phone number in ${key}`);
}

/** Canonical form, or undefined for a malformed value: imports drop such a cell without building an error. */
export function canonicalOrUndefined(key: IdentifierKey, raw: string): string | undefined {
  if (key === 'email') return isValidEmail(raw) ? normaliseEmail(raw) : undefined;
  if (key === 'ext_id') return raw;
  return normalisePhone(raw);
}

/** Lookup form of an identifier in a URL: never throws, unknown shapes simply match nothing. */
export function lookupForm(key: IdentifierKey, raw: string): string {
  if (key === 'email') return normaliseEmail(raw);
  if (key === 'ext_id') return raw;
  return normalisePhone(raw) ?? raw;
}

/**
 * Without identifierType Brevo falls back to its legacy guess: an '@' means an email, anything else is
 * taken as the contact id (a non-numeric one then simply matches nothing).
 */
export function resolveIdentifierType(identifierType: string | undefined, identifier: string): IdentifierKey | 'id' {
  if (identifierType === undefined) return identifier.includes('@') ? 'email' : 'id';
  const key = IDENTIFIER_TYPES[identifierType];
  if (!key) throw badRequest(`identifierType must be one of ${Object.keys(IDENTIFIER_TYPES).join(', ')}`);
  return key;
}
