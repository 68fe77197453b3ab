/**
 * The Odoo automation rule that pushes partner changes to the sidecar: "Send Webhook Notification" on res.partner,
 * on create or write of the trigger fields, POSTing to PUBLIC_URL/hooks/odoo/<CRM_HOOK_SECRET> (reference §12).
 * Found again by its name, so running set-up twice changes nothing and a drifted rule is put back in shape.
 */
import type { CrmClient } from '../crm/client.js';

export const RULE_NAME = 'Brevo sidecar: push partner changes';
/**
 * Odoo always sends _id and _model; write_date lets the sidecar drop a duplicate delivery of one change. Nothing
 * else: the sidecar re-reads the partner anyway (Odoo posts before its transaction commits), so no personal data
 * needs to travel in the request.
 */
export const PAYLOAD_FIELDS = ['write_date'];
const TRIGGER = 'on_create_or_write';

export interface RuleSpec {
  url: string;
  triggerFields: string[];
}

export type RuleOutcome = 'created' | 'updated' | 'unchanged';

interface RuleRow { id: number; trigger: string | false; active: boolean; trigger_field_ids: number[]; action_server_ids: number[] }
interface ActionRow { id: number; state: string; webhook_url: string | false; webhook_field_ids: number[] }

async function partnerModelId(crm: CrmClient): Promise<number> {
  const [id] = await crm.call<number[]>('ir.model', 'search', [[['model', '=', 'res.partner']]]);
  if (!id) throw new Error('Odoo has no res.partner model');
  return id;
}

/** ir.model.fields ids of these res.partner fields; a missing one is a configuration error worth naming. */
async function fieldIds(crm: CrmClient, modelId: number, names: string[]): Promise<number[]> {
  const rows = await crm.call<Array<{ id: number; name: string }>>(
    'ir.model.fields', 'search_read', [[['model_id', '=', modelId], ['name', 'in', names]]], { fields: ['name'] },
  );
  const missing = names.filter((name) => !rows.some((r) => r.name === name));
  if (missing.length) throw new Error(`res.partner has no field ${missing.join(', ')} (named by the field map)`);
  return rows.map((r) => r.id);
}

/** Our rules, archived ones included (an archived rule is reactivated rather than duplicated). */
function findRules(crm: CrmClient, modelId: number): Promise<RuleRow[]> {
  return crm.call<RuleRow[]>('base.automation', 'search_read', [[['name', '=', RULE_NAME], ['model_id', '=', modelId]]], {
    fields: ['trigger', 'active', 'trigger_field_ids', 'action_server_ids'], context: { active_test: false },
  });
}

async function webhookAction(crm: CrmClient, ids: number[]): Promise<ActionRow | undefined> {
  if (!ids.length) return undefined;
  const actions = await crm.call<ActionRow[]>('ir.actions.server', 'read', [ids, ['state', 'webhook_url', 'webhook_field_ids']]);
  return actions.find((a) => a.state === 'webhook');
}

const sameSet = (a: number[], b: number[]) => a.length === b.length && a.every((id) => b.includes(id));

export async function ensureAutomationRule(crm: CrmClient, spec: RuleSpec, dryRun: boolean): Promise<RuleOutcome> {
  const modelId = await partnerModelId(crm);
  const triggerIds = await fieldIds(crm, modelId, spec.triggerFields);
  const payloadIds = await fieldIds(crm, modelId, PAYLOAD_FIELDS);
  const action = { name: 'Send Webhook Notification', model_id: modelId, state: 'webhook', webhook_url: spec.url, webhook_field_ids: [[6, 0, payloadIds]] };
  const ruleValues = { active: true, trigger: TRIGGER, trigger_field_ids: [[6, 0, triggerIds]] };
  const [rule] = await findRules(crm, modelId);
  if (!rule) {
    if (!dryRun) {
      // Created archived and switched on with its trigger fields in one write (the reference sets trigger fields in a
      // write after the create): no partner write in between is posted without the trigger-field filter.
      const id = await crm.call<number>('base.automation', 'create', [{ name: RULE_NAME, model_id: modelId, trigger: TRIGGER, active: false, action_server_ids: [[0, 0, action]] }]);
      await crm.call('base.automation', 'write', [[id], ruleValues]);
    }
    return 'created';
  }
  const webhook = await webhookAction(crm, rule.action_server_ids);
  const ruleInShape = rule.active && rule.trigger === TRIGGER && sameSet(rule.trigger_field_ids, triggerIds);
  const actionInShape = !!webhook && webhook.webhook_url === spec.url && sameSet(webhook.webhook_field_ids, payloadIds);
  if (ruleInShape && actionInShape) return 'unchanged';
  if (!dryRun) {
    // `trigger` goes with the trigger fields in the same write, as Odoo needs when the fields change (reference §12).
    if (!ruleInShape) await crm.call('base.automation', 'write', [[rule.id], ruleValues]);
    if (webhook && !actionInShape) {
      await crm.call('ir.actions.server', 'write', [[webhook.id], { webhook_url: spec.url, webhook_field_ids: [[6, 0, payloadIds]] }]);
    }
    if (!webhook) await crm.call('base.automation', 'write', [[rule.id], { action_server_ids: [[0, 0, action]] }]);
  }
  return 'updated';
}

/** Removes our rule and its actions (actions first: whether Odoo cascades or not, nothing is left behind). */
export async function removeAutomationRule(crm: CrmClient, dryRun: boolean): Promise<'removed' | 'absent'> {
  const rules = await findRules(crm, await partnerModelId(crm));
  if (!rules.length) return 'absent';
  if (!dryRun) {
    const actions = rules.flatMap((r) => r.action_server_ids);
    if (actions.length) await crm.call('ir.actions.server', 'unlink', [actions]);
    await crm.call('base.automation', 'unlink', [rules.map((r) => r.id)]);
  }
  return 'removed';
}
