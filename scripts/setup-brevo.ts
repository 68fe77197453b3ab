/**
 * npm run setup-brevo [-- --dry-run] [--json]: creates the Brevo contact attributes the field map uses (only the
 * missing ones, as text) and checks that the configured list ids exist. Idempotent.
 */
import { Command } from 'commander';
import { brevoToolSchema, loadConfigWith, projectPath } from '../src/config.js';
import { BrevoSdkPlatform } from '../src/brevo/brevo-sdk.js';
import { loadFieldMap } from '../src/outbound/field-map-file.js';
import { setupBrevo } from '../src/outbound/brevo-setup.js';
import { Pacer } from '../src/outbound/pacer.js';
import { runCli } from './cli.js';

const program = new Command('setup-brevo')
  .description('Create the Brevo contact attributes the mapping uses and check the configured lists')
  .option('--dry-run', 'show what would be created, change nothing')
  .option('--json', 'print the report as JSON')
  .parse();

await runCli(async () => {
  const options = program.opts<{ dryRun?: boolean; json?: boolean }>();
  const config = loadConfigWith(brevoToolSchema, process.env);
  const platform = new BrevoSdkPlatform(config.brevo);
  const mapped = Object.keys(loadFieldMap(projectPath(config.fieldMapFile)).attributes);
  const pacer = new Pacer({ intervalCap: 5, intervalMs: 1000, authProbeMs: 10_000, probe: () => platform.probe() });
  const report = await setupBrevo(platform, mapped, config.brevo.listIds, !!options.dryRun, (call) => pacer.run(call)).finally(() => pacer.stop());
  if (options.json) {
    process.stdout.write(`${JSON.stringify({ dryRun: !!options.dryRun, ...report })}\n`);
  } else {
    const verb = options.dryRun ? 'would create' : 'created';
    process.stdout.write(`attributes ${verb}: ${report.created.join(', ') || 'none'}\n`);
    process.stdout.write(`attributes already present: ${report.present.join(', ') || 'none'}\n`);
    for (const list of report.lists) process.stdout.write(`list ${list.id}: ${list.exists ? 'ok' : 'MISSING'}\n`);
  }
  return report.ok ? 0 : 2;
});
