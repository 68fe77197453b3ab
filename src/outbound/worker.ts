/**
 * Runs outbox jobs: claims due ones up to `concurrency`, retries transient failures with exponential backoff (p-retry,
 * attempts persisted so a restart does not reset them), and buries permanent failures in the dead-letter table.
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

export interface WorkerOptions {
  jobs: JobStore;
  deadLetters: DeadLetterStore;
  handlers: Record<string, JobHandler>;
  retry: RetryOptions;
  concurrency: number;
  log: Logger;
  pollMs?: number;
  onOutcome?: (job: Job, outcome: 'done' | 'dead' | 'released', detail?: unknown) => void;
}

export class OutboxWorker {
  private readonly active = new Map<number, Promise<void>>();
  private readonly abort = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  private running = false;

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
    await Promise.race([Promise.allSettled(this.active.values()), grace]);
    this.abort.abort(new Error('shutting down'));
    for (const id of this.active.keys()) this.options.jobs.release(id);
  }

  private tick(): void {
    if (!this.running) return;
    clearTimeout(this.timer);
    const free = this.options.concurrency - this.active.size;
    try {
      if (free > 0) for (const job of this.options.jobs.claimDue(free)) this.track(job);
    } catch (err) {
      // A read-only or full disk: the jobs stay where they are; try again at the next poll.
      this.options.log.error({ err: { code: (err as { code?: string }).code, message: (err as Error).message } }, 'could not claim jobs');
    }
    this.timer = setTimeout(() => this.tick(), this.options.pollMs ?? 250);
  }

  private track(job: Job): void {
    const done = this.run(job).finally(() => {
      this.active.delete(job.id);
      this.wake();
    });
    this.active.set(job.id, done);
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
