// base.automation and ir.actions.server: the sidecar creates a "Send Webhook
// Notification" rule (reference §12); webhooks.ts fires it on creates and writes.
import { fault } from '../faults.js';
import type { HookCtx, ModelSpec, Vals } from '../schema.js';
import { f } from '../schema.js';

const TRIGGERS: Array<[string, string]> = [
  ['on_stage_set', 'Stage is set to'], ['on_user_set', 'User is set'], ['on_tag_set', 'Tag is added'],
  ['on_state_set', 'State is set to'], ['on_priority_set', 'Priority is set to'], ['on_archive', 'On archived'],
  ['on_unarchive', 'On unarchived'], ['on_create_or_write', 'On save'], ['on_create', 'On creation'],
  ['on_write', 'On update'], ['on_unlink', 'On deletion'], ['on_change', 'On UI change'],
  ['on_time', 'Based on date field'], ['on_time_created', 'After creation'], ['on_time_updated', 'After last update'],
  ['on_message_received', 'On incoming message'], ['on_message_sent', 'On outgoing message'], ['on_webhook', 'On webhook'],
];

const ACTION_STATES: Array<[string, string]> = [
  ['object_write', 'Update Record'], ['object_create', 'Create Record'], ['code', 'Execute Code'],
  ['webhook', 'Send Webhook Notification'], ['multi', 'Execute Existing Actions'], ['mail_post', 'Send email'],
  ['followers', 'Add followers'], ['remove_followers', 'Remove followers'], ['next_activity', 'Create Activity'],
];

export const automationModel: ModelSpec = {
  name: 'base.automation',
  description: 'Automation Rule',
  order: 'id',
  fields: {
    name: f.char('Automation Rule Name', { required: true }),
    description: f.html('Description'),
    model_id: f.m2o('ir.model', 'Model', { required: true }),
    model_name: f.char('Model Name', { compute: (store, rec) => (store.table('ir.model').get(rec.model_id as number)?.model as string) ?? null }),
    active: f.bool('Active', { default: true }),
    trigger: f.selection('Trigger', TRIGGERS, { required: true }),
    trigger_field_ids: f.m2m('ir.model.fields', 'Trigger Fields'),
    filter_pre_domain: f.char('Before Update Domain'),
    filter_domain: f.char('Apply on'),
    action_server_ids: f.o2m('ir.actions.server', 'base_automation_id', 'Actions'),
    last_run: f.datetime('Last Run', { readonly: true }),
  },
  hooks: { beforeUnlink: deleteActions },
};

/** ir.actions.server.base_automation_id is ondelete='cascade': a rule takes its actions with it. */
function deleteActions({ store, env }: HookCtx, ids: number[]): void {
  const gone = new Set(ids);
  const actions = [...store.table('ir.actions.server').values()].filter((a) => gone.has(a.base_automation_id as number)).map((a) => a.id);
  if (actions.length) store.unlinkMany(env, store.def('ir.actions.server'), actions);
}

/** Webhook payloads may not carry group-restricted fields (is_blacklisted). */
function checkWebhookFields({ store }: HookCtx, ids: number[]): void {
  const table = store.table('ir.actions.server');
  const fields = store.table('ir.model.fields');
  for (const id of ids) {
    const action = table.get(id)!;
    if (action.state !== 'webhook') continue;
    const restricted = ((action.webhook_field_ids as number[]) ?? [])
      .map((fid) => fields.get(fid))
      .filter((fr) => fr && fr.groups);
    if (restricted.length) {
      const names = restricted.map((fr) => `- ${String(fr!.field_description)} (${String(fr!.name)})`).join('\n');
      throw fault.user(`Group-restricted fields cannot be included in webhook payloads, as it could allow any user to accidentally leak sensitive information. You will have to remove the following fields from the webhook payload in the following actions:\n${names}`);
    }
  }
}

/** Odoo 18 names webhook actions after their type. */
function renameWebhook(_ctx: HookCtx, vals: Vals): Vals {
  return vals.state === 'webhook' ? { ...vals, name: 'Send Webhook Notification' } : vals;
}

export const serverActionModel: ModelSpec = {
  name: 'ir.actions.server',
  description: 'Server Action',
  order: 'sequence,name',
  fields: {
    name: f.char('Action Name', { required: true, default: 'Server Action' }),
    type: f.char('Action Type', { default: 'ir.actions.server' }),
    usage: f.selection('Usage', [['ir_actions_server', 'Server Action'], ['ir_cron', 'Scheduled Action'], ['base_automation', 'Automation Rule']], { default: 'ir_actions_server' }),
    state: f.selection('Type', ACTION_STATES, { required: true, default: 'object_write' }),
    sequence: f.int('Sequence', { default: 5 }),
    model_id: f.m2o('ir.model', 'Model', { required: true }),
    model_name: f.char('Model Name', { compute: (store, rec) => (store.table('ir.model').get(rec.model_id as number)?.model as string) ?? null }),
    code: f.text('Python Code'),
    webhook_url: f.char('Webhook URL'),
    webhook_field_ids: f.m2m('ir.model.fields', 'Webhook Fields'),
    base_automation_id: f.m2o('base.automation', 'Automation Rule'),
    active: f.bool('Active', { default: true }),
  },
  hooks: {
    prepareVals: renameWebhook,
    create: (_ctx, valsList, next) =>
      next(valsList.map((v) => (v.base_automation_id ? { usage: 'base_automation', ...v } : v))),
    // A failing afterCreate makes the store take the new rows back out.
    afterCreate: checkWebhookFields,
    afterWrite: checkWebhookFields,
  },
};
