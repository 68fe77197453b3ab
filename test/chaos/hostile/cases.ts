/**
 * Hostile requests against every endpoint, each with the answers that are right for it. Forged and malformed
 * requests aim at canary partners, which no valid traffic touches: anything they carry that reached the CRM or Brevo
 * shows on a canary. Families:
 * - webhooks: missing, wrong, truncated, misplaced credentials for each scheme; stale and future timestamps signed
 *   correctly; replays of accepted requests; wrong content types; malformed, deeply nested and non-event JSON;
 *   events with unusable addresses or names; too many events; huge bodies, links and headers; unknown endpoints;
 *   absurd but parseable events (negative or far times, long links) from a verified sender, aimed at their own partner;
 * - the CRM hook: wrong secrets, path traversal, bad bodies with the right secret;
 * - admin API, status page and import callback without (or with the wrong) credentials;
 * - bytes that are not HTTP (request smuggling shapes, bad request lines, NUL in headers).
 */
import { randomUUID } from 'node:crypto';
import type { Rng } from '../rng.js';
import type { Secrets } from '../secrets.js';
import { basicAuth, engagementEvent, PROVIDERS, standardKey, standardSignature, stripeSignature, signRequest, hmacHex, type Provider } from '../signing.js';
import type { RawRequest } from './http.js';

export interface HostileCase extends RawRequest {
  category: string;
  /** The answers that are right. */
  expect: number[];
  /** Bytes written on a raw socket instead of an HTTP request. */
  bytes?: Buffer;
  /** A replay of an accepted request: 200 with nothing newly accepted. */
  replay?: boolean;
  /** Absurd but parseable events from a verified sender: what they add goes to their own partner. */
  absurd?: boolean;
}

export interface HostileContext {
  rng: Rng;
  secrets: Secrets;
  canaryEmails: string[];
  canaryIds: number[];
  absurdEmail: string;
  /** Accepted requests, to replay verbatim. */
  originals: RawRequest[];
}

const JSON_TYPE = { 'content-type': 'application/json' };
const seconds = (offsetS = 0) => String(Math.floor(Date.now() / 1000) + offsetS);

/** 1–3 events for canaries: opens, clicks, and the ones that would do harm (unsubscribe, hard bounce). */
function forgedEvents(ctx: HostileContext, provider: Provider): Buffer {
  const at = Number(seconds());
  const events = Array.from({ length: ctx.rng.int(1, 3) }, () => {
    const email = ctx.rng.pick(ctx.canaryEmails);
    const id = randomUUID();
    const harm = ctx.rng.pick(['opened', 'clicked', 'unsubscribed', 'hard_bounce'] as const);
    if (harm === 'opened' || harm === 'clicked') return engagementEvent(provider, harm, email, id, at);
    if (provider === 'brevo') return { event: harm, email, ts_event: at, 'message-id': `<${id}@forged>` };
    if (provider === 'sendpulse') return { event: harm === 'hard_bounce' ? 'hard_bounces' : 'unsubscribed', recipient: email, timestamp: at, message_id: id };
    return harm === 'unsubscribed'
      ? { EventType: 'Unsubscribed', Email: email, MessageId: id, Time: at * 1000 }
      : { EventType: 'Bounced', Email: email, MessageId: id, Time: at * 1000, EventDetails: { IsHardBouce: true, BounceType: 'HardBounce' } };
  });
  return Buffer.from(JSON.stringify(events));
}


/** Flips one character, cuts the end or adds to it: near misses of a real secret. */
function nearMiss(ctx: HostileContext, secret: string): string {
  const i = ctx.rng.int(0, secret.length - 1);
  switch (ctx.rng.int(0, 3)) {
    case 0: return secret.slice(0, i) + (secret[i] === 'a' ? 'b' : 'a') + secret.slice(i + 1);
    case 1: return secret.slice(0, Math.max(1, i));
    case 2: return `${secret}${ctx.rng.pick(['x', '0', '%20', '%00'])}`;
    default: return ctx.rng.bytes(secret.length).toString('hex').slice(0, secret.length);
  }
}

type Made = Omit<HostileCase, 'category'>;
type Make = (ctx: HostileContext) => Made;

/** A correctly signed request for `provider` (its content is what the case gets wrong): bytes, text, or a JSON value. */
function signed(ctx: HostileContext, provider: Provider, content: unknown, expect: number[], extra: Partial<HostileCase> = {}): Made {
  const body = Buffer.isBuffer(content) ? content : Buffer.from(typeof content === 'string' ? content : JSON.stringify(content));
  const { path, headers } = signRequest(provider, body, ctx.secrets);
  return { method: 'POST', path, headers, body, expect, ...extra };
}

