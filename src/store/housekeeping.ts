/**
 * Deletes what the sidecar no longer needs: webhook events applied or ignored before a cut-off, and finished cron run
 * rows. Never dead letters, nor the dead and pending events they point to, nor the initial sync's reports.
 *
 * Outbox jobs need nothing here: a job is deleted the moment it is done.
 *
 * Deleted in batches, each its own transaction, yielding to the event loop between them: SQLite is synchronous, and one
 * statement deleting a million events would hold up webhook intake for seconds and grow the WAL by as much.
 */
import type { Db } from './db.js';
import { CRON_KIND_PREFIX } from './runs.js';

export const HOUSEKEEPING_BATCH = 5000;

export interface Deleted {
  events: number;
  runs: number;
}

const STATEMENTS: Record<keyof Deleted, string> = {
  // An ignored event never gets applied_at: its age is its arrival.
  events: `DELETE FROM events WHERE id IN (SELECT id FROM events
    WHERE status IN ('applied', 'ignored') AND COALESCE(applied_at, received_at) < @cutoff LIMIT @batch)`,
  runs: `DELETE FROM runs WHERE id IN (SELECT id FROM runs
    WHERE kind LIKE '${CRON_KIND_PREFIX}%' AND status != 'running' AND finished_at < @cutoff LIMIT @batch)`,
};

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

export async function deleteExpired(db: Db, cutoff: number, batch = HOUSEKEEPING_BATCH): Promise<Deleted> {
  const deleted: Deleted = { events: 0, runs: 0 };
  for (const table of Object.keys(STATEMENTS) as Array<keyof Deleted>) {
    for (;;) {
      const { changes } = db.prepare(STATEMENTS[table]).run({ cutoff, batch });
      deleted[table] += changes;
      if (changes < batch) break;
      await yieldToEventLoop();
    }
  }
  return deleted;
}
