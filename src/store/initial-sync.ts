/**
 * The initial sync's checkpoints. Everything a run needs to resume after a kill lives here, written page by page in
 * one transaction each: the cursor (last partner id handled), the report counters, the identifiers already owned in
 * this run (the shared-e-mail rule without holding a million addresses in memory), the mapped contacts waiting for
 * their import to be confirmed, the chunks and their Brevo processes, and the import callbacks the sidecar received.
 */
import type { Db } from './db.js';
import { MultiRowInsert } from './multi-row-insert.js';

const SCRATCH_BATCH = 10_000;
const ITEMS_BATCH = 1000;

export type RunStatus = 'running' | 'failed' | 'done' | 'abandoned';
export type ChunkStatus = 'built' | 'sent' | 'completed' | 'failed' | 'planned';

export interface SyncRun {
  id: number;
  status: RunStatus;
  options: Record<string, unknown>;
  token: string;
  cursor: number;
  counters: Record<string, unknown>;
  invocations: number;
  /** The process of the latest invocation. */
  pid: number | null;
  startedAt: number;
  finishedAt: number | null;
}

export interface StagedContact {
  partnerId: number;
  blacklisted: boolean;
  bytes: number;
  /** The import row as sent (JSON). */
  item: string;
  /** The mapped contact (JSON), phone attributes kept out of the row included: what partner_sync records. */
  contact: string;
  /** Hash of the mapped contact, recorded as sent once the import is confirmed. */
  hash: string;
  writeDate: string;
  readAt: number;
}

/** A chunk still taking rows (no chunk row yet): what a resumed run continues to fill. */
export interface OpenChunk {
  seq: number;
  blacklisted: boolean;
  contacts: number;
  bytes: number;
  firstPartnerId: number;
  lastPartnerId: number;
}

export interface Chunk {
  runId: number;
  seq: number;
  blacklisted: boolean;
  contacts: number;
  bytes: number;
  firstPartnerId: number;
  lastPartnerId: number;
  status: ChunkStatus;
  processId: number | null;
  error: string | null;
  attempts: number;
  sentAt: number | null;
  polledAt: number | null;
}

export interface Completion {
  id: number;
  processId: number | null;
  chunk: number | null;
  status: string | null;
  body: string | null;
  receivedAt: number;
}

interface RunRow {
  id: number; status: RunStatus; options: string; token: string; cursor: number; counters: string; invocations: number;
  pid: number | null; started_at: number; finished_at: number | null;
}

interface ChunkRow {
  run_id: number; seq: number; blacklisted: number; contacts: number; bytes: number; first_partner_id: number;
  last_partner_id: number; status: ChunkStatus; process_id: number | null; error: string | null; attempts: number;
  sent_at: number | null; polled_at: number | null;
}

const toRun = (r: RunRow): SyncRun => ({
  id: r.id, status: r.status, options: JSON.parse(r.options) as Record<string, unknown>, token: r.token, cursor: r.cursor,
  counters: JSON.parse(r.counters) as Record<string, unknown>, invocations: r.invocations, pid: r.pid, startedAt: r.started_at,
  finishedAt: r.finished_at,
});

const toChunk = (r: ChunkRow): Chunk => ({
  runId: r.run_id, seq: r.seq, blacklisted: r.blacklisted === 1, contacts: r.contacts, bytes: r.bytes,
  firstPartnerId: r.first_partner_id, lastPartnerId: r.last_partner_id, status: r.status, processId: r.process_id,
  error: r.error, attempts: r.attempts, sentAt: r.sent_at, polledAt: r.polled_at,
});

export class InitialSyncStore {
  private readonly ownersStatement;
  private readonly addIdentifiers: MultiRowInsert;
  private readonly stageRows: MultiRowInsert;
  private readonly inTransaction: (fn: () => unknown) => unknown;

  constructor(private readonly db: Db, private readonly now: () => number = Date.now) {
    this.inTransaction = db.transaction((fn: () => unknown) => fn());
    // One statement per page, whatever its size: the page's keys go in as one JSON array.
    this.ownersStatement = db.prepare(`SELECT key, partner_id AS partnerId FROM initial_sync_identifiers
      WHERE run_id = ? AND key IN (SELECT value FROM json_each(?))`);
    this.addIdentifiers = new MultiRowInsert(db, 'INSERT OR IGNORE INTO initial_sync_identifiers (run_id, key, partner_id)', 3);
    this.stageRows = new MultiRowInsert(db, `INSERT INTO initial_sync_contacts
      (run_id, chunk, partner_id, blacklisted, bytes, item, contact, hash, write_date, read_at)`, 10);
  }

