/**
 * npm run bench:initial-sync -- --partners N [--page-size N] [--poll-seconds S] [--tsx]
 *
 * Seeds the fake Odoo with N partners and starts a sidecar (which receives the import callbacks) in this process, the
 * fake Brevo in a process of its own (like the real services, one's import work does not stall the other), then runs
 * the initial sync as a child process, with the npm script's settings, compiled to JavaScript by tsc as it runs in
 * production: the memory it reports (its own peak RSS) is the sync's alone. `--tsx` runs `npm run initial-sync --
 * --json` instead, exactly as an admin does from a checkout: TypeScript through tsx, whose loader thread adds ~50 MB.
 *
 * Prints one JSON line. `seconds` is the run as the sync measures it (start of the run to the last import confirmed),
 * without process start-up; `decode_partners_per_s` is measured inside the run (XML-RPC decoding time only).
 */
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { setPriority } from 'node:os';
import { dirname, join } from 'node:path';
import { Command } from 'commander';
import { loadConfig, projectPath, PROJECT_ROOT } from '../src/config.js';
import { loadFieldMap } from '../src/outbound/field-map-file.js';
import { syncFields } from '../src/initial-sync/reader.js';
import { createLogger } from '../src/log.js';
import { createSidecar } from '../src/sidecar.js';
import type { Report } from '../src/initial-sync/report.js';
import { cpuSeconds, machineTicks, referenceMs, stealPercent } from './proc-cpu.js';
import { startFakeOdoo } from '../test/fakes/odoo/index.js';
import { startFakeBrevo, type FakeBrevo } from '../test/fakes/brevo/index.js';
import { DEFAULT_ATTRIBUTES } from '../test/fakes/brevo/attribute-registry.js';
import { BREVO_KEY, fakeEnv, MAPPED_ATTRIBUTES, tempDatabasePath } from '../test/helpers/harness.js';

const options = new Command('bench:initial-sync')
  .option('--partners <n>', 'partners to seed', (v) => Number.parseInt(v, 10), 100_000)
  .option('--page-size <n>', 'partners per Odoo page', (v) => Number.parseInt(v, 10), 2000)
  .option('--poll-seconds <s>', 'fallback poll interval of the run', Number, 5)
  .option('--chunk-bytes <n>', 'largest import body (default: the configured one)', (v) => Number.parseInt(v, 10))
  .option('--tsx', 'run the sync as `npm run initial-sync` does, through tsx, rather than compiled by tsc')
  .option('--serve-brevo', 'internal: serve the fake Brevo until stdin closes')
  .parse()
  .opts<{ partners: number; pageSize: number; pollSeconds: number; chunkBytes?: number; tsx?: boolean; serveBrevo?: boolean }>();

/**
 * Up to this many partners, the fake Odoo encodes the rows the sync will ask for before the run (~2 kB each), so that
 * serving a page costs it a copy: Odoo runs on machines of its own, and the run should measure the sidecar, not the
 * fake's encoding on the sidecar's two cores. Larger runs (the memory check at 1,000,000) encode each page when asked.
 */
const ENCODE_AHEAD_MAX = 250_000;

/** The fake Brevo's scheduling priority (nice): below the sync's. */
const BREVO_NICENESS = 10;

/** The npm script's heap and malloc settings, so the compiled run is the same process minus tsx. */
const HEAP_FLAGS = ['--max-old-space-size=256', '--max-semi-space-size=4'];
const MALLOC_ENV = { MALLOC_ARENA_MAX: '2' };

type ChildReport = Report & { process: { peakRssMb: number; decodeSeconds: number; cpuSeconds: number } };

function brevoAttributes() {
  return [...DEFAULT_ATTRIBUTES, ...MAPPED_ATTRIBUTES.filter((name) => !DEFAULT_ATTRIBUTES.some((a) => a.name === name)).map((name) => ({ name, category: 'normal', type: 'text' }))];
}

if (options.serveBrevo) {
  const brevo = await startFakeBrevo({ apiKeys: [BREVO_KEY], attributes: brevoAttributes() });
  process.stdout.write(`${JSON.stringify({ baseUrl: brevo.baseUrl, contacts: 0 })}\n`);
  // The parent asks for the contact count at the end (a line on stdin), and closes stdin to stop us.
  createInterface({ input: process.stdin }).on('line', () => process.stdout.write(`${JSON.stringify({ contacts: brevo.state.contacts.size })}\n`)).on('close', () => {
    void brevo.close().then(() => process.exit(0));
  });
} else {
  await bench();
}

/** The fake Brevo in its own process: resolves with its base URL and a way to ask its contact count. */
async function startBrevoProcess(): Promise<{ fake: Pick<FakeBrevo, 'baseUrl'>; pid: number; contacts(): Promise<number>; stop(): void }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(PROJECT_ROOT, 'scripts/bench-initial-sync.ts'), '--serve-brevo'], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  // Brevo processes imports on its own machines: here its work takes the CPU the sync leaves idle, not the sync's.
  setPriority(child.pid!, BREVO_NICENESS);
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const first = JSON.parse((await lines.next()).value as string) as { baseUrl: string };
  return {
    fake: { baseUrl: first.baseUrl },
    pid: child.pid!,
    async contacts() {
      child.stdin!.write('count\n');
      return (JSON.parse((await lines.next()).value as string) as { contacts: number }).contacts;
    },
    stop: () => child.stdin!.end(),
  };
}