/** A JSON POST with `headers` added. */
const post = (path: string, headers: Record<string, string>, body: Buffer | undefined, expect: number[]): Made =>
  ({ method: 'POST', path, headers: { ...JSON_TYPE, ...headers }, body, expect });

/** Arpoone's two schemes, both correct for `body` (Standard Webhooks at `ts`, and Basic). */
function arpooneHeaders(ctx: HostileContext, body: Buffer, ts = seconds(), id = `msg_${randomUUID()}`): Record<string, string> {
  const signature = standardSignature(standardKey(ctx.secrets.standardSecret), id, ts, body);
  return { 'webhook-id': id, 'webhook-timestamp': ts, 'webhook-signature': signature, authorization: basicAuth(ctx.secrets.basicCredentials) };
}

const staleOrFuture = (ctx: HostileContext) => ctx.rng.pick([-1, 1]) * ctx.rng.int(301, 86_400 * 30);

const webhookCredentials: Record<string, Make> = {
  'no-credentials': (ctx) => post(`/webhooks/${ctx.rng.pick(PROVIDERS)}`, {}, forgedEvents(ctx, 'brevo'), [401]),
  'wrong-bearer': (ctx) => post('/webhooks/brevo', { authorization: `Bearer ${nearMiss(ctx, ctx.secrets.bearerToken)}` }, forgedEvents(ctx, 'brevo'), [401]),
  'secret-of-another-scheme': (ctx) => {
    const provider = ctx.rng.pick(PROVIDERS);
    const { hmacSecret, adminToken, hookSecret, brevoKey, bearerToken } = ctx.secrets;
    const wrong = ctx.rng.pick([hmacSecret, adminToken, hookSecret, brevoKey, ...(provider === 'brevo' ? [] : [bearerToken])]);
    return post(`/webhooks/${provider}`, { authorization: `Bearer ${wrong}` }, forgedEvents(ctx, provider), [401]);
  },
  'basic-instead-of-bearer': (ctx) => post('/webhooks/brevo', { authorization: basicAuth(`x:${ctx.secrets.bearerToken}`) }, forgedEvents(ctx, 'brevo'), [401]),
  'hmac-forged': (ctx) => {
    const body = forgedEvents(ctx, 'sendpulse');
    const real = stripeSignature(ctx.secrets.hmacSecret, seconds(), body);
    const variants = [
      () => stripeSignature(nearMiss(ctx, ctx.secrets.hmacSecret), seconds(), body),
      () => real.slice(0, real.length - ctx.rng.int(1, 40)),
      () => stripeSignature(ctx.secrets.hmacSecret, seconds(), Buffer.from('[]')),
      () => `t=${seconds()},v1=${'z'.repeat(64)}`,
      () => `t=${seconds()}`,
      () => `t=abc,v1=${hmacHex(ctx.secrets.hmacSecret, body)}`,
      () => `sha256=${hmacHex(ctx.secrets.bearerToken, body)}`,
      () => '',
    ];
    const value = ctx.rng.pick(variants)();
    return post('/webhooks/sendpulse', value ? { 'x-sendinblue-signature': value } : {}, body, [401]);
  },
  'hmac-stale-or-future': (ctx) => {
    const body = forgedEvents(ctx, 'sendpulse');
    return post('/webhooks/sendpulse', { 'x-sendinblue-signature': stripeSignature(ctx.secrets.hmacSecret, seconds(staleOrFuture(ctx)), body) }, body, [401]);
  },
  'standard-forged': (ctx) => {
    const body = forgedEvents(ctx, 'arpoone');
    const good = arpooneHeaders(ctx, body);
    const { 'webhook-id': id, 'webhook-timestamp': ts, 'webhook-signature': signature, authorization: _, ...none } = good;
    const variants: Array<() => Record<string, string>> = [
      () => ({ ...good, 'webhook-id': '' }),
      () => ({ ...good, 'webhook-timestamp': '' }),
      () => ({ ...good, 'webhook-signature': '' }),
      () => ({ ...good, 'webhook-signature': standardSignature(Buffer.from(nearMiss(ctx, ctx.secrets.standardSecret)), id, ts, body) }),
      () => ({ ...good, 'webhook-signature': signature.slice(0, -ctx.rng.int(2, 30)) }),
      () => ({ ...good, 'webhook-signature': signature.replace('v1,', 'v2,') }),
      () => ({ ...good, 'webhook-id': `msg_${randomUUID()}` }),
      () => ({ ...good, 'webhook-timestamp': `${ts}abc` }),
      () => ({ ...good, authorization: basicAuth(nearMiss(ctx, ctx.secrets.basicCredentials)) }),
      () => ({ ...none, 'webhook-id': id, 'webhook-timestamp': ts, 'webhook-signature': signature }),
    ];
    return post('/webhooks/arpoone', ctx.rng.pick(variants)(), body, [401]);
  },
  'standard-stale-or-future': (ctx) => {
    const body = forgedEvents(ctx, 'arpoone');
    return post('/webhooks/arpoone', arpooneHeaders(ctx, body, seconds(staleOrFuture(ctx))), body, [401]);
  },
};

