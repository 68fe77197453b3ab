/** The burst's pieces on their own: chunking, the own-call rule, backoff, import reports, completion, outbox claims. */
import { expect } from 'chai';
import type { ContactPayload, EmailPlatform, ProcessState } from '../../src/brevo/platform.js';
import { PermanentPlatformError, RateLimitedError, TransientPlatformError } from '../../src/brevo/errors.js';
import { chunkRows, ownCallReason, type ImportRow } from '../../src/outbound/burst-plan.js';
import { backoffMs } from '../../src/outbound/burst-drain.js';
import { awaitImport, BurstCallbacks } from '../../src/outbound/burst-completion.js';
import { csvCells, reportLinks, skippedIdentifiers } from '../../src/outbound/burst-report.js';
import { openStore, type Store } from '../../src/store/index.js';

const contact = (id: number, extra: Partial<ContactPayload> = {}): ContactPayload => ({
  email: `person${id}@example.com`, extId: String(id), attributes: { FIRSTNAME: `P${id}`, CITY: 'Lyon' }, listIds: [2], ...extra,
});

function row(id: number, bytes: number, blacklisted = false): ImportRow {
  const c = contact(id, blacklisted ? { emailBlacklisted: true } : {});
  return { job: { id } as ImportRow['job'], partnerId: id, contact: c, item: { email: c.email, attributes: {} }, bytes, hash: `h${id}` };
}

describe('burst chunks', () => {
  it('keeps every chunk within the budget, blocklisted contacts apart, in order', () => {
    const rows = [row(1, 40), row(2, 40, true), row(3, 40), row(4, 40), row(5, 40, true), row(6, 300)];
    const { chunks, tooLarge } = chunkRows(rows, (blacklisted) => (blacklisted ? 1000 : 100));
    expect(chunks.map((c) => ({ blacklisted: c.blacklisted, ids: c.rows.map((r) => r.partnerId) }))).to.deep.equal([
      { blacklisted: false, ids: [1, 3] },
      { blacklisted: false, ids: [4] },
      { blacklisted: true, ids: [2, 5] },
    ]);
    for (const chunk of chunks.filter((c) => !c.blacklisted)) expect(chunk.rows.reduce((n, r) => n + r.bytes + 1, 0)).to.be.at.most(100);
    expect(tooLarge.map((r) => r.partnerId)).to.deep.equal([6]);
  });
});

describe('what an import cannot express', () => {
  it('is an e-mail change or a value that disappeared, never a new contact or a plain update', () => {
    expect(ownCallReason(contact(1), null)).to.equal(undefined);
    expect(ownCallReason(contact(1, { attributes: { FIRSTNAME: 'New', CITY: 'Lyon', TAGS: 'vip' } }), contact(1))).to.equal(undefined);
    expect(ownCallReason(contact(1, { email: 'moved@example.com' }), contact(1))).to.equal('email_changed');
    expect(ownCallReason(contact(1, { attributes: { FIRSTNAME: 'P1' } }), contact(1))).to.equal('attribute_cleared');
  });
});

describe('burst backoff', () => {
  const retry = { attempts: 8, minTimeoutMs: 2000, maxTimeoutMs: 300_000, factor: 2 };
  it('grows by the factor from minTimeout, randomised up to twice, capped at maxTimeout', () => {
    expect(backoffMs(1, retry, () => 0)).to.equal(2000);
    expect(backoffMs(3, retry, () => 0)).to.equal(8000);
    expect(backoffMs(3, retry, () => 0.999)).to.be.closeTo(16_000, 10);
    expect(backoffMs(20, retry, () => 0.5)).to.equal(300_000);
  });
});

describe('import reports', () => {
  it('finds the links Brevo attached and the identifiers their CSV files name', async () => {
    const info = { import: { invalid_emails: null, duplicate_phone_id: 'https://r.example.com/a.csv', duplicate_ext_id: 'https://r.example.com/b.csv' } };
    expect(reportLinks(info)).to.deep.equal(['https://r.example.com/a.csv', 'https://r.example.com/b.csv']);
    expect(reportLinks(undefined)).to.deep.equal([]);
    expect(csvCells('EMAIL_OR_ID\n"A@Example.com";42\r\n\nb@example.com\n')).to.deep.equal(['EMAIL_OR_ID', 'A@Example.com', '42', 'b@example.com']);
    const files: Record<string, string> = { 'https://r.example.com/a.csv': 'EMAIL_OR_ID\nA@Example.com\n', 'https://r.example.com/b.csv': 'EMAIL_OR_ID\n42\n' };
    const found = await skippedIdentifiers(reportLinks(info), async (url) => files[url]);
    expect([...found]).to.have.members(['email_or_id', 'a@example.com', '42']);
  });
});

/** A platform whose getProcess answers from a script, one answer per call. */
function scripted(answers: Array<ProcessState | Error>): { platform: EmailPlatform; polls: () => number } {
  let polls = 0;
  const platform = {
    async getProcess(id: number) {
      const answer = answers[Math.min(polls++, answers.length - 1)];
      if (answer instanceof Error) throw answer;
      return { ...answer, id };
    },
  } as unknown as EmailPlatform;
  return { platform, polls: () => polls };
}

