/**
 * npm run bench:initial-sync -- --partners N [--page-size N] [--poll-seconds S]
 * Seeds the fake Odoo with N partners, starts the fake Brevo and a sidecar (which receives the import callbacks), then
 * runs `scripts/initial-sync.ts` as a child process against them, so the memory measured is the sync's alone (the
 * child reports its peak RSS). Prints one JSON line. `seconds` is the run as the sync measures it (start of the run to
 * the last import confirmed), without the child's start-up.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Command } from 'commander';
import { loadConfig, PROJECT_ROOT } from '../src/config.js';
import { createLogger } from '../src/log.js';
import { createSidecar } from '../src/sidecar.js';
import type { Report } from '../src/initial-sync/report.js';
import { startFakeOdoo } from '../test/fakes/odoo/index.js';
import { startFakeBrevo } from '../test/fakes/brevo/index.js';
import { DEFAULT_ATTRIBUTES } from '../test/fakes/brevo/attribute-registry.js';
import { BREVO_KEY, fakeEnv, MAPPED_ATTRIBUTES, tempDatabasePath } from '../test/helpers/harness.js';

const options = new Command('bench:initial-sync')
  .option('--partners <n>', 'partners to seed', (v) => Number.parseInt(v, 10), 100_000)
  .option('--page-size <n>', 'partners per Odoo page', (v) => Number.parseInt(v, 10), 2000)
  .option('--poll-seconds <s>', 'fallback poll interval of the run', Number, 5)
  .parse()
  .opts<{ partners: number; pageSize: number; pollSeconds: number }>();

type ChildReport = Report & { process: { peakRssMb: number; decodeSeconds: number } };

function runChild(env: NodeJS.ProcessEnv): Promise<ChildReport> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(PROJECT_ROOT, 'scripts/initial-sync.ts'), '--json', '--batch-size', String(options.pageSize)], {
    env: { PATH: process.env.PATH, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let stdout = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  return new Promise((resolve, reject) => {
    child.on('exit', (code) => {
      try {
        resolve(JSON.parse(stdout) as ChildReport);
      } catch {
        reject(new Error(`initial-sync exited with ${code}: ${stdout}`));
      }
    });
  });
}

const odoo = await startFakeOdoo({ partners: options.partners, seed: 7 });
const attributes = [...DEFAULT_ATTRIBUTES, ...MAPPED_ATTRIBUTES.filter((name) => !DEFAULT_ATTRIBUTES.some((a) => a.name === name)).map((name) => ({ name, category: 'normal', type: 'text' }))];
const brevo = await startFakeBrevo({ apiKeys: [BREVO_KEY], attributes });
const databasePath = tempDatabasePath();
const env = fakeEnv(odoo, brevo, databasePath);
const sidecar = createSidecar(loadConfig(env), createLogger('silent'), { cron: false });
const port = await sidecar.start();
const configFile = join(dirname(databasePath), 'bench.json');
writeFileSync(configFile, JSON.stringify({ initialSync: { pollSeconds: options.pollSeconds } }));

const report = await runChild({ ...env, PUBLIC_URL: `http://127.0.0.1:${port}`, CONFIG_FILE: configFile, LOG_LEVEL: 'silent' });
const round = (n: number) => Math.round(n);
process.stdout.write(`${JSON.stringify({
  partners: options.partners,
  seconds: report.seconds,
  partners_per_s: round(report.partnersRead / report.seconds),
  brevo_calls: report.brevoCalls.total,
  odoo_calls: report.odooCalls,
  chunks: report.chunks.total,
  peak_rss_mb: report.process.peakRssMb,
  decode_partners_per_s: round(report.partnersRead / report.process.decodeSeconds),
  status: report.status,
  imported: report.contactsImported,
  polls: report.brevoCalls.polls,
})}\n`);
await sidecar.stop();
await Promise.all([odoo.close(), brevo.close()]);
