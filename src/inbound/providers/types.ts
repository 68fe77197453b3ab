/** The contract between the provider adapters and parseEvents. */
import type { InboundEvent } from '../events.js';

/**
 * An adapter's result for one event: everything but what parseEvents adds (provider, dedupeKey, raw). Optional
 * fields may be left undefined; parseEvents drops them.
 */
export type Draft = Omit<InboundEvent, 'provider' | 'dedupeKey' | 'raw' | 'occurredAt'> & {
  /** Before the plausibility check, which needs the clock. */
  occurredAt?: number;
};

export type AdapterResult =
  | {
    ok: true;
    draft: Draft;
    /** The time field as received, for the dedupe tuple. */
    timeReceived?: string;
  }
  | { ok: false; error: string };

export type Adapter = (item: Record<string, unknown>) => AdapterResult;

export const INVALID_EMAIL: AdapterResult = { ok: false, error: 'invalid email' };
export const NO_EVENT_NAME: AdapterResult = { ok: false, error: 'missing or unusable event name' };
