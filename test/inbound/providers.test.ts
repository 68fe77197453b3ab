import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseEvents } from '../../src/inbound/providers/index.js';
import { dedupeKey, tupleKey } from '../../src/inbound/dedupe-key.js';
import type { InboundEvent } from '../../src/inbound/events.js';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'webhooks');
const NOW = Date.UTC(2026, 10, 22, 12, 0, 0);
const s = (seconds: number) => seconds * 1000;

function fixture<T = unknown>(name: string): T {
  return JSON.parse(readFileSync(join(FIXTURES, name), 'utf8')) as T;
}

/** The event's fields minus dedupeKey and raw, for deep comparison. */
function fields(event: InboundEvent): Omit<InboundEvent, 'dedupeKey' | 'raw'> {
  const { dedupeKey: _key, raw: _raw, ...rest } = event;
  return rest;
}

function parseAll(provider: Parameters<typeof parseEvents>[0], body: unknown): InboundEvent[] {
  const result = parseEvents(provider, body, { now: NOW });
  expect(result.invalid).to.deep.equal([]);
  return result.events;
}

describe('providers: Brevo transactional (reference §6.1)', () => {
  const MID = '<201803011158.9876543210@smtp-relay.mailin.fr>';

  it('maps the live-captured samples', () => {
    const events = parseAll('brevo', fixture('brevo-transactional.json'));
    expect(events.map(fields)).to.deep.equal([
      { provider: 'brevo', type: 'sent', providerType: 'request', email: 'recipient@example.com', occurredAt: s(1520331023), messageId: '<201803062010.27287306012@smtp-relay.mailin.fr>' },
      { provider: 'brevo', type: 'delivered', providerType: 'delivered', email: 'recipient@example.com', occurredAt: 1520363423000, messageId: MID },
      { provider: 'brevo', type: 'opened', providerType: 'unique_opened', email: 'recipient@example.com', occurredAt: 1520363423000, messageId: MID },
      { provider: 'brevo', type: 'clicked', providerType: 'click', email: 'recipient@example.com', occurredAt: 1520363423000, messageId: MID, link: 'https://example.com/click/me' },
      { provider: 'brevo', type: 'hard_bounce', providerType: 'hard_bounce', email: 'not-a-user@example.com', occurredAt: 1520363423000, messageId: MID, reason: 'RecipientError: 550 5.5.0 Requested action not taken: mailbox unavailable.' },
      { provider: 'brevo', type: 'soft_bounce', providerType: 'soft_bounce', email: 'recipient@no-mx.example.com', occurredAt: 1520363423000, messageId: MID, reason: 'undefined Unable to find MX of domain no-mx.example.com' },
      { provider: 'brevo', type: 'blocked', providerType: 'blocked', email: 'recipient@example.com', occurredAt: 1520363423000, messageId: MID, reason: 'blocked : due to blacklist user' },
      { provider: 'brevo', type: 'deferred', providerType: 'deferred', email: 'notauser@example.com', occurredAt: 1520363423000, messageId: MID, reason: '550 RecipientError: 550 5.1.1 <notauser@example.com>: Recipient address rejected: User unknown in virtual alias table' },
    ]);
    expect(events[0].raw).to.deep.include({ id: 9999999, 'X-Mailin-custom': '{"meta": "data"}' });
  });

  it('maps the doc samples: proxy_open (s_epoch), complaint, error, spam, invalid_email, unsubscribe', () => {
    const events = parseAll('brevo', fixture('brevo-transactional-doc.json'));
    expect(events.map((e) => [e.providerType, e.type, e.email, e.occurredAt])).to.deep.equal([
      ['proxy_open', 'opened', 'example@domain.com', 1534486682000],
      ['complaint', 'spam', null, s(1604933654)],
      ['error', 'error', null, null],
      ['spam', 'spam', null, null],
      ['invalid_email', 'invalid_email', null, null],
      ['unsubscribe', 'unsubscribed', null, null],
    ]);
    expect(events[4].reason).to.equal('...');
  });

  it('maps every event name of the Sendinblue seed (000), hard_bounced included', () => {
    const events = parseAll('brevo', fixture('sendinblue-seed-000.json'));
    expect(events.map((e) => `${e.providerType}→${e.type}`)).to.deep.equal([
      'request→sent', 'click→clicked', 'opened→opened', 'unique_opened→opened', 'delivered→delivered', 'deferred→deferred',
      'soft_bounce→soft_bounce', 'complaint→spam', 'hard_bounced→hard_bounce', 'invalid_email→invalid_email',
      'blocked→blocked', 'error→error', 'unsubscribed→unsubscribed',
    ]);
    expect(events.every((e) => e.messageId === '<seed000@smtp-relay.mailin.fr>')).to.equal(true);
    expect(events[1].link).to.equal('https://example.com/a');
    expect(new Set(events.map((e) => e.dedupeKey)).size).to.equal(events.length);
  });

  it('maps unique_proxy_open, and names in another case', () => {
    const events = parseAll('brevo', [{ event: 'unique_proxy_open', email: 'a@b.c' }, { event: 'Hard_Bounce', email: 'a@b.c' }]);
    expect(events.map((e) => [e.type, e.providerType])).to.deep.equal([['opened', 'unique_proxy_open'], ['hard_bounce', 'Hard_Bounce']]);
  });
});

