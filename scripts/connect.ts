/**
 * npm run connect [-- --dry-run] [--undo [--keep-fields]] [--json]
 * Connects a real Odoo and a real Brevo to the sidecar in one go: checks the Odoo credentials and version and the
 * Brevo key, creates the Brevo contact attributes (and checks the lists), the CRM engagement fields and form page, the
 * Odoo automation rule that pushes partner changes, and the Brevo webhooks. Idempotent; says what it did per step.
 * --undo removes the automation rule, the webhooks, the form page and the engagement fields (Brevo attributes and
 * lists are kept: they hold the contacts' data).
 */
import { Command } from 'commander';
import { connectToolSchema, loadConfigWith, projectPath } from '../src/config.js';
import { OdooXmlRpcClient } from '../src/crm/odoo-xmlrpc.js';
import { BrevoSdkPlatform } from '../src/brevo/brevo-sdk.js';
import { loadFieldMap } from '../src/outbound/field-map-file.js';
import { connectSettings } from '../src/connect/settings.js';
import { runConnect } from '../src/connect/connect.js';
import { formatReport } from '../src/connect/report.js';
import { runCli } from './cli.js';

const program = new Command('connect')
  .description('Set up Odoo and Brevo for the sidecar (idempotent): credentials, attributes, fields, automation rule, webhooks')
  .option('--dry-run', 'print the plan, change nothing')
  .option('--undo', 'remove the automation rule, the Brevo webhooks, the form page and the engagement fields')
  .option('--keep-fields', 'with --undo: keep the engagement fields and their data in the CRM')
  .option('--json', 'print the report as JSON')
  .parse();

await runCli(async () => {
  const options = program.opts<{ dryRun?: boolean; undo?: boolean; keepFields?: boolean; json?: boolean }>();
  const config = loadConfigWith(connectToolSchema, process.env);
  const settings = connectSettings(config, loadFieldMap(projectPath(config.fieldMapFile)));
  const crm = new OdooXmlRpcClient({ ...config.odoo, timeoutMs: config.odoo.timeoutSeconds * 1000 });
  const platform = new BrevoSdkPlatform(config.brevo);
  const report = await runConnect({ crm, platform }, settings, { dryRun: !!options.dryRun, undo: !!options.undo, keepFields: !!options.keepFields });
  process.stdout.write(options.json ? `${JSON.stringify(report)}\n` : formatReport(report));
  return report.ok ? 0 : 1;
});
