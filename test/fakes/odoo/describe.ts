// fields_get: the attribute dict Odoo returns per field (type, string, required,
// readonly, relation, selection...), optionally cut down to the requested attributes.
import type { FieldDef } from './schema.js';
import { isX2many } from './schema.js';
import type { OdooStore } from './store.js';
import { selectionOf } from './values.js';

export function describeField(store: OdooStore, field: FieldDef, attributes?: string[] | null): Record<string, unknown> {
  const all: Record<string, unknown> = {
    type: field.type,
    string: field.string,
    help: field.help ?? false,
    required: Boolean(field.required),
    readonly: Boolean(field.readonly || field.compute || field.computed),
    store: field.store,
    searchable: field.store || Boolean(field.search || field.compute),
    sortable: field.store && !isX2many(field.type),
    manual: Boolean(field.manual),
    name: field.name,
  };
  if (field.relation) all.relation = field.relation;
  if (field.type === 'one2many') all.relation_field = field.inverse;
  if (field.type === 'selection') all.selection = selectionOf(store, field).map(([k, v]) => [k, v]);
  if (!attributes || !attributes.length) return all;
  return Object.fromEntries(attributes.filter((a) => a in all).map((a) => [a, all[a]]));
}
