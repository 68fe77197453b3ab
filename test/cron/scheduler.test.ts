/**
 * The cron runner and its node-cron schedule: a run still going when the next tick comes is not started twice, and the
 * skip is logged and counted; every run leaves a row in `runs`; a stop interrupts long runs between pages.
 */
import { expect } from 'chai';
import { Writable } from 'node:stream';
import { openStore, type Store } from '../../src/store/index.js';
import { INITIAL_SYNC_KIND } from '../../src/store/runs.js';
import { createLogger } from '../../src/log.js';
import { CronRunner, RunInterrupted, type CronJob, type CronOutcome } from '../../src/cron/runner.js';
import { startScheduler } from '../../src/cron/scheduler.js';
import { CRON_JOB_NAMES } from '../../src/cron/jobs.js';
import { startHarness, tempDatabasePath, waitFor } from '../helpers/harness.js';

/** A job that runs until released. */
function gate() {
  let release!: () => void;
  const opened = new Promise<void>((resolve) => (release = resolve));
  return { opened, release };
}

describe('cron runner and schedule', function () {
  this.timeout(30_000);
  let store: Store;
  let outcomes: Array<[string, CronOutcome]>;
  let lines: Array<Record<string, unknown>>;
  let log: ReturnType<typeof createLogger>;

  beforeEach(() => {
    store = openStore(tempDatabasePath());
    outcomes = [];
    lines = [];
    log = createLogger('info', new Writable({ write(chunk, _enc, done) { lines.push(JSON.parse(String(chunk)) as Record<string, unknown>); done(); } }));
  });
  afterEach(() => store.close());

  const runner = (jobs: CronJob[]) => new CronRunner(jobs, { runs: store.runs, log, onOutcome: (job, outcome) => outcomes.push([job, outcome]) });

  it('does not start a job twice: the second request is skipped, logged and counted', async () => {
    const g = gate();
    let started = 0;
    const cron = runner([{ name: 'slow', schedule: 'off', run: async () => { started++; await g.opened; return { done: true }; } }]);
    const first = cron.run('slow');
    expect(await cron.run('slow')).to.deep.equal({ outcome: 'skipped_overlap' });
    g.release();
    expect((await first).outcome).to.equal('ok');
    expect(started).to.equal(1);
    expect(outcomes).to.deep.equal([['slow', 'skipped_overlap'], ['slow', 'ok']]);
    expect(lines.some((l) => l.cron === 'slow' && l.level === 40 && /skipped/.test(String(l.msg)))).to.equal(true);
    expect((await cron.run('slow')).outcome, 'runs again once the previous run ended').to.equal('ok');
  });

  it('skips the node-cron ticks that come while a run is still going', async () => {
    const g = gate();
    let started = 0;
    const cron = runner([{ name: 'every-second', schedule: '* * * * * *', run: async () => { started++; await g.opened; return {}; } }]);
    const scheduler = startScheduler(cron, log);
    try {
      await waitFor(() => outcomes.some(([, o]) => o === 'skipped_overlap'), 10_000, 'a tick during the run');
      expect(started).to.equal(1);
      g.release();
      await waitFor(() => outcomes.some(([, o]) => o === 'ok'), 10_000, 'the run to end');
    } finally {
      await scheduler.stop();
      await cron.stop();
    }
    expect(outcomes.filter(([, o]) => o === 'ok').length).to.equal(started);
  });

  it('schedules only the jobs that are not off', async () => {
    const cron = runner([
      { name: 'on', schedule: '0 3 * * *', run: async () => ({}) },
      { name: 'switched-off', schedule: 'off', run: async () => ({}) },
    ]);
    const scheduler = startScheduler(cron, log);
    await scheduler.stop();
    expect(scheduler.scheduled).to.deep.equal(['on']);
  });

  it('writes a runs row per run: its report, or its error', async () => {
    const cron = runner([
      { name: 'counts', schedule: 'off', run: async () => ({ scanned: 3, enqueued: 1 }) },
      { name: 'fails', schedule: 'off', run: async () => { throw new Error('Odoo is down'); } },
    ]);
    await cron.run('counts');
    const failed = await cron.run('fails');
    expect(failed.outcome).to.equal('error');
    expect(store.runs.latest('cron:counts').map(({ status, report }) => ({ status, report }))).to.deep.equal([{ status: 'ok', report: { scanned: 3, enqueued: 1 } }]);
    expect(store.runs.latest('cron:fails').map(({ status, report }) => ({ status, report }))).to.deep.equal([{ status: 'error', report: { error: 'Odoo is down' } }]);
    expect(outcomes).to.deep.equal([['counts', 'ok'], ['fails', 'error']]);
  });

  it('interrupts a long run at its next page on stop, recording how far it got', async () => {
    const g = gate();
    const cron = runner([{
      name: 'pages', schedule: 'off',
      run: async (signal) => {
        for (let page = 1; ; page++) {
          await g.opened;
          if (signal.aborted) throw new RunInterrupted({ pages: page });
        }
      },
    }]);
    const running = cron.run('pages');
    const stopped = cron.stop();
    g.release();
    await stopped;
    expect((await running).outcome).to.equal('interrupted');
    expect(store.runs.latest('cron:pages')[0]).to.include({ status: 'interrupted' }).and.to.have.deep.property('report', { pages: 1 });
  });

  it('marks the cron runs a killed process left running as interrupted, and leaves initial syncs alone', () => {
    const cronRun = store.runs.start('cron:full-reconciliation');
    const syncRun = store.runs.start(INITIAL_SYNC_KIND);
    expect(store.runs.interruptCronRuns()).to.equal(1);
    const status = (id: number) => store.db.prepare('SELECT status FROM runs WHERE id = ?').pluck().get(id);
    expect(status(cronRun)).to.equal('interrupted');
    expect(status(syncRun)).to.equal('running');
  });

  it('counts overlaps in the sidecar metrics', async () => {
    const h = await startHarness();
    try {
      const name = CRON_JOB_NAMES.fullReconciliation;
      const results = await Promise.all([h.sidecar.cron.run(name), h.sidecar.cron.run(name)]);
      expect(results.map((r) => r.outcome).sort()).to.deep.equal(['ok', 'skipped_overlap']);
      const metrics = await (await fetch(`${h.url}/metrics`)).text();
      expect(metrics).to.include(`sidecar_cron_runs_total{job="${name}",outcome="skipped_overlap"} 1`);
      expect(metrics).to.include(`sidecar_cron_runs_total{job="${name}",outcome="ok"} 1`);
    } finally {
      await h.stop();
    }
  });
});
