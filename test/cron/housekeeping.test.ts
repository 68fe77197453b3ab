/**
 * Housekeeping: applied and ignored events and finished cron runs older than the retention period are deleted; dead
 * letters, the dead and pending events, recent rows and the initial sync's reports are kept.
 */
import { expect } from 'chai';
import { openStore, type Store } from '../../src/store/index.js';
import { INITIAL_SYNC_KIND } from '../../src/store/runs.js';
import { deleteExpired } from '../../src/store/housekeeping.js';
import { runHousekeeping } from '../../src/cron/housekeeping.js';
import { CRON_JOB_NAMES } from '../../src/cron/jobs.js';
import type { InboundEvent } from '../../src/inbound/events.js';
import { startHarness, tempDatabasePath } from '../helpers/harness.js';

const DAY = 24 * 60 * 60 * 1000;
const T0 = Date.parse('2026-01-01T00:00:00Z');

let seq = 0;
function event(email: string): InboundEvent {
  seq += 1;
  return { provider: 'brevo', type: 'opened', providerType: 'opened', email, occurredAt: T0, dedupeKey: `hk-${seq}`, raw: {} };
}

describe('housekeeping (cron)', function () {
  this.timeout(30_000);
  let store: Store;
  let clock: number;

  beforeEach(() => {
    clock = T0;
    store = openStore(tempDatabasePath(), () => clock);
  });
  afterEach(() => store.close());

  /** Stores an event and takes it to `status`, at the current clock. */
  function stored(status: 'applied' | 'ignored' | 'pending' | 'dead'): number {
    store.inbox.insert([{ event: event(`${status}-${seq}@example.com`), status: status === 'ignored' ? 'ignored' : 'pending' }]);
    const id = store.db.prepare('SELECT MAX(id) FROM events').pluck().get() as number;
    if (status === 'applied') store.inbox.markApplied([id]);
    if (status === 'dead') {
      store.deadLetters.record({ id, kind: 'apply_event', key: `hk-${seq}`, payload: { eventId: id }, source: 'brevo', firstAttemptAt: clock }, { message: 'refused' }, 5);
      store.inbox.markDead([id], 'refused');
    }
    return id;
  }

  const eventIds = () => store.db.prepare('SELECT id FROM events ORDER BY id').pluck().all() as number[];
  const runKinds = () => store.db.prepare('SELECT kind FROM runs ORDER BY id').pluck().all() as string[];

  it('deletes old applied and ignored events and old cron runs, and keeps the rest', async () => {
    stored('applied'); // old: deleted
    stored('ignored'); // old: deleted
    const oldPending = stored('pending');
    const oldDead = stored('dead');
    store.runs.finish(store.runs.start('cron:incremental-sync'), 'ok', { scanned: 1 });
    store.runs.start('cron:stuck');
    store.runs.finish(store.runs.start(INITIAL_SYNC_KIND), 'completed', {});

    clock = T0 + 40 * DAY;
    const recentApplied = stored('applied');
    store.runs.finish(store.runs.start('cron:brevo-opt-outs'), 'ok', {});

    clock = T0 + 45 * DAY;
    const report = await runHousekeeping({ db: store.db, retentionDays: 30, now: () => clock });

    expect(report.deleted).to.deep.equal({ events: 2, runs: 1 });
    expect(report.cutoff).to.equal(new Date(T0 + 15 * DAY).toISOString());
    expect(eventIds()).to.deep.equal([oldPending, oldDead, recentApplied]);
    expect(store.deadLetters.count()).to.equal(1);
    expect(runKinds()).to.deep.equal(['cron:stuck', 'initial_sync', 'cron:brevo-opt-outs']);
  });

  it('deletes a backlog larger than one batch, batch after batch', async () => {
    for (let i = 0; i < 7; i++) stored('applied');
    clock = T0 + 31 * DAY;
    expect(await deleteExpired(store.db, T0 + DAY, 3)).to.deep.equal({ events: 7, runs: 0 });
    expect(eventIds()).to.deep.equal([]);
  });

  it('runs from the sidecar: a runs row with the counts and the deletions in the metrics', async () => {
    const h = await startHarness();
    try {
      h.sidecar.store.inbox.insert([{ event: event('old@example.com'), status: 'ignored' }]);
      h.sidecar.store.db.prepare('UPDATE events SET received_at = ?').run(Date.now() - 31 * DAY);
      const result = await h.sidecar.cron.run(CRON_JOB_NAMES.housekeeping);
      expect(result.outcome).to.equal('ok');
      const [run] = h.sidecar.store.runs.latest(`cron:${CRON_JOB_NAMES.housekeeping}`);
      expect(run).to.include({ status: 'ok' });
      expect(run.report).to.have.deep.property('deleted', { events: 1, runs: 0 });
      const metrics = await (await fetch(`${h.url}/metrics`)).text();
      expect(metrics).to.include('sidecar_housekeeping_deleted_total{table="events"} 1');
    } finally {
      await h.stop();
    }
  });
});
