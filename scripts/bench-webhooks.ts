/**
 * npm run bench:webhooks -- --events N --batch B
 * Starts the fakes and the real sidecar process and measures intake alone: N Brevo events posted in verified batches
 * of B (8 requests in flight), then single-event requests at 500 requests/s. The process is then restarted with the
 * default coalescing, and applies what it stored to the fake Odoo. Prints one JSON line.
 *
 * Every request carries the bearer token and an HMAC signature, both checked. Requests are built as bytes before the
 * clock starts and sent over keep-alive connections (http-load.ts), so that the load generator costs little of the
 * two cores. Wall-clock figures depend on what else the machine runs; the CPU time the sidecar process spent per event
 * (from /proc, Linux) does much less, and is reported beside them.
 */
import { Command } from 'commander';
import { spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { dirname, join } from 'node:path';
import os from 'node:os';
import { writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { loadConfig, PROJECT_ROOT } from '../src/config.js';
import { OdooXmlRpcClient } from '../src/crm/odoo-xmlrpc.js';
import { setupCrmFields } from '../src/crm/setup-fields.js';
import { startFakeOdoo } from '../test/fakes/odoo/index.js';
import { startFakeBrevo } from '../test/fakes/brevo/index.js';
import { BREVO_KEY, fakeEnv, HMAC_SECRET, tempDatabasePath, waitFor, WEBHOOK_TOKEN } from '../test/helpers/harness.js';
import { ConnectionPool, postRequest } from './http-load.js';
import { cpuSeconds } from './proc-cpu.js';

const options = new Command('bench:webhooks')
  .option('--events <n>', 'events to post in batches', (v) => Number.parseInt(v, 10), 100_000)
  .option('--batch <n>', 'events per request', (v) => Number.parseInt(v, 10), 500)
  .option('--partners <n>', 'distinct addresses the events are about', (v) => Number.parseInt(v, 10), 1000)
  .option('--single-seconds <s>', 'duration of the single-event phase', (v) => Number.parseInt(v, 10), 4)
  .parse()
  .opts<{ events: number; batch: number; partners: number; singleSeconds: number }>();

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] * 100) / 100;
};

let serial = 0;
function brevoEvent(i: number): Record<string, unknown> {
  serial += 1;
  const email = `reader${i % options.partners}@example.com`;
  const type = serial % 50 === 0 ? 'unsubscribed' : serial % 3 === 0 ? 'click' : 'opened';
  return { event: type, email, ts_event: 1763800000 + serial, 'message-id': `<m${serial}@bench>`, ...(type === 'click' ? { link: `https://example.com/p/${serial % 7}` } : {}) };
}

const odoo = await startFakeOdoo();
const brevo = await startFakeBrevo({ apiKeys: [BREVO_KEY] });
const databasePath = tempDatabasePath();
const env = { ...fakeEnv(odoo, brevo, databasePath), WEBHOOK_BEARER_TOKENS: WEBHOOK_TOKEN, WEBHOOK_HMAC_SECRETS: HMAC_SECRET, LOG_LEVEL: 'info' };
const config = loadConfig(env);
await setupCrmFields(new OdooXmlRpcClient({ ...config.odoo, timeoutMs: 30_000 }), config.inbound.fields, false);
odoo.store.create('res.partner', Array.from({ length: options.partners }, (_, i) => ({ name: `Reader ${i}`, email: `reader${i}@example.com` })));

const quietCron = { incrementalSync: '0 0 1 1 *', blacklistPoll: '0 0 1 1 *' };
const intakeConfig = join(dirname(databasePath), 'intake.json');
const applyConfig = join(dirname(databasePath), 'apply.json');
// Intake is measured alone, with no apply run competing for the core; the restarted process applies afterwards.
writeFileSync(intakeConfig, JSON.stringify({ cron: quietCron, inbound: { coalesceMs: 3_600_000, coalesceMaxEvents: 100_000_000 } }));
writeFileSync(applyConfig, JSON.stringify({ cron: quietCron }));

const runs = { partners: 0, blacklisted: 0, crmCalls: 0, count: 0 };

/** Starts the sidecar and resolves with its port; from then on only the apply-run reports of its log are kept. */
async function startSidecar(configFile: string): Promise<{ port: number; pid: number; stop: () => Promise<void> }> {
  const profile = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
  const child = spawn(process.execPath, [...profile, '--import', 'tsx', join(PROJECT_ROOT, 'src/main.ts')], {
    env: { PATH: process.env.PATH, ...env, CONFIG_FILE: configFile }, stdio: ['ignore', 'pipe', 'inherit'],
  });
  let pending = '';
  let port = 0;
  child.stdout.on('data', (d: Buffer) => {
    const lines = (pending + d.toString()).split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      if (!port) port = Number(/"port":(\d+),"msg":"sidecar listening"/.exec(line)?.[1] ?? 0);
      if (!line.includes('"apply run done"')) continue;
      const r = JSON.parse(line) as { partners: number; blacklisted: number; crmCalls: number };
      runs.partners += r.partners; runs.blacklisted += r.blacklisted; runs.crmCalls += r.crmCalls; runs.count += 1;
    }
  });
  await waitFor(() => port, 30_000, 'the sidecar to listen');
  return { port, pid: child.pid!, stop: async () => { child.kill('SIGTERM'); await new Promise((r) => child.once('exit', r)); } };
}

