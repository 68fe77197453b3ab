/** config/field-map.json read and checked: the attribute map, or an error naming the offending entries. */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { DERIVED_VALUES, type FieldMap } from './field-map.js';

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
