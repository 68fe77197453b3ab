/**
 * The inbox of webhook events. An accepted event is committed here before the sender gets its 200; the dedupe key is
 * unique, so a re-delivered event is answered 200 and stored once. The apply worker claims pending events, and marks
 * them applied, retried later, or dead; a crash leaves them pending, and applying is idempotent.
 *
 * Intake is the hot path (tens of thousands of events a second): one prepared statement per event inside the
 * request's one transaction, the event stored as JSON built field by field around the provider's own text, and a
 * unique index whose keys start with the event's time, so that a batch of recent events touches a few index pages at
 * the end of the index rather than one random page per event (which made every commit, and every checkpoint, large).
 */
import type Database from 'better-sqlite3';
import type { Db } from './db.js';
import type { InboundEvent } from '../inbound/events.js';

export type EventStatus = 'pending' | 'applied' | 'ignored' | 'dead';

export interface StoredEvent {
  id: number;
  event: InboundEvent;
  status: EventStatus;
  attempts: number;
  receivedAt: number;
  nextAttemptAt: number;
}

export interface Accepted {
  event: InboundEvent;
  status: 'pending' | 'ignored';
  note?: string;
  /** The event's JSON text as the provider sent it, stored verbatim as its raw part (else event.raw is serialised). */
  rawText?: string;
}

export interface InsertResult {
  inserted: number;
  duplicates: number;
  /** Per item: false when it was a duplicate of an event already in the inbox. */
  stored: boolean[];
}

type SerialisedField = Exclude<keyof InboundEvent, 'raw'>;
// Every field but raw, checked exhaustive by the compiler; each with its JSON key prefix computed once.
const FIELD_PREFIXES = Object.keys({
  provider: true, type: true, providerType: true, email: true, occurredAt: true, messageId: true, campaignId: true,
  campaignName: true, link: true, reason: true, listIds: true, apiKeyName: true, dedupeKey: true,
} satisfies Record<SerialisedField, true>).map((field) => [field as SerialisedField, `${JSON.stringify(field)}:`] as const);

/** The event as stored: what JSON.stringify(event) would give, but with the raw part as received when it is known. */
export function eventJson(event: InboundEvent, rawText?: string): string {
  let json = '{';
  for (const [field, prefix] of FIELD_PREFIXES) {
    const value = event[field];
    if (value !== undefined) json += `${json.length > 1 ? ',' : ''}${prefix}${JSON.stringify(value)}`;
  }
  const raw = rawText ?? JSON.stringify(event.raw);
  return raw === undefined ? `${json}}` : `${json}${json.length > 1 ? ',' : ''}"raw":${raw}}`;
}

/**
 * The key the unique index holds: the event's time (hex seconds; 0 without one) before its dedupe key. Recent events
 * sort together, and a re-delivered event gets the same key, its time being part of what it is. Migration 6 gave
 * the events stored before it the same form, from the same occurred_at.
 */
export function storageKey(event: Pick<InboundEvent, 'occurredAt' | 'dedupeKey'>): string {
  const seconds = event.occurredAt !== null && event.occurredAt >= 0 ? Math.floor(event.occurredAt / 1000) : 0;
  return `${seconds.toString(16).padStart(8, '0')}:${event.dedupeKey}`;
}

interface Row {
  id: number; event: string; status: EventStatus; attempts: number; received_at: number; next_attempt_at: number;
}

export class Inbox {
  private readonly insertStatement;
  private readonly insertAll: (items: Accepted[], now: number) => InsertResult;
  private readonly claimStatement;
  private readonly pendingStatement;

