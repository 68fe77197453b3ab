/**
 * What a confirmed import leaves behind: each partner of the chunk recorded as sent (the contact hash the outbound
 * flow compares with, so an unchanged partner costs it zero Brevo calls) and as read at that write_date (so the
 * incremental scan does not even enqueue it); then the chunk is marked completed and its rows dropped.
 *
 * One transaction per batch of rows, not per chunk: a chunk's partners are spread over the whole partner table (the
 * blocklisted chunk fills up over the entire run), and SQLite holds every page a transaction dirties until it commits.
 * A kill half-way is harmless: the chunk is still 'sent', and recording the same partners again on resume is idempotent.
 */
import type { Chunk, InitialSyncStore } from '../store/initial-sync.js';

const BATCH = 1000;

export function confirmChunk(chunk: Chunk, store: InitialSyncStore): void {
  store.recordChunkSent(chunk.runId, chunk.seq, BATCH);
  store.transaction(() => {
    store.markCompleted(chunk.runId, chunk.seq);
    store.dropChunkContacts(chunk.runId, chunk.seq);
  });
}
