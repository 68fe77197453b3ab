/**
 * The initial sync's parts on their own: pages, rows and byte budgets, the shared-identifier rule, the --since forms,
 * and the completion tracker's poll spacing and callback matching.
 */
import { expect } from 'chai';
import type { CrmClient } from '../../src/crm/client.js';
import type { PartnerRecord } from '../../src/crm/partners.js';
import type { ContactPayload, EmailPlatform, ProcessState } from '../../src/brevo/platform.js';
import { DEFAULT_FIELD_MAP } from '../../src/outbound/field-map.js';
import { openStore, type Store } from '../../src/store/index.js';
import { PartnerReader, syncFields } from '../../src/initial-sync/reader.js';
import { importItem, importRequest, rowBudget } from '../../src/initial-sync/chunker.js';
import { mapPage } from '../../src/initial-sync/map-page.js';
import { resolveOwners, type OwnerLookup } from '../../src/initial-sync/owners.js';
import { odooSince, partnerDomain } from '../../src/initial-sync/options.js';
import { CompletionTracker, FALLBACK_INTERVALS } from '../../src/initial-sync/completion.js';
import { startRun } from '../../src/initial-sync/checkpoint.js';

function partner(id: number, values: Partial<PartnerRecord> = {}): PartnerRecord {
  return {
    id, name: `Person ${id}`, email: `p${id}@example.com`, email_normalized: `p${id}@example.com`, is_company: false, active: true,
    type: 'contact', parent_id: false, commercial_company_name: false, company_name: false, street: false, street2: false,
    city: false, zip: false, state_id: false, country_id: [75, 'France'], country_code: 'FR', phone: false, mobile: false,
    category_id: [], lang: 'fr_FR', is_blacklisted: false, write_date: '2026-01-01 00:00:00', ...values,
  };
}

