/**
 * Provider webhook bodies → InboundEvent[]. A body is one event or an array of them; each element is parsed on its
 * own, so one bad event is reported by index and never costs the rest of the batch.
 */
import { dedupeKey } from '../dedupe-key.js';
import type { InboundEvent, Provider } from '../events.js';
import { parseArpoone } from './arpoone.js';
import { parseBrevo } from './brevo.js';
import { isRecord } from './fields.js';
import { parseSendPulse } from './sendpulse.js';
import { plausibleTime } from './time.js';
import type { Adapter, AdapterResult } from './types.js';

export interface ParseResult {
  events: InboundEvent[];
  invalid: Array<{ index: number; error: string }>;
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

export function parseEvents(provider: Provider, body: unknown, options: ParseOptions = {}): ParseResult {
  const batch = Array.isArray(body);
  const items: unknown[] = batch ? body : [body];
  const now = options.now ?? Date.now();
  const result: ParseResult = { events: [], invalid: [] };
  items.forEach((item, index) => {
    const parsed = parseOne(ADAPTERS[provider], item);
    if (!parsed.ok) {
      result.invalid.push({ index, error: parsed.error });
      return;
    }
    const { timeReceived, occurredAt, ...draft } = parsed.draft;
    const key = dedupeKey({ provider, ...draft, timeReceived }, { idempotencyKey: options.idempotencyKey, index, batch });
    result.events.push({ provider, ...draft, occurredAt: plausibleTime(occurredAt, now), dedupeKey: key, raw: item });
  });
  return result;
}
