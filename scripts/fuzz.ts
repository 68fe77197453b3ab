/**
 * npm run fuzz -- [--requests N] [--seed N] [--log-level info|debug]
 * The hostile-input scenario alone (see scripts/chaos.ts): N generated hostile requests against every endpoint of
 * the real process with slow-loris clients and valid traffic alongside, then the secret scan of its logs.
 */
import { Command, InvalidArgumentError } from 'commander';
import { runSuite } from '../test/chaos/suite.js';
import { runCli } from './cli.js';

function positive(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n <= 0) throw new InvalidArgumentError('expected a positive whole number');
  return n;
}

const program = new Command('fuzz')
  .description('Thousands of hostile requests against the real process; one JSON line, the secret scan, a summary')
  .option('--requests <n>', 'hostile requests in all', positive, 10_000)
  .option('--seed <n>', 'seed of the generated requests (default: random, printed)', positive)
  .option('--log-level <level>', 'log level of the sidecar process (info, debug or trace); every line is scanned for secrets', 'debug')
  .parse();

await runCli(async () => {
  const options = program.opts<{ requests: number; seed?: number; logLevel: string }>();
  if (!['info', 'debug', 'trace'].includes(options.logLevel)) throw new Error('--log-level must be info, debug or trace');
  const seed = options.seed ?? Math.floor(Math.random() * 2 ** 31);
  process.stderr.write(`fuzz: seed ${seed}, ${options.requests} requests\n`);
  const problems = await runSuite(['hostile-input'], {
    seed, scale: 'full', logLevel: options.logLevel as 'info', requests: options.requests, audit: false,
  }, (line) => process.stdout.write(`${JSON.stringify(line)}\n`));
  for (const problem of problems) process.stderr.write(`FAILED ${problem}\n`);
  return problems.length ? 1 : 0;
});
process.exit(process.exitCode ?? 0);
