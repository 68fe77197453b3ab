/**
 * `npm run connect`: every set-up step an admin would otherwise do by hand, in order, each checked and reported.
 * Idempotent (a second run reports "already there"), with a dry run that only reads, and an undo that removes what
 * connect puts in place. A step that throws stops the run: later steps depend on the earlier ones.
 */
import type { CrmClient } from '../crm/client.js';
import type { EmailPlatform } from '../brevo/platform.js';
import { setupCrmFields } from '../crm/setup-fields.js';
import { registerWebhooks } from '../brevo/webhook-registration.js';
import { setupBrevo } from '../outbound/brevo-setup.js';
import { Pacer } from '../outbound/pacer.js';
import { redactUrl } from '../log.js';
import { ensureAutomationRule, removeAutomationRule } from './automation-rule.js';
import { formPagePlan, removeEngagementFields, removeFormPage } from './crm-fields.js';
import { removeWebhooks } from './brevo-webhooks.js';
import { verifyBrevoKey, verifyOdoo } from './verify.js';
import type { ConnectSettings } from './settings.js';
import { STEP_LABELS, type ConnectReport, type StepAction, type StepId, type StepReport } from './report.js';

export interface ConnectClients {
  crm: CrmClient;
  platform: EmailPlatform;
}

export interface ConnectOptions {
  dryRun: boolean;
  undo: boolean;
  /** With undo: leave the engagement fields (and the data in them) in the CRM. */
  keepFields: boolean;
}

type Outcome = { action: StepAction; detail?: string };

/** Collects step reports; after a step throws, the remaining steps are skipped. */
class Steps {
  readonly reports: StepReport[] = [];
  stopped = false;

  async run(step: StepId, work: () => Promise<Outcome>): Promise<void> {
    if (this.stopped) return;
    try {
      this.record(step, await work());
    } catch (err) {
      this.record(step, { action: 'failed', detail: (err as Error).message });
      this.stopped = true;
    }
  }

  record(step: StepId, outcome: Outcome): void {
    this.reports.push({ step, label: STEP_LABELS[step], ...outcome });
  }
}

export async function runConnect(clients: ConnectClients, settings: ConnectSettings, options: ConnectOptions): Promise<ConnectReport> {
  // Brevo allows 10 calls per second on contacts: creating attributes keeps to the sidecar's own pace (5 per second).
  const pacer = new Pacer({ intervalCap: 5, intervalMs: 1000, authProbeMs: 10_000, probe: () => clients.platform.probe() });
  try {
    return await runSteps(clients, settings, options, pacer);
  } finally {
    pacer.stop();
  }
}

async function runSteps(clients: ConnectClients, settings: ConnectSettings, options: ConnectOptions, pacer: Pacer): Promise<ConnectReport> {
  const steps = new Steps();
  await steps.run('odoo', async () => ({ action: 'checked', detail: await verifyOdoo(clients.crm, settings.odoo) }));
  await steps.run('brevo-key', async () => ({ action: 'checked', detail: await verifyBrevoKey(settings.brevo) }));
  if (options.undo) await undo(steps, clients, settings, options);
  else await connect(steps, clients, settings, options.dryRun, pacer);
  return {
    mode: options.undo ? 'undo' : 'connect',
    dryRun: options.dryRun,
    ok: steps.reports.every((s) => s.action !== 'failed'),
    steps: steps.reports,
  };
}

const names = (list: string[]) => list.join(', ');

async function connect(steps: Steps, clients: ConnectClients, settings: ConnectSettings, dryRun: boolean, pacer: Pacer): Promise<void> {
  const { crm } = clients;
  let lists: Outcome | undefined;
  await steps.run('brevo-attributes', async () => {
    const report = await setupBrevo(clients.platform, settings.attributes, settings.brevo.listIds, dryRun, (call) => pacer.run(call));
    const missing = report.lists.filter((l) => !l.exists).map((l) => l.id);
    // The lists are checked, not created: which lists contacts join is the marketing team's choice.
    lists = missing.length
      ? { action: 'failed', detail: `list ${missing.join(', ')} does not exist: create it in Brevo or fix BREVO_LIST_IDS` }
      : { action: 'checked', detail: `list ${names(report.lists.map((l) => String(l.id)))} exists` };
    return report.created.length
      ? { action: 'created', detail: names(report.created) }
      : { action: 'unchanged', detail: names(report.present) };
  });
  if (lists) steps.record('brevo-lists', lists);

  let view: Outcome['action'] = 'unchanged';
  await steps.run('crm-fields', async () => {
    const report = await setupCrmFields(crm, settings.engagementFields, dryRun);
    view = report.view === 'planned' ? await formPagePlan(crm, settings.engagementFields) : report.view;
    return report.created.length
      ? { action: 'created', detail: names(report.created) }
      : { action: 'unchanged', detail: `${report.existing.length} fields` };
  });
  await steps.run('crm-form-page', async () => ({ action: view, detail: 'engagement fields on the partner form' }));
  await steps.run('automation-rule', async () => ({
    action: await ensureAutomationRule(crm, { url: settings.hookUrl, triggerFields: settings.triggerFields }, dryRun),
    detail: `POST ${redactUrl(settings.hookUrl)} when one of ${names(settings.triggerFields)} changes`,
  }));
  await steps.run('brevo-webhooks', async () => {
    const results = await registerWebhooks({
      apiKey: settings.brevo.apiKey, baseUrl: settings.brevo.baseUrl, url: settings.brevoWebhookUrl, bearerToken: settings.bearerToken, dryRun,
    });
    // A dry run only knows whether each webhook exists; a real run also updates one whose events differ.
    const actions = results.map((r): StepAction => (r.action === 'planned' ? (r.id ? 'unchanged' : 'created') : r.action));
    const action = actions.find((a) => a === 'created') ?? actions.find((a) => a === 'updated') ?? 'unchanged';
    return { action, detail: `${results.map((r) => `${r.type}${r.id ? ` #${r.id}` : ''}`).join(', ')} → ${settings.brevoWebhookUrl}` };
  });
}

async function undo(steps: Steps, clients: ConnectClients, settings: ConnectSettings, options: ConnectOptions): Promise<void> {
  const { crm } = clients;
  const { dryRun } = options;
  // Pushes and events stop first, then the CRM customisations go.
  await steps.run('automation-rule', async () => ({ action: await removeAutomationRule(crm, dryRun) }));
  await steps.run('brevo-webhooks', async () => {
    const removed = await removeWebhooks(settings.brevo, settings.brevoWebhookUrl, dryRun);
    return removed.length ? { action: 'removed', detail: removed.map((w) => `${w.type} #${w.id}`).join(', ') } : { action: 'absent' };
  });
  await steps.run('crm-form-page', async () => ({ action: await removeFormPage(crm, dryRun) }));
  await steps.run('crm-fields', async () => {
    if (options.keepFields) return { action: 'kept', detail: 'the engagement data stays in the CRM (--keep-fields)' };
    const removed = await removeEngagementFields(crm, settings.engagementFields, dryRun);
    return removed.length ? { action: 'removed', detail: `${names(removed)} (their values are deleted)` } : { action: 'absent' };
  });
  if (!steps.stopped) steps.record('brevo-attributes', { action: 'kept', detail: 'contact attributes and lists hold the contacts\' data: never removed' });
}
