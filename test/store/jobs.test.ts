import { expect } from 'chai';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, type Store } from '../../src/store/index.js';

describe('store: outbox and dead letters', () => {
  let store: Store;
  let now: number;
  beforeEach(() => {
    now = 1_000_000;
    store = openStore(':memory:', () => now);
  });
  afterEach(() => store.close());

  it('coalesces a partner enqueued several times while waiting into one job, due at the later time', () => {
    store.jobs.enqueue('push_partner', '7');
    store.jobs.enqueue('push_partner', '7', { delayMs: 5000 });
    store.jobs.enqueue('push_partner', '7');
    expect(store.jobs.stats().pending).to.equal(1);
    expect(store.jobs.claimDue(10)).to.have.length(0);
    now += 5000;
    expect(store.jobs.claimDue(10).map((j) => j.key)).to.deep.equal(['7']);
  });

  it('keeps one waiting successor behind a running job, and never runs both at once', () => {
    store.jobs.enqueue('push_partner', '7');
    const [running] = store.jobs.claimDue(10);
    store.jobs.enqueue('push_partner', '7');
    store.jobs.enqueue('push_partner', '7');
    expect(store.jobs.stats()).to.include({ pending: 1, running: 1 });
    expect(store.jobs.claimDue(10)).to.have.length(0);
    store.jobs.complete(running.id);
    expect(store.jobs.claimDue(10)).to.have.length(1);
  });

  it('puts jobs left running by a crash back to waiting, merging with a waiting twin', () => {
    const dir = mkdtempSync(join(tmpdir(), 'outbox-'));
    const path = join(dir, 'db.sqlite');
    const first = openStore(path);
    first.jobs.enqueueMany('push_partner', ['1', '2', '3']);
    const claimed = first.jobs.claimDue(2);
    first.jobs.enqueue('push_partner', claimed[0].key);
    first.db.close(); // the process dies here: no release

    const second = openStore(path);
    expect(second.jobs.stats()).to.include({ pending: 2, running: 2 });
    expect(second.jobs.recoverRunning()).to.equal(2);
    expect(second.jobs.stats()).to.include({ pending: 3, running: 0 });
    expect(second.jobs.claimDue(10).map((j) => j.key).sort()).to.deep.equal(['1', '2', '3']);
    second.close();
  });

  it('moves a job to the dead letters with its error, and retries or discards by filter', () => {
    store.jobs.enqueue('push_partner', '9', { source: 'cron' });
    const [job] = store.jobs.claimDue(1);
    store.jobs.recordAttempt(job.id, 'boom');
    store.deadLetters.bury(store.jobs.get(job.id)!, { status: 400, code: 'invalid_parameter', message: 'bad email' }, 1);
    expect(store.jobs.stats().pending + store.jobs.stats().running).to.equal(0);
    const [letter] = store.deadLetters.list();
    expect(letter).to.deep.include({ kind: 'push_partner', key: '9', errorStatus: 400, errorCode: 'invalid_parameter', attempts: 1, source: 'cron' });
    expect(letter.firstAttemptAt).to.equal(now);
    expect(store.deadLetters.list({ errorCode: '400' })).to.have.length(1);
    expect(store.deadLetters.list({ errorCode: 'other' })).to.have.length(0);
    const retried = store.deadLetters.retry({ errorCode: 'invalid_parameter' }, (kind, key, payload) => store.jobs.enqueue(kind, key, { payload }));
    expect(retried).to.equal(1);
    expect(store.deadLetters.count()).to.equal(0);
    expect(store.jobs.claimDue(1)[0]).to.deep.include({ key: '9', attempts: 0 });
  });
});
