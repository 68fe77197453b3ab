/**
 * Brevo (ex-Sendinblue) transactional and marketing webhooks. One adapter for both: the event names overlap and the
 * fields that differ (camp_id, 'campaign name', list_id, the click URL) are simply absent from the other kind.
 */
import type { EventType } from '../events.js';
import { eventName, firstText, listIds, MAX_ID, MAX_LINK, MAX_NAME, MAX_REASON, readEmail, text } from './fields.js';
import { epochToMs, parisLocalToMs } from './time.js';
import { INVALID_EMAIL, NO_EVENT_NAME, type AdapterResult } from './types.js';

const TYPES: Record<string, EventType> = {
  request: 'sent',
  sent: 'sent',
  delivered: 'delivered',
  opened: 'opened',
  unique_opened: 'opened',
  proxy_open: 'opened',
  unique_proxy_open: 'opened',
  click: 'clicked',
  soft_bounce: 'soft_bounce',
  hard_bounce: 'hard_bounce',
  hard_bounced: 'hard_bounce', // the Sendinblue seed's spelling
  invalid_email: 'invalid_email',
  invalid: 'invalid_email', // the subscription name, in case a payload echoes it
  deferred: 'deferred',
  spam: 'spam',
  complaint: 'spam',
  blocked: 'blocked',
  error: 'error',
  unsubscribed: 'unsubscribed',
  unsubscribe: 'unsubscribed',
  list_addition: 'list_addition',
  contact_updated: 'contact_updated',
  contact_deleted: 'contact_deleted',
};

/**
 * ts_event (UTC seconds) first: it is the event's own time. Then ts_epoch (documented in ms, sampled with 10 digits:
 * read by magnitude) and the doc sample's misspelt s_epoch, then ts. The local-time date strings come last.
 */
const EPOCH_FIELDS = ['ts_event', 'ts_epoch', 's_epoch', 'ts'] as const;
const LOCAL_DATE_FIELDS = ['date_event', 'date'] as const;

function eventTime(item: Record<string, unknown>): { ms: number; raw: string } | undefined {
  for (const field of EPOCH_FIELDS) {
    const ms = epochToMs(item[field]);
    if (ms !== undefined) return { ms, raw: String(item[field]) };
  }
  for (const field of LOCAL_DATE_FIELDS) {
    const ms = parisLocalToMs(item[field]);
    if (ms !== undefined) return { ms, raw: String(item[field]) };
  }
  return undefined;
}

export function parseBrevo(item: Record<string, unknown>): AdapterResult {
  const name = eventName(item.event);
  if (!name) return NO_EVENT_NAME;
  const email = readEmail(item.email);
  if (!email.ok) return INVALID_EMAIL;
  const time = eventTime(item);
  return {
    ok: true,
    timeReceived: time?.raw,
    draft: {
      type: TYPES[name.toLowerCase()] ?? 'unknown',
      providerType: name,
      email: email.email,
      occurredAt: time?.ms,
      messageId: firstText([item['message-id'], item.message_id], MAX_ID),
      campaignId: text(item.camp_id, MAX_ID),
      campaignName: firstText([item['campaign name'], item.campaign_name], MAX_NAME),
      // Marketing clicks are documented with URL; integrators report link and url too.
      link: firstText([item.link, item.URL, item.url], MAX_LINK),
      reason: text(item.reason, MAX_REASON),
      listIds: listIds(item.list_id),
      // '' means "not through the API": kept as '', which differs from absent.
      apiKeyName: typeof item.api_key_name === 'string' ? item.api_key_name.trim().slice(0, MAX_NAME) : undefined,
    },
  };
}
