/**
 * Partners written since the watermark, re-scanning an overlap window behind it: a long Odoo transaction can commit a
 * write_date older than rows already seen. Re-scanned partners that were already read cost nothing (see enqueuer).
 */
import type { PartnerQueries } from '../crm/partners.js';
import type { WatermarkStore } from '../store/watermarks.js';
import type { PartnerEnqueuer } from '../outbound/enqueuer.js';
import { fromOdooDatetime, toOdooDatetime, truncateToSecond } from '../outbound/odoo-time.js';

export const PARTNERS_WATERMARK = 'res.partner.write_date';

export interface IncrementalSyncDeps {
  partners: PartnerQueries;
  watermarks: WatermarkStore;
  enqueuer: PartnerEnqueuer;
  overlapMinutes: number;
  pageSize: number;
  /** 'now' or an Odoo datetime: where the first run starts (the initial sync covers the past). */
  startFrom: string;
  now?: () => number;
}

export interface ScanReport {
  scanned: number;
  enqueued: number;
  watermark: string;
}

export function initialWatermark(startFrom: string, now: number): string {
  return startFrom === 'now' ? toOdooDatetime(now) : startFrom;
}

export async function runIncrementalSync(deps: IncrementalSyncDeps): Promise<ScanReport> {
  const now = deps.now ?? Date.now;
  let watermark = deps.watermarks.get(PARTNERS_WATERMARK) ?? initialWatermark(deps.startFrom, now());
  const since = toOdooDatetime(fromOdooDatetime(watermark) - deps.overlapMinutes * 60_000);
  let scanned = 0;
  let enqueued = 0;
  for (let offset = 0; ; offset += deps.pageSize) {
    const page = await deps.partners.writtenSince(since, offset, deps.pageSize);
    scanned += page.length;
    enqueued += deps.enqueuer.enqueueChanged(page, { source: 'cron' });
    for (const row of page) if (truncateToSecond(row.write_date) > watermark) watermark = truncateToSecond(row.write_date);
    if (page.length < deps.pageSize) break;
  }
  deps.watermarks.set(PARTNERS_WATERMARK, watermark);
  return { scanned, enqueued, watermark };
}