describe('initial sync: parts', () => {
  describe('reader', () => {
    it('pages by id > cursor, id asc, with the mapped fields but not is_blacklisted, up to the limit', async () => {
      const calls: Array<{ args: unknown[]; kwargs: Record<string, unknown> }> = [];
      const ids = Array.from({ length: 25 }, (_, i) => i + 1);
      const crm: CrmClient = {
        async call<T>(_model: string, _method: string, args: unknown[], kwargs: Record<string, unknown> = {}): Promise<T> {
          calls.push({ args, kwargs });
          const cursor = ((args[0] as unknown[][])[0][2]) as number;
          return ids.filter((id) => id > cursor).slice(0, kwargs.limit as number).map((id) => partner(id)) as T;
        },
        version: async () => '18.0',
        authenticate: async () => 2,
      };
      const fields = syncFields(DEFAULT_FIELD_MAP);
      const reader = new PartnerReader(crm, fields, partnerDomain({ extraDomain: [['customer_rank', '>', 0]] }), 10);
      const seen: number[][] = [];
      for await (const page of reader.pages(3, 20)) seen.push(page.partners.map((p) => p.id));
      expect(seen).to.deep.equal([[4, 5, 6, 7, 8, 9, 10, 11, 12, 13], [14, 15, 16, 17, 18, 19, 20, 21, 22, 23]]);
      expect(calls.map((c) => (c.args[0] as unknown[][])[0])).to.deep.equal([['id', '>', 3], ['id', '>', 13]]);
      expect(calls[0].args[0]).to.deep.equal([['id', '>', 3], ['email', '!=', false], ['active', '=', true], ['customer_rank', '>', 0]]);
      expect(calls[0].kwargs).to.deep.include({ order: 'id asc', limit: 10 });
      expect(calls[0].kwargs.fields).to.include.members(['email_normalized', 'category_id', 'write_date']).and.not.include('is_blacklisted');

      calls.length = 0;
      const rest: number[] = [];
      for await (const page of reader.pages(20)) rest.push(...page.partners.map((p) => p.id));
      expect(rest).to.deep.equal([21, 22, 23, 24, 25]);
      expect(calls).to.have.length(1);
    });
  });

  describe('rows and chunks', () => {
    const contact: ContactPayload = {
      email: 'ada@example.com', extId: '42', attributes: { FIRSTNAME: 'Ada', SMS: '+33612345678', CITY: 'Łódź' }, listIds: [7, 2],
      emailBlacklisted: true,
    };

    it('an import row carries the partner id as EXT_ID, without the attributes left out', () => {
      const item = importItem(contact, ['SMS']);
      expect(item).to.deep.equal({ email: 'ada@example.com', attributes: { FIRSTNAME: 'Ada', CITY: 'Łódź', EXT_ID: '42' } });
      expect(contact.attributes).to.have.property('SMS');
    });

    it('budgets rows so that the serialised request stays under the limit, notifyUrl included', () => {
      const notifyUrl = (seq: number) => `https://sidecar.example.com/brevo/import-done/token?chunk=${seq}`;
      const budget = rowBudget(1000, { listIds: [2], blacklisted: true }, notifyUrl);
      const row = JSON.stringify(importItem(contact));
      const rows = Math.floor(budget / (Buffer.byteLength(row) + 1));
      const request = importRequest({ listIds: [2], blacklisted: true, notifyUrl: notifyUrl(12) }, Array.from({ length: rows }, () => importItem(contact)));
      const body = JSON.stringify({ jsonBody: request.items, listIds: request.listIds, updateExistingContacts: true, emptyContactsAttributes: false, emailBlacklist: true, notifyUrl: request.notifyUrl });
      expect(Buffer.byteLength(body)).to.be.at.most(1000);
      expect(Buffer.byteLength(body) + Buffer.byteLength(row) + 1).to.be.greaterThan(1000 - 20);
    });
  });

  describe('page mapping and owners', () => {
    const ctx = { fieldMap: DEFAULT_FIELD_MAP, listIds: [2], tagNames: new Map<number, string>() };
    const noOwners: OwnerLookup = async () => new Map();
    const classifyPage = async (partners: PartnerRecord[], mapping: typeof ctx, blacklist: Set<string>, owners: OwnerLookup) => {
      const page = mapPage(partners, 0, partners.at(-1)!.id, { mapping, blacklist });
      const resolved = await resolveOwners(page, owners);
      return { ...resolved, skipped: [...page.skipped, ...resolved.skipped] };
    };

    it('joins the blacklist on email_normalized, and lets the first partner own an address or a phone number', async () => {
      const page = [
        partner(1, { mobile: '+33 6 12 34 56 78' }),
        partner(2, { email: 'P1@Example.com', email_normalized: 'p1@example.com' }),
        partner(3, { mobile: '06 12 34 56 78' }),
        partner(4, { email: 'Blocked <blocked@example.com>', email_normalized: 'blocked@example.com' }),
      ];
      const result = await classifyPage(page, ctx, new Set(['blocked@example.com']), noOwners);
      expect(result.skipped).to.deep.equal([{ partnerId: 2, reason: 'duplicate_email', duplicateOf: 1, detail: 'p1@example.com' }]);
      expect(result.accepted.map((a) => [a.partner.id, a.leaveOut])).to.deep.equal([[1, []], [3, ['SMS']], [4, []]]);
      expect(JSON.parse(result.accepted[2].partner.contact).emailBlacklisted).to.equal(true);
      expect(result.accepted.map((a) => a.partner.blacklisted)).to.deep.equal([false, false, true]);
      // The row as measured and sent: EXT_ID among the attributes, its byte length exact.
      const row = JSON.parse(result.accepted[0].partner.item) as { email: string; attributes: Record<string, unknown> };
      expect(row).to.deep.include({ email: 'p1@example.com' });
      expect(row.attributes.EXT_ID).to.equal('1');
      expect(result.accepted[0].partner.bytes).to.equal(Buffer.byteLength(result.accepted[0].partner.item));
      expect(result.claims).to.deep.equal([['email:p1@example.com', 1], ['SMS:+33612345678', 1], ['email:p3@example.com', 3], ['email:blocked@example.com', 4]]);
    });

    it('defers to owners from earlier pages', async () => {
      const owners: OwnerLookup = async (keys) => new Map(keys.filter((k) => k === 'email:p9@example.com').map((k) => [k, 3]));
      const result = await classifyPage([partner(9)], ctx, new Set(), owners);
      expect(result.skipped).to.deep.equal([{ partnerId: 9, reason: 'duplicate_email', duplicateOf: 3, detail: 'p9@example.com' }]);
      expect(result.claims).to.deep.equal([]);
    });
  });

  describe('--since', () => {
    it("accepts 'YYYY-MM-DD' and 'YYYY-MM-DD HH:MM:SS', and sends Odoo the second form", () => {
      expect(odooSince('2025-03-01')).to.equal('2025-03-01 00:00:00');
      expect(odooSince('2025-03-01 12:30:05')).to.equal('2025-03-01 12:30:05');
      for (const bad of ['2025-02-30', '01/03/2025', '2025-03-01 25:00:00', 'yesterday']) expect(() => odooSince(bad), bad).to.throw(/--since/);
      expect(partnerDomain({ since: '2025-03-01 00:00:00', extraDomain: [] })).to.deep.include(['write_date', '>=', '2025-03-01 00:00:00']);
    });
  });

  describe('start', () => {
    it('refuses to work on a run another live process is running, resumes one a dead process left', () => {
      const store = openStore(':memory:');
      try {
        const run = store.initialSync.create({ filter: { extraDomain: [] } }, 'token', {});
        store.db.prepare('UPDATE initial_sync_runs SET pid = ? WHERE id = ?').run(process.ppid, run.id);
        expect(() => startRun(store.initialSync, 'auto', { extraDomain: [] })).to.throw(/run #1 is in progress in process/);
        store.db.prepare('UPDATE initial_sync_runs SET pid = ? WHERE id = ?').run(2 ** 22 + 12345, run.id);
        expect(startRun(store.initialSync, 'auto', { extraDomain: [] })).to.include({ resumed: true });
      } finally {
        store.close();
      }
    });
  });

  describe('completion tracker', () => {
    let store: Store;
    let now: number;
    let polled: number[];
    let statuses: Map<number, string>;
    const platform = {
      async getProcess(id: number): Promise<ProcessState> {
        polled.push(id);
        return { id, status: statuses.get(id) ?? 'in_process', ...(statuses.get(id) === 'failed' ? { errorReason: 'boom' } : {}) };
      },
    } as unknown as EmailPlatform;

    beforeEach(() => {
      now = 1_000_000;
      polled = [];
      statuses = new Map();
      store = openStore(':memory:', () => now);
    });
    afterEach(() => store.close());

    function sentChunks(runId: number, count: number): void {
      for (let seq = 1; seq <= count; seq++) {
        store.initialSync.closeChunk(runId, { seq, blacklisted: false, contacts: 1, bytes: 10, firstPartnerId: seq, lastPartnerId: seq });
        store.initialSync.markSent(runId, seq, 100 + seq);
      }
    }

    it('without a callback URL, polls one process per interval, the longest waiting first', async () => {
      const run = store.initialSync.create({}, 'token', {});
      sentChunks(run.id, 2);
      const tracker = new CompletionTracker({ platform, store: store.initialSync, runId: run.id, pollMs: 60_000, notified: false, onCall: () => {}, now: () => now });
      expect(await tracker.check()).to.deep.equal([]);
      expect(polled).to.deep.equal([]);
      now += 60_000;
      await tracker.check();
      await tracker.check();
      expect(polled).to.deep.equal([101]);
      now += 60_000;
      statuses.set(102, 'completed');
      expect(await tracker.check()).to.deep.equal([{ seq: 2, processId: 102, status: 'completed' }]);
      now += 60_000;
      statuses.set(101, 'failed');
      expect(await tracker.check()).to.deep.equal([{ seq: 1, processId: 101, status: 'failed', reason: 'boom' }]);
    });

    it('with a callback URL, takes the recorded callbacks and polls only as a late fallback', async () => {
      const run = store.initialSync.create({}, 'token', {});
      sentChunks(run.id, 3);
      const tracker = new CompletionTracker({ platform, store: store.initialSync, runId: run.id, pollMs: 1000, notified: true, onCall: () => {}, now: () => now });
      store.initialSync.recordCompletion(run.id, { processId: 102, chunk: 2, status: 'completed', body: '{}' });
      store.initialSync.recordCompletion(run.id, { processId: null, chunk: 3, status: 'failed', body: '{"error":"bad rows"}' });
      store.initialSync.recordCompletion(run.id, { processId: 999, chunk: null, status: 'completed', body: '{}' });
      now += 1000;
      expect(await tracker.check()).to.deep.equal([
        { seq: 2, processId: 102, status: 'completed' },
        { seq: 3, processId: 103, status: 'failed', reason: 'bad rows' },
      ]);
      expect(polled).to.deep.equal([]);
      now += 1000 * FALLBACK_INTERVALS;
      await tracker.check();
      expect(polled).to.deep.equal([101]);
    });

    it('a callback without a status is a signal to ask Brevo at once', async () => {
      const run = store.initialSync.create({}, 'token', {});
      sentChunks(run.id, 1);
      statuses.set(101, 'completed');
      const tracker = new CompletionTracker({ platform, store: store.initialSync, runId: run.id, pollMs: 60_000, notified: true, onCall: () => {}, now: () => now });
      store.initialSync.recordCompletion(run.id, { processId: 101, chunk: 1, status: null, body: '{}' });
      expect(await tracker.check()).to.deep.equal([{ seq: 1, processId: 101, status: 'completed' }]);
      expect(polled).to.deep.equal([101]);
    });
  });
});