const intake = await startSidecar(intakeConfig);
let rejected = 0;

/** A signed request for the Brevo endpoint, as bytes: the bearer token and an HMAC signature, both checked. */
function prepare(json: string): Buffer {
  const body = Buffer.from(json, 'utf8');
  const signature = createHmac('sha256', HMAC_SECRET).update(body).digest('hex');
  return postRequest(intake.port, '/webhooks/brevo', { 'Content-Type': 'application/json', Authorization: `Bearer ${WEBHOOK_TOKEN}`, 'X-Sendinblue-Signature': signature }, body);
}

/** Sends one prepared request; resolves with its latency in ms (from the moment it was asked for). */
async function post(pool: ConnectionPool, request: Buffer): Promise<number> {
  const answer = await pool.send(request);
  if (answer.status !== 200) rejected += 1;
  return answer.ms;
}

// Phase 1: batches, 8 in flight.
const batches = Array.from({ length: Math.ceil(options.events / options.batch) }, (_, r) =>
  prepare(JSON.stringify(Array.from({ length: Math.min(options.batch, options.events - r * options.batch) }, (_, i) => brevoEvent(r * options.batch + i)))));
const singleBodies = Array.from({ length: options.singleSeconds * 500 }, (_, i) => prepare(JSON.stringify(brevoEvent(i))));
const batchPool = new ConnectionPool(intake.port);
const batchLatencies: number[] = [];
const batchStart = performance.now();
const [serverBefore, clientBefore] = [cpuSeconds(intake.pid), process.cpuUsage()];
let next = 0;
await Promise.all(Array.from({ length: 8 }, async () => {
  while (next < batches.length) batchLatencies.push(await post(batchPool, batches[next++]));
}));
const batchSeconds = (performance.now() - batchStart) / 1000;
const batchServerCpu = cpuSeconds(intake.pid) - serverBefore;
const batchClientCpu = (({ user, system }) => (user + system) / 1e6)(process.cpuUsage(clientBefore));
batchPool.close();

// Phase 2: single events at 500 requests/s offered load (open loop: a slow answer does not slow the offer).
const singlePool = new ConnectionPool(intake.port);
const singles: Promise<number>[] = [];
const singleStart = performance.now();
const [singleServerBefore, singleClientBefore] = [cpuSeconds(intake.pid), process.cpuUsage()];
for (let i = 0; i < singleBodies.length; i++) {
  const wait = singleStart + i * 2 - performance.now();
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  singles.push(post(singlePool, singleBodies[i]));
}
const singleLatencies = await Promise.all(singles);
const singleServerCpu = cpuSeconds(intake.pid) - singleServerBefore;
const singleClientCpu = (({ user, system }) => (user + system) / 1e6)(process.cpuUsage(singleClientBefore));
singlePool.close();
await intake.stop();

// Phase 3: restarted with the default coalescing, the sidecar applies what it stored.
const odooCallsBefore = odoo.calls.filter((c) => c.service === 'object').length;
const applier = await startSidecar(applyConfig);
const db = new Database(databasePath, { readonly: true });
await waitFor(() => db.prepare(`SELECT COUNT(*) FROM events WHERE status = 'pending'`).pluck().get() === 0, 600_000, 'the inbox to drain');
const crmCalls = odoo.calls.filter((c) => c.service === 'object').length - odooCallsBefore;
const statuses = Object.fromEntries((db.prepare('SELECT status, COUNT(*) n FROM events GROUP BY status').all() as Array<{ status: string; n: number }>).map((r) => [r.status, r.n]));
db.close();
await applier.stop();

process.stdout.write(`${JSON.stringify({
  events: options.events,
  batch: options.batch,
  events_per_s: Math.round(options.events / batchSeconds),
  p50_ms: percentile(batchLatencies, 50),
  p99_ms: percentile(batchLatencies, 99),
  single_p99_ms: percentile(singleLatencies, 99),
  server_cpu_us_per_event: Math.round((batchServerCpu / options.events) * 1e7) / 10,
  client_cpu_us_per_event: Math.round((batchClientCpu / options.events) * 1e7) / 10,
  server_cpu_us_per_single: Math.round((singleServerCpu / singleBodies.length) * 1e6),
  client_cpu_us_per_single: Math.round((singleClientCpu / singleBodies.length) * 1e6),
  load_average: os.loadavg()[0],
  rejected,
  crm_calls: crmCalls,
  partners: options.partners,
  apply_runs: runs.count,
  partners_touched: runs.partners,
  blacklist_operations: runs.blacklisted,
  inbox: statuses,
})}\n`);
await Promise.all([odoo.close(), brevo.close()]);
