/**
 * What the status page shows, read from the store at request time: readiness, the outbox, dead letters grouped by
 * error, the inbox, recent runs and the last webhook events. Read-only queries, each bounded.
 */
import type { Store } from '../store/index.js';
import { runReadiness, type Readiness, type ReadinessCheck } from './health.js';
import type { MinuteBucket } from './throughput.js';

export interface QueueState { paused: boolean; authPaused: boolean }

export interface DeadLetterGroup { kind: string; error: string | null; count: number; lastAt: number }
export interface DeadLetterLine { id: number; kind: string; key: string; error: string; message: string; attempts: number; createdAt: number }
export interface RunLine { id: number; kind: string; status: string; startedAt: number; finishedAt: number | null; summary: string; report: string }
export interface EventLine { id: number; provider: string; type: string; email: string | null; occurredAt: number | null; receivedAt: number; status: string; note: string | null }

export interface StatusSnapshot {
  at: number;
  readiness: Readiness;
  queue: { pending: number; running: number; oldestAgeSeconds: number | null; paused: false | 'rate limit' | 'auth' };
  deadLetters: { total: number; groups: DeadLetterGroup[]; recent: DeadLetterLine[] };
  inbox: { pending: number; applyLagSeconds: number | null; byStatus: Record<string, number> };
  runs: RunLine[];
  events: EventLine[];
  /** The last hour, minute by minute (empty when the sidecar keeps no history). */
  throughput: MinuteBucket[];
}

export interface StatusDeps {
  store: Store;
  readiness: Record<string, ReadinessCheck>;
  queue: QueueState;
  /** The last hour's per-minute counts, sampled up to now. */
  throughput?: () => Promise<MinuteBucket[]>;
  now?: () => number;
}

const ageSeconds = (since: number | null, now: number) => (since === null ? null : Math.max(0, Math.round((now - since) / 1000)));

export async function statusSnapshot(deps: StatusDeps): Promise<StatusSnapshot> {
  const now = (deps.now ?? Date.now)();
  const { store } = deps;
  const jobs = store.jobs.stats();
  return {
    at: now,
    readiness: await runReadiness(deps.readiness),
    queue: {
      pending: jobs.pending, running: jobs.running, oldestAgeSeconds: ageSeconds(jobs.oldestCreatedAt, now),
      paused: deps.queue.authPaused ? 'auth' : deps.queue.paused ? 'rate limit' : false,
    },
    deadLetters: { total: store.deadLetters.count(), groups: deadLetterGroups(store), recent: recentDeadLetters(store) },
    inbox: {
      pending: store.inbox.pendingCount(),
      applyLagSeconds: ageSeconds(store.inbox.oldestPendingReceivedAt(), now),
      byStatus: store.inbox.countsByStatus(),
    },
    runs: recentRuns(store),
    events: recentEvents(store),
    throughput: (await deps.throughput?.()) ?? [],
  };
}

/** The error a group is retried by: Brevo's or Odoo's code, else the HTTP status (what the dead-letter filter matches). */
function deadLetterGroups(store: Store): DeadLetterGroup[] {
  return store.db.prepare(`
    SELECT kind, COALESCE(error_code, CAST(error_status AS TEXT)) AS error, COUNT(*) AS count, MAX(created_at) AS lastAt
    FROM dead_letters GROUP BY kind, error ORDER BY count DESC, kind LIMIT 50`).all() as DeadLetterGroup[];
}

function recentDeadLetters(store: Store): DeadLetterLine[] {
  const rows = store.db.prepare(`
    SELECT id, kind, key, COALESCE(error_code, CAST(error_status AS TEXT), '') AS error, error_message AS message, attempts,
      created_at AS createdAt
    FROM dead_letters ORDER BY id DESC LIMIT 20`).all() as DeadLetterLine[];
  return rows.map((r) => ({ ...r, message: r.message.slice(0, 300) }));
}

function recentRuns(store: Store): RunLine[] {
  const rows = store.db.prepare(`
    SELECT id, kind, status, started_at AS startedAt, finished_at AS finishedAt, report FROM runs ORDER BY id DESC LIMIT 15`)
    .all() as Array<Omit<RunLine, 'summary' | 'report'> & { report: string | null }>;
  return rows.map((r) => ({ ...r, summary: summarise(r.report), report: prettyReport(r.report) }));
}

/** The report's top-level numbers, strings and booleans, as `key=value` pairs. */
function summarise(report: string | null): string {
  const parsed = parseObject(report);
  return Object.entries(parsed)
    .filter(([, v]) => ['number', 'string', 'boolean'].includes(typeof v))
    .slice(0, 8)
    .map(([k, v]) => `${k}=${String(v).slice(0, 40)}`)
    .join(' ');
}

function prettyReport(report: string | null): string {
  const parsed = parseObject(report);
  const text = Object.keys(parsed).length ? JSON.stringify(parsed, null, 2) : '';
  return text.length > 4000 ? `${text.slice(0, 4000)}\n…` : text;
}

function parseObject(text: string | null): Record<string, unknown> {
  try {
    const value: unknown = text ? JSON.parse(text) : {};
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function recentEvents(store: Store): EventLine[] {
  return store.db.prepare(`
    SELECT id, provider, type, email, occurred_at AS occurredAt, received_at AS receivedAt, status, note
    FROM events ORDER BY id DESC LIMIT 20`).all() as EventLine[];
}
