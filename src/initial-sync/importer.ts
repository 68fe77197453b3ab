/**
 * Sends a built chunk as one Brevo import (`POST /contacts/import`, never the deprecated /contacts/batch) and records
 * its process id. The call only queues the import: completion.ts learns how it ended. A chunk killed between the
 * call and the record is sent again on resume, which is harmless: e-mail and EXT_ID are upserted.
 */
import type { EmailPlatform, ImportRowTexts } from '../brevo/platform.js';
import type { Chunk, InitialSyncStore } from '../store/initial-sync.js';
import { importRequest } from './chunker.js';
import { withRetry, type RetrySettings } from './retry.js';

export interface ImporterDeps {
  platform: EmailPlatform;
  store: InitialSyncStore;
  listIds: number[];
  /** Where Brevo reports the end of this chunk's import; undefined: completion is polled. */
  notifyUrl?: (seq: number) => string;
  retry?: RetrySettings;
  /** Counts every Brevo call, retries included. */
  onCall: () => void;
}

export async function sendChunk(chunk: Chunk, deps: ImporterDeps): Promise<number> {
  // The staged rows go into the body as the JSON they were measured as, read from SQLite as they are written.
  const items: ImportRowTexts = { texts: () => deps.store.chunkJson(chunk.runId, chunk.seq) };
  const request = importRequest(
    { listIds: deps.listIds, blacklisted: chunk.blacklisted, ...(deps.notifyUrl ? { notifyUrl: deps.notifyUrl(chunk.seq) } : {}) },
    items,
  );
  const { processId } = await withRetry(() => {
    deps.onCall();
    return deps.platform.importContacts(request);
  }, deps.retry);
  deps.store.markSent(chunk.runId, chunk.seq, processId);
  return processId;
}
