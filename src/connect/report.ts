/**
 * What `npm run connect` says about each set-up step: one line per step, the same vocabulary everywhere ("created",
 * "already there", "updated"...), and the same report as JSON for scripts.
 */
export type StepAction = 'checked' | 'created' | 'updated' | 'unchanged' | 'removed' | 'absent' | 'kept' | 'failed';

export type StepId =
  | 'odoo' | 'brevo-key' | 'brevo-attributes' | 'brevo-lists' | 'crm-fields' | 'crm-form-page' | 'automation-rule'
  | 'brevo-webhooks';

export interface StepReport {
  step: StepId;
  label: string;
  action: StepAction;
  detail?: string;
}

export interface ConnectReport {
  mode: 'connect' | 'undo';
  dryRun: boolean;
  ok: boolean;
  steps: StepReport[];
}

export const STEP_LABELS: Record<StepId, string> = {
  odoo: 'Odoo credentials and version',
  'brevo-key': 'Brevo API key',
  'brevo-attributes': 'Brevo contact attributes',
  'brevo-lists': 'Brevo lists',
  'crm-fields': 'CRM engagement fields',
  'crm-form-page': 'Partner form page "Brevo"',
  'automation-rule': 'Automation rule "Send Webhook Notification"',
  'brevo-webhooks': 'Brevo webhooks',
};

const SAID: Record<StepAction, [real: string, dryRun: string]> = {
  checked: ['ok', 'ok'],
  created: ['created', 'would create'],
  updated: ['updated', 'would update'],
  unchanged: ['already there', 'already there'],
  removed: ['removed', 'would remove'],
  absent: ['not there', 'not there'],
  kept: ['kept', 'would keep'],
  failed: ['FAILED', 'FAILED'],
};

export function describeAction(action: StepAction, dryRun: boolean): string {
  return SAID[action][dryRun ? 1 : 0];
}

/** The human table: one aligned line per step, then a one-line verdict. */
export function formatReport(report: ConnectReport): string {
  const width = Math.max(...Object.values(STEP_LABELS).map((l) => l.length));
  const lines = report.steps.map((s) => {
    const said = describeAction(s.action, report.dryRun);
    return `  ${s.label.padEnd(width)}  ${said.padEnd(13)}${s.detail ? `  ${s.detail}` : ''}`;
  });
  const what = report.mode === 'undo' ? 'undo' : 'connect';
  const verdict = !report.ok
    ? `${what}: stopped, see the FAILED step`
    : report.dryRun ? `${what}: dry run, nothing was changed` : `${what}: done`;
  return `${lines.join('\n')}\n${verdict}\n`;
}