/** Correct credentials, content that must be refused. */
const webhookContent: Record<string, Make> = {
  'wrong-content-type': (ctx) => {
    const provider = ctx.rng.pick(PROVIDERS);
    const request = signed(ctx, provider, forgedEvents(ctx, provider), [415]);
    const type = ctx.rng.pick(['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml', 'text/json', '']);
    const { 'content-type': _json, ...others } = request.headers as Record<string, string>;
    return { ...request, headers: type ? { ...others, 'content-type': type } : others };
  },
  'malformed-json': (ctx) => {
    const provider = ctx.rng.pick(PROVIDERS);
    const valid = forgedEvents(ctx, provider);
    const body = ctx.rng.pick([
      () => valid.subarray(0, ctx.rng.int(1, valid.length - 1)),
      () => ctx.rng.bytes(ctx.rng.int(1, 2000)),
      () => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), valid]),
      () => Buffer.from('{"event": "opened", "email": NaN}'),
      () => Buffer.from([0x5b, 0xff, 0xfe, 0x5d]),
      () => Buffer.alloc(0),
    ])();
    return signed(ctx, provider, body, [400]);
  },
  'not-events': (ctx) => {
    const provider = ctx.rng.pick(PROVIDERS);
    return signed(ctx, provider, ctx.rng.pick(['null', '42', '"opened"', '[]', '[1,2,3]', '{}', 'true', '[[]]', '[null]']), [400]);
  },
  'unusable-address': (ctx) => {
    const provider = ctx.rng.pick(PROVIDERS);
    const canary = ctx.rng.pick(ctx.canaryEmails);
    const email = ctx.rng.pick([
      canary.replace('@', '\u0000@'), canary.replace('@', '\n@'), `${canary}\r\nBcc: x@example.com`, canary.replace('@', '\u0007@'),
      canary.replace('@', ' @'), canary.replace('@', ''), `${'a'.repeat(400)}@chaos.example`, '@', `${canary}@x`, `@${canary}`,
    ]);
    return signed(ctx, provider, [engagementEvent(provider, 'opened', email, randomUUID(), Number(seconds()))], [400]);
  },
  // An event naming nobody is kept as 'ignored' (never applied, not counted as accepted): 200, or 400 if refused.
  'missing-address': (ctx) => {
    const event = ctx.rng.pick([{ event: 'opened', ts_event: 1 }, { event: 'unsubscribed', email: '   ' }, { event: 'hard_bounce', email: null }]);
    return signed(ctx, 'brevo', [{ ...event, 'message-id': `<${randomUUID()}@x>` }], [200, 400]);
  },
  'no-event-name': (ctx) => {
    const email = ctx.rng.pick(ctx.canaryEmails);
    const event = ctx.rng.pick([{ email, ts_event: 1 }, { event: '', email }, { event: 42, email }, { event: null, email }, { event: ['opened'], email }]);
    return signed(ctx, 'brevo', [event], [400]);
  },
  'deeply-nested': (ctx) => {
    const depth = ctx.rng.int(2000, 100_000);
    const body = ctx.rng.chance(0.5) ? `${'['.repeat(depth)}${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
    return signed(ctx, ctx.rng.pick(PROVIDERS), body, [400]);
  },
  'too-many-events': (ctx) => {
    const email = ctx.rng.pick(ctx.canaryEmails);
    const events = Array.from({ length: 1001 }, (_, i) => ({ event: 'opened', email, ts_event: 1_763_800_000 + i, 'message-id': `<${i}@many>` }));
    return signed(ctx, 'brevo', events, [413]);
  },
  'huge-body': (ctx) => {
    const body = Buffer.from(JSON.stringify([{ event: 'opened', email: ctx.rng.pick(ctx.canaryEmails), pad: 'x'.repeat(6 * 1024 * 1024) }]));
    return ctx.rng.chance(0.5) ? signed(ctx, 'brevo', body, [413]) : post('/webhooks/brevo', {}, body, [413]);
  },
  'ten-megabyte-link': (ctx) => {
    const link = `https://example.com/${'a'.repeat(10 * 1024 * 1024)}`;
    return signed(ctx, 'brevo', [{ event: 'click', email: ctx.rng.pick(ctx.canaryEmails), ts_event: Number(seconds()), 'message-id': `<${randomUUID()}@x>`, link }], [413]);
  },
  'huge-header': (ctx) => {
    const request = signed(ctx, ctx.rng.pick(PROVIDERS), forgedEvents(ctx, 'brevo'), [431]);
    return { ...request, headers: { ...request.headers, 'x-pad': 'p'.repeat(ctx.rng.int(17_000, 200_000)) } };
  },
  'unknown-endpoint': (ctx) => {
    const path = ctx.rng.pick(['/webhooks/mailgun', '/webhooks/', '/webhooks/brevo/x', '/webhooks/BREVO', '/webhooks/brevo%00', '/webhooks/__proto__', '/webhooks/constructor']);
    return { ...post(path, { authorization: `Bearer ${ctx.secrets.bearerToken}` }, forgedEvents(ctx, 'brevo'), [404]), method: ctx.rng.pick(['POST', 'PUT']) };
  },
  'wrong-method': (ctx) => ({
    method: ctx.rng.pick(['GET', 'DELETE', 'PATCH']), path: `/webhooks/${ctx.rng.pick(PROVIDERS)}`,
    headers: { authorization: `Bearer ${ctx.secrets.bearerToken}` }, expect: [404],
  }),
  replay: (ctx) => ({ ...ctx.rng.pick(ctx.originals), expect: [200], replay: true }),
};

