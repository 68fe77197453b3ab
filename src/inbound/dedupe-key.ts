/**
 * One key per logical event, so that a provider's retry (or a relay's) is stored once and applied once.
 *
 * Order of preference: the request's idempotency key (Standard Webhooks' webhook-id, constant across retries), then
 * a hash of a canonical tuple. Providers' bodies carry no per-event id: Brevo's `id` is the webhook's id, shared by
 * every event it sends; Arpoone's de-facto id (MessageId + EventType + Time) is contained in the tuple.
 */
import { hash } from 'node:crypto';
import type { Provider } from './events.js';

export interface DedupeFields {
  provider: Provider;
  providerType: string;
  email: string | null;
  messageId?: string;
  campaignId?: string;
  /** The event-time field exactly as received (not the normalised ms, which could change with the parsing rules). */
  timeReceived?: string;
  link?: string;
}

export interface Delivery {
  /** webhook-id of the request, when it was verified with Standard Webhooks. */
  idempotencyKey?: string;
  /** The event's index in the body, and whether the body was an array. */
  index: number;
  batch: boolean;
}

/**
 * SHA-256 (base64url) of the tuple as a JSON array, so that no field value can imitate a separator. One-shot
 * crypto.hash: createHash's object per event cost more than the hashing itself.
 */
export function tupleKey(f: DedupeFields): string {
  const tuple = [f.provider, f.providerType, f.email ?? '', f.messageId ?? '', f.campaignId ?? '', f.timeReceived ?? '', f.link ?? ''];
  return hash('sha256', JSON.stringify(tuple), 'base64url');
}

export function dedupeKey(fields: DedupeFields, delivery?: Delivery): string {
  const id = delivery?.idempotencyKey;
  // One webhook-id covers a whole request: with several events in it, the index tells them apart.
  if (id) return delivery.batch ? `${id}#${delivery.index}` : id;
  return tupleKey(fields);
}
