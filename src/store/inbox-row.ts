/**
 * How an inbound event is laid out in a row of the `events` table.
 *
 * - provider, type, provider_type, email and occurred_at are columns (queries need them); the `event` column holds the
 *   other fields as JSON, and the raw event as the provider sent it, spliced in as text rather than serialised again.
 *   Rows written before migration 7 hold the whole event there; eventFromRow reads both.
 * - dedupe_key is the event's time (hex seconds; 0 without one), a colon, and its dedupe key: recent events sort
 *   together, so a batch appends to the end of the unique index instead of dirtying one random page of it per event;
 *   and a re-delivered event gets the same key, its time being part of what it is.
 */
import type { InboundEvent } from '../inbound/events.js';

type ColumnField = 'provider' | 'type' | 'providerType' | 'email' | 'occurredAt' | 'dedupeKey';
type DetailField = Exclude<keyof InboundEvent, ColumnField | 'raw'>;

export interface EventColumns {
  provider: string;
  type: string;
  provider_type: string;
  email: string | null;
  occurred_at: number | null;
  dedupe_key: string;
  event: string;
}

export function storageKey(event: Pick<InboundEvent, 'occurredAt' | 'dedupeKey'>): string {
  const seconds = event.occurredAt !== null && event.occurredAt >= 0 ? Math.floor(event.occurredAt / 1000) : 0;
  return `${seconds.toString(16).padStart(8, '0')}:${event.dedupeKey}`;
}

/** The `event` column: the fields without a column of their own, then raw (as received when its text is known). */
export function detailsJson(event: InboundEvent, rawText?: string): string {
  // A fixed shape (the compiler checks it lists every such field) keeps JSON.stringify on its fast path.
  const details = {
    messageId: event.messageId, campaignId: event.campaignId, campaignName: event.campaignName, link: event.link,
    reason: event.reason, listIds: event.listIds, apiKeyName: event.apiKeyName,
  } satisfies Record<DetailField, unknown>;
  const json = JSON.stringify(details); // undefined fields are left out
  const raw = rawText ?? (JSON.stringify(event.raw) as string | undefined);
  if (raw === undefined) return json;
  return json === '{}' ? `{"raw":${raw}}` : `${json.slice(0, -1)},"raw":${raw}}`;
}

/** The event back from its row, whichever layout the row was written in. */
export function eventFromRow(row: EventColumns): InboundEvent {
  return {
    provider: row.provider as InboundEvent['provider'],
    type: row.type as InboundEvent['type'],
    providerType: row.provider_type,
    email: row.email,
    occurredAt: row.occurred_at,
    dedupeKey: row.dedupe_key.slice(row.dedupe_key.indexOf(':') + 1),
    raw: undefined,
    ...(JSON.parse(row.event) as Partial<InboundEvent>),
  };
}