  /** One wrapper for every transaction: better-sqlite3 builds a new function for each db.transaction(fn). */
  transaction<T>(fn: () => T): T {
    return this.inTransaction(fn) as T;
  }

  // ---- runs ---------------------------------------------------------------------------------------------

  /** The latest run that did not finish cleanly (killed, or ended with failures): what --resume continues. */
  unfinished(): SyncRun | undefined {
    const row = this.db.prepare(`SELECT * FROM initial_sync_runs WHERE status IN ('running', 'failed') ORDER BY id DESC LIMIT 1`).get() as RunRow | undefined;
    return row && toRun(row);
  }

  get(id: number): SyncRun | undefined {
    const row = this.db.prepare('SELECT * FROM initial_sync_runs WHERE id = ?').get(id) as RunRow | undefined;
    return row && toRun(row);
  }

  create(options: Record<string, unknown>, token: string, counters: Record<string, unknown>): SyncRun {
    const now = this.now();
    const { lastInsertRowid } = this.db
      .prepare(`INSERT INTO initial_sync_runs (status, options, token, counters, pid, started_at, updated_at) VALUES ('running', ?, ?, ?, ?, ?, ?)`)
      .run(JSON.stringify(options), token, JSON.stringify(counters), process.pid, now, now);
    return this.get(Number(lastInsertRowid))!;
  }

  /** A resumed run is running again, one invocation more. */
  reopen(id: number): void {
    this.db.prepare(`UPDATE initial_sync_runs SET status = 'running', invocations = invocations + 1, pid = ?, finished_at = NULL, updated_at = ?
      WHERE id = ?`).run(process.pid, this.now(), id);
  }

  checkpoint(id: number, cursor: number, counters: Record<string, unknown>): void {
    this.db.prepare('UPDATE initial_sync_runs SET cursor = ?, counters = ?, updated_at = ? WHERE id = ?')
      .run(cursor, JSON.stringify(counters), this.now(), id);
  }

  saveCounters(id: number, counters: Record<string, unknown>): void {
    this.db.prepare('UPDATE initial_sync_runs SET counters = ?, updated_at = ? WHERE id = ?').run(JSON.stringify(counters), this.now(), id);
  }

  /** Ends a run. A done or abandoned run's scratch rows go; a failed one keeps them for --resume. */
  finish(id: number, status: RunStatus): void {
    this.db.prepare('UPDATE initial_sync_runs SET status = ?, finished_at = ?, updated_at = ? WHERE id = ?').run(status, this.now(), this.now(), id);
    if (status === 'done' || status === 'abandoned') this.dropScratch(id);
  }

  /**
   * Deleted in batches of their own transactions: one transaction deleting a million identifiers would hold every
   * page it touches in memory until the commit. (A kill half-way leaves rows of a finished run: harmless, never read.)
   */
  private dropScratch(id: number): void {
    const batches = [
      `DELETE FROM initial_sync_identifiers WHERE run_id = @id AND key IN (SELECT key FROM initial_sync_identifiers WHERE run_id = @id LIMIT ${SCRATCH_BATCH})`,
      `DELETE FROM initial_sync_contacts WHERE rowid IN (SELECT rowid FROM initial_sync_contacts WHERE run_id = @id LIMIT ${SCRATCH_BATCH})`,
      `DELETE FROM import_completions WHERE run_id = @id`,
    ];
    for (const sql of batches) while (this.db.prepare(sql).run({ id }).changes >= SCRATCH_BATCH);
  }

  /** Runs whose callback URL is live (the sidecar's import-done route accepts their token). */
  liveTokens(): Array<{ runId: number; token: string }> {
    return this.db.prepare(`SELECT id AS runId, token FROM initial_sync_runs WHERE status IN ('running', 'failed')`).all() as Array<{ runId: number; token: string }>;
  }

  // ---- identifiers owned in this run -------------------------------------------------------------------

  /** Which of these keys a partner of this run already owns, and which partner. */
  owners(runId: number, keys: string[]): Map<string, number> {
    if (keys.length === 0) return new Map();
    const rows = this.ownersStatement.all(runId, JSON.stringify(keys)) as Array<{ key: string; partnerId: number }>;
    return new Map(rows.map((r) => [r.key, r.partnerId]));
  }

  /**
   * Records that these partners own these keys (a key already owned keeps its owner). Sorted first (in place): keys in
   * order fill the B-tree leaf by leaf instead of jumping about the index, which SQLite's small cache here makes costly.
   */
  claim(runId: number, claims: Array<[key: string, partnerId: number]>): void {
    claims.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    this.addIdentifiers.run(claims.length, (i, values) => values.push(runId, claims[i][0], claims[i][1]));
  }

