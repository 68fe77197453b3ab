/**
 * The attribute map (config/field-map.json): Brevo attribute name → a derived partner value or `field:<odoo field>`.
 * Read and checked by field-map-file.ts; kept apart from the validation library so that the mapping (which the
 * initial sync's page worker loads before its first page) does not load it.
 */

export const DERIVED_VALUES = [
  'firstname', 'lastname', 'name', 'company', 'phone_e164', 'street', 'street2', 'address', 'city', 'zip', 'state',
  'country', 'country_code', 'tags', 'lang',
] as const;
export type DerivedValue = (typeof DERIVED_VALUES)[number];

export type FieldMap = { attributes: Record<string, DerivedValue | `field:${string}`> };

export const DEFAULT_FIELD_MAP: FieldMap = {
  attributes: {
    FIRSTNAME: 'firstname', LASTNAME: 'lastname', SMS: 'phone_e164', COMPANY: 'company', ADDRESS: 'address',
    CITY: 'city', POSTAL_CODE: 'zip', STATE: 'state', COUNTRY: 'country', TAGS: 'tags',
  },
};

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
