/**
 * Jobs that cannot be delivered: kept with their payload and last error until an admin retries or discards them.
 * Moving a job here and deleting it from the outbox is one transaction, so nothing is dropped silently.
 */
import type { Db } from './db.js';
import type { Job } from './jobs.js';

export interface DeadLetterError {
  status?: number;
  code?: string;
  message: string;
  detail?: unknown;
}

export interface DeadLetter {
  id: number;
  jobId: number;
  kind: string;
  key: string;
  payload: Record<string, unknown>;
  source: string | null;
  errorStatus: number | null;
  errorCode: string | null;
  errorMessage: string;
  errorDetail: unknown;
  attempts: number;
  firstAttemptAt: number | null;
  lastAttemptAt: number | null;
  createdAt: number;
}

export interface DeadLetterFilter {
  kind?: string;
  errorCode?: string;
  id?: number;
}

interface Row {
  id: number; job_id: number; kind: string; key: string; payload: string; source: string | null; error_status: number | null;
  error_code: string | null; error_message: string; error_detail: string | null; attempts: number;
  first_attempt_at: number | null; last_attempt_at: number | null; created_at: number;
}

function toDeadLetter(r: Row): DeadLetter {
  return {
    id: r.id, jobId: r.job_id, kind: r.kind, key: r.key, payload: JSON.parse(r.payload) as Record<string, unknown>,
    source: r.source, errorStatus: r.error_status, errorCode: r.error_code, errorMessage: r.error_message,
    errorDetail: r.error_detail ? (JSON.parse(r.error_detail) as unknown) : null, attempts: r.attempts,
    firstAttemptAt: r.first_attempt_at, lastAttemptAt: r.last_attempt_at, createdAt: r.created_at,
  };
}

function where(filter: DeadLetterFilter): { sql: string; args: unknown[] } {
  const clauses: string[] = [];
  const args: unknown[] = [];
  if (filter.id !== undefined) { clauses.push('id = ?'); args.push(filter.id); }
  if (filter.kind) { clauses.push('kind = ?'); args.push(filter.kind); }
  if (filter.errorCode) { clauses.push('(error_code = ? OR CAST(error_status AS TEXT) = ?)'); args.push(filter.errorCode, filter.errorCode); }
  return { sql: clauses.length ? `WHERE ${clauses.join(' AND ')}` : '', args };
}

export class DeadLetterStore {
  constructor(private readonly db: Db, private readonly now: () => number = Date.now) {}

  /** Moves a job from the outbox to the dead letters, atomically. */
  bury(job: Job, error: DeadLetterError, attempts: number): void {
    this.db.transaction(() => {
      this.record(job, error, attempts);
      this.db.prepare('DELETE FROM jobs WHERE id = ?').run(job.id);
    })();
  }

  /** Adds a dead letter; the caller removes the work from its own table in the same transaction. */
  record(work: Pick<Job, 'id' | 'kind' | 'key' | 'payload' | 'source' | 'firstAttemptAt'>, error: DeadLetterError, attempts: number): void {
    const now = this.now();
    this.db
      .prepare(
        `INSERT INTO dead_letters (job_id, kind, key, payload, source, error_status, error_code, error_message, error_detail,
           attempts, first_attempt_at, last_attempt_at, created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)`,
      )
      .run(
        work.id, work.kind, work.key, JSON.stringify(work.payload), work.source, error.status ?? null, error.code ?? null,
        error.message, error.detail === undefined ? null : JSON.stringify(error.detail), attempts,
        work.firstAttemptAt ?? now, now, now,
      );
  }

  list(filter: DeadLetterFilter = {}, limit = 1000): DeadLetter[] {
    const { sql, args } = where(filter);
    const rows = this.db.prepare(`SELECT * FROM dead_letters ${sql} ORDER BY id LIMIT ?`).all(...args, limit) as Row[];
    return rows.map(toDeadLetter);
  }

  count(): number {
    return this.db.prepare('SELECT COUNT(*) FROM dead_letters').pluck().get() as number;
  }

  /** Re-enqueues matching dead letters as fresh jobs (attempts reset) and removes them; returns how many. */
  retry(filter: DeadLetterFilter, enqueue: (kind: string, key: string, payload: Record<string, unknown>) => void): number {
    return this.db.transaction(() => {
      const letters = this.list(filter, Number.MAX_SAFE_INTEGER);
      for (const letter of letters) {
        enqueue(letter.kind, letter.key, letter.payload);
        this.db.prepare('DELETE FROM dead_letters WHERE id = ?').run(letter.id);
      }
      return letters.length;
    })();
  }

  discard(filter: DeadLetterFilter): number {
    const { sql, args } = where(filter);
    return this.db.prepare(`DELETE FROM dead_letters ${sql}`).run(...args).changes;
  }
}
