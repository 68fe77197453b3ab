/**
 * The `runs` table: one row per run of a cron job (kind `cron:<job>`), with its counts as JSON. A row is written when
 * the run starts, so a run that never ends (the process was killed) is still seen, and marked interrupted at the next
 * start. The initial sync writes its own rows (kind `initial_sync`) from its own process.
 */
import type { Db } from './db.js';

/** Cron runs end 'ok', 'error' or 'interrupted'; an initial sync ends with its report's status. */
export type RunStatus = 'running' | 'ok' | 'error' | 'interrupted' | 'completed' | 'failed' | 'dry_run';

export interface RunRow {
  id: number;
  kind: string;
  status: string;
  startedAt: number;
  finishedAt: number | null;
  report: unknown;
}

export const CRON_KIND_PREFIX = 'cron:';

export const cronKind = (job: string) => `${CRON_KIND_PREFIX}${job}`;

export const INITIAL_SYNC_KIND = 'initial_sync';

export class RunStore {
  constructor(private readonly db: Db, private readonly now: () => number = Date.now) {}

  start(kind: string): number {
    const { lastInsertRowid } = this.db.prepare(`INSERT INTO runs (kind, status, started_at) VALUES (?, 'running', ?)`).run(kind, this.now());
    return Number(lastInsertRowid);
  }

  finish(id: number, status: Exclude<RunStatus, 'running'>, report: unknown): void {
    this.db.prepare('UPDATE runs SET status = ?, finished_at = ?, report = ? WHERE id = ?').run(status, this.now(), JSON.stringify(report ?? null), id);
  }

  /**
   * At start-up: cron runs still 'running' belong to a process that died. Only this process runs cron jobs on this
   * file, whereas an initial sync may be running beside it, so its rows are left alone.
   */
  interruptCronRuns(): number {
    return this.db
      .prepare(`UPDATE runs SET status = 'interrupted', finished_at = ? WHERE status = 'running' AND kind LIKE ?`)
      .run(this.now(), `${CRON_KIND_PREFIX}%`).changes;
  }

  /** The latest runs, of one kind or of all, newest first. */
  latest(kind: string | undefined, limit = 50): RunRow[] {
    const rows = (kind === undefined
      ? this.db.prepare('SELECT id, kind, status, started_at, finished_at, report FROM runs ORDER BY id DESC LIMIT ?').all(limit)
      : this.db.prepare('SELECT id, kind, status, started_at, finished_at, report FROM runs WHERE kind = ? ORDER BY id DESC LIMIT ?')
        .all(kind, limit)) as Array<{ id: number; kind: string; status: string; started_at: number; finished_at: number | null; report: string | null }>;
    return rows.map((r) => ({
      id: r.id, kind: r.kind, status: r.status, startedAt: r.started_at, finishedAt: r.finished_at,
      report: r.report === null ? null : (JSON.parse(r.report) as unknown),
    }));
  }
}
