/**
 * How a burst learns that one of its imports ended. With a public URL, Brevo calls the import's notifyUrl (served by
 * burst-callback.ts, which wakes the burst here); the reference says to take that call as a signal and read the
 * process, which also gives the report of rows Brevo skipped. Without one, GET /processes/{id} is polled. That
 * endpoint sits in Brevo's 100-calls-per-HOUR bucket: polls start after FIRST_POLL_MS and double up to `pollMs`
 * (a burst's import is small and usually done within seconds), and with a callback they are only a slow fallback.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { randomBytes } from 'node:crypto';
import type { EmailPlatform } from '../brevo/platform.js';
import { PermanentPlatformError, RateLimitedError } from '../brevo/errors.js';
import { FALLBACK_INTERVALS } from '../initial-sync/completion.js';
import { secretEquals } from '../http/constant-time.js';

export const FIRST_POLL_MS = 2000;

export type ImportOutcome =
  | { status: 'completed'; info?: Record<string, unknown> }
  | { status: 'failed'; reason: string };

const DONE = new Set(['completed']);
const FAILED = new Set(['failed', 'cancelled']);

/** One settable-once signal per chunk of a burst. */
class Signals {
  private readonly entries = new Map<number, { promise: Promise<void>; resolve: () => void }>();

  for(seq: number): { promise: Promise<void>; resolve: () => void } {
    let entry = this.entries.get(seq);
    if (!entry) {
      let resolve!: () => void;
      const promise = new Promise<void>((r) => (resolve = r));
      this.entries.set(seq, (entry = { promise, resolve }));
    }
    return entry;
  }

  all(): void {
    for (const entry of this.entries.values()) entry.resolve();
  }
}

/**
 * The import callbacks the running bursts expect. A token is a random secret of one burst, put in its notifyUrls, so
 * only Brevo (who was given the URL) can wake it; it lives as long as the burst, in memory: a callback arriving after a
 * restart finds no burst waiting (the jobs are back in the outbox and will be sent again).
 */
export class BurstCallbacks {
  private readonly live = new Map<string, Signals>();

  open(): { token: string; signalled: (seq: number) => Promise<void>; close: () => void } {
    const token = randomBytes(24).toString('base64url');
    const signals = new Signals();
    this.live.set(token, signals);
    return { token, signalled: (seq) => signals.for(seq).promise, close: () => this.live.delete(token) };
  }

  /** Wakes the burst owning `token` (the chunk named, or all its chunks); false when no live burst has that token. */
  signal(token: string, seq: number | null): boolean {
    let found: Signals | undefined;
    for (const [live, signals] of this.live) if (secretEquals(token, live)) found = signals;
    if (!found) return false;
    if (seq === null) found.all();
    else found.for(seq).resolve();
    return true;
  }
}

export interface WatchOptions {
  platform: EmailPlatform;
  /** Resolves when Brevo called this import's notifyUrl; absent without a public URL. */
  signalled?: Promise<void>;
  /** Longest interval between two polls of one import. */
  pollMs: number;
  /** An import not finished after this long is taken as failed (sending it again is a harmless upsert). */
  timeoutMs: number;
  signal: AbortSignal;
  onPoll?: () => void;
}

/** Waits until the import process `processId` has completed or failed. Throws only when `signal` aborts. */
export async function awaitImport(processId: number, options: WatchOptions): Promise<ImportOutcome> {
  const deadline = Date.now() + options.timeoutMs;
  let wake = options.signalled;
  let delay = wake ? options.pollMs * FALLBACK_INTERVALS : Math.min(FIRST_POLL_MS, options.pollMs);
  for (;;) {
    if ((await pause(delay, wake, options.signal)) === 'woken') wake = undefined;
    const polled = await poll(processId, options);
    if (polled.outcome) return polled.outcome;
    if (Date.now() >= deadline) return { status: 'failed', reason: `import process ${processId} did not finish within ${Math.round(options.timeoutMs / 1000)} s` };
    delay = Math.max(Math.min(delay * 2, options.pollMs), polled.waitMs ?? 0);
  }
}

async function poll(processId: number, options: WatchOptions): Promise<{ outcome?: ImportOutcome; waitMs?: number }> {
  try {
    options.onPoll?.();
    const state = await options.platform.getProcess(processId);
    if (DONE.has(state.status)) return { outcome: { status: 'completed', ...(state.info ? { info: state.info } : {}) } };
    if (FAILED.has(state.status)) return { outcome: { status: 'failed', reason: state.errorReason ?? `import process ${state.status}` } };
    return {};
  } catch (err) {
    // An unknown process can no longer complete.
    if (err instanceof PermanentPlatformError && err.status === 404) return { outcome: { status: 'failed', reason: `import process ${processId} unknown to Brevo` } };
    // The processes bucket is spent: wait for its window. Anything else passing (5xx, network, a key being rotated): ask again later.
    return err instanceof RateLimitedError ? { waitMs: err.resetSeconds * 1000 } : {};
  }
}

/** Sleeps `ms`, or less if `wake` resolves first; rejects when `signal` aborts. */
async function pause(ms: number, wake: Promise<void> | undefined, signal: AbortSignal): Promise<'woken' | 'slept'> {
  const done = new AbortController();
  try {
    return await Promise.race([
      sleep(ms, 'slept' as const, { signal: AbortSignal.any([signal, done.signal]) }),
      ...(wake ? [wake.then(() => 'woken' as const)] : []),
    ]);
  } finally {
    done.abort();
  }
}
