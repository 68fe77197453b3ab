/**
 * Runs outbox jobs: claims due ones up to `concurrency`, retries transient failures with exponential backoff (p-retry,
 * attempts persisted so a restart does not reset them), and buries permanent failures in the dead-letter table.
 * Above a threshold of due jobs of one kind, it hands them to a burst handler instead, which drains them together.
 */
import pRetry, { AbortError } from 'p-retry';
import type { Job, JobStore } from '../store/jobs.js';
import type { DeadLetterStore } from '../store/dead-letters.js';
import type { Logger } from '../log.js';
import { describeError, isTransient } from './retry-policy.js';

export type JobHandler = (job: Job) => Promise<unknown>;

export interface RetryOptions {
  attempts: number;
  minTimeoutMs: number;
  maxTimeoutMs: number;
  factor: number;
}

/** What a burst gets from the worker. */
export interface BurstContext {
  /** Aborted when the worker stops: the burst's jobs are then back in the outbox, and it must write nothing more. */
  signal: AbortSignal;
  /** Runs these claimed jobs on the per-partner path (handler, retries, dead letters), `concurrency` at a time. */
  runEach(jobs: Job[]): Promise<void>;
  onOutcome(job: Job, outcome: 'done' | 'dead' | 'released'): void;
}

/**
 * Draining many due jobs of one kind together (for partners: Brevo imports). While more than `threshold` of them are
 * due, the worker claims no single jobs; it hands up to `maxJobs` at a time to `drain`, one burst at a time. A backlog
 * still growing (a cron scan enqueuing page after page, a mass edit's hooks arriving) is gathered first: a burst starts
 * once no job has been added for `quietMs`, after `maxWaitMs` at the most, or at `maxJobs`; one burst instead of many
 * small ones, each costing its own imports.
 */
export interface BurstOptions {
  kind: string;
  threshold: number;
  maxJobs: number;
  quietMs?: number;
  maxWaitMs?: number;
  /** Must complete, bury or release every job it is given, or leave it running only if the worker is stopping. */
  drain: (jobs: Job[], ctx: BurstContext) => Promise<unknown>;
}

export interface WorkerOptions {
  jobs: JobStore;
  deadLetters: DeadLetterStore;
  handlers: Record<string, JobHandler>;
  retry: RetryOptions;
  concurrency: number;
  log: Logger;
  pollMs?: number;
  onOutcome?: (job: Job, outcome: 'done' | 'dead' | 'released', detail?: unknown) => void;
  burst?: BurstOptions;
}

export class OutboxWorker {
  private readonly active = new Map<number, Promise<void>>();
  private readonly abort = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  /** The burst under way and the jobs it claimed. */
  private burst: { done: Promise<void>; jobIds: number[] } | undefined;
  /** The backlog being gathered for the next burst: its size, when that last changed, when it was first seen. */
  private backlog: { count: number; changedAt: number; firstAt: number } | undefined;

  constructor(private readonly options: WorkerOptions) {}

  start(): void {
    const recovered = this.options.jobs.recoverRunning();
    if (recovered) this.options.log.info({ recovered }, 'resumed jobs left running by the previous process');
    this.running = true;
    this.tick();
  }

  /** Looks for due jobs now rather than at the next poll. */
  wake(): void {
    if (this.running) setImmediate(() => this.tick());
  }

  get inFlight(): number {
    return this.active.size;
  }

