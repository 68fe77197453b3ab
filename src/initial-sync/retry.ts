/**
 * Retries for the initial sync's few, large calls. A passing failure (network, 5xx, Odoo serialization fault) is
 * retried with backoff; a 429 waits what Brevo's x-sib-ratelimit-reset asks; anything else stops the run, which a
 * later --resume continues from its last checkpoint.
 */
import pRetry, { AbortError } from 'p-retry';
import { RateLimitedError } from '../brevo/errors.js';
import { isTransient } from '../outbound/retry-policy.js';

export interface RetrySettings {
  attempts: number;
  minTimeoutMs: number;
  maxTimeoutMs: number;
}

export const DEFAULT_RETRY: RetrySettings = { attempts: 5, minTimeoutMs: 1000, maxTimeoutMs: 30_000 };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function withRetry<T>(call: () => Promise<T>, settings: RetrySettings = DEFAULT_RETRY): Promise<T> {
  return pRetry(
    async () => {
      try {
        return await call();
      } catch (err) {
        if (err instanceof RateLimitedError) {
          // Waiting out the window is not a failed attempt of ours: wait, then let p-retry call again at once.
          await sleep(err.resetSeconds * 1000);
          throw err;
        }
        throw isTransient(err) ? err : new AbortError(err as Error);
      }
    },
    {
      retries: settings.attempts - 1,
      minTimeout: settings.minTimeoutMs,
      maxTimeout: settings.maxTimeoutMs,
      randomize: true,
      shouldConsumeRetry: ({ error }) => !(error instanceof RateLimitedError),
    },
  );
}
