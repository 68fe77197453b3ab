// ir.model and ir.model.fields: every field of every model is listed (webhook and
// automation configs refer to field ids), and creating a manual x_ field adds it to
// the model at once, usable in the very next call.
import { fault } from '../faults.js';
import type { FieldDef, FieldType, HookCtx, ModelDef, ModelSpec, Selection, Vals } from '../schema.js';
import { f } from '../schema.js';
import type { OdooStore } from '../store.js';

const TTYPES: Array<[FieldType, string]> = [
  ['char', 'char'], ['text', 'text'], ['html', 'html'], ['integer', 'integer'], ['float', 'float'],
  ['monetary', 'monetary'], ['boolean', 'boolean'], ['date', 'date'], ['datetime', 'datetime'],
  ['selection', 'selection'], ['many2one', 'many2one'], ['one2many', 'one2many'], ['many2many', 'many2many'],
];

export const irModelModel: ModelSpec = {
  name: 'ir.model',
  description: 'Models',
  order: 'model',
  fields: {
    name: f.char('Model Description', { required: true }),
    model: f.char('Model', { required: true }),
    state: f.selection('Type', [['manual', 'Custom Object'], ['base', 'Base Object']], { default: 'base' }),
    field_id: f.o2m('ir.model.fields', 'model_id', 'Fields'),
    transient: f.bool('Transient Model'),
  },
};

export const irFieldsSelectionModel: ModelSpec = {
  name: 'ir.model.fields.selection',
  description: 'Fields Selection',
  order: 'sequence, id',
  fields: {
    field_id: f.m2o('ir.model.fields', 'Field', { required: true }),
    value: f.char('Value', { required: true }),
    name: f.char('Name', { required: true }),
    sequence: f.int('Sequence', { default: 1000 }),
  },
};

/** Selection of a manual field, read from its rows on each use so later edits apply at once. */
function selectionRows(store: OdooStore, fieldId: number): Selection {
  return [...store.table('ir.model.fields.selection').values()]
    .filter((r) => r.field_id === fieldId)
    .sort((a, b) => ((a.sequence as number) - (b.sequence as number)) || a.id - b.id)
    .map((r) => [r.value as string, r.name as string]);
}

const isBad = (v: unknown) => v === undefined || v === false || v === null || v === '';

function validateManual(store: OdooStore, vals: Vals): void {
  if ((vals.state ?? 'manual') !== 'manual') return;
  const name = vals.name;
  if (typeof name !== 'string' || !name.startsWith('x_')) {
    throw fault.user("The operation cannot be completed: Custom fields must have a name that starts with 'x_'!");
  }
  if (!/^[a-z_][a-z0-9_]*$/i.test(name) || name.length > 63) {
    throw fault.user(`The operation cannot be completed: Field names can only contain characters, digits and underscores (up to 63).`);
  }
  if (isBad(vals.model_id)) return; // the generic NOT NULL check reports it
  const model = store.table('ir.model').get(vals.model_id as number);
  if (model && store.hasModel(model.model as string) && store.def(model.model as string).fields.has(name)) {
    throw fault.user('The operation cannot be completed: Field names must be unique per model.');
  }
  if ((vals.ttype === 'many2one' || vals.ttype === 'many2many') && !store.hasModel(String(vals.relation))) {
    throw fault.user(`The operation cannot be completed: Model ${String(vals.relation ?? false)} does not exist`);
  }
  if (vals.ttype === 'one2many') throw fault.python('NotImplementedError: one2many custom fields are not simulated by the fake');
}

function prepareFieldVals({ store }: HookCtx, vals: Vals, op: 'create' | 'write'): Vals {
  if (op === 'write') return vals;
  validateManual(store, vals);
  const out: Vals = { state: 'manual', ...vals };
  if (isBad(out.field_description) && typeof out.name === 'string') out.field_description = out.name;
  const model = isBad(vals.model_id) ? undefined : store.table('ir.model').get(vals.model_id as number);
  if (model) out.model = model.model;
  return out;
}