describe('providers: Brevo marketing (reference §6.2)', () => {
  it('maps the official spam sample (fixed to valid JSON), a single object body', () => {
    const [event] = parseAll('brevo', fixture('brevo-marketing-spam.json'));
    expect(fields(event)).to.deep.equal({
      provider: 'brevo', type: 'spam', providerType: 'spam', email: 'example@domain.com', occurredAt: s(1604933737),
      campaignId: '12', campaignName: 'My First Campaign', reason: 'undesired',
    });
  });

  it('reads the click URL from URL, link or url; both unsubscribe spellings; list_id number or array; api_key_name', () => {
    const events = parseAll('brevo', fixture('brevo-marketing-variants.json'));
    expect(events.map((e) => e.type)).to.deep.equal([
      'opened', 'clicked', 'clicked', 'clicked', 'unsubscribed', 'unsubscribed', 'list_addition', 'list_addition', 'contact_updated', 'contact_deleted',
    ]);
    expect(events[0]).to.include({ campaignId: '12', campaignName: 'My First Campaign', occurredAt: s(1604933737) });
    expect(events[0]).not.to.have.property('reason');
    expect(events.slice(1, 4).map((e) => e.link)).to.deep.equal([
      'https://example.com/offer?utm=1', 'https://example.com/link-field', 'https://example.com/url-field',
    ]);
    expect(events[6]).to.deep.include({ email: 'example@domain.com', listIds: [11], apiKeyName: '' });
    expect(events[7]).to.deep.include({ listIds: [11, 12], apiKeyName: 'odoo-sidecar' });
    expect(events[8]).to.deep.include({ listIds: [11], apiKeyName: 'odoo-sidecar' });
    expect(events[9]).not.to.have.property('apiKeyName');
  });

  it('drops unusable list ids and keeps the usable ones', () => {
    const [event] = parseAll('brevo', { event: 'list_addition', email: 'a@b.c', list_id: [3, '4', -1, 1.5, 'x', { a: 1 }, 1e30, 3] });
    expect(event.listIds).to.deep.equal([3, 4]);
    expect(parseAll('brevo', { event: 'list_addition', email: 'a@b.c', list_id: 'nope' })[0]).not.to.have.property('listIds');
  });
});