  constructor(private readonly db: Db, private readonly now: () => number = Date.now) {
    this.claimStatement = db.prepare(`SELECT id, event, status, attempts, received_at, next_attempt_at FROM events
      WHERE status = 'pending' AND next_attempt_at <= ?
        AND email NOT IN (SELECT email FROM events WHERE status = 'pending' AND next_attempt_at > ? AND email IS NOT NULL)
      ORDER BY id LIMIT ?`);
    this.pendingStatement = db.prepare(`SELECT COUNT(*) FROM events WHERE status = 'pending'`).pluck();
    this.insertStatement = db.prepare(
      `INSERT INTO events (provider, dedupe_key, type, provider_type, email, occurred_at, received_at, event, status, note, next_attempt_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (dedupe_key) DO NOTHING`,
    );
    this.insertAll = db.transaction((items: Accepted[], now: number) => {
      const stored = new Array<boolean>(items.length);
      let inserted = 0;
      for (let i = 0; i < items.length; i++) {
        const { event, status, note, rawText } = items[i];
        stored[i] = this.insertStatement.run(
          event.provider, storageKey(event), event.type, event.providerType, event.email, event.occurredAt, now,
          eventJson(event, rawText), status, note ?? null, now,
        ).changes > 0;
        if (stored[i]) inserted++;
      }
      return { inserted, duplicates: items.length - inserted, stored };
    });
  }

  /** Stores a request's events in one transaction: all of them or, if the disk fails, none. */
  insert(items: Accepted[]): InsertResult {
    return this.insertAll(items, this.now());
  }

  /**
   * Due pending events, oldest first. An address with an event still waiting for its retry is held back entirely:
   * applying a newer event first would move the partner's event sequence past the older one, which would then be
   * skipped as already applied.
   */
  claimDue(limit: number): StoredEvent[] {
    const now = this.now();
    const rows = this.claimStatement.all(now, now, limit) as Row[];
    return rows.map((r) => ({
      id: r.id, event: JSON.parse(r.event) as InboundEvent, status: r.status, attempts: r.attempts,
      receivedAt: r.received_at, nextAttemptAt: r.next_attempt_at,
    }));
  }

  pendingCount(): number {
    return this.pendingStatement.get() as number;
  }

  oldestPendingReceivedAt(): number | null {
    return (this.db.prepare(`SELECT MIN(received_at) FROM events WHERE status = 'pending'`).pluck().get() as number | null) ?? null;
  }

  markApplied(ids: number[], note?: string): void {
    this.update(ids, `status = 'applied', applied_at = ?, note = COALESCE(?, note)`, [this.now(), note ?? null]);
  }

  markRetry(ids: number[], error: string, delayMs: number): void {
    this.update(ids, `attempts = attempts + 1, last_error = ?, next_attempt_at = ?`, [error, this.now() + delayMs]);
  }

  markDead(ids: number[], error: string): void {
    this.update(ids, `status = 'dead', attempts = attempts + 1, last_error = ?`, [error]);
  }

  /**
   * Puts dead events back to pending (an admin retrying a dead letter) under new ids: partners remember the highest
   * event id applied to them, so an old id would be taken for one already applied.
   */
  revive(ids: number[]): void {
    const read = this.db.prepare('SELECT * FROM events WHERE id = ?');
    const remove = this.db.prepare('DELETE FROM events WHERE id = ?');
    const copy = this.db.prepare(
      `INSERT INTO events (provider, dedupe_key, type, provider_type, email, occurred_at, received_at, event, status, note, next_attempt_at)
       VALUES (@provider, @dedupe_key, @type, @provider_type, @email, @occurred_at, @received_at, @event, 'pending', @note, @now)`,
    );
    this.db.transaction(() => {
      for (const id of ids) {
        const row = read.get(id) as Record<string, unknown> | undefined;
        if (!row) continue;
        remove.run(id);
        copy.run({ ...row, now: this.now() });
      }
    })();
  }

  countsByStatus(): Record<EventStatus, number> {
    const rows = this.db.prepare('SELECT status, COUNT(*) AS n FROM events GROUP BY status').all() as Array<{ status: EventStatus; n: number }>;
    return { pending: 0, applied: 0, ignored: 0, dead: 0, ...Object.fromEntries(rows.map((r) => [r.status, r.n])) };
  }

  private readonly updates = new Map<string, Database.Statement<unknown[]>>();

  private update(ids: number[], set: string, args: unknown[]): void {
    if (ids.length === 0) return;
    let statement = this.updates.get(set);
    if (!statement) this.updates.set(set, (statement = this.db.prepare(`UPDATE events SET ${set} WHERE id = ?`)));
    this.db.transaction(() => ids.forEach((id) => statement.run(...args, id)))();
  }
}
