/**
 * The partner fields whose change must reach Brevo: the trigger fields of the Odoo automation rule. With trigger fields
 * set, Odoo posts once per change that matters (one request for a create instead of ten, none for a write that only
 * touches engagement fields written back by the sidecar); without them it posts on every write (reference §12).
 */
import type { DerivedValue, FieldMap } from '../outbound/field-map.js';

/** Which stored res.partner fields each derived value is computed from. */
const SOURCES: Record<DerivedValue, string[]> = {
  firstname: ['name', 'is_company'],
  lastname: ['name', 'is_company'],
  name: ['name'],
  company: ['name', 'is_company', 'parent_id', 'company_name'],
  phone_e164: ['mobile', 'phone', 'country_id'],
  street: ['street'],
  street2: ['street2'],
  address: ['street', 'street2'],
  city: ['city'],
  zip: ['zip'],
  state: ['state_id'],
  country: ['country_id'],
  // country_code is a related field (not stored): its source is the country.
  country_code: ['country_id'],
  tags: ['category_id'],
  lang: ['lang'],
};

/** Identity and presence of the contact, whatever the map: the e-mail, and archiving. */
const ALWAYS = ['email', 'active'];

export function triggerFieldNames(map: FieldMap): string[] {
  const names = new Set(ALWAYS);
  for (const source of Object.values(map.attributes)) {
    const fields = source.startsWith('field:') ? [source.slice('field:'.length)] : SOURCES[source as DerivedValue];
    for (const field of fields) names.add(field);
  }
  return [...names].sort();
}
