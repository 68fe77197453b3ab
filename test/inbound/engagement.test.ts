import { expect } from 'chai';
import { foldEvents, type EngagementFields } from '../../src/inbound/engagement.js';
import type { StoredEvent } from '../../src/store/inbox.js';
import type { InboundEvent } from '../../src/inbound/events.js';
import { loadConfig } from '../../src/config.js';

const fields: EngagementFields = loadConfig({
  ODOO_URL: 'http://x', ODOO_DB: 'x', ODOO_USER: 'x', ODOO_PASSWORD: 'x', BREVO_API_KEY: 'x', BREVO_LIST_IDS: '1', CRM_HOOK_SECRET: 'x'.repeat(16),
}).inbound.fields;

let nextId = 1;
function stored(type: InboundEvent['type'], at: string, extra: Partial<InboundEvent> = {}): StoredEvent {
  const event: InboundEvent = {
    provider: 'brevo', type, providerType: type, email: 'a@example.com', occurredAt: Date.parse(`${at}Z`), dedupeKey: `k${nextId}`, raw: {}, ...extra,
  };
  return { id: nextId++, event, status: 'pending', attempts: 0, receivedAt: Date.parse(`${at}Z`), nextAttemptAt: 0 };
}

describe('engagement folding', () => {
  const settings = { blacklistOnHardBounce: false };

  it('adds counters to what the partner has and keeps the latest times and link', () => {
    const partner = { id: 1, x_brevo_open_count: 3, x_brevo_click_count: 1, x_brevo_last_open: '2026-11-20 10:00:00', message_bounce: 2 };
    const fold = foldEvents(partner, [
      stored('opened', '2026-11-21T09:00:00'),
      stored('clicked', '2026-11-21T09:05:00', { link: 'https://example.com/b' }),
      stored('clicked', '2026-11-21T09:01:00', { link: 'https://example.com/a' }),
      stored('hard_bounce', '2026-11-21T08:00:00'),
      stored('soft_bounce', '2026-11-21T08:30:00'),
    ], fields, settings);
    expect(fold.values).to.deep.include({
      x_brevo_open_count: 4, x_brevo_last_open: '2026-11-21 09:00:00', x_brevo_click_count: 3,
      x_brevo_last_click: '2026-11-21 09:05:00', x_brevo_last_click_url: 'https://example.com/b',
      x_brevo_soft_bounce_count: 1, message_bounce: 3, x_brevo_last_event: 'clicked', x_brevo_last_event_at: '2026-11-21 09:05:00',
    });
    expect(fold.blacklist).to.equal(false);
  });

  it('never moves a last time backwards', () => {
    const partner = { id: 1, x_brevo_last_open: '2026-11-22 12:00:00', x_brevo_last_event_at: '2026-11-22 12:00:00', x_brevo_last_event: 'opened' };
    const fold = foldEvents(partner, [stored('opened', '2026-11-01T00:00:00')], fields, settings);
    expect(fold.values).to.include({ x_brevo_open_count: 1, x_brevo_last_open: '2026-11-22 12:00:00' });
    expect(fold.values).not.to.have.property(fields.lastEventAt);
  });

  it('skips events already folded into the partner (replay after a crash)', () => {
    const events = [stored('opened', '2026-11-21T09:00:00'), stored('opened', '2026-11-21T09:10:00')];
    const partner = { id: 1, x_brevo_open_count: 1, x_brevo_event_seq: events[0].id };
    const fold = foldEvents(partner, events, fields, settings);
    expect(fold.applied.map((e) => e.id)).to.deep.equal([events[1].id]);
    expect(fold.values).to.include({ x_brevo_open_count: 2, x_brevo_event_seq: events[1].id });
    expect(foldEvents({ id: 1, x_brevo_event_seq: events[1].id }, events, fields, settings).values).to.deep.equal({});
  });

  it('blacklists on opt-outs with a note naming the campaign, and on hard bounces only when configured', () => {
    const unsub = foldEvents({ id: 1 }, [stored('unsubscribed', '2026-11-21T09:00:00', { campaignName: 'Spring', campaignId: '12' })], fields, settings);
    expect(unsub.blacklist).to.equal(true);
    expect(unsub.values).to.include({ x_brevo_status: 'unsubscribed' });
    expect(unsub.notes[0]).to.match(/unsubscribed from campaign "Spring" at 2026-11-21 09:00:00 UTC/);
    expect(foldEvents({ id: 1 }, [stored('hard_bounce', '2026-11-21T09:00:00')], fields, settings).blacklist).to.equal(false);
    expect(foldEvents({ id: 1 }, [stored('hard_bounce', '2026-11-21T09:00:00')], fields, { blacklistOnHardBounce: true }).blacklist).to.equal(true);
  });
});
