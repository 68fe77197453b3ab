/**
 * Starts the fake Odoo, the fake Brevo and an in-process sidecar wired to them over loopback, with a fresh SQLite file.
 * Settings are the production defaults except where a test needs time to pass faster (retry delays, hook delay).
 */
import { mkdtempSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type Config } from '../../src/config.js';
import { createLogger, type Logger } from '../../src/log.js';
import { createSidecar, type Sidecar } from '../../src/sidecar.js';
import { DEFAULT_FIELD_MAP } from '../../src/outbound/field-map.js';
import { DEFAULT_ATTRIBUTES } from '../fakes/brevo/attribute-registry.js';
import { OdooXmlRpcClient } from '../../src/crm/odoo-xmlrpc.js';
import { setupCrmFields } from '../../src/crm/setup-fields.js';
import { startFakeOdoo, type FakeOdoo, type FakeOdooOptions } from '../fakes/odoo/index.js';
import { startFakeBrevo, type FakeBrevo, type FakeBrevoOptions } from '../fakes/brevo/index.js';

export const HOOK_SECRET = 'test-hook-secret-0123456789';
export const BREVO_KEY = 'xkeysib-test';
export const MAPPED_ATTRIBUTES = Object.keys(DEFAULT_FIELD_MAP.attributes);
export const WEBHOOK_TOKEN = 'webhook-bearer-token-0123456789';
export const HMAC_SECRET = 'hmac-secret-0123456789';

type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? (T[K] extends unknown[] ? T[K] : DeepPartial<T[K]>) : T[K] };

export interface Harness {
  odoo: FakeOdoo;
  brevo: FakeBrevo;
  sidecar: Sidecar;
  url: string;
  /** Brevo API calls recorded by the fake (the /__fake routes excluded). */
  apiCalls(): FakeBrevo['calls'];
  stop(): Promise<void>;
}

export interface HarnessOptions {
  odoo?: FakeOdooOptions;
  brevo?: FakeBrevoOptions;
  config?: DeepPartial<Config>;
  databasePath?: string;
  /** The sidecar's logger (default: silent, or TEST_LOG_LEVEL). */
  log?: Logger;
  /** Runs once the fakes are up, before the sidecar opens its database (e.g. to leave it as a killed process would). */
  beforeStart?: (fakes: { odoo: FakeOdoo; brevo: FakeBrevo; databasePath: string }) => void | Promise<void>;
}

function merge<T>(base: T, over: DeepPartial<T> | undefined): T {
  if (!over) return base;
  const out = { ...base } as Record<string, unknown>;
  for (const [key, value] of Object.entries(over)) {
    const current = out[key];
    out[key] = value && typeof value === 'object' && !Array.isArray(value) && current && typeof current === 'object'
      ? merge(current, value as DeepPartial<typeof current>)
      : value;
  }
  return out as T;
}

/** A loopback port free right now, for a sidecar whose public URL must be known before it starts. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export function tempDatabasePath(): string {
  return join(mkdtempSync(join(tmpdir(), 'sidecar-test-')), 'sidecar.db');
}

export function fakeEnv(odoo: FakeOdoo, brevo: FakeBrevo, databasePath: string): NodeJS.ProcessEnv {
  return {
    ODOO_URL: odoo.url, ODOO_DB: odoo.db, ODOO_USER: odoo.admin.login, ODOO_PASSWORD: odoo.admin.password,
    BREVO_API_KEY: BREVO_KEY, BREVO_BASE_URL: brevo.baseUrl, BREVO_LIST_IDS: '2', CRM_HOOK_SECRET: HOOK_SECRET,
    DATABASE_PATH: databasePath, PORT: '0', LOG_LEVEL: 'silent',
  };
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const odoo = await startFakeOdoo(options.odoo);
  // An account where `npm run setup-brevo` already ran (test/integration/setup.test.ts covers that run itself).
  const attributes = [...DEFAULT_ATTRIBUTES, ...MAPPED_ATTRIBUTES.filter((name) => !DEFAULT_ATTRIBUTES.some((a) => a.name === name)).map((name) => ({ name, category: 'normal', type: 'text' }))];
  const brevo = await startFakeBrevo({ apiKeys: [BREVO_KEY], attributes, ...options.brevo });
  const databasePath = options.databasePath ?? tempDatabasePath();
  await options.beforeStart?.({ odoo, brevo, databasePath });
  const base = loadConfig(fakeEnv(odoo, brevo, databasePath));
  const fast: DeepPartial<Config> = {
    outbound: { retry: { attempts: 8, minTimeoutMs: 20, maxTimeoutMs: 200, factor: 2 }, hookDelaySeconds: 0, authProbeSeconds: 1 },
    inbound: { retry: { attempts: 5, minTimeoutMs: 20, maxTimeoutMs: 200, factor: 2 }, coalesceMs: 50 },
    // stop() waits at most this long for work in flight (test/e2e/shutdown.test.ts covers the production default).
    process: { shutdownSeconds: 5 },
    // Brevo: bearer (what Brevo can send); SendPulse: HMAC only; Arpoone: nothing configured, so disabled.
    webhooks: {
      bearerTokens: [WEBHOOK_TOKEN],
      providers: { brevo: {}, sendpulse: { hmac: { secrets: [HMAC_SECRET] }, bearer: { tokens: [] } }, arpoone: { bearer: { tokens: [] } } },
    },
  };
  const config = merge(merge(base, fast), options.config);
  await setupCrmFields(new OdooXmlRpcClient({ ...config.odoo, timeoutMs: 10_000 }), config.inbound.fields, false);
  const sidecar = createSidecar(config, options.log ?? createLogger(process.env.TEST_LOG_LEVEL ?? 'silent'), { cron: false });
  const port = await sidecar.start();
  // The start-up attribute check is a Brevo call of its own: let it land before a test injects faults.
  await waitFor(() => brevo.calls.some((c) => c.path === '/v3/contacts/attributes'), 5000, 'the start-up attribute check');
  return {
    odoo, brevo, sidecar, url: `http://127.0.0.1:${port}`,
    apiCalls: () => brevo.calls,
    async stop() {
      await sidecar.stop();
      await Promise.all([odoo.close(), brevo.close()]);
    },
  };
}

/** Polls until `check` returns a truthy value or the time is up. */
export async function waitFor<T>(check: () => T | Promise<T>, timeoutMs = 10_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Resolves when the outbox is empty and no job is running. */
export function drained(sidecar: Sidecar, timeoutMs = 60_000): Promise<boolean> {
  return waitFor(() => {
    const stats = sidecar.store.jobs.stats();
    return stats.pending === 0 && stats.running === 0 && sidecar.worker.inFlight === 0;
  }, timeoutMs, 'the outbox to drain');
}

export function maxCallsInAnyWindow(times: number[], windowMs = 1000): number {
  const sorted = [...times].sort((a, b) => a - b);
  let max = 0;
  let start = 0;
  for (let end = 0; end < sorted.length; end++) {
    while (sorted[end] - sorted[start] >= windowMs) start++;
    max = Math.max(max, end - start + 1);
  }
  return max;
}

export async function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: unknown }> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  const text = await response.text();
  let parsed: unknown = text;
  try { parsed = JSON.parse(text); } catch { /* not JSON */ }
  return { status: response.status, body: parsed };
}
