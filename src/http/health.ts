/**
 * /healthz: the process answers. /readyz: the sidecar can do its work: the database takes a write, Odoo accepts the
 * credentials, Brevo accepts the key, and the Brevo queue is not paused; otherwise 503 with the failing checks.
 * Checks that call out are cached (a success longer than a failure), so a busy probe does not load Odoo or Brevo.
 */
import { Router } from 'express';
import type { Db } from '../store/db.js';
import type { CrmClient } from '../crm/client.js';
import type { EmailPlatform } from '../brevo/platform.js';
import { RateLimitedError } from '../brevo/errors.js';
import type { Pacer } from '../outbound/pacer.js';

export interface CheckResult { ok: boolean; detail?: string }
export type ReadinessCheck = () => Promise<CheckResult>;
export interface Readiness { ready: boolean; checks: Record<string, CheckResult>; failing: string[] }

const CHECK_TIMEOUT_MS = 5000;

/** Runs every check at once; a check that throws or hangs counts as failing, with a short reason. */
export async function runReadiness(checks: Record<string, ReadinessCheck>): Promise<Readiness> {
  const results = await Promise.all(Object.entries(checks).map(async ([name, check]) => [name, await settle(check)] as const));
  const failing = results.filter(([, r]) => !r.ok).map(([name]) => name);
  return { ready: failing.length === 0, checks: Object.fromEntries(results), failing };
}

async function settle(check: ReadinessCheck): Promise<CheckResult> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<CheckResult>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, detail: `no answer within ${CHECK_TIMEOUT_MS / 1000} s` }), CHECK_TIMEOUT_MS);
  });
  try {
    return await Promise.race([check(), timeout]);
  } catch (err) {
    return { ok: false, detail: (err as Error).message };
  } finally {
    clearTimeout(timer);
  }
}

/** Keeps a check's last result: successes for `okMs`, failures for `failMs`; concurrent callers share one run. */
export function cachedCheck(check: ReadinessCheck, okMs: number, failMs: number, now: () => number = Date.now): ReadinessCheck {
  let last: { result: CheckResult; until: number } | undefined;
  let running: Promise<CheckResult> | undefined;
  return () => {
    if (last && now() < last.until) return Promise.resolve(last.result);
    running ??= settle(check).then((result) => {
      last = { result, until: now() + (result.ok ? okMs : failMs) };
      running = undefined;
      return result;
    });
    return running;
  };
}

export interface ReadinessDeps {
  db: Db;
  crm: CrmClient;
  platform: EmailPlatform;
  pacer: Pacer;
  now?: () => number;
}

export function readinessChecks(deps: ReadinessDeps): Record<string, ReadinessCheck> {
  const now = deps.now ?? Date.now;
  // Odoo re-checks the credentials on every call, so a tiny search proves them (a changed password or revoked key
  // fails here even though the client's uid is cached).
  const crm = cachedCheck(async () => {
    await deps.crm.call('res.partner', 'search_count', [[['id', '=', 0]]]);
    return { ok: true };
  }, 30_000, 5_000, now);
  // A probe in the contacts bucket (10/s), once a minute at most: outside the queue's pace, and negligible beside it.
  const brevoKey = cachedCheck(async () => {
    try {
      await deps.platform.probe();
    } catch (err) {
      // A rate-limited answer still means the key was accepted.
      if (!(err instanceof RateLimitedError)) throw err;
    }
    return { ok: true };
  }, 60_000, 5_000, now);
  return {
    database: async () => {
      deps.db.prepare('INSERT INTO health_probe (id, checked_at) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET checked_at = excluded.checked_at').run(now());
      return { ok: true };
    },
    crm,
    brevo: async () => (deps.pacer.authPaused ? { ok: false, detail: 'Brevo refused the API key (401/403); queue paused' } : brevoKey()),
    queue: async () => {
      if (!deps.pacer.paused) return { ok: true };
      return { ok: false, detail: deps.pacer.authPaused ? 'paused until Brevo accepts the API key' : 'paused by a Brevo rate limit' };
    },
  };
}

export function healthRouter(checks: Record<string, ReadinessCheck>): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const readiness = await runReadiness(checks);
    res.status(readiness.ready ? 200 : 503).json({ status: readiness.ready ? 'ready' : 'unready', checks: readiness.checks, failing: readiness.failing });
  });
  return router;
}
