/**
 * One internal event union for every provider's webhook (and for Brevo polling), so applying an event to the CRM
 * never depends on where it came from.
 */
export const EVENT_TYPES = [
  'delivered', 'opened', 'clicked', 'soft_bounce', 'hard_bounce', 'invalid_email', 'blocked', 'deferred', 'spam',
  'unsubscribed', 'resubscribed', 'error', 'sent', 'list_addition', 'contact_updated', 'contact_deleted', 'unknown',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export const PROVIDERS = ['brevo', 'sendpulse', 'arpoone'] as const;
export type Provider = (typeof PROVIDERS)[number];

export interface InboundEvent {
  provider: Provider;
  type: EventType;
  /** The provider's own event name, as received (e.g. 'unique_opened', 'hard_bounces', 'Bounced'). */
  providerType: string;
  /** Lower-cased, trimmed address; null when the event names none (it is then stored but cannot apply). */
  email: string | null;
  /** When it happened, ms since the epoch, UTC; null when the payload has no usable time. */
  occurredAt: number | null;
  messageId?: string;
  campaignId?: string;
  campaignName?: string;
  link?: string;
  reason?: string;
  listIds?: number[];
  /** Brevo's api_key_name on contact_updated / list_addition: the key that caused the change ('' when not the API). */
  apiKeyName?: string;
  /** Unique per event: the provider's id where there is one, else a hash of the canonical tuple. */
  dedupeKey: string;
  raw: unknown;
}
