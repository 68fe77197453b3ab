/**
 * Every Brevo call of the outbound flow goes through here, paced smoothly: the budget of `intervalCap` calls per
 * `intervalMs` is spent as one call every intervalMs/intervalCap (p-queue's strict sliding window with a cap of 1), so
 * no window of `intervalMs` ever holds more than `intervalCap` calls, and calls never leave in bursts that network
 * jitter could squeeze into one of Brevo's windows. The pacer also owns the two queue-wide pauses:
 * - 429: pause everything until x-sib-ratelimit-reset has passed; the call is replayed, the job's attempts untouched.
 * - 401/403: pause everything and report unready until a probe call succeeds; one bad key must not fail every job.
 */
import PQueue from 'p-queue';
import { PlatformAuthError, RateLimitedError } from '../brevo/errors.js';

// Added to the spacing so that arrivals delayed by a little network jitter still never crowd one server-side window.
const SPACING_GUARD_MS = 8;

export interface PacerOptions {
  intervalCap: number;
  intervalMs: number;
  authProbeMs: number;
  /** A cheap authenticated call; resolves when the key works again. */
  probe: () => Promise<void>;
  onPause?: (reason: 'rate_limit' | 'auth', seconds?: number) => void;
  onResume?: (reason: 'rate_limit' | 'auth') => void;
}

export class Pacer {
  private readonly queue: PQueue;
  private rateLimitedUntil = 0;
  private rateLimitTimer: NodeJS.Timeout | undefined;
  private authProbeTimer: NodeJS.Timeout | undefined;
  private authFailed = false;
  private stopped = false;

  constructor(private readonly options: PacerOptions) {
    this.queue = new PQueue({
      concurrency: options.intervalCap * 2,
      intervalCap: 1,
      interval: Math.ceil(options.intervalMs / options.intervalCap) + SPACING_GUARD_MS,
      strict: true,
    });
  }

  /** Runs a Brevo call within the pace; waits out rate limits and auth pauses, rethrows anything else. */
  async run<T>(call: () => Promise<T>): Promise<T> {
    for (;;) {
      try {
        return (await this.queue.add(call)) as T;
      } catch (err) {
        if (this.stopped) throw err;
        if (err instanceof RateLimitedError) this.pauseForRateLimit(err.resetSeconds);
        else if (err instanceof PlatformAuthError) this.pauseForAuth();
        else throw err;
      }
    }
  }

  get authPaused(): boolean {
    return this.authFailed;
  }

  get paused(): boolean {
    return this.queue.isPaused;
  }

  get waiting(): number {
    return this.queue.size + this.queue.pending;
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.rateLimitTimer);
    clearTimeout(this.authProbeTimer);
    this.queue.pause();
    this.queue.clear();
  }

  private pauseForRateLimit(seconds: number): void {
    const until = Date.now() + seconds * 1000;
    if (until <= this.rateLimitedUntil) return;
    this.rateLimitedUntil = until;
    this.queue.pause();
    this.options.onPause?.('rate_limit', seconds);
    clearTimeout(this.rateLimitTimer);
    this.rateLimitTimer = setTimeout(() => {
      this.rateLimitedUntil = 0;
      this.options.onResume?.('rate_limit');
      this.resumeIfClear();
    }, seconds * 1000);
  }

  private pauseForAuth(): void {
    if (this.authFailed) return;
    this.authFailed = true;
    this.queue.pause();
    this.options.onPause?.('auth');
    this.scheduleProbe();
  }

  private scheduleProbe(): void {
    this.authProbeTimer = setTimeout(() => void this.probeAuth(), this.options.authProbeMs);
  }

  private async probeAuth(): Promise<void> {
    if (this.stopped) return;
    try {
      await this.options.probe();
    } catch {
      // Still refused (or Brevo unreachable): keep the queue paused and try again later.
      this.scheduleProbe();
      return;
    }
    this.authFailed = false;
    this.options.onResume?.('auth');
    this.resumeIfClear();
  }

  private resumeIfClear(): void {
    if (!this.stopped && !this.authFailed && this.rateLimitedUntil <= Date.now()) this.queue.start();
  }
}
