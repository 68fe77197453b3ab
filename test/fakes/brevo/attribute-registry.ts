/**
 * The account's attribute registry and Brevo's silent filtering: a value whose attribute is unknown, not
 * writable, or of the wrong type is dropped without error (the request still answers 2xx).
 */
import type { AttributeValue, FakeAttributeDef } from './types.js';

/**
 * What a new (English-language) account lists. [Unconfirmed] exact default set: configurable.
 * - EMAIL, SMS, WHATSAPP, LANDLINE_NUMBER, EXT_ID: identifier attributes (identifiers.ts handles them).
 * - LASTNAME, FIRSTNAME: the two default text fields.
 * - DOUBLE_OPT-IN: the category Brevo's DOI forms use (1 = Yes, 2 = No). Category attributes list as type
 *   `text` (spec example GENDER; neither the spec's nor the SDK's response enum has a `category` type).
 */
export const DEFAULT_ATTRIBUTES: FakeAttributeDef[] = [
  { name: 'EMAIL', category: 'normal', type: 'text' },
  { name: 'LASTNAME', category: 'normal', type: 'text' },
  { name: 'FIRSTNAME', category: 'normal', type: 'text' },
  { name: 'SMS', category: 'normal', type: 'text' },
  { name: 'WHATSAPP', category: 'normal', type: 'text' },
  { name: 'LANDLINE_NUMBER', category: 'normal', type: 'text' },
  { name: 'EXT_ID', category: 'normal', type: 'text' },
  {
    name: 'DOUBLE_OPT-IN',
    category: 'category',
    type: 'text',
    enumeration: [
      { value: 1, label: 'Yes' },
      { value: 2, label: 'No' },
    ],
  },
];

/** Calculated and global attributes are computed by Brevo: contact writes to them are ignored. */
const WRITABLE_CATEGORIES = new Set(['normal', 'transactional', 'category']);

export interface CoerceOptions {
  /** Imports carry CSV-like strings: accept "12.5" for a float, "true"/"false" for a boolean. */
  fromText?: boolean;
}

/** The stored value, or undefined when Brevo would drop it. Never called with '' (clearing is the caller's). */
export function coerceAttribute(def: FakeAttributeDef, value: unknown, opts: CoerceOptions = {}): AttributeValue | undefined {
  if (!WRITABLE_CATEGORIES.has(def.category)) return undefined;
  if (def.category === 'category' || def.type === 'category') return coerceCategory(def, value);
  switch (def.type) {
    case 'text':
    case 'user':
      return typeof value === 'string' ? value : undefined;
    case 'id':
      return typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value)) ? value : undefined;
    case 'float':
      return coerceFloat(value, opts);
    case 'boolean':
      return coerceBoolean(value, opts);
    case 'date':
      return coerceDate(value);
    case 'multiple-choice':
      return coerceMultipleChoice(def, value);
    default:
      return undefined;
  }
}

function coerceFloat(value: unknown, opts: CoerceOptions): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (opts.fromText && typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  return undefined;
}

function coerceBoolean(value: unknown, opts: CoerceOptions): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (opts.fromText && typeof value === 'string' && /^(true|false)$/i.test(value)) return value.toLowerCase() === 'true';
  return undefined;
}

/** Brevo dates are calendar days; a full ISO timestamp keeps its date part. */
function coerceDate(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const m = /^(\d{4}-\d{2}-\d{2})(T.*)?$/.exec(value);
  if (!m || Number.isNaN(Date.parse(m[1]))) return undefined;
  return m[1];
}

/** Category values are stored as their numeric value; the label is accepted too. */
function coerceCategory(def: FakeAttributeDef, value: unknown): number | undefined {
  const options = def.enumeration ?? [];
  const hit = options.find((o) => o.value === value || String(o.value) === value || o.label === value);
  return hit?.value;
}

function coerceMultipleChoice(def: FakeAttributeDef, value: unknown): string[] | undefined {
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) return undefined;
  const allowed = def.multiCategoryOptions;
  if (allowed && !value.every((v) => allowed.includes(v))) return undefined;
  return [...value];
}

/** Attribute types createAttribute accepts, per category (spec createAttribute.type description). */
export function typeAllowedInCategory(category: string, type: string | undefined): boolean {
  if (category === 'calculated' || category === 'global') return type === undefined;
  if (type === undefined) return category === 'category';
  if (type === 'user' || type === 'multiple-choice') return category === 'normal';
  if (type === 'id') return category === 'transactional';
  if (type === 'category') return category === 'category';
  return category !== 'category' || type === 'text';
}
