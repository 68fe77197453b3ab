/**
 * The last hour of throughput for the status page's chart: per minute, the contacts sent to Brevo, the webhook events
 * received, and the outbox depth.
 *
 * Kept in memory, as a ring of one-minute buckets fed by sampling counters the sidecar already keeps (the Prometheus
 * counters of src/metrics.ts and the outbox's depth): nothing is added to the hot paths (webhook intake, jobs), there
 * is no table to write every few seconds or to clean up, and the page costs no query over history. The price is that
 * a restart starts an empty chart, which is fine for a glance at the last hour; the long history is Prometheus's, from
 * `/metrics`.
 */
import type { Metrics } from '../metrics.js';

export const MINUTE_MS = 60_000;

/** Cumulative counts since the process started (counters only go up). */
export interface Totals { sent: number; received: number }

export interface MinuteBucket {
  /** Start of the minute (ms since the epoch). */
  minute: number;
  sent: number;
  received: number;
  /** Highest outbox depth seen in the minute; null when the minute was never sampled (the process was not running). */
  depth: number | null;
}

const emptyBucket = (minute: number): MinuteBucket => ({ minute, sent: 0, received: 0, depth: null });

export class ThroughputHistory {
  private readonly ring: Array<MinuteBucket | undefined>;
  private last: Totals = { sent: 0, received: 0 };

  constructor(readonly minutes = 60) {
    this.ring = new Array<MinuteBucket | undefined>(minutes);
  }

  /**
   * Credits what the counters gained since the previous observation to the minute of `now`, and keeps the highest
   * depth seen in it. With a sample every few seconds, a count lands at most one sample late (possibly in the next
   * minute). A counter that went down (it never should) restarts the baseline instead of producing a negative count.
   */
  observe(now: number, totals: Totals, depth: number): void {
    const bucket = this.bucketAt(now);
    bucket.sent += Math.max(0, totals.sent - this.last.sent);
    bucket.received += Math.max(0, totals.received - this.last.received);
    bucket.depth = Math.max(bucket.depth ?? 0, depth);
    this.last = totals;
  }

  /** The last `minutes` minutes, oldest first, ending with the minute of `now` (still filling). */
  series(now: number): MinuteBucket[] {
    const current = Math.floor(now / MINUTE_MS);
    return Array.from({ length: this.minutes }, (_, i) => {
      const minute = (current - this.minutes + 1 + i) * MINUTE_MS;
      const bucket = this.ring[this.slot(minute)];
      return bucket?.minute === minute ? { ...bucket } : emptyBucket(minute);
    });
  }

  /** The bucket of `now`'s minute; a slot still holding the same minute of an earlier hour is reused. */
  private bucketAt(now: number): MinuteBucket {
    const minute = Math.floor(now / MINUTE_MS) * MINUTE_MS;
    const slot = this.slot(minute);
    if (this.ring[slot]?.minute !== minute) this.ring[slot] = emptyBucket(minute);
    return this.ring[slot]!;
  }

  private slot(minute: number): number {
    return (minute / MINUTE_MS) % this.minutes;
  }
}

export interface ThroughputSource {
  totals(): Promise<Totals>;
  depth(): number;
}

/** Samples a source into a history every `everyMs`, and on demand (the status page samples before it renders). */
export class ThroughputSampler {
  private timer: NodeJS.Timeout | undefined;
  /** Samples run one after the other: two interleaved ones could credit the same gain twice. */
  private chain: Promise<void> = Promise.resolve();

  constructor(
    readonly history: ThroughputHistory,
    private readonly source: ThroughputSource,
    private readonly options: { everyMs?: number; now?: () => number; onError?: (err: Error) => void } = {},
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.sample(), this.options.everyMs ?? 10_000).unref();
  }

  /** Samples now; resolves with the up-to-date series. */
  async current(): Promise<MinuteBucket[]> {
    await this.sample();
    return this.history.series(this.now());
  }

  /** Stops the timer and waits for a sample under way (the store may be closed right after). */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.chain;
  }

  private sample(): Promise<void> {
    this.chain = this.chain.then(async () => {
      try {
        const depth = this.source.depth();
        this.history.observe(this.now(), await this.source.totals(), depth);
      } catch (err) {
        this.options.onError?.(err as Error);
      }
    });
    return this.chain;
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }
}

/** Contacts sent (one by one or in imports) and webhook events stored (accepted or ignored; duplicates and invalid ones are not new). */
export async function metricTotals(metrics: Pick<Metrics, 'contactsSent' | 'webhookEvents'>): Promise<Totals> {
  const sent = (await metrics.contactsSent.get()).values.reduce((sum, v) => sum + v.value, 0);
  const received = (await metrics.webhookEvents.get()).values
    .filter((v) => v.labels.outcome === 'accepted' || v.labels.outcome === 'ignored')
    .reduce((sum, v) => sum + v.value, 0);
  return { sent, received };
}
