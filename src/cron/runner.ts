/**
 * Runs the cron jobs, whoever asks (a node-cron tick, an admin, a test): never two runs of one job at once, each run
 * recorded in the `runs` table with its report, every outcome logged and counted.
 *
 * A job still running when it is asked again is not started twice: the request is skipped, logged and counted as
 * `skipped_overlap` (node-cron's own `noOverlap` would drop the tick with nothing but a console line).
 */
import type { Logger } from '../log.js';
import { cronKind, type RunStore } from '../store/runs.js';

export interface CronJob {
  name: string;
  /** A node-cron expression, or 'off': never scheduled (it can still be run on request). */
  schedule: string;
  /** Long jobs stop between pages when `signal` is aborted (shutdown); their report says how far they got. */
  run: (signal: AbortSignal) => Promise<unknown>;
}

export type CronOutcome = 'ok' | 'error' | 'interrupted' | 'skipped_overlap';

/** A run that took place (and has its row in `runs`). */
export type FinishedRun =
  | { outcome: 'ok' | 'interrupted'; runId: number; report: unknown }
  | { outcome: 'error'; runId: number | null; error: Error };

export type CronResult = FinishedRun | { outcome: 'skipped_overlap' };

export interface CronRunnerOptions {
  runs: RunStore;
  log: Logger;
  onOutcome?: (job: string, outcome: CronOutcome) => void;
}

export class CronRunner {
  private readonly running = new Map<string, { run: Promise<CronResult>; startedAt: number }>();
  private readonly abort = new AbortController();

  constructor(readonly jobs: readonly CronJob[], private readonly options: CronRunnerOptions) {}

  /** Runs `name` now, unless a run of it is still going; never rejects. */
  run(name: string): Promise<CronResult> {
    const job = this.jobs.find((j) => j.name === name);
    if (!job) throw new Error(`unknown cron job ${name}`);
    const current = this.running.get(name);
    if (current) return Promise.resolve(this.skip(job, current.startedAt));
    const run = this.execute(job)
      .catch((err: Error) => this.unrecorded(job, err))
      .finally(() => this.running.delete(name));
    this.running.set(name, { run, startedAt: Date.now() });
    return run;
  }

  isRunning(name: string): boolean {
    return this.running.has(name);
  }

  /** Asks running jobs to stop at their next page and waits for them. No run starts afterwards. */
  async stop(): Promise<void> {
    this.abort.abort();
    await Promise.allSettled([...this.running.values()].map((r) => r.run));
  }

  private skip(job: CronJob, startedAt: number): CronResult {
    this.options.log.warn({ cron: job.name, runningForMs: Date.now() - startedAt }, 'cron run skipped: the previous run is still going');
    this.options.onOutcome?.(job.name, 'skipped_overlap');
    return { outcome: 'skipped_overlap' };
  }

  private async execute(job: CronJob): Promise<FinishedRun> {
    const runId = this.options.runs.start(cronKind(job.name));
    const started = Date.now();
    const result = await this.attempt(job, runId);
    const report = result.outcome === 'error' ? { error: result.error.message } : result.report;
    const fields = { cron: job.name, runId, ms: Date.now() - started, report };
    try {
      this.options.runs.finish(runId, result.outcome, report);
    } catch (err) {
      this.options.log.error({ ...fields, err: { message: (err as Error).message } }, 'cron run not recorded');
    }
    if (result.outcome === 'error') this.options.log.error({ ...fields, err: { name: result.error.name, message: result.error.message } }, 'cron run failed');
    else this.options.log.info(fields, result.outcome === 'ok' ? 'cron run done' : 'cron run interrupted');
    this.options.onOutcome?.(job.name, result.outcome);
    return result;
  }

  /** The `runs` table could not be written (a failing disk): the run did not take place. */
  private unrecorded(job: CronJob, err: Error): CronResult {
    this.options.log.error({ cron: job.name, err: { name: err.name, message: err.message } }, 'cron run not started: cannot write its run row');
    this.options.onOutcome?.(job.name, 'error');
    return { outcome: 'error', runId: null, error: err };
  }

  private async attempt(job: CronJob, runId: number): Promise<FinishedRun> {
    try {
      if (this.abort.signal.aborted) throw new RunInterrupted({});
      return { outcome: 'ok', runId, report: await job.run(this.abort.signal) };
    } catch (err) {
      if (err instanceof RunInterrupted) return { outcome: 'interrupted', runId, report: err.report };
      return { outcome: 'error', runId, error: err instanceof Error ? err : new Error(String(err)) };
    }
  }
}

/** Thrown by a job that stopped early because the sidecar is stopping; carries how far it got. */
export class RunInterrupted extends Error {
  constructor(readonly report: unknown) {
    super('interrupted: the sidecar is stopping');
    this.name = 'RunInterrupted';
  }
}
