/**
 * node-cron schedules for the cron jobs. Every tick goes to the runner, which refuses a second concurrent run of a
 * job and counts it: node-cron's own `noOverlap` is left off because it drops the tick silently (a console line).
 */
import cron, { type ScheduledTask } from 'node-cron';
import type { Logger } from '../log.js';
import type { CronRunner } from './runner.js';

export const OFF = 'off';

export interface Scheduler {
  /** The jobs that have a schedule (not 'off'). */
  scheduled: string[];
  /** Stops the ticks; runs in progress are the runner's to stop. */
  stop(): Promise<void>;
}

export function startScheduler(runner: CronRunner, log: Logger): Scheduler {
  const jobs = runner.jobs.filter((job) => job.schedule !== OFF);
  const logger = cronLogger(log);
  const tasks: ScheduledTask[] = jobs.map((job) =>
    cron.schedule(job.schedule, () => runner.run(job.name), { name: job.name, noOverlap: false, logger }),
  );
  log.info({ cron: Object.fromEntries(runner.jobs.map((j) => [j.name, j.schedule])) }, 'cron schedules');
  return {
    scheduled: jobs.map((j) => j.name),
    stop: async () => {
      await Promise.all(tasks.map((t) => t.destroy()));
    },
  };
}

/** node-cron's own messages (a missed tick when the event loop was blocked) go to the service's log. */
function cronLogger(log: Logger) {
  const message = (m: string | Error) => (m instanceof Error ? m.message : m);
  return {
    info: (m: string) => log.info({ source: 'node-cron' }, m),
    warn: (m: string) => log.warn({ source: 'node-cron' }, m),
    error: (m: string | Error) => log.error({ source: 'node-cron' }, message(m)),
    debug: (m: string | Error) => log.debug({ source: 'node-cron' }, message(m)),
  };
}