describe('waiting for an import process', () => {
  const base = { pollMs: 10, timeoutMs: 5000, signal: new AbortController().signal };

  it('polls until the process completes, through passing errors and rate limits', async () => {
    const { platform, polls } = scripted([
      { id: 0, status: 'queued' },
      new TransientPlatformError({ message: 'bad gateway', status: 502 }),
      new RateLimitedError({ message: 'slow down', status: 429 }, 0),
      { id: 0, status: 'completed', info: { import: { invalid_emails: null } } },
    ]);
    expect(await awaitImport(7, { ...base, platform })).to.deep.equal({ status: 'completed', info: { import: { invalid_emails: null } } });
    expect(polls()).to.equal(4);
  });

  it('reports a failed, cancelled or unknown process with its reason', async () => {
    expect(await awaitImport(7, { ...base, platform: scripted([{ id: 0, status: 'failed', errorReason: 'file corrupt' }]).platform }))
      .to.deep.equal({ status: 'failed', reason: 'file corrupt' });
    expect(await awaitImport(7, { ...base, platform: scripted([{ id: 0, status: 'cancelled' }]).platform }))
      .to.deep.equal({ status: 'failed', reason: 'import process cancelled' });
    const unknown = new PermanentPlatformError({ message: 'processId is invalid', status: 404 });
    expect(await awaitImport(7, { ...base, platform: scripted([unknown]).platform })).to.deep.equal({ status: 'failed', reason: 'import process 7 unknown to Brevo' });
  });

  it('gives up on a process that never ends', async () => {
    const outcome = await awaitImport(7, { ...base, timeoutMs: 50, platform: scripted([{ id: 0, status: 'in_process' }]).platform });
    expect(outcome).to.deep.equal({ status: 'failed', reason: 'import process 7 did not finish within 0 s' });
  });

  it('with a callback, reads the process when Brevo calls, not before', async () => {
    const callbacks = new BurstCallbacks();
    const burst = callbacks.open();
    const { platform, polls } = scripted([{ id: 0, status: 'completed' }]);
    // Polls would wait 5 × 60 s: only the callback can end this wait within the test's time.
    const waiting = awaitImport(7, { ...base, pollMs: 60_000, platform, signalled: burst.signalled(2) });
    expect(callbacks.signal('not-the-token', 2)).to.equal(false);
    expect(polls()).to.equal(0);
    expect(callbacks.signal(burst.token, 2)).to.equal(true);
    expect(await waiting).to.deep.equal({ status: 'completed' });
    expect(polls()).to.equal(1);
    burst.close();
    expect(callbacks.signal(burst.token, 2)).to.equal(false);
  });

  it('stops waiting when the worker stops', async () => {
    const stop = new AbortController();
    const waiting = awaitImport(7, { ...base, pollMs: 60_000, signal: stop.signal, platform: scripted([{ id: 0, status: 'queued' }]).platform });
    stop.abort(new Error('shutting down'));
    await waiting.then(() => expect.fail('resolved'), (err: Error) => expect(err.name).to.equal('AbortError'));
  });
});

describe('outbox claims for bursts', () => {
  let store: Store;
  let now = 1_000_000;
  beforeEach(() => {
    store = openStore(':memory:', () => now);
  });
  afterEach(() => store.close());

  it('counts and claims only due jobs of the kind whose key is not already running', () => {
    store.jobs.enqueueMany('push_partner', ['1', '2', '3']);
    store.jobs.enqueue('push_partner', '4', { delayMs: 60_000 });
    store.jobs.enqueue('other', '5');
    expect(store.jobs.claimDueOfKind('push_partner', 1).map((j) => j.key)).to.deep.equal(['1']);
    store.jobs.enqueue('push_partner', '1'); // a change while partner 1 runs: waits for it
    expect(store.jobs.countDue('push_partner')).to.equal(2);
    expect(store.jobs.claimDueOfKind('push_partner', 10).map((j) => j.key)).to.deep.equal(['2', '3']);
    now += 60_000;
    expect(store.jobs.countDue('push_partner')).to.equal(1);
  });

  it('puts back only the jobs still running, coalescing with a waiting twin', () => {
    store.jobs.enqueueMany('push_partner', ['1', '2', '3']);
    const [one, two, three] = store.jobs.claimDueOfKind('push_partner', 10);
    store.jobs.complete(one.id);
    store.jobs.enqueue('push_partner', '3');
    expect(store.jobs.releaseRunning([one.id, two.id, three.id], 5000)).to.equal(2);
    const stats = store.jobs.stats();
    expect(stats).to.include({ pending: 2, running: 0 });
    expect(store.jobs.get(two.id)).to.deep.include({ status: 'pending', nextRunAt: now + 5000 });
    expect(store.jobs.get(three.id), 'merged into its waiting twin').to.equal(undefined);
  });
});