/** tsc output of the script and what it imports (and of the page worker, which it loads by URL), with the config files next to it (PROJECT_ROOT is its parent). */
async function compile(): Promise<string> {
  const out = join(PROJECT_ROOT, 'dist/bench-initial-sync');
  const tsc = spawn(process.execPath, [join(PROJECT_ROOT, 'node_modules/typescript/bin/tsc'), 'scripts/initial-sync.ts', 'src/initial-sync/page-worker.ts', '--outDir', out, '--rootDir', '.',
    '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022', '--skipLibCheck', '--esModuleInterop', '--strict'], { cwd: PROJECT_ROOT, stdio: 'inherit' });
  const code = await new Promise<number | null>((resolve) => tsc.on('exit', resolve));
  if (code !== 0) throw new Error(`tsc exited with ${code}`);
  mkdirSync(join(out, 'config'), { recursive: true });
  cpSync(join(PROJECT_ROOT, 'config'), join(out, 'config'), { recursive: true });
  return join(out, 'scripts/initial-sync.js');
}

function runSync(env: NodeJS.ProcessEnv, compiled: string | undefined): Promise<ChildReport> {
  // Compiled, BENCH_SYNC_NODE_ARGS reach the sync's node alone (say --cpu-prof to profile it).
  const nodeArgs = (process.env.BENCH_SYNC_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const args = ['--json', '--batch-size', String(options.pageSize)];
  const child = compiled
    ? spawn(process.execPath, [...HEAP_FLAGS, ...nodeArgs, compiled, ...args], { env: { PATH: process.env.PATH, ...MALLOC_ENV, ...env }, stdio: ['ignore', 'pipe', 'inherit'] })
    : spawn('npm', ['run', '--silent', 'initial-sync', '--', ...args], { cwd: PROJECT_ROOT, env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  let stdout = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
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

async function bench(): Promise<void> {
  const compiled = options.tsx ? undefined : await compile();
  const odoo = await startFakeOdoo({ partners: options.partners, seed: 7 });
  const brevo = await startBrevoProcess();
  const databasePath = tempDatabasePath();
  // fakeEnv only reads the fake Brevo's base URL.
  const env = fakeEnv(odoo, brevo.fake as FakeBrevo, databasePath);
  const config = loadConfig(env);
  if (options.partners <= ENCODE_AHEAD_MAX) odoo.store.encodeAhead('res.partner', syncFields(loadFieldMap(projectPath(config.fieldMapFile))));
  const sidecar = createSidecar(config, createLogger('silent'), { cron: false });
  const port = await sidecar.start();
  const configFile = join(dirname(databasePath), 'bench.json');
  writeFileSync(configFile, JSON.stringify({ initialSync: { pollSeconds: options.pollSeconds, ...(options.chunkBytes ? { chunkBytes: options.chunkBytes } : {}) } }));

  const referenceBefore = referenceMs();
  const cpuBefore = { odoo: process.cpuUsage(), brevo: cpuSeconds(brevo.pid), machine: machineTicks() };
  const report = await runSync({ ...env, PUBLIC_URL: `http://127.0.0.1:${port}`, CONFIG_FILE: configFile, LOG_LEVEL: 'silent' }, compiled);
  const fakesCpu = { odoo: ((u) => (u.user + u.system) / 1e6)(process.cpuUsage(cpuBefore.odoo)), brevo: cpuSeconds(brevo.pid) - cpuBefore.brevo };
  const steal = stealPercent(cpuBefore.machine);
  const reference = Math.round((referenceBefore + referenceMs()) / 2);
  const contacts = await brevo.contacts();
  process.stdout.write(`${JSON.stringify({
    partners: options.partners,
    seconds: report.seconds,
    partners_per_s: Math.round(report.partnersRead / report.seconds),
    brevo_calls: report.brevoCalls.total,
    odoo_calls: report.odooCalls,
    chunks: report.chunks.total,
    peak_rss_mb: report.process.peakRssMb,
    decode_partners_per_s: Math.round(report.partnersRead / report.process.decodeSeconds),
    // Context: what was read and imported, the polls among the Brevo calls, and how the figures were taken.
    partners_read: report.partnersRead,
    contacts_imported: report.contactsImported,
    contacts_in_brevo: contacts,
    status_polls: report.brevoCalls.polls,
    cpu_seconds: report.process.cpuSeconds,
    // The fakes' CPU during the sync; the fake Odoo shares its process with the sidecar (callbacks, outbox, checkpoints).
    fake_odoo_and_sidecar_cpu_seconds: Math.round(fakesCpu.odoo * 10) / 10,
    fake_brevo_cpu_seconds: Math.round(fakesCpu.brevo * 10) / 10,
    // How fast the machine was (a virtual machine's speed varies with its host's load): a fixed piece of work on one
    // core, just before and just after the sync, and the share of CPU time the host took during it. Compare runs of
    // like figures only.
    reference_ms: reference,
    steal_percent: steal,
    runtime: compiled ? 'node (tsc output)' : 'tsx (npm run initial-sync)',
    status: report.status,
  })}\n`);
  await sidecar.stop();
  brevo.stop();
  await odoo.close();
}
