/** Defaults of FakeBrevoOptions, resolved once at start-up. */
import { DEFAULT_ATTRIBUTES } from './attribute-registry.js';
import type { FakeAttributeDef, FakeBrevoOptions } from './types.js';

export interface ResolvedRateLimits {
  contactsPerSecond: number;
  contactsPerHour: number;
  otherPerHour: number;
  perMinute: number | null;
}

export interface ResolvedOptions {
  host: string;
  port: number;
  apiKeys: string[];
  rateLimits: ResolvedRateLimits;
  duplicateErrorCode: 'duplicate_parameter' | 'invalid_parameter';
  lists: Array<{ id: number; name: string }>;
  attributes: FakeAttributeDef[];
  importDelayMs: number;
  now: () => number;
  rejectUnknownFields: boolean;
}

export function resolveOptions(opts: FakeBrevoOptions = {}): ResolvedOptions {
  const rl = opts.rateLimits ?? {};
  return {
    host: opts.host ?? '127.0.0.1',
    port: opts.port ?? 0,
    apiKeys: opts.apiKeys ?? ['xkeysib-test'],
    rateLimits: {
      // Brevo "General" tier (all plans): 10 RPS + 36,000 RPH on /contacts, 100 RPH elsewhere.
      contactsPerSecond: rl.contactsPerSecond ?? 10,
      contactsPerHour: rl.contactsPerHour ?? 36_000,
      otherPerHour: rl.otherPerHour ?? 100,
      perMinute: rl.perMinute ?? null,
    },
    duplicateErrorCode: opts.duplicateErrorCode ?? 'duplicate_parameter',
    lists: opts.lists ?? [{ id: 2, name: 'Newsletter' }],
    attributes: opts.attributes ?? DEFAULT_ATTRIBUTES,
    importDelayMs: opts.importDelayMs ?? 200,
    now: opts.now ?? Date.now,
    rejectUnknownFields: opts.rejectUnknownFields ?? true,
  };
}