describe('providers: Brevo times', () => {
  const at = (payload: Record<string, unknown>) => parseAll('brevo', { event: 'opened', email: 'a@b.c', ...payload })[0].occurredAt;

  it('prefers ts_event, then ts_epoch (by magnitude), then ts, then the local date', () => {
    expect(at({ ts_event: 1520331023, ts_epoch: 1520363423000, ts: 1, date: '2018-03-06 11:10:23' })).to.equal(s(1520331023));
    expect(at({ ts_epoch: 1520363423000, ts: 1520331023 })).to.equal(1520363423000);
    expect(at({ ts_epoch: 1520363423, ts: 1520331023 })).to.equal(s(1520363423)); // 10 digits, as in the doc samples
    expect(at({ ts: 1520331023 })).to.equal(s(1520331023));
    expect(at({ ts_event: '1520331023' })).to.equal(s(1520331023));
  });

  it('reads date/date_event as Europe/Paris local time (CET in winter, CEST in summer) as a last resort', () => {
    expect(at({ date: '2018-03-06 11:10:23' })).to.equal(s(1520331023)); // the request sample's own ts_event
    expect(at({ date_event: '2020-10-09 00:00:00' })).to.equal(Date.UTC(2020, 9, 8, 22, 0, 0));
    expect(at({ date_event: '2020-10-09 00:00:00', date: '2001-01-01 00:00:00' })).to.equal(Date.UTC(2020, 9, 8, 22, 0, 0));
    expect(at({ date: '06/03/2018' })).to.equal(null);
  });

  it('gives null for negative, pre-2000, far-future and non-numeric times, without rejecting the event', () => {
    expect(at({ ts_event: -5 })).to.equal(null);
    expect(at({ ts_event: 946684799 })).to.equal(null); // 1999-12-31
    expect(at({ ts_event: NOW / 1000 + 2 * 86400 })).to.equal(null);
    expect(at({ ts_event: NOW / 1000 + 3600 })).to.equal(NOW + 3600_000);
    expect(at({ ts_event: { nested: [1] } })).to.equal(null);
    expect(at({ ts_event: 'soon' })).to.equal(null);
  });
});

describe('providers: SendPulse (seed 003)', () => {
  const samples = fixture<Record<string, unknown[]>>('sendpulse.json');
  const one = (name: string) => {
    const events = parseAll('sendpulse', samples[name]);
    expect(events).to.have.length(1);
    return events[0];
  };

  it('maps every sample', () => {
    expect(fields(one('delivered'))).to.deep.equal({
      provider: 'sendpulse', type: 'delivered', providerType: 'delivered', email: 'doe.john@sendpulse.com', occurredAt: s(1490953933),
      messageId: '1149317311', reason: '250 custom_text_response_from_recipients_server',
    });
    expect(fields(one('undelivered'))).to.deep.equal({
      provider: 'sendpulse', type: 'blocked', providerType: 'undelivered', email: 'doe.john@sendpulse.com', occurredAt: s(1490956117),
      messageId: '1149317311', reason: '554 5.7.1 custom_text_response_from_recipients_server',
    });
    expect(one('opened')).to.include({ type: 'opened', occurredAt: s(1490962764), messageId: '1149317311' });
    expect(one('clicked')).to.include({ type: 'clicked', occurredAt: s(1490964928) });
    expect(fields(one('unsubscribed'))).to.deep.equal({
      provider: 'sendpulse', type: 'unsubscribed', providerType: 'unsubscribed', email: 'john.doe@sendpulse.com', occurredAt: null,
    });
    expect(fields(one('resubscribed'))).to.deep.equal({
      provider: 'sendpulse', type: 'resubscribed', providerType: 'resubscribed', email: 'john.doe@sendpulse.com', occurredAt: s(1717500409),
    });
    expect(one('spam_by_user')).to.include({ type: 'spam', messageId: '1145317311', email: 'doe.john@sendpulse.com' });
    expect(fields(one('soft_bounces'))).to.deep.equal({
      provider: 'sendpulse', type: 'soft_bounce', providerType: 'soft_bounces', email: 'example@example.com', occurredAt: s(1658998170),
      campaignId: '17076325', reason: '550 5.1.0 vch15@i.ua MX: mx23.i.ua RESP: Mailbox over quota. See http://mail.i.ua/err/4/',
    });
    expect(one('hard_bounces')).to.include({ type: 'hard_bounce', email: 'example@example.com', campaignId: '17076325' });
    expect(one('hard_bounces').reason).to.match(/^550 5\.1\.1 example@example\.com MX/);
  });

  it('classifies undelivered by enhanced status: 5.1.x hard, 5.7.x blocked, otherwise soft', () => {
    const undelivered = (subcode: string) =>
      parseAll('sendpulse', [{ event: 'undelivered', recipient: 'a@b.c', smtp_server_response_subcode: subcode }])[0].type;
    expect(['5.1.1', '5.7.1', '4.2.2', ''].map(undelivered)).to.deep.equal(['hard_bounce', 'blocked', 'soft_bounce', 'soft_bounce']);
  });

  it('maps the seed\'s placeholder event name to unknown, and keeps the batch apart by timestamp', () => {
    const events = parseAll('sendpulse', samples.batch);
    expect(events.map((e) => e.type)).to.deep.equal(['unknown', 'unknown', 'unknown']);
    expect(new Set(events.map((e) => e.dedupeKey)).size).to.equal(3);
  });
});

