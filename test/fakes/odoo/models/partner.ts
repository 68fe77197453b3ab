// res.partner as the sidecar sees it: the e-mail marketing fields of the reference,
// stored computed fields (email_normalized, commercial partner, complete name) kept
// up to date on write, address sync from a company to its contacts, and the
// measured rule that writing a company bumps its contacts' write_date.
import { fault } from '../faults.js';
import { emailNormalize } from '../email.js';
import type { Env, HookCtx, ModelSpec, Rec, Vals } from '../schema.js';
import { f } from '../schema.js';
import type { OdooStore } from '../store.js';
import { blacklistedEmails } from './blacklist.js';

const MODEL = 'res.partner';
export const ADDRESS_FIELDS = ['street', 'street2', 'zip', 'city', 'state_id', 'country_id'];
const NAME_DEPENDENCIES = ['name', 'is_company', 'parent_id', 'company_name', 'type'];
const TYPE_LABELS: Record<string, string> = { invoice: 'Invoice Address', delivery: 'Delivery Address', other: 'Other Address' };

function commercialOf(store: OdooStore, rec: Rec): Rec {
  const table = store.table(MODEL);
  let cur = rec;
  for (let hops = 0; !cur.is_company && cur.parent_id && hops < 100; hops++) {
    const parent = table.get(cur.parent_id as number);
    if (!parent) break;
    cur = parent;
  }
  return cur;
}

/** Odoo's _get_complete_name: "Company, Person" for contacts of a company. */
function completeName(store: OdooStore, rec: Rec, commercialCompanyName: string | null): string | null {
  let name = (rec.name as string | null) ?? '';
  if (rec.company_name || rec.parent_id) {
    if (!name && TYPE_LABELS[rec.type as string]) name = TYPE_LABELS[rec.type as string];
    if (!rec.is_company) {
      const parent = rec.parent_id ? store.table(MODEL).get(rec.parent_id as number) : undefined;
      name = `${commercialCompanyName ?? parent?.name ?? ''}, ${name}`;
    }
  }
  return name.trim() || null;
}

/** Recomputes the stored computed fields of one partner; true when one changed. */
function recompute(store: OdooStore, rec: Rec): boolean {
  const commercial = commercialOf(store, rec);
  const ccn = commercial.is_company ? (commercial.name as string | null) : (rec.company_name as string | null);
  const next: Record<string, string | number | null> = {
    email_normalized: emailNormalize(rec.email),
    commercial_partner_id: commercial.id,
    commercial_company_name: ccn ?? null,
    complete_name: completeName(store, rec, ccn ?? null),
  };
  let changed = false;
  for (const [k, v] of Object.entries(next)) {
    if (rec[k] !== v) { store.setRaw(MODEL, rec, k, v); changed = true; }
  }
  return changed;
}

function childIds(store: OdooStore, id: number, activeOnly: boolean): number[] {
  const field = store.def(MODEL).fields.get('child_ids')!;
  return store.inverseIds({ ...field, activeOnly }, id);
}

/** Contacts (type 'contact') take their company's address when it has one. */
function syncAddressFromParent(store: OdooStore, rec: Rec): void {
  if (!rec.parent_id || rec.type !== 'contact') return;
  const parent = store.table(MODEL).get(rec.parent_id as number);
  if (!parent || !ADDRESS_FIELDS.some((k) => parent[k])) return;
  for (const k of ADDRESS_FIELDS) store.setRaw(MODEL, rec, k, parent[k] ?? null);
}

/** Recomputes below `rec`; returns the descendants whose stored values changed. */
function recomputeDescendants(store: OdooStore, rec: Rec, changed: Set<number>, depth = 0): void {
  if (depth > 50) return;
  for (const id of childIds(store, rec.id, false)) {
    const child = store.table(MODEL).get(id)!;
    if (recompute(store, child)) changed.add(id);
    recomputeDescendants(store, child, changed, depth + 1);
  }
}

function afterCreate({ store }: HookCtx, ids: number[]): void {
  const table = store.table(MODEL);
  for (const id of ids) {
    const rec = table.get(id)!;
    syncAddressFromParent(store, rec);
    recompute(store, rec);
  }
}

function afterWrite({ store, env }: HookCtx, ids: number[], fields: Set<string>): void {
  const table = store.table(MODEL);
  const bumped = new Set<number>();
  const addressChanged = ADDRESS_FIELDS.some((k) => fields.has(k));
  const namesChanged = NAME_DEPENDENCIES.some((k) => fields.has(k));
  for (const id of ids) {
    const rec = table.get(id)!;
    if (fields.has('parent_id') || fields.has('type')) syncAddressFromParent(store, rec);
    recompute(store, rec);
    const children = childIds(store, id, true);
    if (addressChanged) {
      for (const c of children) syncAddressFromParent(store, table.get(c)!);
    }
    if (namesChanged) recomputeDescendants(store, rec, bumped);
    // Measured on Odoo 18: any write on a company bumps its contacts, custom fields included.
    children.forEach((c) => bumped.add(c));
  }
  for (const id of ids) bumped.delete(id);
  if (bumped.size) store.touch(MODEL, bumped, env);
}

/** CHECK constraint res_partner_check_name. */
function checkName(type: unknown, name: unknown): void {
  if ((type ?? 'contact') === 'contact' && (name === false || name === null || name === undefined || name === '')) {
    throw fault.user('The operation cannot be completed: Contacts require a name');
  }
}

