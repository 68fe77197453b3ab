/**
 * The one way partners enter the outbox, from CRM pushes, cron scans and admin requests alike.
 *
 * Odoo's write_date reads in whole seconds and a second write within the same second keeps it, so "(id, write_date)
 * already read" only proves nothing changed when our read happened clearly after that second ended. Otherwise the
 * partner is enqueued again and change detection decides, at the cost of one CRM read and zero Brevo calls.
 */
import type { JobStore } from '../store/jobs.js';
import type { PartnerSyncStore } from '../store/partner-sync.js';
import { fromOdooDatetime, truncateToSecond } from './odoo-time.js';

export const PUSH_PARTNER = 'push_partner';

// The write's second, plus tolerance for clock skew between Odoo and the sidecar.
const SETTLE_MS = 1000 + 2000;

export interface EnqueueRequest {
  delayMs?: number;
  source: string;
}

export class PartnerEnqueuer {
  constructor(
    private readonly jobs: JobStore,
    private readonly syncState: PartnerSyncStore,
    private readonly onEnqueued: () => void = () => {},
  ) {}

  /** True unless the sidecar already read this partner at this write_date, after that second was over. */
  needsSync(partnerId: number, writeDate: string): boolean {
    const state = this.syncState.get(partnerId);
    if (!state?.readWriteDate || state.readAt === null) return true;
    if (state.readWriteDate !== truncateToSecond(writeDate)) return true;
    return state.readAt < fromOdooDatetime(writeDate) + SETTLE_MS;
  }

  /** Enqueues unconditionally (coalescing with any waiting job for the same partner). */
  enqueue(partnerIds: number[], request: EnqueueRequest): number {
    if (partnerIds.length === 0) return 0;
    this.jobs.enqueueMany(PUSH_PARTNER, partnerIds.map(String), { delayMs: request.delayMs, source: request.source });
    this.onEnqueued();
    return partnerIds.length;
  }

  /** Enqueues only the partners whose (id, write_date) is not settled. */
  enqueueChanged(stamps: Array<{ id: number; write_date: string }>, request: EnqueueRequest): number {
    return this.enqueue(stamps.filter((s) => this.needsSync(s.id, s.write_date)).map((s) => s.id), request);
  }
}
