/**
 * Provider webhook bodies → InboundEvent[]. A body is one event or an array of them; each element is parsed on its
 * own, so one bad event is reported by index and never costs the rest of the batch.
 */
import { dedupeKey } from '../dedupe-key.js';
import type { InboundEvent, Provider } from '../events.js';
import type { BodyItem, ParsedBody } from '../json-body.js';
import { parseArpoone } from './arpoone.js';
import { parseBrevo } from './brevo.js';
import { isRecord } from './fields.js';
import { parseSendPulse } from './sendpulse.js';
import { plausibleTime } from './time.js';
import type { Adapter, AdapterResult, Draft } from './types.js';

export interface ParseResult<E = InboundEvent> {
  events: E[];
  invalid: Array<{ index: number; error: string }>;
}

/** An event with the text it was received as (see json-body.ts), which the inbox stores instead of re-serialising. */
export interface ReceivedEvent {
  event: InboundEvent;
  text: string;
}

export interface ParseOptions {
  /** The request's verified webhook-id (Standard Webhooks), if any. */
  idempotencyKey?: string;
  /** ms; for the "not more than a day ahead" check. Defaults to Date.now(). */
  now?: number;
}

const ADAPTERS: Record<Provider, Adapter> = { brevo: parseBrevo, sendpulse: parseSendPulse, arpoone: parseArpoone };

function parseOne(adapter: Adapter, item: unknown): AdapterResult {
  if (!isRecord(item)) return { ok: false, error: 'not an object' };
  try {
    return adapter(item);
  } catch {
    // Adapters do not throw on any JSON value; this keeps a bug in one from costing the batch.
    return { ok: false, error: 'unparseable event' };
  }
}

/** The event from an adapter's draft: its undefined fields dropped, so events compare and serialise without them. */
function toEvent(provider: Provider, draft: Draft, occurredAt: number | null, key: string, raw: unknown): InboundEvent {
  const event: Record<string, unknown> = { provider };
  for (const field in draft) {
    const value = draft[field as keyof Draft];
    if (value !== undefined && field !== 'occurredAt') event[field] = value;
  }
  event.occurredAt = occurredAt;
  event.dedupeKey = key;
  event.raw = raw;
  return event as unknown as InboundEvent;
}

interface Items<T, E> {
  items: readonly T[];
  batch: boolean;
  valueOf: (item: T) => unknown;
  /** What the result holds for an item that became an event. */
  finish: (event: InboundEvent, item: T) => E;
}

function parseItems<T, E>(provider: Provider, { items, batch, valueOf, finish }: Items<T, E>, options: ParseOptions): ParseResult<E> {
  const now = options.now ?? Date.now();
  const result: ParseResult<E> = { events: [], invalid: [] };
  const adapter = ADAPTERS[provider];
  for (let index = 0; index < items.length; index++) {
    const value = valueOf(items[index]);
    const parsed = parseOne(adapter, value);
    if (!parsed.ok) {
      result.invalid.push({ index, error: parsed.error });
      continue;
    }
    const { draft, timeReceived } = parsed;
    const key = dedupeKey(
      { provider, providerType: draft.providerType, email: draft.email, messageId: draft.messageId, campaignId: draft.campaignId, timeReceived, link: draft.link },
      { idempotencyKey: options.idempotencyKey, index, batch },
    );
    result.events.push(finish(toEvent(provider, draft, plausibleTime(draft.occurredAt, now), key, value), items[index]));
  }
  return result;
}

/** Events of an already parsed body (a value or an array of them). */
export function parseEvents(provider: Provider, body: unknown, options: ParseOptions = {}): ParseResult {
  const batch = Array.isArray(body);
  return parseItems(provider, { items: batch ? body : [body], batch, valueOf: (item) => item, finish: (event) => event }, options);
}

/** Events of a body read by parseJsonBody, each with its text as received. */
export function parseReceived(provider: Provider, body: ParsedBody, options: ParseOptions = {}): ParseResult<ReceivedEvent> {
  const finish = (event: InboundEvent, item: BodyItem): ReceivedEvent => ({ event, text: item.text });
  return parseItems(provider, { items: body.items, batch: body.batch, valueOf: (item) => item.value, finish }, options);
}
