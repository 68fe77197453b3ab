/**
 * Decides at intake whether an accepted event has anything to apply to the CRM. Everything accepted is stored; the
 * ones with nothing to do are stored as 'ignored' with the reason, so they are counted but never cost a CRM call.
 */
import type { Accepted } from '../store/inbox.js';
import type { EventType, InboundEvent } from './events.js';

export interface TriageSettings {
  /** The sidecar's own Brevo key name: contact_updated/list_addition events bearing it echo our own writes. */
  apiKeyName?: string;
  allowResubscribe: boolean;
  createPartnerOnListAddition: boolean;
}

const APPLIED: ReadonlySet<EventType> = new Set([
  'opened', 'clicked', 'soft_bounce', 'deferred', 'hard_bounce', 'invalid_email', 'blocked', 'spam', 'unsubscribed',
  'resubscribed', 'list_addition',
]);

/** Why an event has nothing to apply, or undefined when it has. */
function ignoredBecause(event: InboundEvent, settings: TriageSettings): string | undefined {
  if (event.type === 'unknown') return 'unknown_type';
  if (settings.apiKeyName && event.apiKeyName === settings.apiKeyName) return 'echo';
  if (!APPLIED.has(event.type)) return 'not_applied';
  if (!event.email) return 'no_email';
  if (event.type === 'resubscribed' && !settings.allowResubscribe) return 'resubscribe_disabled';
  if (event.type === 'list_addition' && !settings.createPartnerOnListAddition) return 'not_applied';
  return undefined;
}

export function triage(event: InboundEvent, settings: TriageSettings): Accepted {
  const note = ignoredBecause(event, settings);
  return note === undefined ? { event, status: 'pending' } : { event, status: 'ignored', note };
}
