/**
 * Valid traffic the way real senders make it, and the ledger of what the sidecar accepted:
 * - CRM pushes (`POST /hooks/odoo/:secret`), repeated until answered 202 (the cron poll would find a missed change
 *   later; the chaos world switches cron off, so the driver stands in for it);
 * - webhook batches from the three providers, re-sent until answered 200 (Brevo retries on 429 and timeouts; a
 *   killed process looks like a timeout), each re-send signed afresh with the same webhook-id.
 * The ledger counts an event once, when its batch is answered 200; what the CRM shows is compared with it at the end.
 */
import type { FakeOdoo } from '../fakes/odoo/index.js';
import { engagementEvent, PROVIDERS, signRequest, type Engagement } from './signing.js';
import { sleep, type Rng } from './rng.js';
import type { World } from './world.js';

/** A Buffer as fetch's body type wants it (a copy on its own ArrayBuffer). */
export const bytes = (buffer: Buffer): Uint8Array<ArrayBuffer> => new Uint8Array(buffer);

export const OPEN_FIELD = 'x_brevo_open_count';
export const CLICK_FIELD = 'x_brevo_click_count';

/** Posts `{ids}` to the CRM hook until it answers 202 (the sidecar may be down, restarting or unable to store). */
export async function pushPartners(world: World, ids: number[], timeoutMs = 180_000): Promise<{ attempts: number; statuses: Record<string, number> }> {
  const deadline = Date.now() + timeoutMs;
  const statuses: Record<string, number> = {};
  for (let attempts = 1; ; attempts++) {
    let status = 'network';
    try {
      const response = await world.fetch(`/hooks/odoo/${world.secrets.hookSecret}`, {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ids }), signal: AbortSignal.timeout(10_000),
      });
      await response.arrayBuffer();
      status = String(response.status);
    } catch { /* refused or reset: down or restarting */ }
    statuses[status] = (statuses[status] ?? 0) + 1;
    if (status === '202') return { attempts, statuses };
    if (status !== 'network' && !['429', '503'].includes(status)) throw new Error(`CRM push refused with ${status}`);
    if (Date.now() > deadline) throw new Error(`CRM push not accepted in ${timeoutMs} ms: ${JSON.stringify(statuses)}`);
    await sleep(200);
  }
}

interface Counts {
  opened: number;
  clicked: number;
}

/** What was accepted (answered 200) per address, against what the CRM counters show. */
export class EventLedger {
  private readonly expected = new Map<string, Counts>();

  record(email: string, kind: Engagement): void {
    const counts = this.expected.get(email) ?? { opened: 0, clicked: 0 };
    counts[kind] += 1;
    this.expected.set(email, counts);
  }

  accepted(email?: string): number {
    const all = email ? [this.expected.get(email)].filter((c): c is Counts => !!c) : [...this.expected.values()];
    return all.reduce((sum, c) => sum + c.opened + c.clicked, 0);
  }

  /** Missing applications (lost) and extra ones (duplicated) over the given partners (id → address). */
  compare(odoo: FakeOdoo, partners: Map<number, string>, skip: Set<string> = new Set()): { lost: number; duplicated: number } {
    let lost = 0;
    let duplicated = 0;
    const rows = odoo.store.read('res.partner', [...partners.keys()], ['email', OPEN_FIELD, CLICK_FIELD]);
    for (const row of rows) {
      const email = partners.get(row.id as number)!;
      if (skip.has(email)) continue;
      const want = this.expected.get(email) ?? { opened: 0, clicked: 0 };
      for (const [kind, field] of [['opened', OPEN_FIELD], ['clicked', CLICK_FIELD]] as const) {
        const got = Number(row[field] ?? 0);
        lost += Math.max(0, want[kind] - got);
        duplicated += Math.max(0, got - want[kind]);
      }
    }
    return { lost, duplicated };
  }
}

export interface StreamStats {
  batches: number;
  events: number;
  /** Answers by status ('network' for a refused or reset connection), re-sends included. */
  statuses: Record<string, number>;
}

/**
 * Batches of 1–`maxBatch` opens and clicks from a random provider to random addresses. `onAccepted` runs the moment a
 * 200 arrives (the crash scenario kills the process right there).
 */
export class WebhookStream {
  readonly stats: StreamStats = { batches: 0, events: 0, statuses: {} };
  onAccepted?: () => void;
  /** Called with each answer's status (the disk scenario sorts them by fault phase). */
  onStatus?: (status: string) => void;
  private serial = 0;

  constructor(
    private readonly world: World,
    private readonly emails: string[],
    private readonly ledger: EventLedger,
    private readonly rng: Rng,
    private readonly label: string,
    private readonly maxBatch = 20,
  ) {}

  /** Sends `count` batches, `concurrency` at a time, each until accepted; `gapMs` between a worker's batches. */
  send(count: number, concurrency = 4, gapMs = 0): Promise<void> {
    let left = count;
    return this.sendWhile(() => left-- > 0, Math.min(concurrency, count), gapMs);
  }

  /** Sends batches while `more()` says so (asked before each batch), `concurrency` at a time. */
  async sendWhile(more: () => boolean, concurrency = 4, gapMs = 0): Promise<void> {
    const worker = async () => {
      while (more()) {
        await this.sendOne();
        if (gapMs) await sleep(gapMs);
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
  }

  private async sendOne(): Promise<void> {
    const provider = this.rng.pick(PROVIDERS);
    const size = this.rng.int(1, this.maxBatch);
    const now = Math.floor(Date.now() / 1000);
    const planned = Array.from({ length: size }, () => {
      const kind: Engagement = this.rng.chance(0.7) ? 'opened' : 'clicked';
      const email = this.rng.pick(this.emails);
      return { kind, email, body: engagementEvent(provider, kind, email, `${this.label}-${++this.serial}`, now) };
    });
    const body = Buffer.from(JSON.stringify(planned.map((p) => p.body)));
    const webhookId = `msg_${this.label}_${this.serial}`;
    const deadline = Date.now() + 300_000;
    for (;;) {
      const request = signRequest(provider, body, this.world.secrets, Date.now(), webhookId);
      let status = 'network';
      try {
        const response = await this.world.fetch(request.path, { method: 'POST', headers: request.headers, body: bytes(request.body), signal: AbortSignal.timeout(15_000) });
        await response.arrayBuffer();
        status = String(response.status);
      } catch { /* down, restarting or killed mid-request: the sender cannot know whether it was stored */ }
      this.stats.statuses[status] = (this.stats.statuses[status] ?? 0) + 1;
      this.onStatus?.(status);
      if (status === '200') {
        planned.forEach((p) => this.ledger.record(p.email, p.kind));
        this.stats.batches += 1;
        this.stats.events += planned.length;
        this.onAccepted?.();
        return;
      }
      if (status !== 'network' && status !== '429' && !status.startsWith('5')) throw new Error(`a valid ${provider} batch was refused with ${status}`);
      if (Date.now() > deadline) throw new Error(`a ${provider} batch was not accepted in 5 minutes: ${JSON.stringify(this.stats.statuses)}`);
      await sleep(this.rng.int(100, 300));
    }
  }
}