/** Verified, parseable, absurd: kept with the absurd part dropped or cut (a time before 2000 is no time; a link is cut). */
const webhookAbsurd: Record<string, Make> = {
  'absurd-times': (ctx) => {
    const ts = ctx.rng.pick([-1, -1_763_800_000, 0, 1e15, 9e18, 'NaN', '2999-01-01', 1.5, '-5']);
    const event = { event: 'opened', email: ctx.absurdEmail, ts_event: ts, 'message-id': `<${randomUUID()}@absurd>` };
    return signed(ctx, 'brevo', [event], [200], { absurd: true });
  },
  'long-link': (ctx) => {
    const link = `https://example.com/${'l'.repeat(ctx.rng.int(3000, 1_000_000))}`;
    return signed(ctx, 'brevo', [{ event: 'click', email: ctx.absurdEmail, ts_event: Number(seconds()), 'message-id': `<${randomUUID()}@absurd>`, link }], [200], { absurd: true });
  },
  'absurd-deep-extra': (ctx) => {
    const depth = ctx.rng.int(1000, 100_000);
    const body = `[{"event": "opened", "email": "${ctx.absurdEmail}", "ts_event": ${seconds()}, "message-id": "<${randomUUID()}@deep>", "extra": ${'['.repeat(depth)}${']'.repeat(depth)}}]`;
    return signed(ctx, 'brevo', body, [200, 400, 413], { absurd: true });
  },
  'absurd-extra-fields': (ctx) => {
    // Written as text: an object literal's __proto__ would set the prototype rather than make a key.
    const extra = `"__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}}, "list": ${JSON.stringify(Array(1000).fill('\u0000'))}`;
    const body = `[{"event": "opened", "email": "${ctx.absurdEmail}", "ts_event": ${seconds()}, "message-id": "<${randomUUID()}@absurd>", ${extra}}]`;
    return signed(ctx, 'brevo', body, [200], { absurd: true });
  },
};

const hookBody = (ctx: HostileContext) => Buffer.from(JSON.stringify({ ids: [ctx.rng.pick(ctx.canaryIds)] }));