describe('providers: Arpoone (seed 001)', () => {
  it('maps bounces by their flags, clicks with the link, and Time in ms, seconds or .NET ticks', () => {
    const events = parseAll('arpoone', fixture('arpoone.json'));
    expect(events.map((e) => [e.providerType, e.type, e.email, e.occurredAt])).to.deep.equal([
      ['Bounced', 'hard_bounce', 'hard@example.com', 1717500409000],
      ['Bounced', 'blocked', 'blocked@example.com', 1717500409000],
      ['Bounced', 'soft_bounce', 'soft@example.com', 1717500409000],
      ['Clicked', 'clicked', 'reader@example.com', 1717500409000],
      ['Opened', 'opened', 'reader@example.com', 1717500409000],
      ['Spam', 'spam', 'reader@example.com', 1717500409000],
      ['Unsubscribed', 'unsubscribed', 'reader@example.com', 1717500409000],
    ]);
    expect(events[0]).to.include({ messageId: '0f8fad5b-d9cb-469f-a165-70867728950e', reason: '550 5.1.1 User unknown' });
    expect(events[3]).to.include({ link: 'https://example.com/promo', messageId: '6ec0bd7f-11c0-43da-975e-2a8ad9ebae0b' });
    expect(events[5].reason).to.equal('hotmail.com');
    expect(events[4]).not.to.have.property('link');
  });

  it('lets a hard bounce win over blocked, accepts the corrected spelling and camelCase keys', () => {
    const bounce = (details: unknown) =>
      parseAll('arpoone', [{ EventType: 'Bounced', Email: 'a@b.c', MessageId: 'm', Time: 1717500409000, EventDetails: details }])[0].type;
    expect(bounce({ IsBlocked: true, IsHardBouce: true })).to.equal('hard_bounce');
    expect(bounce({ IsHardBounce: true })).to.equal('hard_bounce');
    expect(bounce({ IsBlocked: 'true' })).to.equal('blocked');
    expect(bounce('garbage')).to.equal('soft_bounce');
    const [camel] = parseAll('arpoone', [{ eventType: 'Clicked', email: 'A@B.C', messageId: 'm', time: 1717500409, eventDetails: { link: 'https://x.y/' } }]);
    expect(camel).to.include({ type: 'clicked', email: 'a@b.c', messageId: 'm', link: 'https://x.y/', occurredAt: 1717500409000 });
  });
});

