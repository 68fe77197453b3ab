/**
 * The outbox. A job is committed here before anything acknowledges it; workers claim, run and delete it; a crash
 * leaves it 'running' and start-up puts it back to 'pending' (at-least-once; every job is idempotent).
 */
import type { Db } from './db.js';

export type JobStatus = 'pending' | 'running';

export interface Job {
  id: number;
  kind: string;
  key: string;
  payload: Record<string, unknown>;
  status: JobStatus;
  source: string | null;
  attempts: number;
  nextRunAt: number;
  createdAt: number;
  firstAttemptAt: number | null;
  lastAttemptAt: number | null;
  lastError: string | null;
}

export interface EnqueueOptions {
  delayMs?: number;
  payload?: Record<string, unknown>;
  source?: string;
}

/** A waiting job that is due (at `@now`), and whose key is not running. */
const CLAIMABLE = `p.status = 'pending' AND p.next_run_at <= @now
  AND NOT EXISTS (SELECT 1 FROM jobs r WHERE r.kind = p.kind AND r.key = p.key AND r.status = 'running')`;

interface JobRow {
  id: number; kind: string; key: string; payload: string; status: JobStatus; source: string | null; attempts: number;
  next_run_at: number; created_at: number; first_attempt_at: number | null; last_attempt_at: number | null; last_error: string | null;
}

function toJob(row: JobRow): Job {
  return {
    id: row.id, kind: row.kind, key: row.key, payload: JSON.parse(row.payload) as Record<string, unknown>,
    status: row.status, source: row.source, attempts: row.attempts, nextRunAt: row.next_run_at, createdAt: row.created_at,
    firstAttemptAt: row.first_attempt_at, lastAttemptAt: row.last_attempt_at, lastError: row.last_error,
  };
}

export class JobStore {
  constructor(private readonly db: Db, private readonly now: () => number = Date.now) {}

  /**
   * Adds a job, or merges it into the waiting one for the same key. A merged job runs at the later of the two times:
   * a CRM push asks for a delay because the record is not committed yet, and running earlier would read stale data.
   */
  enqueue(kind: string, key: string, options: EnqueueOptions = {}): void {
    const now = this.now();
    this.db
      .prepare(
        `INSERT INTO jobs (kind, key, payload, status, source, next_run_at, created_at)
         VALUES (?, ?, ?, 'pending', ?, ?, ?)
         ON CONFLICT (kind, key) WHERE status = 'pending'
         DO UPDATE SET next_run_at = MAX(next_run_at, excluded.next_run_at), payload = excluded.payload`,
      )
      .run(kind, key, JSON.stringify(options.payload ?? {}), options.source ?? null, now + (options.delayMs ?? 0), now);
  }

  enqueueMany(kind: string, keys: string[], options: EnqueueOptions = {}): void {
    this.db.transaction(() => keys.forEach((key) => this.enqueue(kind, key, options)))();
  }

  /** Claims due jobs, never a second one for a key that is already running (no two pushes of one partner at once). */
  claimDue(limit: number): Job[] {
    return this.claim(null, limit);
  }

  /** Claims due jobs of one kind only (a burst drains one kind of work together). */
  claimDueOfKind(kind: string, limit: number): Job[] {
    return this.claim(kind, limit);
  }

  /** Due waiting jobs of one kind that could be claimed now: what decides whether the outbox drains in a burst. */
  countDue(kind: string): number {
    return this.db
      .prepare(`SELECT COUNT(*) FROM jobs p WHERE ${CLAIMABLE} AND p.kind = @kind`)
      .pluck()
      .get({ now: this.now(), kind }) as number;
  }

  private claim(kind: string | null, limit: number): Job[] {
    // Polled several times a second: an UPDATE takes the database's write lock even when it changes nothing, and
    // waits for it while another connection (an initial sync, say) writes. A read finds out first, without the lock.
    const due = { now: this.now(), kind };
    if (!this.db.prepare(`SELECT 1 FROM jobs p WHERE ${CLAIMABLE} AND (@kind IS NULL OR p.kind = @kind) LIMIT 1`).get(due)) return [];
    const rows = this.db
      .prepare(
        `UPDATE jobs SET status = 'running'
         WHERE id IN (
           SELECT p.id FROM jobs p WHERE ${CLAIMABLE} AND (@kind IS NULL OR p.kind = @kind)
           ORDER BY p.next_run_at, p.id LIMIT @limit)
         RETURNING *`,
      )
      .all({ ...due, limit }) as JobRow[];
    return rows.map(toJob).sort((a, b) => a.nextRunAt - b.nextRunAt || a.id - b.id);
  }

  complete(id: number): void {
    this.db.prepare('DELETE FROM jobs WHERE id = ?').run(id);
  }

  completeMany(ids: number[]): void {
    this.transaction(() => ids.forEach((id) => this.complete(id)));
  }

  /** Runs `fn` in one transaction (nested calls become savepoints). */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  recordAttempt(id: number, error: string | null): void {
    const now = this.now();
    this.db
      .prepare(
        `UPDATE jobs SET attempts = attempts + 1, last_error = ?, last_attempt_at = ?,
         first_attempt_at = COALESCE(first_attempt_at, ?) WHERE id = ?`,
      )
      .run(error, now, now, id);
  }

  get(id: number): Job | undefined {
    const row = this.db.prepare('SELECT * FROM jobs WHERE id = ?').get(id) as JobRow | undefined;
    return row && toJob(row);
  }

  /** Puts a running job back to waiting (shutdown, crash recovery); a newer waiting twin already covers it. */
  release(id: number, delayMs = 0): void {
    this.db.transaction(() => {
      const twin = this.db
        .prepare(`SELECT 1 FROM jobs t JOIN jobs j ON t.kind = j.kind AND t.key = j.key WHERE j.id = ? AND t.status = 'pending'`)
        .get(id);
      if (twin) this.db.prepare('DELETE FROM jobs WHERE id = ?').run(id);
      else this.db.prepare(`UPDATE jobs SET status = 'pending', next_run_at = ? WHERE id = ?`).run(this.now() + delayMs, id);
    })();
  }

  /** Puts back to waiting those of these jobs still running (what a burst leaves behind when it stops early). */
  releaseRunning(ids: number[], delayMs = 0): number {
    return this.transaction(() => {
      const running = ids.filter((id) => this.db.prepare(`SELECT 1 FROM jobs WHERE id = ? AND status = 'running'`).get(id));
      running.forEach((id) => this.release(id, delayMs));
      return running.length;
    });
  }

  /** At start-up: every job left 'running' by a crash or kill goes back to waiting. */
  recoverRunning(): number {
    const ids = this.db.prepare(`SELECT id FROM jobs WHERE status = 'running'`).pluck().all() as number[];
    ids.forEach((id) => this.release(id));
    return ids.length;
  }

  stats(): { pending: number; running: number; oldestCreatedAt: number | null } {
    return this.db
      .prepare(
        `SELECT COALESCE(SUM(status = 'pending'), 0) AS pending, COALESCE(SUM(status = 'running'), 0) AS running,
         MIN(created_at) AS oldestCreatedAt FROM jobs`,
      )
      .get() as { pending: number; running: number; oldestCreatedAt: number | null };
  }

  nextDueAt(): number | null {
    return (this.db.prepare(`SELECT MIN(next_run_at) FROM jobs WHERE status = 'pending'`).pluck().get() as number | null) ?? null;
  }
}