function prepareVals(_ctx: HookCtx, vals: Vals, op: 'create' | 'write'): Vals {
  // company_type is the form's radio button, written through to is_company.
  if ('company_type' in vals) vals = { ...vals, is_company: vals.company_type === 'company' };
  if (op === 'create') checkName(vals.type, vals.name);
  return vals;
}

function beforeWrite({ store }: HookCtx, ids: number[], vals: Vals): void {
  if (!('name' in vals) && !('type' in vals)) return;
  for (const id of ids) {
    const rec = store.table(MODEL).get(id)!;
    checkName('type' in vals ? vals.type : rec.type, 'name' in vals ? vals.name : rec.name);
  }
}

/** Contacts of a deleted company get their commercial fields back from themselves. */
const orphans = new WeakMap<OdooStore, number[]>();
function beforeUnlink({ store }: HookCtx, ids: number[]): void {
  orphans.set(store, ids.flatMap((id) => childIds(store, id, false)));
}
function afterUnlink({ store }: HookCtx): void {
  const table = store.table(MODEL);
  for (const id of orphans.get(store) ?? []) { const rec = table.get(id); if (rec) recompute(store, rec); }
  orphans.delete(store);
}

const isBlacklisted = (store: OdooStore, rec: Rec) =>
  typeof rec.email_normalized === 'string' && blacklistedEmails(store).has(rec.email_normalized);

export const partnerModel: ModelSpec = {
  name: MODEL,
  description: 'Contact',
  order: 'complete_name ASC, id DESC',
  mailThread: true,
  parentName: 'parent_id',
  displayName: (_store, rec) => (rec.complete_name as string | null) ?? '',
  fields: {
    name: f.char('Name'),
    complete_name: f.char('Complete Name', { computed: true }),
    title: f.m2o('res.partner.title', 'Title'),
    parent_id: f.m2o(MODEL, 'Related Company'),
    child_ids: f.o2m(MODEL, 'parent_id', 'Contact', { activeOnly: true }),
    ref: f.char('Reference'),
    lang: f.selection('Language', (store) => store.installedLangs.map((l) => [l, l === 'en_US' ? 'English (US)' : l]), {
      checkSelection: false,
      default: (env: Env) => (env.context.lang as string | undefined) ?? 'en_US',
    }),
    tz: f.char('Timezone'),
    user_ids: f.o2m('res.users', 'partner_id', 'Users'),
    vat: f.char('Tax ID'),
    website: f.char('Website Link'),
    comment: f.html('Notes'),
    category_id: f.m2m('res.partner.category', 'Tags'),
    active: f.bool('Active', { default: true }),
    employee: f.bool('Employee'),
    function: f.char('Job Position'),
    type: f.selection('Address Type', [['contact', 'Contact'], ['invoice', 'Invoice Address'], ['delivery', 'Delivery Address'], ['other', 'Other Address']], { default: 'contact' }),
    street: f.char('Street'),
    street2: f.char('Street2'),
    zip: f.char('Zip'),
    city: f.char('City'),
    state_id: f.m2o('res.country.state', 'State'),
    country_id: f.m2o('res.country', 'Country'),
    country_code: f.char('Country Code', {
      readonly: true,
      compute: (store, rec) => (rec.country_id ? store.table('res.country').get(rec.country_id as number)?.code ?? null : null),
    }),
    email: f.char('Email'),
    email_normalized: f.char('Normalized Email', { computed: true }),
    phone: f.char('Phone'),
    mobile: f.char('Mobile'),
    is_company: f.bool('Is a Company', { default: false }),
    company_type: f.selection('Company Type', [['person', 'Individual'], ['company', 'Company']], {
      compute: (_store, rec) => (rec.is_company ? 'company' : 'person'),
    }),
    company_id: f.m2o('res.company', 'Company'),
    commercial_partner_id: f.m2o(MODEL, 'Commercial Entity', { computed: true, readonly: true }),
    commercial_company_name: f.char('Company Name Entity', { computed: true }),
    company_name: f.char('Company Name'),
    message_bounce: f.int('Bounce', { default: 0, help: 'Counter of the number of bounced emails for this contact' }),
    is_blacklisted: f.bool('Blacklist', {
      groups: 'base.group_user',
      compute: isBlacklisted,
      search: (store, op, value) => {
        if (op !== '=' && op !== '!=') throw fault.python('NotImplementedError');
        const want = (op === '=') === Boolean(value);
        return (rec) => isBlacklisted(store, rec) === want;
      },
    }),
    phone_blacklisted: f.bool('Blacklisted Phone is Phone', { compute: () => false }),
    mobile_blacklisted: f.bool('Blacklisted Phone Is Mobile', { compute: () => false }),
    phone_sanitized_blacklisted: f.bool('Phone Blacklisted', { compute: () => false }),
  },
  hooks: { prepareVals, afterCreate, beforeWrite, afterWrite, beforeUnlink, afterUnlink },
};

export const partnerTitleModel: ModelSpec = {
  name: 'res.partner.title',
  description: 'Partner Title',
  order: 'name',
  fields: { name: f.char('Title', { required: true }), shortcut: f.char('Abbreviation') },
};

export const partnerCategoryModel: ModelSpec = {
  name: 'res.partner.category',
  description: 'Partner Tags',
  order: 'name',
  parentName: 'parent_id',
  fields: {
    name: f.char('Name', { required: true }),
    color: f.int('Color'),
    parent_id: f.m2o('res.partner.category', 'Parent Category'),
    active: f.bool('Active', { default: true }),
  },
};
