/**
 * The chaos suite as `npm run chaos` and `npm run fuzz` run it: each scenario in a world of its own (fresh fakes,
 * fresh SQLite file, its own secrets), sized for the full run or the quick one, then the security checks over
 * everything the worlds logged. One JSON line per scenario on stdout, then a summary line.
 */
import { crashInitialSync, crashOutbound, crashWebhooks } from './scenarios/crash.js';
import { brevoFaults, odooFaults } from './scenarios/faults.js';
import { diskFaults } from './scenarios/disk.js';
import { hostileInput } from './scenarios/hostile.js';
import { failures, summarise, type ScenarioResult } from './result.js';
import { Rng } from './rng.js';
import { npmAudit, secretsInLog, surfaceChecks } from './security.js';
import { World, type WorldOptions } from './world.js';

export type Scale = 'full' | 'quick';

export interface SuiteOptions {
  seed: number;
  scale: Scale;
  logLevel: NonNullable<WorldOptions['logLevel']>;
  /** Hostile requests in all (in rounds of about 1,000). */
  requests?: number;
  audit: boolean;
}

const pick = <T>(scale: Scale, full: T, quick: T): T => (scale === 'full' ? full : quick);

type Scenario = (rng: Rng, options: SuiteOptions, worlds: World[]) => Promise<ScenarioResult>;

/** Runs `body` in a fresh world (the scenario starts the process, so its first run counts), then closes it; a damaged
 * SQLite file is one more violation. */
async function inWorld(options: SuiteOptions, worlds: World[], body: (world: World) => Promise<ScenarioResult>): Promise<ScenarioResult> {
  const world = await World.create({ logLevel: options.logLevel });
  worlds.push(world);
  let result: ScenarioResult | undefined;
  try {
    result = await body(world);
  } finally {
    const { integrity } = await world.close();
    if (result && integrity !== 'ok') result.violations = [...((result.violations as string[] | undefined) ?? []), `SQLite integrity: ${integrity}`];
  }
  return result;
}

/** Every scenario, in the order of the full run; 20 kills in all at full scale (6 + 7 + 7). */
export const SCENARIOS: Record<string, Scenario> = {
  'crash-initial-sync': (rng, o, worlds) => crashInitialSync(rng, {
    partners: pick(o.scale, 3000, 600), kills: pick(o.scale, 6, 1), maxImportsBeforeKill: 4, killWindowMs: 500, seed: rng.int(1, 1e6),
  }, (world) => worlds.push(world)),
  'crash-outbound': (rng, o, worlds) => inWorld(o, worlds, (world) => crashOutbound(world, rng, {
    partners: pick(o.scale, 120, 25), kills: pick(o.scale, 7, 1), killDelayMs: [500, pick(o.scale, 6000, 2500)], settleMs: 180_000,
  })),
  'crash-webhooks': (rng, o, worlds) => inWorld(o, worlds, (world) => crashWebhooks(world, rng, {
    partners: pick(o.scale, 40, 10), kills: pick(o.scale, 7, 1), maxAcceptedBeforeKill: pick(o.scale, 25, 5), batchesAfter: pick(o.scale, 25, 5), settleMs: 180_000,
  })),
  'brevo-faults': (rng, o, worlds) => inWorld(o, worlds, (world) => brevoFaults(world, rng, {
    partners: pick(o.scale, 80, 20), rateLimitStorm: pick(o.scale, 8, 3), rateLimitResetSeconds: pick(o.scale, 2, 1), revokedMs: pick(o.scale, 4000, 1000), settleMs: 180_000,
  })),
  'odoo-faults': (rng, o, worlds) => inWorld(o, worlds, (world) => odooFaults(world, rng, {
    partners: pick(o.scale, 25, 8), batchesPerFault: pick(o.scale, 10, 3), faultMs: pick(o.scale, 4000, 1000), settleMs: 120_000,
  })),
  'disk-faults': (rng, o, worlds) => inWorld(o, worlds, (world) => diskFaults(world, rng, {
    partners: pick(o.scale, 30, 8), faults: pick(o.scale, 3, 1), batchesPerFault: pick(o.scale, 10, 6), faultMs: pick(o.scale, 3000, 1000), settleMs: 120_000,
  })),
  'hostile-input': (rng, o, worlds) => inWorld(o, worlds, async (world) => {
    const requests = o.requests ?? pick(o.scale, 10_000, 300);
    // Rounds of ~1,000: enough of them to judge the heap's lows (see scenarios/hostile.ts).
    const rounds = Math.max(2, Math.round(requests / 1000));
    const result = await hostileInput(world, rng, {
      rounds, casesPerRound: Math.ceil(requests / rounds), concurrency: pick(o.scale, 16, 8), slowClients: pick(o.scale, 200, 10), slowHoldMs: pick(o.scale, 75_000, 0),
      validBatchesPerRound: pick(o.scale, 40, 8), settleMs: 120_000,
    });
    const surface = await surfaceChecks(world);
    (result.violations as string[]).push(...surface);
    return result;
  }),
};