  /** Every key this run has claimed (to rebuild what a resumed run knows in memory). */
  *claimedKeys(runId: number): Generator<string> {
    yield* this.db.prepare('SELECT key FROM initial_sync_identifiers WHERE run_id = ?').pluck().iterate(runId) as IterableIterator<string>;
  }

  // ---- contacts waiting for their import ---------------------------------------------------------------

  /** Adds rows to their chunks (rows arrive in partner id order). */
  stage(runId: number, rows: Array<{ seq: number; contact: StagedContact }>): void {
    this.stageRows.run(rows.length, (i, values) => {
      const { seq, contact: c } = rows[i];
      values.push(runId, seq, c.partnerId, c.blacklisted ? 1 : 0, c.bytes, c.item, c.contact, c.hash, c.writeDate, c.readAt);
    });
  }

  /** Chunks with rows but no chunk row: the ones an interrupted run was still filling (one per kind at most). */
  openChunks(runId: number): OpenChunk[] {
    return (this.db
      .prepare(`SELECT chunk AS seq, blacklisted, COUNT(*) AS contacts, SUM(bytes + 1) AS bytes, MIN(partner_id) AS firstPartnerId,
          MAX(partner_id) AS lastPartnerId FROM initial_sync_contacts c WHERE run_id = ?
          AND NOT EXISTS (SELECT 1 FROM initial_sync_chunks k WHERE k.run_id = c.run_id AND k.seq = c.chunk)
        GROUP BY chunk, blacklisted ORDER BY chunk`)
      .all(runId) as Array<Omit<OpenChunk, 'blacklisted'> & { blacklisted: number }>).map((r) => ({ ...r, blacklisted: r.blacklisted === 1 }));
  }

  /** The number the next chunk of this run gets. */
  nextSeq(runId: number): number {
    const max = this.db
      .prepare(`SELECT MAX(seq) FROM (SELECT MAX(seq) AS seq FROM initial_sync_chunks WHERE run_id = ?
        UNION ALL SELECT MAX(chunk) FROM initial_sync_contacts WHERE run_id = ?)`)
      .pluck().get(runId, runId) as number | null;
    return (max ?? 0) + 1;
  }

  /** A full (or last) chunk becomes an import to send. */
  closeChunk(runId: number, open: OpenChunk): void {
    this.db
      .prepare(`INSERT INTO initial_sync_chunks (run_id, seq, blacklisted, contacts, bytes, first_partner_id, last_partner_id, status)
        VALUES (?, ?, ?, ?, ?, ?, ?, 'built')`)
      .run(runId, open.seq, open.blacklisted ? 1 : 0, open.contacts, open.bytes, open.firstPartnerId, open.lastPartnerId);
  }

  /** The first `limit` import rows of a chunk (JSON strings), in partner id order: a dry run's sample. */
  chunkItems(runId: number, seq: number, limit: number): string[] {
    return this.db.prepare('SELECT item FROM initial_sync_contacts WHERE run_id = ? AND chunk = ? ORDER BY rowid LIMIT ?').pluck()
      .all(runId, seq, limit) as string[];
  }

  /**
   * The import rows of a chunk as UTF-8 JSON, ITEMS_BATCH rows per piece joined by commas, in partner id order: what
   * an import body is made of, copied out of SQLite without becoming JavaScript strings. Each piece is read by a query
   * that completes at once: the pieces are pulled while an import streams out, and an open statement would make the
   * connection refuse any other statement meanwhile.
   */
  *chunkJson(runId: number, seq: number): Generator<Buffer> {
    const batch = this.db.prepare(`SELECT CAST(group_concat(item, ',' ORDER BY id) AS BLOB) AS json, MAX(id) AS last, COUNT(*) AS rows
      FROM (SELECT rowid AS id, item FROM initial_sync_contacts WHERE run_id = ? AND chunk = ? AND rowid > ? ORDER BY rowid LIMIT ?)`);
    for (let after = 0; ;) {
      const piece = batch.get(runId, seq, after, ITEMS_BATCH) as { json: Buffer | null; last: number | null; rows: number };
      if (piece.json) yield piece.json;
      if (piece.rows < ITEMS_BATCH) return;
      after = piece.last!;
    }
  }

