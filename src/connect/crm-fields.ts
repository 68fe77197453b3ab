/**
 * The CRM side of set-up beyond what `setup-crm-fields` does: what a dry run would do to the form page, and undoing
 * both. The page goes first: Odoo refuses to delete a field that a view still shows.
 */
import type { CrmClient } from '../crm/client.js';
import type { EngagementFields } from '../inbound/engagement.js';
import { VIEW_NAME, viewArch } from '../crm/setup-fields.js';

type ViewRow = { id: number; arch_db: string };

function findViews(crm: CrmClient): Promise<ViewRow[]> {
  return crm.call<ViewRow[]>('ir.ui.view', 'search_read', [[['name', '=', VIEW_NAME]]], { fields: ['arch_db'] });
}

/** What `setupCrmFields` would do to the form page (it reports only "planned" in a dry run). */
export async function formPagePlan(crm: CrmClient, fields: EngagementFields): Promise<'created' | 'updated' | 'unchanged'> {
  const [view] = await findViews(crm);
  if (!view) return 'created';
  return view.arch_db === viewArch(fields) ? 'unchanged' : 'updated';
}

export async function removeFormPage(crm: CrmClient, dryRun: boolean): Promise<'removed' | 'absent'> {
  const views = await findViews(crm);
  if (!views.length) return 'absent';
  if (!dryRun) await crm.call('ir.ui.view', 'unlink', [views.map((v) => v.id)]);
  return 'removed';
}

/** Deletes the engagement fields (their values go with them); only custom (manual) fields are ever touched. */
export async function removeEngagementFields(crm: CrmClient, fields: EngagementFields, dryRun: boolean): Promise<string[]> {
  const rows = await crm.call<Array<{ id: number; name: string }>>('ir.model.fields', 'search_read', [[
    ['model', '=', 'res.partner'], ['name', 'in', Object.values(fields)], ['state', '=', 'manual'],
  ]], { fields: ['name'] });
  if (rows.length && !dryRun) await crm.call('ir.model.fields', 'unlink', [rows.map((r) => r.id)]);
  return rows.map((r) => r.name).sort();
}
