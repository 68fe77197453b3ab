// ir.ui.view with inheritance, enough to put x_ fields on the partner form
// (reference §15): extension views are checked against their parent when created
// or edited, and get_views returns the combined arch.
import { applySpec, ArchSyntaxError, fieldNames, openingTag, parseXml, serialize, specsOf, type XmlElement } from '../arch.js';
import { fault } from '../faults.js';
import type { HookCtx, ModelSpec, Rec, Vals } from '../schema.js';
import { f } from '../schema.js';
import type { OdooStore } from '../store.js';

const VIEW_TYPES: Array<[string, string]> = [
  ['list', 'List'], ['form', 'Form'], ['graph', 'Graph'], ['pivot', 'Pivot'], ['calendar', 'Calendar'],
  ['kanban', 'Kanban'], ['search', 'Search'], ['qweb', 'QWeb'], ['activity', 'Activity'],
];

function parseArch(text: string): XmlElement {
  try { return parseXml(text); } catch (e) {
    throw fault.user(`Invalid view definition\n\n${(e as Error).message}`);
  }
}

/** The arch of a view with its active extensions applied, children in (priority, id) order. */
export function combinedArch(store: OdooStore, viewId: number): XmlElement {
  const table = store.table('ir.ui.view');
  const view = table.get(viewId)!;
  const root = parseArch(String(view.arch_db ?? ''));
  const children = [...table.values()]
    .filter((v) => v.inherit_id === viewId && v.active !== false && v.mode !== 'primary')
    .sort((a, b) => ((a.priority as number) - (b.priority as number)) || a.id - b.id);
  for (const child of children) applyExtension(store, root, child);
  return root;
}

function applyExtension(store: OdooStore, root: XmlElement, view: Rec): void {
  const arch = parseArch(String(view.arch_db ?? ''));
  for (const spec of specsOf(arch)) {
    let found: boolean;
    try { found = applySpec(root, spec); } catch (e) {
      if (e instanceof ArchSyntaxError) throw fault.user(e.message);
      throw e;
    }
    if (!found) throw fault.user(`Element '${openingTag(spec)}' cannot be located in parent view`);
  }
  checkFields(store, String(view.model), arch, String(view.name));
}

function checkFields(store: OdooStore, model: string, arch: XmlElement, name: string): void {
  if (!store.hasModel(model)) return;
  const fields = store.def(model).fields;
  const shown = specsOf(arch).flatMap((spec) => spec.children.flatMap((c) => (typeof c === 'string' ? [] : fieldNames(c))));
  const unknown = shown.find((n) => !fields.has(n));
  if (unknown) {
    throw fault.user(`Error while validating view near:\n\n<field name="${unknown}"/>\n\nField "${unknown}" does not exist in model "${model}"\n\nView error context:\n{'name': '${name}', 'view.model': '${model}'}`);
  }
}

/** Validates a view as the ORM would after create/write: its inheritance chain must apply. */
function validate({ store }: HookCtx, ids: number[]): void {
  const table = store.table('ir.ui.view');
  for (const id of ids) {
    const view = table.get(id)!;
    let top = view;
    while (top.inherit_id && top.mode !== 'primary') top = table.get(top.inherit_id as number) ?? top;
    if (top.id !== id || !view.inherit_id) combinedArch(store, top.id);
    else parseArch(String(view.arch_db ?? ''));
  }
}

// The store has no transactions: a failing afterCreate makes it drop the new rows,
// and a failing write is undone here, so a faulted call leaves nothing behind.
const previous = new WeakMap<OdooStore, Map<number, Rec>>();
function rememberArch({ store }: HookCtx, ids: number[]): void {
  const table = store.table('ir.ui.view');
  previous.set(store, new Map(ids.map((id) => [id, { ...table.get(id)! }])));
}

function validateOrRestore(ctx: HookCtx, ids: number[]): void {
  try { validate(ctx, ids); } catch (e) {
    const table = ctx.store.table('ir.ui.view');
    for (const [id, rec] of previous.get(ctx.store) ?? []) Object.assign(table.get(id)!, rec);
    throw e;
  } finally { previous.delete(ctx.store); }
}

function prepareView({ store }: HookCtx, vals: Vals, op: 'create' | 'write'): Vals {
  const out = { ...vals };
  // `arch` is the computed face of arch_db; writing it writes arch_db.
  if ('arch' in out) { out.arch_db = out.arch; delete out.arch; }
  if (op === 'create') {
    const parent = typeof out.inherit_id === 'number' ? store.table('ir.ui.view').get(out.inherit_id) : undefined;
    if (!out.mode) out.mode = parent ? 'extension' : 'primary';
    if (!out.type) out.type = parent?.type ?? (typeof out.arch_db === 'string' ? parseArch(out.arch_db).tag : false);
    if (!out.model && parent) out.model = parent.model;
  }
  return out;
}