  /** Stops claiming, gives running jobs `graceMs` to finish, and puts the rest back to waiting. */
  async stop(graceMs = 5000): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    const grace = new Promise((resolve) => setTimeout(resolve, graceMs).unref());
    await Promise.race([Promise.allSettled([...this.active.values(), ...(this.burst ? [this.burst.done] : [])]), grace]);
    this.abort.abort(new Error('shutting down'));
    for (const id of this.active.keys()) this.options.jobs.release(id);
    if (this.burst) this.options.jobs.releaseRunning(this.burst.jobIds);
  }

  private tick(): void {
    if (!this.running) return;
    clearTimeout(this.timer);
    const free = this.options.concurrency - this.active.size;
    try {
      const backlog = this.burstBacklog();
      if (backlog && !this.burst && this.gathered(backlog)) this.startBurst(backlog.options);
      if (free > 0 && !backlog) for (const job of this.options.jobs.claimDue(free)) void this.track(job);
    } catch (err) {
      // A read-only or full disk: the jobs stay where they are; try again at the next poll.
      this.options.log.error({ err: { code: (err as { code?: string }).code, message: (err as Error).message } }, 'could not claim jobs');
    }
    this.timer = setTimeout(() => this.tick(), this.options.pollMs ?? 250);
  }

  private track(job: Job): Promise<void> {
    const done = this.run(job).finally(() => {
      this.active.delete(job.id);
      this.wake();
    });
    this.active.set(job.id, done);
    return done;
  }

  /** The burst settings and the count of due jobs, when more jobs of their kind are due than the threshold. */
  private burstBacklog(): { options: BurstOptions; count: number } | undefined {
    const burst = this.options.burst;
    const count = burst ? this.options.jobs.countDue(burst.kind) : 0;
    if (burst && count > burst.threshold) return { options: burst, count };
    this.backlog = undefined;
    return undefined;
  }

  /** True once the backlog has stopped growing (or waited long enough, or fills a burst). */
  private gathered({ options, count }: { options: BurstOptions; count: number }): boolean {
    const now = Date.now();
    if (!this.backlog) this.backlog = { count, changedAt: now, firstAt: now };
    else if (this.backlog.count !== count) Object.assign(this.backlog, { count, changedAt: now });
    const { changedAt, firstAt } = this.backlog;
    return count >= options.maxJobs || now - changedAt >= (options.quietMs ?? 500) || now - firstAt >= (options.maxWaitMs ?? 5000);
  }

  private startBurst({ kind, maxJobs, drain }: BurstOptions): void {
    this.backlog = undefined;
    const claimed = this.options.jobs.claimDueOfKind(kind, maxJobs);
    if (claimed.length === 0) return;
    const jobIds = claimed.map((job) => job.id);
    const ctx: BurstContext = {
      signal: this.abort.signal,
      runEach: (jobs) => this.runEach(jobs),
      onOutcome: (job, outcome) => this.options.onOutcome?.(job, outcome),
    };
    const done = drain(claimed, ctx)
      .then(
        () => undefined,
        (err: unknown) => {
          if (!this.abort.signal.aborted) this.options.log.error({ err: describeError(err), jobs: claimed.length }, 'burst failed');
        },
      )
      .finally(() => {
        this.burst = undefined;
        if (this.abort.signal.aborted) return; // stop() has put the jobs back
        // Whatever the burst could not settle goes back to waiting, not lost.
        this.settle(() => this.options.jobs.releaseRunning(jobIds));
        this.wake();
      });
    this.burst = { done, jobIds };
  }

  /** Runs claimed jobs through the per-partner path, `concurrency` at a time; a stopping worker leaves the rest. */
  private async runEach(jobs: Job[]): Promise<void> {
    const queue = [...jobs];
    const lane = async () => {
      for (let job = queue.shift(); job && this.running; job = queue.shift()) await this.track(job);
    };
    await Promise.all(Array.from({ length: Math.min(this.options.concurrency, queue.length) }, lane));
  }

  /** Records a job's end; if the disk refuses, the job stays 'running' and start-up replays it (it is idempotent). */
  private settle(write: () => void): boolean {
    try {
      write();
      return true;
    } catch (err) {
      this.options.log.error({ err: { code: (err as { code?: string }).code, message: (err as Error).message } }, 'could not record a job outcome');
      return false;
    }
  }

  private async run(job: Job): Promise<void> {
    const { jobs, deadLetters, retry, log } = this.options;
    const handler = this.options.handlers[job.kind];
    let attempts = job.attempts;
    try {
      if (!handler) throw new AbortError(`no handler for job kind ${job.kind}`);
      const result = await pRetry(
        async () => {
          try {
            return await handler(job);
          } catch (err) {
            attempts += 1;
            jobs.recordAttempt(job.id, JSON.stringify(describeError(err)));
            throw isTransient(err) ? err : new AbortError(err as Error);
          }
        },
        {
          retries: Math.max(0, retry.attempts - job.attempts - 1),
          minTimeout: retry.minTimeoutMs,
          maxTimeout: retry.maxTimeoutMs,
          factor: retry.factor,
          randomize: true,
          signal: this.abort.signal,
          onFailedAttempt: ({ error, attemptNumber, retriesLeft }) =>
            log.warn({ jobId: job.id, kind: job.kind, key: job.key, attempt: attemptNumber, retriesLeft, err: describeError(error) }, 'job attempt failed'),
        },
      );
      this.settle(() => jobs.complete(job.id));
      this.options.onOutcome?.(job, 'done', result);
    } catch (err) {
      if (this.abort.signal.aborted) return; // shutting down: stop() releases the job
      const error = describeError(err);
      if (!this.settle(() => deadLetters.bury(jobs.get(job.id) ?? job, error, attempts))) return;
      log.error({ jobId: job.id, kind: job.kind, key: job.key, attempts, err: error }, 'job dead-lettered');
      this.options.onOutcome?.(job, 'dead', error);
    }
  }
}
