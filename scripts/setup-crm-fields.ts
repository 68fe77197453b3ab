/**
 * npm run setup-crm-fields [-- --dry-run] [--json]: creates the Brevo engagement fields on res.partner and the "Brevo"
 * page of the partner form, over XML-RPC. Idempotent; says what it created.
 */
import { Command } from 'commander';
import { crmToolSchema, loadConfigWith } from '../src/config.js';
import { OdooXmlRpcClient } from '../src/crm/odoo-xmlrpc.js';
import { setupCrmFields } from '../src/crm/setup-fields.js';
import { runCli } from './cli.js';

const program = new Command('setup-crm-fields')
  .description('Create the Brevo engagement fields on Odoo partners and show them on the partner form')
  .option('--dry-run', 'show what would be created, change nothing')
  .option('--json', 'print the report as JSON')
  .parse();

await runCli(async () => {
  const options = program.opts<{ dryRun?: boolean; json?: boolean }>();
  const config = loadConfigWith(crmToolSchema, process.env);
  const crm = new OdooXmlRpcClient({ ...config.odoo, timeoutMs: config.odoo.timeoutSeconds * 1000 });
  const report = await setupCrmFields(crm, config.inbound.fields, !!options.dryRun);
  if (options.json) {
    process.stdout.write(`${JSON.stringify({ dryRun: !!options.dryRun, ...report })}\n`);
  } else {
    process.stdout.write(`fields ${options.dryRun ? 'to create' : 'created'}: ${report.created.join(', ') || 'none'}\n`);
    process.stdout.write(`fields already there: ${report.existing.join(', ') || 'none'}\n`);
    process.stdout.write(`partner form page "Brevo": ${report.view}\n`);
  }
});
