/**
 * Folds a partner's pending events into one write: counters added to what the partner has, "last" times that never
 * move backwards, the status of the latest event. Events already folded into the partner (id at or below the
 * partner's event sequence field, written in the same write as the counters) are skipped, so a replay after a crash
 * between the CRM write and the inbox update applies nothing twice.
 */
import type { StoredEvent } from '../store/inbox.js';
import type { EventType } from './events.js';
import { fromOdooDatetime, toOdooDatetime } from '../outbound/odoo-time.js';

export interface EngagementFields {
  openCount: string; clickCount: string; softBounceCount: string; lastOpen: string; lastClick: string;
  lastClickUrl: string; lastEvent: string; lastEventAt: string; status: string; eventSeq: string;
}

export type BrevoStatus = 'active' | 'bounced' | 'blocked' | 'unsubscribed' | 'spam';
export const BREVO_STATUSES: Array<[BrevoStatus, string]> = [
  ['active', 'Active'], ['bounced', 'Bounced'], ['blocked', 'Blocked'], ['unsubscribed', 'Unsubscribed'], ['spam', 'Spam complaint'],
];

const STATUS_BY_TYPE: Partial<Record<EventType, BrevoStatus>> = {
  hard_bounce: 'bounced', invalid_email: 'bounced', blocked: 'blocked', unsubscribed: 'unsubscribed', spam: 'spam',
  resubscribed: 'active',
};

export interface FoldSettings {
  blacklistOnHardBounce: boolean;
}

export interface Fold {
  /** The values to write, or empty when every event was applied before. */
  values: Record<string, unknown>;
  /** Events newly applied. */
  applied: StoredEvent[];
  blacklist: boolean;
  unblacklist: boolean;
  /** Chatter notes to post (opt-outs). */
  notes: string[];
}

type Row = Record<string, unknown>;

function timeOf(event: StoredEvent): number {
  return event.event.occurredAt ?? event.receivedAt;
}

function readTime(value: unknown): number {
  return typeof value === 'string' && value ? fromOdooDatetime(value) : 0;
}

function readInt(value: unknown): number {
  return typeof value === 'number' ? value : 0;
}

export function describeOptOut(event: StoredEvent): string {
  const e = event.event;
  const what = e.type === 'spam' ? 'marked an e-mail as spam' : 'unsubscribed';
  const from = e.campaignName ? ` from campaign "${e.campaignName}"` : e.campaignId ? ` from campaign #${e.campaignId}` : e.messageId ? ` from message ${e.messageId}` : '';
  const reason = e.reason ? ` (${e.reason})` : '';
  return `${e.provider === 'brevo' ? 'Brevo' : e.provider}: ${e.email} ${what}${from} at ${toOdooDatetime(timeOf(event))} UTC${reason}. The address is now on the blacklist.`;
}

export function foldEvents(partner: Row, events: StoredEvent[], fields: EngagementFields, settings: FoldSettings): Fold {
  const seq = readInt(partner[fields.eventSeq]);
  const fresh = events.filter((e) => e.id > seq).sort((a, b) => timeOf(a) - timeOf(b) || a.id - b.id);
  const fold: Fold = { values: {}, applied: fresh, blacklist: false, unblacklist: false, notes: [] };
  if (fresh.length === 0) return fold;

  const counts = { open: 0, click: 0, soft: 0, bounce: 0 };
  let lastOpen = readTime(partner[fields.lastOpen]);
  let lastClick = readTime(partner[fields.lastClick]);
  let lastEventAt = readTime(partner[fields.lastEventAt]);
  const values = fold.values;
  for (const stored of fresh) {
    const { type, link } = stored.event;
    const at = timeOf(stored);
    if (type === 'opened') { counts.open += 1; lastOpen = Math.max(lastOpen, at); }
    if (type === 'clicked') {
      counts.click += 1;
      if (at >= lastClick) { lastClick = at; if (link) values[fields.lastClickUrl] = link; }
    }
    if (type === 'soft_bounce' || type === 'deferred') counts.soft += 1;
    if (type === 'hard_bounce' || type === 'invalid_email' || type === 'blocked') counts.bounce += 1;
    if (type === 'unsubscribed' || type === 'spam' || (type === 'hard_bounce' && settings.blacklistOnHardBounce)) fold.blacklist = true;
    if (type === 'unsubscribed' || type === 'spam') fold.notes.push(describeOptOut(stored));
    if (type === 'resubscribed') { fold.unblacklist = true; fold.blacklist = false; }
    if (at >= lastEventAt) {
      lastEventAt = at;
      values[fields.lastEvent] = type;
      values[fields.lastEventAt] = toOdooDatetime(at);
      const status = STATUS_BY_TYPE[type];
      if (status) values[fields.status] = status;
    }
  }
  if (counts.open) { values[fields.openCount] = readInt(partner[fields.openCount]) + counts.open; values[fields.lastOpen] = toOdooDatetime(lastOpen); }
  if (counts.click) { values[fields.clickCount] = readInt(partner[fields.clickCount]) + counts.click; values[fields.lastClick] = toOdooDatetime(lastClick); }
  if (counts.soft) values[fields.softBounceCount] = readInt(partner[fields.softBounceCount]) + counts.soft;
  if (counts.bounce) values.message_bounce = readInt(partner.message_bounce) + counts.bounce;
  values[fields.eventSeq] = Math.max(...fresh.map((e) => e.id));
  return fold;
}
