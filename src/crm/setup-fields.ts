/**
 * Creates the engagement fields on res.partner (ir.model.fields, state manual) and shows them on the partner form in a
 * "Brevo" page (an inherited ir.ui.view), so the marketing team sees them without customising Odoo by hand.
 * Idempotent: existing fields are left alone, the view is created once and then kept up to date.
 */
import type { CrmClient } from './client.js';
import type { EngagementFields } from '../inbound/engagement.js';
import { BREVO_STATUSES } from '../inbound/engagement.js';

export const VIEW_NAME = 'res.partner.form.brevo';

type FieldSpec = { ttype: string; label: string; readonly?: boolean };

const SPECS: Record<keyof EngagementFields, FieldSpec> = {
  status: { ttype: 'selection', label: 'Brevo Status' },
  openCount: { ttype: 'integer', label: 'Brevo Opens' },
  clickCount: { ttype: 'integer', label: 'Brevo Clicks' },
  softBounceCount: { ttype: 'integer', label: 'Brevo Soft Bounces' },
  lastOpen: { ttype: 'datetime', label: 'Brevo Last Open' },
  lastClick: { ttype: 'datetime', label: 'Brevo Last Click' },
  lastClickUrl: { ttype: 'char', label: 'Brevo Last Clicked URL' },
  lastEvent: { ttype: 'char', label: 'Brevo Last Event' },
  lastEventAt: { ttype: 'datetime', label: 'Brevo Last Event At' },
  eventSeq: { ttype: 'integer', label: 'Brevo Event Sequence' },
};

export interface FieldsSetupReport {
  created: string[];
  existing: string[];
  view: 'created' | 'updated' | 'unchanged' | 'planned';
}

function fieldValues(name: string, spec: FieldSpec, modelId: number): Record<string, unknown> {
  const values: Record<string, unknown> = { model_id: modelId, name, field_description: spec.label, ttype: spec.ttype, state: 'manual' };
  if (spec.ttype === 'selection') {
    values.selection_ids = BREVO_STATUSES.map(([value, label], i) => [0, 0, { value, name: label, sequence: i + 1 }]);
  }
  return values;
}

/** The page shown on the partner form; the sequence field is bookkeeping and stays invisible. */
export function viewArch(fields: EngagementFields): string {
  const shown = (Object.keys(SPECS) as Array<keyof EngagementFields>).filter((k) => k !== 'eventSeq');
  const lines = shown.map((k) => `<field name="${fields[k]}" readonly="1"/>`).join('');
  return `<xpath expr="//notebook" position="inside"><page string="Brevo" name="brevo_engagement"><group>${lines}<field name="${fields.eventSeq}" invisible="1"/></group></page></xpath>`;
}

export async function setupCrmFields(crm: CrmClient, fields: EngagementFields, dryRun: boolean): Promise<FieldsSetupReport> {
  const [modelId] = await crm.call<number[]>('ir.model', 'search', [[['model', '=', 'res.partner']]]);
  const names = Object.values(fields);
  const existing = await crm.call<Array<{ name: string }>>('ir.model.fields', 'search_read', [[['model_id', '=', modelId], ['name', 'in', names]]], { fields: ['name'] });
  const have = new Set(existing.map((f) => f.name));
  const missing = (Object.keys(SPECS) as Array<keyof EngagementFields>).filter((k) => !have.has(fields[k]));
  if (!dryRun) {
    for (const key of missing) await crm.call('ir.model.fields', 'create', [fieldValues(fields[key], SPECS[key], modelId)]);
  }
  const view = dryRun ? 'planned' : await upsertView(crm, viewArch(fields));
  return { created: missing.map((k) => fields[k]), existing: names.filter((n) => have.has(n)), view };
}

async function upsertView(crm: CrmClient, arch: string): Promise<FieldsSetupReport['view']> {
  const [form] = await crm.call<Array<{ res_id: number }>>('ir.model.data', 'search_read', [[['module', '=', 'base'], ['name', '=', 'view_partner_form']]], { fields: ['res_id'] });
  const [view] = await crm.call<Array<{ id: number; arch_db: string }>>('ir.ui.view', 'search_read', [[['name', '=', VIEW_NAME]]], { fields: ['arch_db'] });
  if (!view) {
    await crm.call('ir.ui.view', 'create', [{ name: VIEW_NAME, model: 'res.partner', inherit_id: form.res_id, type: 'form', mode: 'extension', arch_db: arch }]);
    return 'created';
  }
  if (view.arch_db === arch) return 'unchanged';
  await crm.call('ir.ui.view', 'write', [[view.id], { arch_db: arch }]);
  return 'updated';
}
