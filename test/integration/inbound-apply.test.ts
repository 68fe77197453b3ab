/**
 * Applying stored events to the fake Odoo over XML-RPC: counters, blacklist, notes, coalescing, failures, no echo.
 */
import { expect } from 'chai';
import { startHarness, drained, postJson, HOOK_SECRET, type Harness } from '../helpers/harness.js';
import { triage } from '../../src/inbound/triage.js';
import type { InboundEvent } from '../../src/inbound/events.js';

let seq = 0;
function event(type: InboundEvent['type'], email: string, extra: Partial<InboundEvent> = {}): InboundEvent {
  seq += 1;
  return { provider: 'brevo', type, providerType: type, email, occurredAt: Date.parse('2026-11-21T09:00:00Z') + seq * 1000, dedupeKey: `test-${seq}`, raw: {}, ...extra };
}

describe('applying events to the CRM (integration)', function () {
  this.timeout(30_000);
  let h: Harness;
  beforeEach(async () => { h = await startHarness(); });
  afterEach(() => h.stop());

  const partner = (email: string, extra: Record<string, unknown> = {}) => h.odoo.store.create('res.partner', { name: 'Ada Lovelace', email, ...extra });
  const read = (id: number) => h.odoo.store.read('res.partner', [id], null)[0] as Record<string, unknown>;
  const settings = { allowResubscribe: false, createPartnerOnListAddition: true, apiKeyName: 'sidecar' };
  function store(...events: InboundEvent[]) {
    return h.sidecar.store.inbox.insert(events.map((e) => triage(e, settings)));
  }

  it('writes engagement to every partner with the address, one write each', async () => {
    const a = partner('ada@example.com');
    const b = partner('ADA@example.com', { name: 'Ada (billing)' });
    store(event('opened', 'ada@example.com'), event('opened', 'ada@example.com'), event('clicked', 'ada@example.com', { link: 'https://example.com/x' }));
    const before = h.odoo.calls.length;
    await h.sidecar.applyWorker.drain();
    for (const id of [a, b]) {
      expect(read(id)).to.include({ x_brevo_open_count: 2, x_brevo_click_count: 1, x_brevo_last_click_url: 'https://example.com/x', x_brevo_last_event: 'clicked' });
    }
    const writes = h.odoo.calls.slice(before).filter((c) => c.modelMethod === 'write');
    expect(writes).to.have.length(2);
    expect(h.sidecar.store.inbox.countsByStatus()).to.include({ pending: 0, applied: 3 });
  });

  it('blacklists an unsubscribe, reactivating an archived entry, sets the status and posts a note', async () => {
    const id = partner('leaver@example.com');
    const archived = h.odoo.store.create('mail.blacklist', { email: 'leaver@example.com' });
    h.odoo.store.write('mail.blacklist', [archived], { active: false });
    store(event('unsubscribed', 'leaver@example.com', { campaignName: 'Spring sale' }));
    await h.sidecar.applyWorker.drain();
    const rows = h.odoo.store.searchRead('mail.blacklist', [['email', '=', 'leaver@example.com']], { fields: ['active'], context: { active_test: false } });
    expect(rows).to.have.length(1);
    expect(rows[0].active).to.equal(true);
    expect(read(id)).to.include({ x_brevo_status: 'unsubscribed', is_blacklisted: true });
    const notes = h.odoo.store.searchRead('mail.message', [['res_id', '=', id], ['model', '=', 'res.partner']], { fields: ['body'] });
    expect(notes.map((n) => n.body).join()).to.match(/unsubscribed from campaign (&#34;|&quot;|")Spring sale/);
  });

  it('costs one write per partner and, for opt-outs, one call for all the notes plus the batched blacklist', async () => {
    const ids = Array.from({ length: 30 }, (_, i) => partner(`leaver${i}@example.com`));
    store(...ids.flatMap((_, i) => [event('opened', `leaver${i}@example.com`), event('unsubscribed', `leaver${i}@example.com`)]));
    const before = h.odoo.calls.length;
    await h.sidecar.applyWorker.drain();
    const calls = h.odoo.calls.slice(before).filter((c) => c.service === 'object').map((c) => `${c.model}.${c.modelMethod}`);
    expect(calls.filter((c) => c === 'res.partner.write')).to.have.length(30);
    expect(calls.filter((c) => c === 'mail.message.create')).to.have.length(1);
    expect(calls).to.not.include('res.partner.message_post');
    expect(calls.length, calls.join()).to.be.at.most(30 + 30);
    for (const id of ids) {
      expect(read(id)).to.include({ x_brevo_status: 'unsubscribed', x_brevo_open_count: 1, is_blacklisted: true });
      expect(h.odoo.store.searchRead('mail.message', [['res_id', '=', id], ['model', '=', 'res.partner']], { fields: ['body'] })).to.have.length(1);
    }
  });

  it('counts a hard bounce on message_bounce by reading then adding, without blacklisting by default', async () => {
    const id = partner('bounce@example.com', { message_bounce: 2 });
    store(event('hard_bounce', 'bounce@example.com'));
    await h.sidecar.applyWorker.drain();
    expect(read(id)).to.include({ message_bounce: 3, x_brevo_status: 'bounced', is_blacklisted: false });
  });

  it('creates a partner for a list addition of an unknown address, and ignores our own echoes', async () => {
    store(event('list_addition', 'newcomer@example.com', { listIds: [2] }), event('list_addition', 'echo@example.com', { apiKeyName: 'sidecar' }));
    await h.sidecar.applyWorker.drain();
    expect(h.odoo.store.search('res.partner', [['email_normalized', '=', 'newcomer@example.com']])).to.have.length(1);
    expect(h.odoo.store.search('res.partner', [['email_normalized', '=', 'echo@example.com']])).to.have.length(0);
    expect(h.sidecar.store.inbox.countsByStatus()).to.include({ applied: 1, ignored: 1 });
  });

  it('keeps events pending while Odoo is down and applies them once it is back, exactly once', async () => {
    const id = partner('patient@example.com');
    store(event('opened', 'patient@example.com'), event('opened', 'patient@example.com'));
    h.odoo.faults.setDown(true);
    await h.sidecar.applyWorker.drain();
    expect(h.sidecar.store.inbox.countsByStatus().pending).to.equal(2);
    h.odoo.faults.setDown(false);
    await new Promise((r) => setTimeout(r, 500));
    await h.sidecar.applyWorker.drain();
    expect(read(id)).to.include({ x_brevo_open_count: 2 });
    expect(h.sidecar.store.deadLetters.count()).to.equal(0);
  });

  it('dead-letters events Odoo refuses for good, without blocking the others', async () => {
    const ok = partner('fine@example.com');
    store(event('unsubscribed', 'fine@example.com'), event('unsubscribed', 'not-an-email'));
    await h.sidecar.applyWorker.drain();
    expect(read(ok)).to.include({ is_blacklisted: true });
    const [letter] = h.sidecar.store.deadLetters.list({ kind: 'apply_event' });
    expect(letter.errorMessage).to.match(/refused to blacklist not-an-email/);
    expect(h.sidecar.store.inbox.countsByStatus()).to.include({ applied: 1, dead: 1 });
  });

  it('costs no Brevo call afterwards: engagement writes and the opt-out are not echoed', async () => {
    const id = partner('quiet@example.com');
    await postJson(`${h.url}/hooks/odoo/${HOOK_SECRET}`, { ids: [id] });
    await drained(h.sidecar);
    expect(h.brevo.contactByExtId(String(id))).to.exist;
    h.brevo.state.mutateContact(h.brevo.contactByExtId(String(id))!.id, (c) => { c.emailBlacklisted = true; });
    const calls = h.apiCalls().length;
    store(event('opened', 'quiet@example.com'), event('unsubscribed', 'quiet@example.com'));
    await h.sidecar.applyWorker.drain();
    await h.sidecar.blacklistPoll();
    await h.sidecar.incrementalSync();
    await postJson(`${h.url}/hooks/odoo/${HOOK_SECRET}`, { ids: [id] });
    await drained(h.sidecar);
    expect(h.apiCalls().length).to.equal(calls);
  });
});