/** The FieldDef a manual ir.model.fields row stands for. */
function toFieldDef(store: OdooStore, rec: Record<string, unknown> & { id: number }): FieldDef {
  const type = rec.ttype as FieldType;
  const def: FieldDef = {
    name: rec.name as string,
    type,
    string: (rec.field_description as string | null) ?? (rec.name as string),
    required: Boolean(rec.required),
    readonly: Boolean(rec.readonly),
    store: true,
    manual: true,
    help: (rec.help as string | null) ?? undefined,
  };
  if (type === 'selection') def.selection = () => selectionRows(store, rec.id);
  if (type === 'many2one' || type === 'many2many') def.relation = rec.relation as string;
  return def;
}

function registerManual({ store }: HookCtx, ids: number[]): void {
  const table = store.table('ir.model.fields');
  for (const id of ids) {
    const rec = table.get(id)!;
    if (rec.state !== 'manual') continue;
    store.addField(rec.model as string, toFieldDef(store, rec));
  }
}

/** Babel's English list: "a", "a and b", "a, b, and c" (Odoo's format_list). */
function formatList(items: string[]): string {
  if (items.length <= 2) return items.join(' and ');
  return `${items.slice(0, -1).join(', ')}, and ${items[items.length - 1]}`;
}

/** Odoo re-checks the views mentioning a removed field and refuses when one would break. */
function checkNotInViews(store: OdooStore, recs: Array<Record<string, unknown>>): void {
  const views = [...store.table('ir.ui.view').values()].sort((a, b) => a.id - b.id);
  const view = views.find((v) => recs.some((r) => v.model === r.model && String(v.arch_db ?? '').includes(`name="${String(r.name)}"`)));
  if (!view) return;
  const fields = formatList(recs.map((r) => `${String(r.model)}.${String(r.name)}`));
  throw fault.user(`Cannot rename/delete fields that are still present in views:\nFields: ${fields}\nView: ${String(view.name)}`);
}

function beforeUnlinkField({ store }: HookCtx, ids: number[]): void {
  const table = store.table('ir.model.fields');
  for (const id of ids) {
    const rec = table.get(id)!;
    if (rec.state !== 'manual') throw fault.user('This column contains module data and cannot be removed!');
  }
  checkNotInViews(store, ids.map((id) => table.get(id)!));
  for (const id of ids) {
    const rec = table.get(id)!;
    store.removeField(rec.model as string, rec.name as string);
  }
}

export const irFieldsModel: ModelSpec = {
  name: 'ir.model.fields',
  description: 'Fields',
  order: 'name',
  recName: 'field_description',
  fields: {
    name: f.char('Field Name', { required: true }),
    complete_name: f.char('Complete Name', { compute: (_s, rec) => `${String(rec.model)}.${String(rec.name)}` }),
    model: f.char('Model Name'),
    model_id: f.m2o('ir.model', 'Model', { required: true }),
    field_description: f.char('Field Label', { required: true }),
    help: f.text('Field Help'),
    ttype: f.selection('Field Type', TTYPES, { required: true }),
    relation: f.char('Related Model'),
    relation_field: f.char('Related Field'),
    selection_ids: f.o2m('ir.model.fields.selection', 'field_id', 'Selection Options'),
    required: f.bool('Required'),
    readonly: f.bool('Readonly'),
    index: f.bool('Indexed'),
    store: f.bool('Stored', { default: true }),
    copied: f.bool('Copied'),
    state: f.selection('Type', [['manual', 'Custom Field'], ['base', 'Base Field']], { required: true, default: 'manual' }),
    groups: f.char('Groups'),
  },
  hooks: {
    prepareVals: prepareFieldVals,
    afterCreate: registerManual,
    afterWrite: registerManual,
    beforeUnlink: beforeUnlinkField,
  },
};

/** Lists a model and its fields in ir.model / ir.model.fields (called at start-up). */
export function describeModel(store: OdooStore, def: ModelDef, modelId?: number): void {
  if (modelId) store.setNextId('ir.model', modelId);
  const id = store.create('ir.model', { model: def.name, name: def.description, state: 'base' });
  const rows = [...def.fields.values()].map((field) => ({
    name: field.name, model_id: id, field_description: field.string, ttype: field.type, state: 'base',
    relation: field.relation ?? false, relation_field: field.inverse ?? false, required: Boolean(field.required),
    readonly: Boolean(field.readonly), store: field.store, groups: field.groups ?? false,
  }));
  store.create('ir.model.fields', rows);
}
