/**
 * Writing accepted events into the inbox: the hot path of webhook intake (tens of thousands of events a second).
 *
 * - A request's events go in as multi-row INSERTs (100, 10, then 1 row at a time) inside one IMMEDIATE transaction:
 *   SQLite's per-statement work (cursors on the table and its two indexes, the AUTOINCREMENT counter) is paid per
 *   chunk instead of per event, which halves the instructions spent in SQLite (measured with callgrind).
 * - Which events were duplicates is only looked up when the row count says there were some.
 * - Rows are laid out as inbox-row.ts says: small, and with keys that append to the unique index.
 */
import type Database from 'better-sqlite3';
import type { Db } from './db.js';
import type { InboundEvent } from '../inbound/events.js';
import { detailsJson, storageKey } from './inbox-row.js';
import { MultiRowInsert } from './multi-row-insert.js';

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
  /** Per item: false when it was a duplicate of an event already in the inbox (or earlier in the same request). */
  stored: boolean[];
}

const COLUMNS = 'provider, dedupe_key, type, provider_type, email, occurred_at, received_at, event, status, note, next_attempt_at';

export class IntakeWriter {
  private readonly insertRows: MultiRowInsert;
  private readonly lastId: Database.Statement;
  private readonly keysAfter: Database.Statement;
  private readonly write: (items: Accepted[], now: number) => InsertResult;

  constructor(db: Db) {
    this.insertRows = new MultiRowInsert(db, `INSERT INTO events (${COLUMNS})`, COLUMNS.split(',').length, 'ON CONFLICT (dedupe_key) DO NOTHING');
    this.lastId = db.prepare('SELECT MAX(id) FROM events');
    this.keysAfter = db.prepare('SELECT dedupe_key FROM events WHERE id > ?');
    // IMMEDIATE: the transaction reads the last id before it writes, and must not lose the write lock in between.
    this.write = db.transaction((items: Accepted[], now: number) => this.writeAll(items, now)).immediate;
  }

  /** All of the items in one transaction, or none of them if it fails. */
  insert(items: Accepted[], now: number): InsertResult {
    return this.write(items, now);
  }

  private writeAll(items: Accepted[], now: number): InsertResult {
    // Only needed to tell duplicates apart in a batch; for one event, the row count says it all.
    const lastIdBefore = items.length > 1 ? ((this.lastId.pluck().get() as number | null) ?? 0) : 0;
    const keys = items.map((item) => storageKey(item.event));
    const inserted = this.insertRows.run(items.length, (i, values) => pushRow(values, items[i], keys[i], now));
    const stored = inserted === items.length || inserted === 0 ? items.map(() => inserted > 0) : this.storedFlags(keys, lastIdBefore);
    return { inserted, duplicates: items.length - inserted, stored };
  }

  /**
   * Rows inserted by this transaction are the ones after the last id seen before it: AUTOINCREMENT never goes back
   * (a skipped duplicate may use up an id; ids stay unique and increasing, with a gap).
   */
  private storedFlags(keys: string[], lastIdBefore: number): boolean[] {
    const fresh = new Set(this.keysAfter.pluck().all(lastIdBefore) as string[]);
    // delete: of two equal keys in one request, only the first was stored.
    return keys.map((key) => fresh.delete(key));
  }
}

/** Appends one row's values, in COLUMNS order. */
function pushRow(values: unknown[], { event, status, note, rawText }: Accepted, key: string, now: number): void {
  values.push(
    event.provider, key, event.type, event.providerType, event.email, event.occurredAt, now, detailsJson(event, rawText),
    status, note ?? null, now,
  );
}
