/**
 * Opt-outs made in Odoo: blacklisting changes no partner write_date and fires no automation rule, so mail.blacklist is
 * polled by its own write_date (archived rows included: an archive is a removal). The partners with those addresses are
 * enqueued regardless of their write_date; the job reads is_blacklisted and change detection does the rest.
 */
import type { PartnerQueries } from '../crm/partners.js';
import type { WatermarkStore } from '../store/watermarks.js';
import type { PartnerEnqueuer } from '../outbound/enqueuer.js';
import { fromOdooDatetime, toOdooDatetime, truncateToSecond } from '../outbound/odoo-time.js';

export const BLACKLIST_WATERMARK = 'mail.blacklist.write_date';
const EPOCH = '1970-01-01 00:00:00';

export interface BlacklistPollDeps {
  partners: PartnerQueries;
  watermarks: WatermarkStore;
  enqueuer: PartnerEnqueuer;
  overlapMinutes: number;
}

export async function runBlacklistPoll(deps: BlacklistPollDeps): Promise<{ entries: number; enqueued: number; watermark: string }> {
  let watermark = deps.watermarks.get(BLACKLIST_WATERMARK) ?? EPOCH;
  const since = watermark === EPOCH ? EPOCH : toOdooDatetime(fromOdooDatetime(watermark) - deps.overlapMinutes * 60_000);
  const entries = await deps.partners.blacklistWrittenSince(since);
  const emails = [...new Set(entries.map((e) => e.email.toLowerCase()))];
  const ids = await deps.partners.idsWithEmails(emails);
  const enqueued = deps.enqueuer.enqueue(ids, { source: 'blacklist' });
  for (const entry of entries) if (truncateToSecond(entry.write_date) > watermark) watermark = truncateToSecond(entry.write_date);
  deps.watermarks.set(BLACKLIST_WATERMARK, watermark);
  return { entries: entries.length, enqueued, watermark };
}
