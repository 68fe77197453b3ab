/**
 * POST /webhooks/:provider — the receiver's contract (shared/reference/webhooks.md): verify over the raw bytes, refuse
 * with 401/400/413/415 storing nothing, commit accepted events to the inbox, then answer 200. When the inbox cannot be
 * written the answer is 429, the one status (with timeouts) on which Brevo retries; nothing slow happens before it.
 *
 * This is the sidecar's hot path, so it is a plain Node handler that the server runs before express, and it reads the
 * body and writes its answer itself (no body-parser, no res.json with its ETag): per request, only what the contract
 * needs.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Accepted, Inbox, InsertResult } from '../store/inbox.js';
import type { Logger } from '../log.js';
import { PROVIDERS, type EventType, type Provider } from '../inbound/events.js';
import { isEnabled, verifyRequest } from '../inbound/verify/index.js';
import type { VerificationConfig } from '../inbound/verify/types.js';
import { parseReceived, type ReceivedEvent } from '../inbound/providers/index.js';
import { MalformedJsonError, parseJsonBody, type ParsedBody } from '../inbound/json-body.js';
import { triage, type TriageSettings } from '../inbound/triage.js';
import { BodyError, readBody } from './read-body.js';
import type { PlainRoute } from './app.js';

/** What became of each event of a request: stored to apply, stored as ignored, already stored, or unusable. */
export type EventOutcome = 'accepted' | 'ignored' | 'duplicate' | 'invalid';

export interface StoredTally {
  inserted: number;
  duplicates: number;
  ignored: number;
  invalid: number;
  /** New events with something to apply. */
  pending: number;
  /** Events by outcome and type ('none' for invalid ones, which have no type): a few entries per request. */
  counts: Record<EventOutcome, Partial<Record<EventType | 'none', number>>>;
}

export interface WebhookDeps {
  endpoints: Record<Provider, VerificationConfig>;
  maxBodyBytes: number;
  maxEvents: number;
  inbox: Inbox;
  triage: TriageSettings;
  log: Logger;
  now?: () => number;
  /** After a commit: lets the apply worker start early, and counts the events. */
  onStored?: (provider: Provider, stored: StoredTally) => void;
  onRejected?: (provider: Provider | 'unknown', status: number, reason: string) => void;
}

type Answer = { status: number; body: Record<string, unknown> };

function send(res: ServerResponse, { status, body }: Answer): void {
  const json = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(json) });
  res.end(json);
}

