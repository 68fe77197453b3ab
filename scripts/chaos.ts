/**
 * npm run chaos -- [--seed N] [--only a,b] [--quick] [--log-level info|debug] [--no-audit]
 * The fault, crash and hostile-input suite against the REAL sidecar process and the fakes on loopback: SIGKILLs at
 * seeded random moments (20 in the full run) during an initial sync, outbound pacing and right after webhook 200s;
 * Brevo, Odoo and disk faults; thousands of hostile requests; then the secret scan of every log line and
 * `npm audit --omit=dev`. Prints one JSON line per scenario and a summary line; exit code 1 when a promise broke.
 * A failing run is replayed with the seed it printed.
 */
import { Command, InvalidArgumentError } from 'commander';
import { runSuite, SCENARIOS } from '../test/chaos/suite.js';
import { runCli } from './cli.js';

function whole(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0) throw new InvalidArgumentError('expected a whole number');
  return n;
}

const program = new Command('chaos')
  .description('Crash, fault and hostile-input scenarios against the real process; one JSON line each, then a summary')
  .option('--seed <n>', 'seed of every random choice (default: random, printed on every line)', whole)
  .option('--only <names>', `comma-separated scenarios (${Object.keys(SCENARIOS).join(', ')})`)
  .option('--quick', 'the reduced sizes that `npm test` uses')
  .option('--log-level <level>', 'log level of the sidecar processes (info, debug or trace); every line is scanned for secrets', 'debug')
  .option('--no-audit', 'skip npm audit (it needs the registry)')
  .parse();

await runCli(async () => {
  const options = program.opts<{ seed?: number; only?: string; quick?: boolean; logLevel: string; audit: boolean }>();
  if (!['info', 'debug', 'trace'].includes(options.logLevel)) throw new Error('--log-level must be info, debug or trace');
  const names = options.only ? options.only.split(',').map((s) => s.trim()).filter(Boolean) : Object.keys(SCENARIOS);
  const seed = options.seed ?? Math.floor(Math.random() * 2 ** 31);
  process.stderr.write(`chaos: seed ${seed}, scenarios ${names.join(', ')}\n`);
  const problems = await runSuite(names, {
    seed, scale: options.quick ? 'quick' : 'full', logLevel: options.logLevel as 'info', audit: options.audit,
  }, (line) => process.stdout.write(`${JSON.stringify(line)}\n`));
  for (const problem of problems) process.stderr.write(`FAILED ${problem}\n`);
  return problems.length ? 1 : 0;
});
// Fakes and sockets are closed; anything still pending (a keep-alive timer) must not hold the exit code back.
process.exit(process.exitCode ?? 0);
