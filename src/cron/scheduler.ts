/** node-cron schedules for the polling jobs: never two runs of one job at once, every run and failure logged. */
import cron, { type ScheduledTask } from 'node-cron';
import type { Logger } from '../log.js';

export interface CronJob {
  name: string;
  schedule: string;
  run: () => Promise<unknown>;
}

export interface Scheduler {
  runNow(name: string): Promise<unknown>;
  stop(): Promise<void>;
}

export function startScheduler(jobs: CronJob[], log: Logger, onRun?: (name: string, outcome: 'ok' | 'error') => void): Scheduler {
  const running = new Map<string, Promise<unknown>>();
  const execute = (job: CronJob): Promise<unknown> => {
    const current = running.get(job.name);
    if (current) return current;
    const started = Date.now();
    const promise = job
      .run()
      .then((report) => {
        log.info({ cron: job.name, ms: Date.now() - started, report }, 'cron run done');
        onRun?.(job.name, 'ok');
        return report;
      })
      .catch((err: Error) => {
        log.error({ cron: job.name, err: { name: err.name, message: err.message } }, 'cron run failed');
        onRun?.(job.name, 'error');
      })
      .finally(() => running.delete(job.name));
    running.set(job.name, promise);
    return promise;
  };
  const tasks: ScheduledTask[] = jobs.map((job) => cron.schedule(job.schedule, () => execute(job), { name: job.name, noOverlap: true }));
  return {
    runNow: (name) => {
      const job = jobs.find((j) => j.name === name);
      if (!job) throw new Error(`unknown cron job ${name}`);
      return execute(job);
    },
    stop: async () => {
      await Promise.all(tasks.map((t) => t.destroy()));
      await Promise.allSettled(running.values());
    },
  };
}
