/**
 * SendPulse SMTP webhooks (seed 003). Sent as arrays every 30 s or per 500 events. No event id in the payload.
 */
import type { EventType } from '../events.js';
import { eventName, firstText, MAX_ID, MAX_LINK, MAX_REASON, readEmail, text } from './fields.js';
import { epochToMs } from './time.js';
import { INVALID_EMAIL, NO_EVENT_NAME, type AdapterResult } from './types.js';

const TYPES: Record<string, EventType> = {
  delivered: 'delivered',
  opened: 'opened',
  clicked: 'clicked',
  unsubscribed: 'unsubscribed',
  resubscribed: 'resubscribed',
  spam_by_user: 'spam',
  soft_bounces: 'soft_bounce',
  hard_bounces: 'hard_bounce',
  soft_bounce: 'soft_bounce',
  hard_bounce: 'hard_bounce',
};

/**
 * 'undelivered' means only "could not be delivered"; the permanent case has its own event (hard_bounces, "non-
 * existent or invalid address"). So it is a soft bounce unless the enhanced status code says more: 5.1.x is a bad
 * address (hard bounce, as hard_bounces would be) and 5.7.x a policy refusal (blocked; the seed's sample is 554 5.7.1).
 */
function undelivered(subcode: string | undefined): EventType {
  if (subcode?.startsWith('5.1.')) return 'hard_bounce';
  if (subcode?.startsWith('5.7.')) return 'blocked';
  return 'soft_bounce';
}

/** '554 5.7.1 <server text>': the code and subcode are what a reader needs first. */
function smtpReason(item: Record<string, unknown>, subcode: string | undefined): string | undefined {
  const parts = [text(item.smtp_server_response_code, 16), subcode, text(item.smtp_server_response, MAX_REASON)];
  const reason = parts.filter(Boolean).join(' ');
  return reason ? reason.slice(0, MAX_REASON) : undefined;
}

export function parseSendPulse(item: Record<string, unknown>): AdapterResult {
  const name = eventName(item.event);
  if (!name) return NO_EVENT_NAME;
  // 'recipient' in most samples, 'email' in the bounce samples.
  const email = readEmail(item.recipient ?? item.email);
  if (!email.ok) return INVALID_EMAIL;
  const subcode = text(item.smtp_server_response_subcode, 16);
  const key = name.toLowerCase();
  const occurredAt = epochToMs(item.timestamp); // seed samples: 10 digits, seconds
  return {
    ok: true,
    timeReceived: occurredAt === undefined ? undefined : String(item.timestamp),
    draft: {
      type: key === 'undelivered' ? undelivered(subcode) : (TYPES[key] ?? 'unknown'),
      providerType: name,
      email: email.email,
      occurredAt,
      messageId: text(item.message_id, MAX_ID),
      // task_id (on bounces) is SendPulse's campaign ("task") id.
      campaignId: text(item.task_id, MAX_ID),
      link: firstText([item.link, item.url], MAX_LINK),
      reason: smtpReason(item, subcode),
    },
  };
}
