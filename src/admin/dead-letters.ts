/**
 * What an admin does with dead letters, shared by the HTTP admin surface and the CLI: list them, retry them (a job
 * goes back to the outbox with fresh attempts; an event goes back to the inbox under a new id), or discard them.
 */
import type { Store } from '../store/index.js';
import type { DeadLetter, DeadLetterFilter } from '../store/dead-letters.js';

export function listDeadLetters(store: Store, filter: DeadLetterFilter = {}, limit = 1000): DeadLetter[] {
  return store.deadLetters.list(filter, limit);
}

export function retryDeadLetters(store: Store, filter: DeadLetterFilter): number {
  return store.deadLetters.retry(filter, (kind, key, payload) => {
    if (kind === 'apply_event') store.inbox.revive([Number(payload.eventId)]);
    else store.jobs.enqueue(kind, key, { payload, source: 'admin_retry' });
  });
}

export function discardDeadLetters(store: Store, filter: DeadLetterFilter): number {
  return store.deadLetters.discard(filter);
}
