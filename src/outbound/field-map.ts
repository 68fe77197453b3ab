/**
 * The attribute map (config/field-map.json): Brevo attribute name → a derived partner value or `field:<odoo field>`.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';

export const DERIVED_VALUES = [
  'firstname', 'lastname', 'name', 'company', 'phone_e164', 'street', 'street2', 'address', 'city', 'zip', 'state',
  'country', 'country_code', 'tags', 'lang',
] as const;
export type DerivedValue = (typeof DERIVED_VALUES)[number];

const source = z.union([
  z.enum(DERIVED_VALUES),
  z.string().regex(/^field:[a-z_][a-z0-9_]*$/, 'must be a derived value or "field:<odoo field name>"'),
  z.null(),
]);

const fieldMapSchema = z.object({
  attributes: z.record(z.string(), source),
}).superRefine((map, ctx) => {
  for (const name of Object.keys(map.attributes)) {
    if (!/^[A-Z][A-Z0-9_]*$/.test(name)) ctx.addIssue({ code: 'custom', path: ['attributes', name], message: 'Brevo attribute names are UPPER_CASE' });
  }
});

export type FieldMap = { attributes: Record<string, DerivedValue | `field:${string}`> };

export const DEFAULT_FIELD_MAP: FieldMap = {
  attributes: {
    FIRSTNAME: 'firstname', LASTNAME: 'lastname', SMS: 'phone_e164', COMPANY: 'company', ADDRESS: 'address',
    CITY: 'city', POSTAL_CODE: 'zip', STATE: 'state', COUNTRY: 'country', TAGS: 'tags',
  },
};

/** Parses a field map; attributes mapped to null are dropped. Throws with the offending entries named. */
export function parseFieldMap(json: unknown): FieldMap {
  const parsed = fieldMapSchema.safeParse(json);
  if (!parsed.success) {
    throw new Error(`field map: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  const attributes = Object.fromEntries(Object.entries(parsed.data.attributes).filter(([, v]) => v !== null));
  return { attributes: attributes as FieldMap['attributes'] };
}

export function loadFieldMap(path: string): FieldMap {
  return parseFieldMap(JSON.parse(readFileSync(path, 'utf8')));
}

/** Where an attribute's value comes from: a derived partner value, or a raw Odoo field. */
export type AttributeSource = { derived: DerivedValue } | { field: string };

const FIELD_PREFIX = 'field:';

export function attributeSource(value: FieldMap['attributes'][string]): AttributeSource {
  return value.startsWith(FIELD_PREFIX) ? { field: value.slice(FIELD_PREFIX.length) } : { derived: value as DerivedValue };
}

/** Raw Odoo fields a map reads beyond the standard set. */
export function extraFields(map: FieldMap): string[] {
  return Object.values(map.attributes).map(attributeSource).flatMap((s) => ('field' in s ? [s.field] : []));
}