describe('providers: batches, invalid and hostile input', () => {
  it('keeps the good events of a batch and reports the bad ones by index', () => {
    const body = [
      { event: 'delivered', email: 'a@example.com', ts_event: 1604933737 },
      'not an object',
      { email: 'b@example.com' },
      { event: 'delivered', email: 'no-at-sign' },
      null,
      [{ event: 'delivered' }],
      { event: 'brand_new_event', email: 'c@example.com' },
      { event: '', email: 'd@example.com' },
      { event: { nested: 'garbage' }, email: 'e@example.com' },
    ];
    const result = parseEvents('brevo', body, { now: NOW });
    expect(result.events.map((e) => [e.email, e.type])).to.deep.equal([['a@example.com', 'delivered'], ['c@example.com', 'unknown']]);
    expect(result.invalid).to.deep.equal([
      { index: 1, error: 'not an object' },
      { index: 2, error: 'missing or unusable event name' },
      { index: 3, error: 'invalid email' },
      { index: 4, error: 'not an object' },
      { index: 5, error: 'not an object' },
      { index: 7, error: 'missing or unusable event name' },
      { index: 8, error: 'missing or unusable event name' },
    ]);
    expect(result.events[1].providerType).to.equal('brand_new_event');
  });

  it('rejects e-mails with control characters or of another type, and normalises the rest', () => {
    const email = (value: unknown) => parseEvents('brevo', { event: 'opened', email: value }, { now: NOW });
    for (const bad of ['a@b.c\r\nBcc: x@y.z', 'a\u0000@b.c', 'a\u2028@b.c', 42, { a: 1 }, ['a@b.c'], `${'a'.repeat(400)}@b.c`]) {
      expect(email(bad).invalid, JSON.stringify(bad)).to.deep.equal([{ index: 0, error: 'invalid email' }]);
    }
    expect(email('  Mixed.Case@Example.COM \t').events[0].email).to.equal('mixed.case@example.com');
    expect(email('   ').events[0].email).to.equal(null);
    expect(parseEvents('sendpulse', [{ event: 'opened', recipient: 'x\ty@b.c' }]).invalid).to.have.length(1);
    expect(parseEvents('arpoone', [{ EventType: 'Opened', Email: 'no-at' }]).invalid).to.have.length(1);
  });

  it('bounds long strings but keeps raw as received', () => {
    const link = `https://example.com/${'x'.repeat(100_000)}`;
    const reason = 'r'.repeat(50_000);
    const [event] = parseAll('brevo', { event: 'click', email: 'a@b.c', link, reason, 'campaign name': 'n'.repeat(10_000), 'message-id': 'm'.repeat(10_000) });
    expect(event.link).to.have.length(2048);
    expect(event.reason).to.have.length(1000);
    expect(event.campaignName!.length).to.be.at.most(500);
    expect(event.messageId!.length).to.be.at.most(256);
    expect((event.raw as { link: string }).link).to.equal(link);
    const [arpoone] = parseAll('arpoone', [{ EventType: 'Clicked', Email: 'a@b.c', EventDetails: { Link: link } }]);
    expect(arpoone.link).to.have.length(2048);
    const [sendpulse] = parseAll('sendpulse', [{ event: 'undelivered', email: 'a@b.c', smtp_server_response: reason }]);
    expect(sendpulse.reason).to.have.length(1000);
  });

  it('survives nested garbage in every field', () => {
    const junk = { deep: [[[{ x: null }]]], n: NaN };
    const brevo = parseAll('brevo', { event: 'click', email: 'a@b.c', link: junk, reason: [1, 2], camp_id: junk, 'message-id': junk, list_id: junk, api_key_name: 7, ts_event: junk });
    expect(fields(brevo[0])).to.deep.equal({ provider: 'brevo', type: 'clicked', providerType: 'click', email: 'a@b.c', occurredAt: null });
    const arpoone = parseAll('arpoone', [{ EventType: 'Clicked', Email: 'a@b.c', MessageId: junk, Time: -1, EventDetails: { Link: junk } }]);
    expect(fields(arpoone[0])).to.deep.equal({ provider: 'arpoone', type: 'clicked', providerType: 'Clicked', email: 'a@b.c', occurredAt: null });
    expect(parseEvents('sendpulse', 'a string body').invalid).to.deep.equal([{ index: 0, error: 'not an object' }]);
    expect(parseEvents('arpoone', []).events).to.deep.equal([]);
    expect(parseEvents('brevo', { event: 'x'.repeat(101), email: 'a@b.c' }).invalid).to.have.length(1);
  });
});