export const viewModel: ModelSpec = {
  name: 'ir.ui.view',
  description: 'View',
  order: 'priority,name,id',
  fields: {
    name: f.char('View Name', { required: true }),
    model: f.char('Model', { default: false }),
    key: f.char('Key'),
    priority: f.int('Sequence', { default: 16 }),
    type: f.selection('View Type', VIEW_TYPES),
    arch_db: f.text('Arch Blob'),
    arch: f.text('View Architecture', { compute: (_s, rec) => rec.arch_db ?? null }),
    inherit_id: f.m2o('ir.ui.view', 'Inherited View'),
    inherit_children_ids: f.o2m('ir.ui.view', 'inherit_id', 'Views which inherit from this one'),
    mode: f.selection('View inheritance mode', [['primary', 'Base view'], ['extension', 'Extension View']], { required: true, default: 'primary' }),
    active: f.bool('Active', { default: true }),
  },
  hooks: { prepareVals: prepareView, afterCreate: validate, beforeWrite: rememberArch, afterWrite: validateOrRestore },
};

/** `get_views` result for the requested [view_id, type] pairs. */
export function getViews(store: OdooStore, model: string, views: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const used = new Set<string>();
  for (const pair of Array.isArray(views) ? views : []) {
    const [wanted, type] = pair as [number | false, string];
    const id = wanted || primaryView(store, model, type);
    const arch = id ? combinedArch(store, id) : parseXml(`<${type === 'search' ? 'search' : type}><field name="display_name"/></${type === 'search' ? 'search' : type}>`);
    fieldNames(arch).forEach((n) => used.add(n));
    out[type] = { arch: serialize(arch), id: id || false, model };
  }
  const fields = store.fieldsGet(model, ['type', 'string', 'relation', 'selection', 'required', 'readonly']);
  const shown = Object.fromEntries(Object.entries(fields).filter(([k]) => used.has(k)));
  return { views: out, models: { [model]: { fields: shown } } };
}

function primaryView(store: OdooStore, model: string, type: string): number | undefined {
  return [...store.table('ir.ui.view').values()]
    .filter((v) => v.model === model && v.type === type && v.mode === 'primary' && v.active !== false)
    .sort((a, b) => ((a.priority as number) - (b.priority as number)) || a.id - b.id)[0]?.id;
}

/** The stock partner form (abridged), the parent of the sidecar's inherited view. */
export const PARTNER_FORM_ARCH = `<form string="Partners">
  <sheet>
    <div class="oe_button_box" name="button_box"/>
    <widget name="web_ribbon" title="Archived" bg_color="text-bg-danger" invisible="active"/>
    <div class="oe_title mb24">
      <field name="is_company" invisible="1"/>
      <field name="commercial_partner_id" invisible="1"/>
      <field name="active" invisible="1"/>
      <field name="company_type" widget="radio" options="{'horizontal': true}"/>
      <h1><field id="company" name="name" default_focus="1" placeholder="e.g. Lumber Inc"/></h1>
      <div class="o_row"><field name="parent_id" widget="res_partner_many2one" placeholder="Company Name..."/></div>
    </div>
    <group>
      <group>
        <span class="o_form_label o_td_label" name="address_name">Address</span>
        <div class="o_address_format">
          <field name="street" placeholder="Street..." class="o_address_street"/>
          <field name="street2" placeholder="Street 2..." class="o_address_street"/>
          <field name="city" placeholder="City" class="o_address_city"/>
          <field name="state_id" class="o_address_state" placeholder="State"/>
          <field name="zip" placeholder="ZIP" class="o_address_zip"/>
          <field name="country_id" placeholder="Country" class="o_address_country"/>
        </div>
        <field name="vat" placeholder="e.g. BE0477472701"/>
      </group>
      <group>
        <field name="function" placeholder="e.g. Sales Director"/>
        <field name="phone" widget="phone"/>
        <field name="mobile" widget="phone"/>
        <field name="email" widget="email"/>
        <field name="website" widget="url" placeholder="e.g. https://www.odoo.com"/>
        <field name="title" placeholder="e.g. Mister"/>
        <field name="lang"/>
        <field name="category_id" widget="many2many_tags" placeholder="e.g. &quot;B2B&quot;, &quot;VIP&quot;, &quot;Consulting&quot;, ..."/>
      </group>
    </group>
    <notebook colspan="4">
      <page string="Contacts &amp; Addresses" name="contact_addresses" autofocus="autofocus">
        <field name="child_ids" mode="kanban"/>
      </page>
      <page name="internal_notes" string="Internal Notes">
        <field name="comment" placeholder="Internal notes..."/>
      </page>
    </notebook>
  </sheet>
  <chatter/>
</form>`;
