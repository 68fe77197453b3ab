/**
 * npm run initial-sync -- [--dry-run] [--limit N] [--batch-size N] [--since DATE] [--json] [--resume | --restart]
 * The first bulk import of the CRM's partners into Brevo, through Brevo's import endpoint. Resumable: a killed or
 * failed run continues where it stopped when run again. Exit code 0 when everything was imported (or planned, in a
 * dry run), 2 when something failed (the report says what), 1 on a configuration or start-up error.
 */
import { setFlagsFromString } from 'node:v8';
import { Command, InvalidArgumentError } from 'commander';
import { odooSince } from '../src/initial-sync/options.js';
import { PageWorker } from '../src/initial-sync/page-source.js';

/**
 * The Brevo SDK's fetch parses HTTP answers with undici's llhttp, which is WebAssembly. On the first answer V8
 * recompiles llhttp's parser function with its optimising compiler: about 24 MB of memory for a quarter of a second
 * (measured: ~20 MB more peak RSS for the whole sync), to parse a few small import answers that V8's baseline code
 * parses as well. Set before the first request compiles llhttp.
 */
setFlagsFromString('--liftoff-only');

function positive(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n <= 0) throw new InvalidArgumentError('expected a positive whole number');
  return n;
}

function since(value: string): string {
  try {
    return odooSince(value);
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message.replace(/^--since: /, ''));
  }
}

const program = new Command('initial-sync')
  .description('Import every CRM partner with an e-mail into Brevo (bulk import; resumable; never duplicates a contact)')
  .option('--dry-run', 'read and map everything, print counts, a sample and the planned chunks; make no Brevo call')
  .option('--limit <n>', 'stop after reading N partners', positive)
  .option('--batch-size <n>', 'partners read per Odoo page (default: initialSync.pageSize)', positive)
  .option('--since <date>', "only partners written since DATE, 'YYYY-MM-DD' or 'YYYY-MM-DD HH:MM:SS' (UTC)", since)
  .option('--json', 'print the report as JSON')
  .option('--resume', 'continue the unfinished run (the default when there is one)')
  .option('--restart', 'abandon the unfinished run and start from the first partner')
  .parse();

// The page worker loads its modules (~0.4 s) while this thread loads the Brevo SDK, zod and SQLite: those modules are
// imported only once it is on its way.
const worker = PageWorker.start();
const [{ initialSyncToolSchema, loadConfigWith }, { initialSyncFromConfig }, { createProgress }, { renderReport }, { runCli }] = await Promise.all([
  import('../src/config.js'), import('../src/initial-sync/from-config.js'), import('../src/initial-sync/progress.js'),
  import('../src/initial-sync/report.js'), import('./cli.js'),
]);

await runCli(async () => {
  const options = program.opts<{ dryRun?: boolean; limit?: number; batchSize?: number; since?: string; json?: boolean; resume?: boolean; restart?: boolean }>();
  if (options.resume && options.restart) throw new Error('--resume and --restart exclude each other');
  const config = loadConfigWith(initialSyncToolSchema, process.env);
  const { report, decodeSeconds } = await initialSyncFromConfig(
    config,
    { ...options, mode: options.restart ? 'restart' : options.resume ? 'resume' : 'auto' },
    createProgress(process.stderr),
    worker,
  );
  // The process figures let a benchmark judge this run alone (peak memory of this process, time spent decoding).
  const usage = process.resourceUsage();
  const figures = {
    decodeSeconds: Math.round(decodeSeconds * 1000) / 1000,
    peakRssMb: Math.round(usage.maxRSS / 1024),
    cpuSeconds: Math.round((usage.userCPUTime + usage.systemCPUTime) / 1e5) / 10,
  };
  process.stdout.write(options.json ? `${JSON.stringify({ ...report, process: figures })}\n` : renderReport(report));
  return report.status === 'failed' ? 2 : 0;
});