async function security(worlds: World[], options: SuiteOptions, startedAt: number): Promise<ScenarioResult> {
  const secretsFound: Record<string, number> = {};
  let lines = 0;
  for (const world of worlds) {
    lines += world.logLines();
    for (const [name, count] of Object.entries(secretsInLog(world))) secretsFound[name] = (secretsFound[name] ?? 0) + count;
  }
  const violations = Object.keys(secretsFound).length ? [`secrets in the logs: ${JSON.stringify(secretsFound)}`] : [];
  const audit = options.audit ? await npmAudit() : { ran: false, error: 'skipped (--no-audit)' };
  const severe = (audit.vulnerabilities?.high ?? 0) + (audit.vulnerabilities?.critical ?? 0);
  if (severe) violations.push(`npm audit --omit=dev: ${severe} high or critical advisories`);
  return {
    scenario: 'security', runs: 0, lost: 0, duplicated: 0, forged_applied: 0, dead_letters_transient: 0, crashes: 0,
    seconds: Math.round((Date.now() - startedAt) / 100) / 10, worlds: worlds.length, log_lines: lines,
    secrets_in_logs: secretsFound, npm_audit: audit, violations,
  };
}

/** Runs the named scenarios (all by default), printing each line as it completes; resolves with the failures. */
export async function runSuite(names: string[], options: SuiteOptions, print: (line: Record<string, unknown>) => void): Promise<string[]> {
  const startedAt = Date.now();
  const root = new Rng(options.seed);
  const worlds: World[] = [];
  const results: ScenarioResult[] = [];
  const problems: string[] = [];
  for (const name of names) {
    const scenario = SCENARIOS[name];
    if (!scenario) throw new Error(`unknown scenario '${name}' (known: ${Object.keys(SCENARIOS).join(', ')})`);
    let result: ScenarioResult;
    try {
      result = await scenario(root.fork(name), options, worlds);
    } catch (err) {
      result = { scenario: name, runs: 0, lost: 0, duplicated: 0, forged_applied: 0, dead_letters_transient: 0, crashes: 0, seconds: 0, violations: [`scenario failed: ${(err as Error).message.slice(0, 500)}`] };
    }
    const crashes = worlds.flatMap((w) => w.crashes);
    if (result.crashes && crashes.length) result.crash_output = crashes.at(-1)!.tail.slice(-1500);
    results.push(result);
    print({ ...result, seed: options.seed });
    problems.push(...failures(result).map((f) => `${name}: ${f}`));
  }
  const checks = await security(worlds, options, Date.now());
  results.push(checks);
  print({ ...checks, seed: options.seed });
  problems.push(...failures(checks).map((f) => `security: ${f}`));
  print({ ...summarise(results, (Date.now() - startedAt) / 1000), seed: options.seed, passed: problems.length === 0 });
  return problems;
}
