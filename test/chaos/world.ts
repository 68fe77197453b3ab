/**
 * A chaos world: the fake Odoo and the fake Brevo on loopback, and the REAL sidecar process (`src/main.ts`) configured
 * by environment and a CONFIG_FILE, as an admin would run it, on a fixed port (so senders keep one URL across
 * restarts, like Brevo does). The world starts, kills and restarts the process, notices any exit it did not cause
 * (a crash), keeps every line any of its processes wrote (for the secret scan), and reads the sidecar only through
 * its public surface: HTTP (admin, metrics, readiness) and the fakes' state.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config.js';
import { OdooXmlRpcClient } from '../../src/crm/odoo-xmlrpc.js';
import { setupCrmFields } from '../../src/crm/setup-fields.js';
import { startFakeOdoo, type FakeOdoo } from '../fakes/odoo/index.js';
import { startFakeBrevo, type FakeBrevo, type FakeBrevoOptions } from '../fakes/brevo/index.js';
import { brevoAttributes } from '../initial-sync/support.js';
import { spawnTsx, startSidecarProcess, type RunningProcess } from '../helpers/process.js';
import { makeSecrets, type Secrets } from './secrets.js';
import { sleep } from './rng.js';

type Json = Record<string, unknown>;

/** A schedule that never fires during a run: the chaos checks must see what the outbox and inbox alone deliver. */
const NEVER = '0 0 1 1 *';

/**
 * Fast but production-shaped settings: the retry budget is 8 attempts over ~9 s (instead of ~8 min), client timeouts
 * are 2 s (so a hung fake outlasts them), pacing is the production 5 calls per second.
 */
