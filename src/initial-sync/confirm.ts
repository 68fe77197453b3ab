/**
 * What a confirmed import leaves behind: each partner of the chunk recorded as sent (the contact hash the outbound
 * flow compares with, so an unchanged partner costs it zero Brevo calls) and as read at that write_date (so the
 * incremental scan does not even enqueue it). One transaction per chunk: a kill leaves it all or nothing.
 */
import type { AttributeValue, ImportItem } from '../brevo/platform.js';
import type { PartnerSyncStore } from '../store/partner-sync.js';
import type { Chunk, InitialSyncStore } from '../store/initial-sync.js';
import { contactFromItem } from './chunker.js';

const BATCH = 1000;

export function confirmChunk(chunk: Chunk, store: InitialSyncStore, partners: PartnerSyncStore, listIds: number[]): void {
  store.transaction(() => {
    for (let after = 0; ;) {
      const rows = store.chunkContacts(chunk.runId, chunk.seq, after, BATCH);
      for (const row of rows) {
        const leftOut = row.leftOut ? (JSON.parse(row.leftOut) as Record<string, AttributeValue>) : undefined;
        const contact = contactFromItem(JSON.parse(row.item) as ImportItem, listIds, row.blacklisted, leftOut);
        partners.recordSent(row.partnerId, contact, row.hash);
        partners.recordRead(row.partnerId, row.writeDate, row.readAt);
      }
      if (rows.length < BATCH) break;
      after = rows[rows.length - 1].row;
    }
    store.dropChunkContacts(chunk.runId, chunk.seq);
    store.markCompleted(chunk.runId, chunk.seq);
  });
}
