/**
 * Arpoone transactional e-mail webhooks (seed 001): arrays of up to 1,000 {EventType, Email, MessageId, Time,
 * EventDetails}. The seed writes the properties in PascalCase in its schema and in camelCase in its prose, as .NET
 * serialisers may do either, so keys are looked up case-insensitively.
 */
import type { EventType } from '../events.js';
import { eventName, firstText, isRecord, MAX_ID, MAX_LINK, MAX_REASON, readEmail, text } from './fields.js';
import { epochToMs } from './time.js';
import { INVALID_EMAIL, NO_EVENT_NAME, type AdapterResult } from './types.js';

// The seed's webhook names (Bounced, Clicked…) and its detail-section titles (Bounce, Click…).
const TYPES: Record<string, EventType | 'bounce'> = {
  bounced: 'bounce',
  bounce: 'bounce',
  clicked: 'clicked',
  click: 'clicked',
  opened: 'opened',
  open: 'opened',
  spam: 'spam',
  unsubscribed: 'unsubscribed',
  unsubscribe: 'unsubscribed',
};

function field(obj: Record<string, unknown>, name: string): unknown {
  if (name in obj) return obj[name];
  const wanted = name.toLowerCase();
  const key = Object.keys(obj).find((k) => k.toLowerCase() === wanted);
  return key === undefined ? undefined : obj[key];
}

function flag(value: unknown): boolean {
  return value === true || (typeof value === 'string' && value.trim().toLowerCase() === 'true');
}

/**
 * A hard bounce wins over blocked when both flags are set: it is the stronger statement about the address. The seed
 * misspells IsHardBouce; the correct spelling is accepted too, in case they fix it.
 */
function bounceType(details: Record<string, unknown>): EventType {
  if (flag(field(details, 'IsHardBouce')) || flag(field(details, 'IsHardBounce'))) return 'hard_bounce';
  if (flag(field(details, 'IsBlocked'))) return 'blocked';
  return 'soft_bounce';
}

export function parseArpoone(item: Record<string, unknown>): AdapterResult {
  const name = eventName(field(item, 'EventType'));
  if (!name) return NO_EVENT_NAME;
  const email = readEmail(field(item, 'Email'));
  if (!email.ok) return INVALID_EMAIL;
  const rawDetails = field(item, 'EventDetails');
  const details = isRecord(rawDetails) ? rawDetails : {};
  const mapped = TYPES[name.toLowerCase()] ?? 'unknown';
  const time = field(item, 'Time');
  // 'long' in the seed, unit unstated: read by magnitude (s, ms, µs, or .NET ticks).
  const occurredAt = epochToMs(time, { ticks: true });
  return {
    ok: true,
    timeReceived: occurredAt === undefined ? undefined : String(time),
    draft: {
      type: mapped === 'bounce' ? bounceType(details) : mapped,
      providerType: name,
      email: email.email,
      occurredAt,
      messageId: text(field(item, 'MessageId'), MAX_ID),
      link: text(field(details, 'Link'), MAX_LINK),
      reason: firstText([field(details, 'BounceDescription'), field(details, 'BounceType'), field(details, 'FeedbackLoopSource')], MAX_REASON),
    },
  };
}