const crmHook: Record<string, Make> = {
  'hook-wrong-secret': (ctx) => {
    const secret = ctx.rng.pick([nearMiss(ctx, ctx.secrets.hookSecret), ctx.secrets.adminToken, ctx.secrets.bearerToken, encodeURIComponent(`${ctx.secrets.hookSecret}/`), 'x']);
    return post(`/hooks/odoo/${secret}`, {}, hookBody(ctx), [401, 404]);
  },
  'hook-path-traversal': (ctx) => {
    const s = ctx.secrets.hookSecret;
    const path = ctx.rng.pick([
      '/hooks/odoo/../admin/runs', '/hooks/odoo/..%2fadmin%2fruns', '/hooks/odoo/%2e%2e%2f%2e%2e%2fetc%2fpasswd', `/hooks/odoo/${s}/..`,
      `/hooks/odoo/${s}/../x`, `/hooks/odoo/..%2f${s}`, '/hooks/odoo/....//....//etc/passwd', `/hooks/odoo/${s.slice(0, 8)}%00${s.slice(8)}`,
      '/hooks/odoo/%252e%252e%252f', '/hooks/odoo/', '/hooks/odoo', `/hooks//odoo/${s.slice(1)}`,
    ]);
    return post(path, {}, hookBody(ctx), [401, 404]);
  },
  'hook-bad-body': (ctx) => {
    const id = ctx.rng.pick(ctx.canaryIds);
    const [body, expect] = ctx.rng.pick<[string, number[]]>([
      [JSON.stringify({ ids: [id, -1] }), [400]], [JSON.stringify({ ids: [id, 1.5] }), [400]], [JSON.stringify({ ids: `${id}` }), [400]],
      [JSON.stringify({ _model: 'res.users', _id: id }), [400]], [JSON.stringify({ _model: 'res.partner', _id: -id }), [400]],
      [JSON.stringify({ ids: Array.from({ length: 10_001 }, (_, i) => i + 1) }), [400]], [JSON.stringify([id]), [400]],
      [`{"ids": [${id}]`, [400]], ['', [400]], [`${'['.repeat(50_000)}${']'.repeat(50_000)}`, [400]],
      [JSON.stringify({ ids: [id], pad: 'x'.repeat(1_100_000) }), [413]],
    ]);
    // Routing ignores case: the secret under /HOOKS/ODOO/ is the same secret (and must not reach a log line either).
    return post(`/${ctx.rng.pick(['hooks/odoo', 'HOOKS/Odoo'])}/${ctx.secrets.hookSecret}`, {}, Buffer.from(body), expect);
  },
  'hook-wrong-content-type': (ctx) => ({
    method: 'POST', path: `/hooks/odoo/${ctx.secrets.hookSecret}`,
    headers: { 'content-type': ctx.rng.pick(['text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=utf-16']) },
    body: hookBody(ctx), expect: [400, 415],
  }),
};

const ADMIN_ROUTES: Array<[string, string, (ctx: HostileContext) => string | undefined]> = [
  ['GET', '/admin/dead-letters', () => undefined],
  ['GET', '/admin/runs', () => undefined],
  ['POST', '/admin/dead-letters/retry', () => JSON.stringify({ all: true })],
  ['POST', '/admin/dead-letters/discard', () => JSON.stringify({ all: true })],
  ['POST', '/admin/partners/:id/push', () => '{}'],
];

