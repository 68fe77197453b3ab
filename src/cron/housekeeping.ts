/** The daily housekeeping job: what is older than the retention period goes (see src/store/housekeeping.ts for what). */
import type { Db } from '../store/db.js';
import { deleteExpired, type Deleted } from '../store/housekeeping.js';

const DAY_MS = 24 * 60 * 60 * 1000;

export interface HousekeepingDeps {
  db: Db;
  retentionDays: number;
  now?: () => number;
  onDeleted?: (deleted: Deleted) => void;
}

export interface HousekeepingReport {
  /** Rows older than this (ISO 8601) were deleted. */
  cutoff: string;
  deleted: Deleted;
}

export async function runHousekeeping(deps: HousekeepingDeps): Promise<HousekeepingReport> {
  const cutoff = (deps.now ?? Date.now)() - deps.retentionDays * DAY_MS;
  const deleted = await deleteExpired(deps.db, cutoff);
  deps.onDeleted?.(deleted);
  return { cutoff: new Date(cutoff).toISOString(), deleted };
}
