/**
 * The inbox as webhook intake writes it: multi-row inserts that still say which events were duplicates, rows that
 * give back the event as it came (its raw part byte for byte), keys that sort by time, and migration 7, which rebuilt
 * the table, keeping every event, its id, the id sequence and deduplication across the change.
 */
import { expect } from 'chai';
import Database from 'better-sqlite3';
import { openStore, type Store } from '../../src/store/index.js';
import { migrate } from '../../src/store/db.js';
import { MIGRATIONS } from '../../src/store/migrations.js';
import { storageKey } from '../../src/store/inbox-row.js';
import { parseReceived } from '../../src/inbound/providers/index.js';
import { parseJsonBody } from '../../src/inbound/json-body.js';
import { triage } from '../../src/inbound/triage.js';
import type { Accepted } from '../../src/store/inbox.js';
import type { InboundEvent } from '../../src/inbound/events.js';
import { tempDatabasePath } from '../helpers/harness.js';

const NOW = Date.UTC(2026, 10, 22, 12);
const SETTINGS = { allowResubscribe: false, createPartnerOnListAddition: true };

/** What the webhook route stores for a body: its events, triaged, each with its text as received. */
function accepted(body: string): Accepted[] {
  return parseReceived('brevo', parseJsonBody(body), { now: NOW }).events.map(({ event, text }) => ({ ...triage(event, SETTINGS), rawText: text }));
}

function opens(count: number, from = 0): Array<Record<string, unknown>> {
  return Array.from({ length: count }, (_, i) => ({ event: 'opened', email: `r${from + i}@example.com`, ts_event: 1763800000 + from + i, 'message-id': `<m${from + i}@x>` }));
}

describe('inbox intake', () => {
  let store: Store;
  beforeEach(() => { store = openStore(tempDatabasePath(), () => NOW); });
  afterEach(() => store.close());

  it('stores a batch of any size once, and says which events were duplicates, in the database or in the request', () => {
    // 123 = 100 + 10 + 10 + 1 + 1 + 1: every statement size, and the duplicates spread across them.
    const first = store.inbox.insert(accepted(JSON.stringify(opens(60))));
    expect(first).to.deep.include({ inserted: 60, duplicates: 0 });
    const events = [...opens(50, 30), ...opens(71, 200)];
    events.splice(77, 0, events[100]); // the same event twice in one request
    events.splice(5, 0, events[5]);
    expect(events).to.have.length(123);
    const second = store.inbox.insert(accepted(JSON.stringify(events)));
    const expected = events.map((e, i, all) => Number(e.ts_event) - 1763800000 >= 60 && all.indexOf(e) === i);
    expect(second.stored).to.deep.equal(expected);
    expect(second.inserted).to.equal(expected.filter(Boolean).length);
    expect(second.duplicates).to.equal(123 - second.inserted);
    expect(store.db.prepare('SELECT COUNT(*) FROM events').pluck().get()).to.equal(60 + second.inserted);
  });

  it('gives back the event as it came, its raw part as the bytes received', () => {
    const body = '[ {"event" : "click", "email":"A@Example.com", "ts_event":1763800000, "message-id":"<m@x>", "link":"https://x/é?a=1&b=\\"2\\"", "camp_id": 7} ]';
    const [item] = accepted(body);
    store.inbox.insert([item]);
    const [claimed] = store.inbox.claimDue(10);
    expect(claimed.event).to.deep.equal(item.event);
    const row = store.db.prepare('SELECT event FROM events').pluck().get() as string;
    expect(row).to.contain('"raw":{"event" : "click", "email":"A@Example.com", "ts_event":1763800000, "message-id":"<m@x>", "link":"https://x/é?a=1&b=\\"2\\"", "camp_id": 7}');
  });

  it('gives back events stored without their text, or with nothing beyond the columns', () => {
    const event: InboundEvent = { provider: 'sendpulse', type: 'unknown', providerType: 'x', email: null, occurredAt: null, dedupeKey: 'k', raw: [1, { a: null }] };
    store.inbox.insert([{ event, status: 'ignored', note: 'unknown_type' }, { event: { ...event, dedupeKey: 'k2', raw: undefined }, status: 'pending' }]);
    const rows = store.db.prepare('SELECT id FROM events ORDER BY id').pluck().all() as number[];
    store.db.prepare(`UPDATE events SET status = 'pending'`).run();
    expect(store.inbox.claimDue(10).map((e) => [e.id, e.event])).to.deep.equal([[rows[0], event], [rows[1], { ...event, dedupeKey: 'k2', raw: undefined }]]);
  });

  it('keys the index by the event\'s time first, so that recent events sort together', () => {
    expect(storageKey({ occurredAt: 1763800000123, dedupeKey: 'abc' })).to.equal('692173c0:abc');
    expect(storageKey({ occurredAt: null, dedupeKey: 'abc' })).to.equal('00000000:abc');
    store.inbox.insert(accepted(JSON.stringify(opens(3))));
    const keys = store.db.prepare('SELECT dedupe_key FROM events ORDER BY id').pluck().all() as string[];
    expect(keys.map((k) => k.slice(0, 9))).to.deep.equal(['692173c0:', '692173c1:', '692173c2:']);
  });
});

describe('inbox migration 7', () => {
  it('keeps every event, its id and the id sequence, and still recognises their re-delivery', () => {
    const path = tempDatabasePath();
    const db = new Database(path);
    for (const sql of MIGRATIONS.slice(0, 6)) db.exec(sql);
    db.pragma('user_version = 6');
    // Rows as the code before migration 7 wrote them: the whole event as JSON, plain dedupe keys.
    const old = accepted(JSON.stringify([...opens(3), { event: 'opened', email: 'no-time@example.com' }])).map((a) => a.event);
    const insert = db.prepare(`INSERT INTO events (provider, dedupe_key, type, provider_type, email, occurred_at, received_at, event, status, next_attempt_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?)`);
    for (const e of old) insert.run(e.provider, e.dedupeKey, e.type, e.providerType, e.email, e.occurredAt, NOW, JSON.stringify(e), NOW);
    insert.run('brevo', 'gone', 'opened', 'opened', 'x@example.com', null, NOW, '{}', NOW);
    db.prepare(`DELETE FROM events WHERE dedupe_key = 'gone'`).run(); // the highest id, deleted: never to be reused
    migrate(db);
    db.close();

    const store = openStore(path, () => NOW);
    try {
      expect(store.inbox.claimDue(10).map((e) => [e.id, e.event])).to.deep.equal(old.map((e, i) => [i + 1, e]));
      store.inbox.insert(accepted(JSON.stringify(opens(1, 10))));
      expect(store.db.prepare('SELECT MAX(id) FROM events').pluck().get(), 'the deleted id 5 is not reused').to.equal(6);
      const again = store.inbox.insert(accepted(JSON.stringify([...opens(1), { event: 'opened', email: 'no-time@example.com' }])));
      expect(again.stored).to.deep.equal([false, false]);
      expect(() => store.db.prepare(`UPDATE events SET status = 'lost' WHERE id = 1`).run()).to.throw(/CHECK constraint/);
    } finally {
      store.close();
    }
  });
});
