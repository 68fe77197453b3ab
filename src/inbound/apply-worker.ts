/**
 * Runs apply runs one at a time: every `coalesceMs` while events wait (so events for one partner inside the window
 * become one write), at once when `coalesceMaxEvents` are waiting, and until the due events are drained.
 */
import type { Logger } from '../log.js';
import type { ApplyReport } from './apply-run.js';

export interface ApplyWorkerOptions {
  run: () => Promise<ApplyReport>;
  coalesceMs: number;
  coalesceMaxEvents: number;
  log: Logger;
  onReport?: (report: ApplyReport) => void;
}

export class ApplyWorker {
  private timer: NodeJS.Timeout | undefined;
  private current: Promise<void> | undefined;
  /** Every run goes through this chain: two runs at once would claim the same pending events. */
  private serial: Promise<unknown> = Promise.resolve();
  private stopped = true;
  /** Events stored since the last run started: counted in memory, so intake never queries the table for it. */
  private waiting = 0;

  constructor(private readonly options: ApplyWorkerOptions) {}

  start(): void {
    this.stopped = false;
    this.schedule();
  }

  /** Called after events are stored: starts a run early when enough are waiting. */
  notify(stored: number): void {
    this.waiting += stored;
    if (!this.stopped && !this.current && this.waiting >= this.options.coalesceMaxEvents) this.runNow();
  }

  /** Runs until no due event is left (tests and admin use). */
  async drain(): Promise<void> {
    for (;;) {
      const report = await this.once();
      if (report.events === 0 || report.applied + report.dead === 0) return;
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.current;
  }

  private schedule(): void {
    clearTimeout(this.timer);
    if (!this.stopped) this.timer = setTimeout(() => this.runNow(), this.options.coalesceMs);
  }

  private runNow(): void {
    if (this.current) return;
    clearTimeout(this.timer);
    this.current = this.loop().finally(() => {
      this.current = undefined;
      this.schedule();
    });
  }

  /** Applies batches while a batch comes back full of work done. */
  private async loop(): Promise<void> {
    for (;;) {
      const report = await this.once();
      if (this.stopped || report.events === 0 || report.applied + report.dead < report.events) return;
    }
  }

  private once(): Promise<ApplyReport> {
    const run = this.serial.then(() => this.runSafely());
    this.serial = run;
    return run;
  }

  private async runSafely(): Promise<ApplyReport> {
    this.waiting = 0;
    try {
      const report = await this.options.run();
      if (report.events) {
        this.options.log.info({ ...report }, 'apply run done');
        this.options.onReport?.(report);
      }
      return report;
    } catch (err) {
      this.options.log.error({ err: { message: (err as Error).message } }, 'apply run failed');
      return { events: 0, applied: 0, retried: 0, dead: 0, partners: 0, blacklisted: 0, crmCalls: 0 };
    }
  }
}