export function chaosConfig(): Json {
  return {
    brevo: { timeoutSeconds: 2 },
    odoo: { timeoutSeconds: 2 },
    outbound: {
      retry: { attempts: 8, minTimeoutMs: 200, maxTimeoutMs: 2000, factor: 2 },
      hookDelaySeconds: 0,
      authProbeSeconds: 1,
    },
    inbound: {
      coalesceMs: 200,
      retry: { attempts: 8, minTimeoutMs: 200, maxTimeoutMs: 2000, factor: 2 },
    },
    webhooks: {
      // One scheme per provider (an empty list switches a global scheme off there); see signing.ts.
      providers: {
        brevo: { hmac: { secrets: [] }, standard: { secrets: [] }, basic: { credentials: [] } },
        sendpulse: { bearer: { tokens: [] }, standard: { secrets: [] }, basic: { credentials: [] } },
        arpoone: { bearer: { tokens: [] }, hmac: { secrets: [] } },
      },
    },
    cron: { incrementalSync: NEVER, blacklistPoll: NEVER, fullReconciliation: NEVER, brevoOptOuts: NEVER, housekeeping: NEVER },
  };
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function deepMerge(base: Json, over: Json): Json {
  const out: Json = { ...base };
  for (const [key, value] of Object.entries(over)) out[key] = isObject(value) && isObject(out[key]) ? deepMerge(out[key] as Json, value) : value;
  return out;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface WorldOptions {
  /** Realistic partners seeded in the fake Odoo (the initial sync's material). */
  seedPartners?: number;
  seed?: number;
  /** Merged over chaosConfig() into the CONFIG_FILE. */
  config?: Json;
  brevo?: FakeBrevoOptions;
  /** info (default), debug or trace: the process must log that it listens. */
  logLevel?: 'info' | 'debug' | 'trace';
}

export interface DeadLetterView {
  id: number;
  kind: string;
  key: string;
  errorStatus: number | null;
  errorCode: string | null;
  errorMessage: string;
  createdAt: number;
}

export class World {
  sidecar: RunningProcess | undefined;
  starts = 0;
  kills = 0;
  /** Exits the world did not cause, with the end of the output. */
  readonly crashes: Array<{ code: number | null; signal: string | null; tail: string }> = [];
  private readonly output: string[] = [];
  private expectingExit = false;

  private constructor(
    readonly odoo: FakeOdoo,
    readonly brevo: FakeBrevo,
    readonly secrets: Secrets,
    readonly dir: string,
    readonly port: number,
    readonly env: NodeJS.ProcessEnv,
  ) {}

  static async create(options: WorldOptions = {}): Promise<World> {
    const secrets = makeSecrets();
    const odoo = await startFakeOdoo({ partners: options.seedPartners, seed: options.seed });
    odoo.store.setPassword(odoo.admin.uid, secrets.odooPassword);
    const brevo = await startFakeBrevo({ apiKeys: [secrets.brevoKey], attributes: brevoAttributes(), ...options.brevo });
    const dir = mkdtempSync(join(tmpdir(), 'sidecar-chaos-'));
    const configFile = join(dir, 'chaos.json');
    writeFileSync(configFile, JSON.stringify(deepMerge(chaosConfig(), options.config ?? {}), null, 2));
    const port = await freePort();
    const env: NodeJS.ProcessEnv = {
      ODOO_URL: odoo.url, ODOO_DB: odoo.db, ODOO_USER: odoo.admin.login, ODOO_PASSWORD: secrets.odooPassword,
      BREVO_API_KEY: secrets.brevoKey, BREVO_BASE_URL: brevo.baseUrl, BREVO_LIST_IDS: '2', BREVO_API_KEY_NAME: 'sidecar',
      CRM_HOOK_SECRET: secrets.hookSecret, ADMIN_TOKEN: secrets.adminToken,
      WEBHOOK_BEARER_TOKENS: secrets.bearerToken, WEBHOOK_HMAC_SECRETS: secrets.hmacSecret,
      WEBHOOK_STANDARD_SECRETS: secrets.standardSecret, WEBHOOK_BASIC_CREDENTIALS: secrets.basicCredentials,
      DATABASE_PATH: join(dir, 'sidecar.db'), CONFIG_FILE: configFile, PORT: String(port), LOG_LEVEL: options.logLevel ?? 'info',
    };
    const config = loadConfig(env);
    // What `npm run setup-crm-fields` does before the sidecar is started for the first time.
    await setupCrmFields(new OdooXmlRpcClient({ ...config.odoo, timeoutMs: 10_000 }), config.inbound.fields, false);
    return new World(odoo, brevo, secrets, dir, port, env);
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get databasePath(): string {
    return this.env.DATABASE_PATH!;
  }

  get pid(): number | undefined {
    return this.sidecar?.pid;
  }

  /** Starts the sidecar process (again); an exit the world did not ask for is counted as a crash. */
  async start(): Promise<RunningProcess> {
    this.expectingExit = false;
    const running = await startSidecarProcess(this.env, { onOutput: (text) => this.output.push(text) });
    this.starts += 1;
    this.sidecar = running;
    void running.exited.then((code) => {
      if (this.sidecar === running) this.sidecar = undefined;
      if (!this.expectingExit) this.crashes.push({ code, signal: running.exitSignal(), tail: running.output().slice(-4000) });
    });
    return running;
  }

  /** SIGKILL now (no clean-up whatsoever), then waits for the exit. */
  async kill(): Promise<void> {
    const running = this.sidecar;
    if (!running) return;
    this.expectingExit = true;
    this.sidecar = undefined;
    this.kills += 1;
    await running.kill();
  }

  async restart(): Promise<RunningProcess> {
    await this.kill();
    return this.start();
  }

  /** SIGTERM: the clean shutdown; resolves with the exit code. */
  async stop(): Promise<number | null> {
    const running = this.sidecar;
    if (!running) return null;
    this.expectingExit = true;
    this.sidecar = undefined;
    return running.stop();
  }

  /** Runs a script (`scripts/initial-sync.ts`…) with the world's environment; its output joins the world's log. */
  spawnScript(script: string, args: string[], extraEnv: NodeJS.ProcessEnv = {}) {
    const child = spawnTsx(script, args, { ...this.env, ...extraEnv });
    let stdout = '';
    child.stdout!.on('data', (d: Buffer) => { stdout += d.toString(); this.output.push(d.toString()); });
    child.stderr!.on('data', (d: Buffer) => this.output.push(d.toString()));
    const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
    return { child, exited, stdout: () => stdout };
  }

  /** Everything every process of this world wrote. */
  logText(): string {
    return this.output.join('');
  }

  logLines(): number {
    return this.logText().split('\n').filter(Boolean).length;
  }

  /** A request to the running sidecar; a refused connection (down, restarting) is a thrown error, as with fetch. */
  fetch(path: string, init: RequestInit = {}): Promise<Response> {
    return fetch(`${this.url}${path}`, { ...init, signal: init.signal ?? AbortSignal.timeout(30_000) });
  }

  async admin<T>(path: string, init: RequestInit = {}): Promise<T> {
    const response = await this.fetch(path, { ...init, headers: { authorization: `Bearer ${this.secrets.adminToken}`, 'content-type': 'application/json', ...(init.headers as Record<string, string>) } });
    if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  }

  /** Dead letters, through the admin API; `since` (ms) keeps those of one scenario in a shared world. */
  async deadLetters(since = 0): Promise<DeadLetterView[]> {
    return (await this.admin<{ deadLetters: DeadLetterView[] }>('/admin/dead-letters')).deadLetters.filter((l) => l.createdAt >= since);
  }

  /** The sum of a Prometheus series over the label sets matching `labels`. */
  async metric(name: string, labels: Record<string, string> = {}): Promise<number> {
    const text = await (await this.fetch('/metrics')).text();
    return sumSeries(text, name, labels);
  }

  /** Resident memory of the sidecar process, MB (Linux /proc). */
  rssMb(): number | undefined {
    if (!this.pid) return undefined;
    try {
      const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${this.pid}/status`, 'utf8'))?.[1];
      return kb ? Math.round(Number(kb) / 1024) : undefined;
    } catch {
      return undefined;
    }
  }

  /** Waits until the running sidecar answers /healthz (after a restart, a fault…). */
  async healthy(timeoutMs = 90_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        if ((await this.fetch('/healthz', { signal: AbortSignal.timeout(2000) })).ok) return;
      } catch { /* not up */ }
      if (Date.now() > deadline) throw new Error('the sidecar did not answer /healthz');
      await sleep(100);
    }
  }

  /** Stops the process, checks the SQLite file is whole, closes the fakes. */
  async close(): Promise<{ integrity: string }> {
    await this.stop();
    let integrity = 'no database';
    try {
      const db = new Database(this.databasePath, { readonly: true, fileMustExist: true });
      integrity = (db.pragma('integrity_check', { simple: true }) as string) ?? 'unknown';
      db.close();
    } catch (err) {
      integrity = `unreadable: ${(err as Error).message}`;
    }
    await Promise.all([this.odoo.close(), this.brevo.close()]);
    return { integrity };
  }
}

/** Sums `name{...} value` lines of a Prometheus text exposition whose labels include `labels`. */
export function sumSeries(text: string, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(\{[^}]*\})?\s+(\S+)/.exec(line);
    if (!m || m[1] !== name) continue;
    const set = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((l) => [l[1], l[2]]));
    if (Object.entries(labels).every(([k, v]) => set[k] === v)) sum += Number(m[3]);
  }
  return sum;
}
