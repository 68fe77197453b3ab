import { expect } from 'chai';
import { openStore, type Store } from '../../src/store/index.js';
import { PartnerEnqueuer } from '../../src/outbound/enqueuer.js';
import { fromOdooDatetime } from '../../src/outbound/odoo-time.js';

describe('enqueuer: (id, write_date) deduplication', () => {
  let store: Store;
  let enqueuer: PartnerEnqueuer;
  const writeDate = '2026-11-22 12:00:00';
  beforeEach(() => {
    store = openStore(':memory:');
    enqueuer = new PartnerEnqueuer(store.jobs, store.partners);
  });
  afterEach(() => store.close());

  it('skips a partner read at this write_date after the second was over', () => {
    store.partners.recordRead(1, writeDate, fromOdooDatetime(writeDate) + 10_000);
    expect(enqueuer.needsSync(1, writeDate)).to.equal(false);
    expect(enqueuer.needsSync(1, '2026-11-22 12:00:01')).to.equal(true);
  });

  it('re-reads when the last read fell inside the same second (a second write may share the write_date)', () => {
    store.partners.recordRead(1, writeDate, fromOdooDatetime(writeDate) + 400);
    expect(enqueuer.needsSync(1, writeDate)).to.equal(true);
  });

  it('compares a webhook write_date with microseconds by its second', () => {
    store.partners.recordRead(1, writeDate, fromOdooDatetime(writeDate) + 10_000);
    expect(enqueuer.needsSync(1, `${writeDate}.233720`)).to.equal(false);
  });

  it('enqueues only unsettled partners', () => {
    store.partners.recordRead(1, writeDate, fromOdooDatetime(writeDate) + 10_000);
    const n = enqueuer.enqueueChanged([{ id: 1, write_date: writeDate }, { id: 2, write_date: writeDate }], { source: 'cron' });
    expect(n).to.equal(1);
    expect(store.jobs.claimDue(10).map((j) => j.key)).to.deep.equal(['2']);
  });
});
