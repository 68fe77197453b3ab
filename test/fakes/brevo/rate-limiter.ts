/**
 * Brevo's per-key limits as sliding windows: `/v3/contacts/*` has a per-second AND a per-hour window, every
 * other route one per-hour window, and an optional per-minute cap spans all routes. A refused (429) request
 * is not counted, so a client that waits `x-sib-ratelimit-reset` seconds gets through.
 */
import type { ResolvedRateLimits } from './options.js';

export type Bucket = 'contacts' | 'other';

export interface RateHeaders {
  limit: number;
  remaining: number;
  /** Whole seconds until a slot frees in the reported window; ≥ 1. */
  reset: number;
}

export interface RateDecision extends RateHeaders {
  allowed: boolean;
}

interface WindowSpec {
  name: string;
  limit: number;
  ms: number;
}

class SlidingWindow {
  private hits: number[] = [];

  constructor(readonly spec: WindowSpec) {}

  prune(now: number): void {
    const cutoff = now - this.spec.ms;
    let drop = 0;
    while (drop < this.hits.length && this.hits[drop] <= cutoff) drop++;
    if (drop > 0) this.hits.splice(0, drop);
  }

  remaining(): number {
    return Math.max(0, this.spec.limit - this.hits.length);
  }

  /** Seconds until the oldest hit leaves the window (a full window length when empty). */
  resetSeconds(now: number): number {
    const until = this.hits.length > 0 ? this.hits[0] + this.spec.ms - now : this.spec.ms;
    return Math.max(1, Math.ceil(until / 1000));
  }

  add(now: number): void {
    this.hits.push(now);
  }
}

export function bucketOf(wirePath: string): Bucket {
  return /^\/v3\/contacts(\/|$)/.test(wirePath) ? 'contacts' : 'other';
}

export class RateLimiter {
  private readonly windows = new Map<string, SlidingWindow>();

  constructor(private readonly limits: ResolvedRateLimits) {}

  private specs(bucket: Bucket): WindowSpec[] {
    const l = this.limits;
    const specs: WindowSpec[] =
      bucket === 'contacts'
        ? [
            { name: 'contacts/s', limit: l.contactsPerSecond, ms: 1_000 },
            { name: 'contacts/h', limit: l.contactsPerHour, ms: 3_600_000 },
          ]
        : [{ name: 'other/h', limit: l.otherPerHour, ms: 3_600_000 }];
    if (l.perMinute !== null) specs.push({ name: 'all/min', limit: l.perMinute, ms: 60_000 });
    return specs;
  }

  private windowsFor(key: string, bucket: Bucket, now: number): SlidingWindow[] {
    return this.specs(bucket).map((spec) => {
      const id = `${key}\u0000${spec.name}`;
      let w = this.windows.get(id);
      if (!w) this.windows.set(id, (w = new SlidingWindow(spec)));
      w.prune(now);
      return w;
    });
  }

  /** Counts the request if every window has room; otherwise reports the window(s) that refused it. */
  take(key: string, bucket: Bucket, now: number): RateDecision {
    const windows = this.windowsFor(key, bucket, now);
    const full = windows.filter((w) => w.remaining() === 0);
    if (full.length > 0) {
      const worst = full.reduce((a, b) => (b.resetSeconds(now) > a.resetSeconds(now) ? b : a));
      return { allowed: false, limit: worst.spec.limit, remaining: 0, reset: worst.resetSeconds(now) };
    }
    for (const w of windows) w.add(now);
    return { allowed: true, ...this.headersOf(windows, now) };
  }

  /** Headers for a response that did not reach the limiter (401, injected faults). */
  peek(key: string, bucket: Bucket, now: number): RateHeaders {
    return this.headersOf(this.windowsFor(key, bucket, now), now);
  }

  /** The tightest window (fewest slots left) is the one worth reporting. */
  private headersOf(windows: SlidingWindow[], now: number): RateHeaders {
    const tight = windows.reduce((a, b) => (b.remaining() < a.remaining() ? b : a));
    return { limit: tight.spec.limit, remaining: tight.remaining(), reset: tight.resetSeconds(now) };
  }

  reset(): void {
    this.windows.clear();
  }
}