  /**
   * Records a confirmed chunk's partners in partner_sync, as PartnerSyncStore.recordSent and recordRead would, inside
   * SQLite: `batch` rows per transaction (SQLite holds every page a transaction dirties until it commits), so a chunk
   * spread over the whole partner table never costs more than one batch of memory. Rows staged before migration 4
   * have no contact and are left out: their partners are merely sent again at their next change.
   */
  recordChunkSent(runId: number, seq: number, batch: number): void {
    const boundary = this.db.prepare(`SELECT rowid FROM initial_sync_contacts WHERE run_id = ? AND chunk = ? AND rowid > ?
      ORDER BY rowid LIMIT 1 OFFSET ?`).pluck();
    const record = this.db.prepare(`INSERT INTO partner_sync
        (partner_id, contact_hash, contact_json, email, blacklisted, sent_at, skip_reason, duplicate_of, read_write_date, read_at)
      SELECT partner_id, hash, contact, json_extract(contact, '$.email'), blacklisted, @now, NULL, NULL, write_date, read_at
        FROM initial_sync_contacts WHERE run_id = @runId AND chunk = @seq AND rowid > @after AND rowid <= @upTo AND contact IS NOT NULL
      ON CONFLICT (partner_id) DO UPDATE SET contact_hash = excluded.contact_hash, contact_json = excluded.contact_json,
        email = excluded.email, blacklisted = excluded.blacklisted, sent_at = excluded.sent_at, skip_reason = NULL,
        duplicate_of = NULL, read_write_date = excluded.read_write_date, read_at = excluded.read_at`);
    for (let after = 0; after !== Number.MAX_SAFE_INTEGER;) {
      const last = boundary.get(runId, seq, after, batch - 1) as number | undefined;
      const upTo = last ?? Number.MAX_SAFE_INTEGER;
      this.transaction(() => record.run({ now: this.now(), runId, seq, after, upTo }));
      after = upTo;
    }
  }

  dropChunkContacts(runId: number, seq: number): void {
    this.db.prepare('DELETE FROM initial_sync_contacts WHERE run_id = ? AND chunk = ?').run(runId, seq);
  }

  // ---- chunks -------------------------------------------------------------------------------------------

  chunk(runId: number, seq: number): Chunk | undefined {
    const row = this.db.prepare('SELECT * FROM initial_sync_chunks WHERE run_id = ? AND seq = ?').get(runId, seq) as ChunkRow | undefined;
    return row && toChunk(row);
  }

  chunks(runId: number, status?: ChunkStatus): Chunk[] {
    const rows = status
      ? this.db.prepare('SELECT * FROM initial_sync_chunks WHERE run_id = ? AND status = ? ORDER BY seq').all(runId, status)
      : this.db.prepare('SELECT * FROM initial_sync_chunks WHERE run_id = ? ORDER BY seq').all(runId);
    return (rows as ChunkRow[]).map(toChunk);
  }

  markSent(runId: number, seq: number, processId: number): void {
    this.db.prepare(`UPDATE initial_sync_chunks SET status = 'sent', process_id = ?, attempts = attempts + 1, sent_at = ?, polled_at = NULL,
      error = NULL WHERE run_id = ? AND seq = ?`).run(processId, this.now(), runId, seq);
  }

  /** Dry run: the chunk was reported, never to be sent. */
  markPlanned(runId: number, seq: number): void {
    this.db.prepare(`UPDATE initial_sync_chunks SET status = 'planned' WHERE run_id = ? AND seq = ?`).run(runId, seq);
  }

  markPolled(runId: number, seq: number): void {
    this.db.prepare('UPDATE initial_sync_chunks SET polled_at = ? WHERE run_id = ? AND seq = ?').run(this.now(), runId, seq);
  }

  markCompleted(runId: number, seq: number): void {
    this.db.prepare(`UPDATE initial_sync_chunks SET status = 'completed', done_at = ? WHERE run_id = ? AND seq = ?`).run(this.now(), runId, seq);
  }

  markFailed(runId: number, seq: number, error: string): void {
    this.db.prepare(`UPDATE initial_sync_chunks SET status = 'failed', error = ?, done_at = ? WHERE run_id = ? AND seq = ?`)
      .run(error, this.now(), runId, seq);
  }

  /** A failed chunk goes back to be sent again (its contacts are still staged). */
  rebuild(runId: number, seq: number): void {
    this.db.prepare(`UPDATE initial_sync_chunks SET status = 'built', process_id = NULL WHERE run_id = ? AND seq = ?`).run(runId, seq);
  }

  // ---- import callbacks ---------------------------------------------------------------------------------

  recordCompletion(runId: number, c: Omit<Completion, 'id' | 'receivedAt'>): void {
    this.db.prepare('INSERT INTO import_completions (run_id, process_id, chunk, status, body, received_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(runId, c.processId, c.chunk, c.status, c.body, this.now());
  }

  /** The callbacks received for a run after `afterId`, oldest first. */
  completions(runId: number, afterId = 0): Completion[] {
    return this.db.prepare(`SELECT id, process_id AS processId, chunk, status, body, received_at AS receivedAt FROM import_completions
      WHERE run_id = ? AND id > ? ORDER BY id`).all(runId, afterId) as Completion[];
  }
}
