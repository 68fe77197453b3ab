// Turns model specs into definitions, adding the fields every Odoo model has
// (id, display_name, create/write dates and users).
import type { FieldDef, ModelDef, ModelSpec } from './schema.js';
import { f } from './schema.js';

/** Columns Odoo manages itself: ignored in create/write values. */
export const MAGIC_FIELDS = new Set(['id', 'display_name', 'create_date', 'create_uid', 'write_date', 'write_uid', '__last_update']);

const MAGIC_SPECS = {
  id: f.int('ID', { readonly: true }),
  create_uid: f.m2o('res.users', 'Created by', { readonly: true }),
  create_date: f.datetime('Created on', { readonly: true }),
  write_uid: f.m2o('res.users', 'Last Updated by', { readonly: true }),
  write_date: f.datetime('Last Updated on', { readonly: true }),
};

export function buildModel(spec: ModelSpec): ModelDef {
  const def: ModelDef = {
    name: spec.name,
    description: spec.description,
    order: spec.order ?? 'id',
    recName: spec.recName ?? 'name',
    fields: new Map(),
    table: spec.name.replace(/\./g, '_'),
    displayName: spec.displayName,
    hooks: spec.hooks ?? {},
    mailThread: spec.mailThread,
    parentName: spec.parentName,
  };
  const add = (name: string, s: ModelSpec['fields'][string]) =>
    def.fields.set(name, { ...s, name, store: s.store ?? !s.compute } as FieldDef);
  add('id', MAGIC_SPECS.id);
  for (const [name, s] of Object.entries(spec.fields)) add(name, s);
  add('display_name', f.char('Display Name', {
    readonly: true,
    compute: (store, rec) => store.displayName(def.name, rec.id),
  }));
  for (const name of ['create_uid', 'create_date', 'write_uid', 'write_date'] as const) add(name, MAGIC_SPECS[name]);
  return def;
}

/** Marks many2one fields that some one2many reads through, so the store indexes them. */
export function linkInverses(models: Map<string, ModelDef>): void {
  for (const model of models.values()) {
    for (const field of model.fields.values()) {
      if (field.type !== 'one2many') continue;
      const inverse = models.get(field.relation!)?.fields.get(field.inverse!);
      if (inverse) inverse.indexed = true;
    }
  }
}