const adminSurface: Record<string, Make> = {
  'admin-without-token': (ctx) => {
    const [method, route, body] = ctx.rng.pick(ADMIN_ROUTES);
    const path = route.replace(':id', String(ctx.rng.pick(ctx.canaryIds)));
    const authorization = ctx.rng.pick([
      undefined, `Bearer ${nearMiss(ctx, ctx.secrets.adminToken)}`, `Basic ${Buffer.from(`admin:${ctx.secrets.adminToken}`).toString('base64')}`,
      `Bearer ${ctx.secrets.hookSecret}`, `Bearer ${ctx.secrets.bearerToken}`, ctx.secrets.adminToken, `Bearer  ${ctx.secrets.adminToken}`, 'Bearer ',
    ]);
    const query = ctx.rng.chance(0.2) ? `?token=${ctx.secrets.adminToken}&access_token=${ctx.secrets.adminToken}` : '';
    const payload = body(ctx);
    return {
      method, path: `${path}${query}`, headers: { ...(payload ? JSON_TYPE : {}), ...(authorization ? { authorization } : {}) },
      body: payload ? Buffer.from(payload) : undefined, expect: [401],
    };
  },
  'admin-path-confusion': (ctx) => {
    const path = ctx.rng.pick([
      '/admin/../admin/runs', '//admin/runs', '/%61dmin/runs', '/admin%2fruns', '/ADMIN/runs', '/admin/runs/',
      `/admin/partners/${ctx.rng.pick(ctx.canaryIds)}/push/..`,
    ]);
    return { method: ctx.rng.pick(['GET', 'POST']), path, headers: {}, expect: [401, 404] };
  },
  'status-page-without-token': (ctx) => {
    const origin = ctx.rng.pick(['https://evil.example', undefined]);
    const [method, path, body, expect] = ctx.rng.pick<[string, string, string | undefined, number[]]>([
      ['GET', '/status', undefined, [401]],
      ['POST', '/status/dead-letters/retry', 'id=1', [401]],
      ['POST', '/status/dead-letters/discard', 'kind=push_partner&error=x', [401]],
      ['POST', '/status/logout', '', [401]],
      ['POST', '/status/login', `token=${encodeURIComponent(nearMiss(ctx, ctx.secrets.adminToken))}`, [401, 403]],
    ]);
    return {
      method, path, headers: { 'content-type': 'application/x-www-form-urlencoded', ...(origin ? { origin } : {}), cookie: `sidecar_session=${randomUUID()}` },
      body: body === undefined ? undefined : Buffer.from(body), expect,
    };
  },
  'import-callback-forged': (ctx) => ({
    method: ctx.rng.pick(['GET', 'POST']),
    path: `/brevo/${ctx.rng.pick(['import-done', 'burst-done'])}/${ctx.rng.pick([randomUUID(), '../../admin/runs', '%2e%2e', ctx.secrets.hookSecret])}?processId=1&chunk=1`,
    headers: JSON_TYPE, body: Buffer.from('{"processId": 1, "status": "completed"}'), expect: [404],
  }),
};

const notHttp: Record<string, Make> = {
  'not-http': (ctx) => {
    const s = ctx.secrets.hookSecret;
    const text = ctx.rng.pick([
      `POST /hooks/odoo/${s} HTTP/1.1\r\nHost: x\r\nContent-Length: 9\r\nTransfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\n0\r\n\r\n{"ids":[1]}`,
      'GET / HTTP/1.1\r\nHost x\r\n\r\n',
      'GARBAGE\r\n\r\n',
      'POST /webhooks/brevo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\nzz\r\n',
      'GET /healthz HTTP/1.1\r\nHost: x\r\nX-Bad: a\u0000b\r\n\r\n',
      `GET /${'a'.repeat(100_000)} HTTP/1.1\r\nHost: x\r\n\r\n`,
      'POST /webhooks/brevo HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n',
      'POST /webhooks/brevo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello',
    ]);
    return { method: '', path: '', headers: {}, bytes: Buffer.from(text, 'latin1'), expect: [400, 413, 414, 431] };
  },
};

/** Every family with its weight (how often it is drawn after each has been drawn once in a round). */
const FAMILIES: Array<[Record<string, Make>, number]> = [
  [webhookCredentials, 8], [webhookContent, 3], [webhookAbsurd, 1], [crmHook, 3], [adminSurface, 3], [notHttp, 1],
];
// Huge payloads cost the test process too: rarer than the rest.
const RARE = new Set(['huge-body', 'ten-megabyte-link', 'too-many-events', 'deeply-nested']);

const ALL: Array<[string, Make, number]> = FAMILIES.flatMap(([family, weight]) =>
  Object.entries(family).map(([name, make]): [string, Make, number] => [name, make, RARE.has(name) ? weight / 10 : weight]));

export const CATEGORIES = ALL.map(([name]) => name);

/** `count` cases: every category once first, then weighted draws. */
export function* hostileCases(ctx: HostileContext, count: number): Generator<HostileCase> {
  const total = ALL.reduce((sum, [, , w]) => sum + w, 0);
  for (let i = 0; i < count; i++) {
    let entry = ALL[i];
    if (!entry) {
      let draw = ctx.rng.next() * total;
      entry = ALL.find(([, , w]) => (draw -= w) < 0) ?? ALL[ALL.length - 1];
    }
    const [name, make] = entry;
    if (name === 'replay' && ctx.originals.length === 0) continue;
    yield { category: name, ...make(ctx) };
  }
}

/** An accepted request to replay later: opens for the replay partner, signed now. */
export function originalRequest(secrets: Secrets, provider: Provider, email: string, rng: Rng): RawRequest {
  const events = Array.from({ length: rng.int(1, 3) }, () => engagementEvent(provider, 'opened', email, randomUUID(), Number(seconds())));
  const { path, headers, body } = signRequest(provider, Buffer.from(JSON.stringify(events)), secrets);
  return { method: 'POST', path, headers, body };
}
