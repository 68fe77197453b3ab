/**
 * The inbox of webhook events. An accepted event is committed here before the sender gets its 200; the dedupe key is
 * unique, so a re-delivered event is answered 200 and stored once. The apply worker claims pending events, and marks
 * them applied, retried later, or dead; a crash leaves them pending, and applying is idempotent.
 */
import type Database from 'better-sqlite3';
import type { Db } from './db.js';
import type { InboundEvent } from '../inbound/events.js';
import { IntakeWriter, type Accepted, type InsertResult } from './inbox-intake.js';
import { eventFromRow, type EventColumns } from './inbox-row.js';

export type { Accepted, InsertResult } from './inbox-intake.js';

export type EventStatus = 'pending' | 'applied' | 'ignored' | 'dead';

export interface StoredEvent {
  id: number;
  event: InboundEvent;
  status: EventStatus;
  attempts: number;
  receivedAt: number;
  nextAttemptAt: number;
}

interface Row extends EventColumns {
  id: number; status: EventStatus; attempts: number; received_at: number; next_attempt_at: number;
}

export class Inbox {
  private readonly intake: IntakeWriter;
  private readonly claimStatement;
  private readonly pendingStatement;

  constructor(private readonly db: Db, private readonly now: () => number = Date.now) {
    this.claimStatement = db.prepare(`SELECT id, provider, type, provider_type, email, occurred_at, dedupe_key, event, status, attempts,
        received_at, next_attempt_at FROM events
      WHERE status = 'pending' AND next_attempt_at <= ?
        AND email NOT IN (SELECT email FROM events WHERE status = 'pending' AND next_attempt_at > ? AND email IS NOT NULL)
      ORDER BY id LIMIT ?`);
    this.pendingStatement = db.prepare(`SELECT COUNT(*) FROM events WHERE status = 'pending'`).pluck();
    this.intake = new IntakeWriter(db);
  }

  /** Stores a request's events in one transaction: all of them or, if the disk fails, none. */
  insert(items: Accepted[]): InsertResult {
    return this.intake.insert(items, this.now());
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
      id: r.id, event: eventFromRow(r), status: r.status, attempts: r.attempts,
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