describe('dedupe keys', () => {
  const click = { event: 'click', email: 'a@example.com', 'message-id': '<m@x>', link: 'https://example.com/1', ts_event: 1604933800, id: 1 };

  it('are stable across re-delivery, whatever the envelope, key order or e-mail case', () => {
    const first = parseAll('brevo', [click])[0].dedupeKey;
    const reordered = Object.fromEntries(Object.entries(click).reverse());
    expect(parseAll('brevo', reordered)[0].dedupeKey).to.equal(first);
    expect(parseAll('brevo', [{ ...click, email: ' A@Example.com' }])[0].dedupeKey).to.equal(first);
    expect(parseAll('brevo', [{ event: 'opened' }, click])[1].dedupeKey).to.equal(first);
    expect(first).to.match(/^[A-Za-z0-9_-]{43}$/);
  });

  it('do not use Brevo\'s webhook id: the same event through two webhooks is one event', () => {
    expect(parseAll('brevo', { ...click, id: 2 })[0].dedupeKey).to.equal(parseAll('brevo', click)[0].dedupeKey);
  });

  it('differ for different links, times, types, recipients, messages and providers', () => {
    const key = (change: Record<string, unknown>) => parseAll('brevo', { ...click, ...change })[0].dedupeKey;
    const keys = [
      key({}), key({ link: 'https://example.com/2' }), key({ ts_event: 1604933801 }), key({ event: 'opened' }),
      key({ email: 'b@example.com' }), key({ 'message-id': '<n@x>' }),
    ];
    expect(new Set(keys).size).to.equal(keys.length);
    const sendpulse = parseAll('sendpulse', [{ event: 'click', email: 'a@example.com', message_id: '<m@x>', link: 'https://example.com/1', timestamp: 1604933800 }]);
    expect(keys).not.to.include(sendpulse[0].dedupeKey);
  });

  it('cannot be forged by moving a separator between fields', () => {
    const base = { provider: 'brevo' as const, providerType: 'click', email: 'a@b.c' };
    expect(tupleKey({ ...base, messageId: 'x|', link: 'y' })).not.to.equal(tupleKey({ ...base, messageId: 'x', link: '|y' }));
    expect(tupleKey({ ...base, messageId: '5' })).not.to.equal(tupleKey({ ...base, campaignId: '5' }));
  });

  it('Arpoone: MessageId + EventType + Time identify an event; distinct clicks stay distinct', () => {
    const event = { EventType: 'Clicked', Email: 'a@b.c', MessageId: 'm-1', Time: 1717500409000, EventDetails: { Link: 'https://x/1', IpAddress: '1.2.3.4' } };
    const key = (e: Record<string, unknown>) => parseAll('arpoone', [e])[0].dedupeKey;
    expect(key({ ...event, EventDetails: { ...event.EventDetails, IpAddress: '5.6.7.8' } })).to.equal(key(event));
    expect(key({ ...event, Time: 1717500409001 })).not.to.equal(key(event));
    expect(key({ ...event, EventDetails: { Link: 'https://x/2' } })).not.to.equal(key(event));
    expect(key({ ...event, EventType: 'Opened' })).not.to.equal(key(event));
  });

  it('use the idempotency key (webhook-id) for a single event, suffixed by index in a batch', () => {
    const single = parseEvents('brevo', click, { idempotencyKey: 'msg_abc', now: NOW });
    expect(single.events[0].dedupeKey).to.equal('msg_abc');
    const batch = parseEvents('brevo', [click, { ...click, link: 'https://example.com/2' }], { idempotencyKey: 'msg_abc', now: NOW });
    expect(batch.events.map((e) => e.dedupeKey)).to.deep.equal(['msg_abc#0', 'msg_abc#1']);
    const withBad = parseEvents('arpoone', [42, { EventType: 'Opened', Email: 'a@b.c' }], { idempotencyKey: 'msg_x' });
    expect(withBad.events[0].dedupeKey).to.equal('msg_x#1');
    expect(dedupeKey({ provider: 'brevo', providerType: 'click', email: null }, { index: 0, batch: false }))
      .to.equal(tupleKey({ provider: 'brevo', providerType: 'click', email: null }));
  });
});