/** POST /webhooks/<provider> (any case, optional trailing slash or query), as express routed it. */
const WEBHOOK_PATH = /^\/webhooks\/([^/?#]+)\/?(?:\?.*)?$/i;
const JSON_MEDIA_TYPE = /^application\/(?:[^/;\s]+\+)?json$/;

/** Whether the Content-Type is application/json or application/*+json (parameters such as charset aside). */
function isJson(contentType: string | undefined): boolean {
  return contentType !== undefined && JSON_MEDIA_TYPE.test(contentType.split(';', 1)[0].trim().toLowerCase());
}

function providerParam(encoded: string): string | undefined {
  try {
    return decodeURIComponent(encoded);
  } catch {
    return undefined;
  }
}

/** POST /webhooks/:provider, as a plain Node handler the server runs before express (app.ts, requestHandler). */
export function webhookRoute(deps: WebhookDeps): PlainRoute {
  const answer = (res: ServerResponse, provider: Provider | 'unknown', result: Answer) => {
    if (result.status >= 400) deps.onRejected?.(provider, result.status, String(result.body.error));
    send(res, result);
  };
  return {
    matches: (req) => req.method === 'POST' && WEBHOOK_PATH.test(req.url ?? ''),
    handle(req, res) {
      const provider = knownProvider(providerParam(WEBHOOK_PATH.exec(req.url ?? '')?.[1] ?? ''));
      // Before the body is read: unknown or unconfigured endpoints do not exist, and only JSON is accepted.
      if (!provider || !isEnabled(deps.endpoints[provider])) return answer(res, provider ?? 'unknown', refusal(404, 'not found'));
      if (!isJson(req.headers['content-type'])) return answer(res, provider, refusal(415, 'expected Content-Type: application/json'));
      readBody(req, deps.maxBodyBytes).then(
        (rawBody) => answer(res, provider, receive(provider, rawBody, req, deps)),
        (err: unknown) => {
          if (!(err instanceof BodyError)) throw err;
          if (!res.headersSent && !req.destroyed) answer(res, provider, refusal(err.status, err.message));
        },
      ).catch((err: unknown) => {
        deps.log.error({ provider, err: { message: (err as Error).message } }, 'webhook request failed');
        if (!res.headersSent) send(res, refusal(500, 'internal error'));
      });
    },
  };
}

function refusal(status: number, error: string, extra: Record<string, unknown> = {}): Answer {
  return { status, body: { error, ...extra } };
}

function knownProvider(value: unknown): Provider | undefined {
  return PROVIDERS.find((p) => p === value);
}

function receive(provider: Provider, rawBody: Buffer, req: IncomingMessage, deps: WebhookDeps): Answer {
  const verified = verifyRequest(deps.endpoints[provider], {
    rawBody, headers: req.headers, remoteAddress: req.socket.remoteAddress, now: (deps.now ?? Date.now)(),
  });
  if (!verified.ok) {
    deps.log.warn({ provider, scheme: verified.scheme, reason: verified.reason }, 'webhook refused');
    return refusal(401, 'unauthorized');
  }
  let body: ParsedBody;
  try {
    body = parseJsonBody(rawBody.toString('utf8'));
  } catch (err) {
    if (err instanceof MalformedJsonError) return refusal(400, 'malformed JSON body');
    throw err;
  }
  if (body.batch && body.items.length > deps.maxEvents) return refusal(413, `more than ${deps.maxEvents} events in one request`);
  const { events, invalid } = parseReceived(provider, body, { idempotencyKey: verified.idempotencyKey });
  if (events.length === 0) return refusal(400, 'no valid event in the body', { invalid });
  return store(provider, events, invalid, deps);
}

function store(provider: Provider, events: ReceivedEvent[], invalid: Array<{ index: number; error: string }>, deps: WebhookDeps): Answer {
  const accepted = events.map(({ event, text }) => {
    const item: Accepted = triage(event, deps.triage);
    item.rawText = text;
    return item;
  });
  let stored: InsertResult;
  try {
    stored = deps.inbox.insert(accepted);
  } catch (err) {
    // Disk full, read-only file, lock timeout: nothing was committed, so ask the sender to come back.
    deps.log.error({ provider, err: { code: (err as { code?: string }).code, message: (err as Error).message } }, 'inbox write failed');
    return refusal(429, 'temporarily unable to store events, retry later');
  }
  if (invalid.length) deps.log.warn({ provider, invalid }, 'invalid events skipped in an accepted batch');
  deps.onStored?.(provider, tally(accepted, stored, invalid.length));
  return { status: 200, body: { accepted: stored.inserted, duplicates: stored.duplicates, invalid: invalid.length } };
}

function tally(accepted: Accepted[], stored: InsertResult, invalid: number): StoredTally {
  const counts: StoredTally['counts'] = { accepted: {}, ignored: {}, duplicate: {}, invalid: invalid > 0 ? { none: invalid } : {} };
  for (let i = 0; i < accepted.length; i++) {
    const { event: { type }, status } = accepted[i];
    const byType = counts[!stored.stored[i] ? 'duplicate' : status === 'ignored' ? 'ignored' : 'accepted'];
    byType[type] = (byType[type] ?? 0) + 1;
  }
  const sum = (byType: Partial<Record<string, number>>) => Object.values(byType).reduce((a: number, n) => a + (n ?? 0), 0);
  return {
    inserted: stored.inserted, duplicates: stored.duplicates, ignored: sum(counts.ignored), invalid, pending: sum(counts.accepted), counts,
  };
}
