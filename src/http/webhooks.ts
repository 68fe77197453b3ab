/**
 * POST /webhooks/:provider — the receiver's contract (shared/reference/webhooks.md): verify over the raw bytes, refuse
 * with 401/400/413/415 storing nothing, commit accepted events to the inbox, then answer 200. When the inbox cannot be
 * written the answer is 429, the one status (with timeouts) on which Brevo retries; nothing slow happens before it.
 *
 * This is the sidecar's hot path, so the route reads the body and writes its answer itself (no body-parser, no
 * res.json with its ETag): per request, only what the contract needs.
 */
import { Router, type Request, type Response } from 'express';
import type { Inbox, InsertResult } from '../store/inbox.js';
import type { Logger } from '../log.js';
import { PROVIDERS, type EventType, type Provider } from '../inbound/events.js';
import { isEnabled, verifyRequest } from '../inbound/verify/index.js';
import type { VerificationConfig } from '../inbound/verify/types.js';
import { parseReceived, type ReceivedEvent } from '../inbound/providers/index.js';
import { MalformedJsonError, parseJsonBody, type ParsedBody } from '../inbound/json-body.js';
import { triage, type TriageSettings } from '../inbound/triage.js';
import { BodyError, readBody } from './read-body.js';

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
  counts: Map<`${EventOutcome} ${EventType | 'none'}`, number>;
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

function send(res: Response, { status, body }: Answer): void {
  const json = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(json) });
  res.end(json);
}

export function webhookRouter(deps: WebhookDeps): Router {
  const router = Router();
  const answer = (res: Response, provider: Provider | 'unknown', result: Answer) => {
    if (result.status >= 400) deps.onRejected?.(provider, result.status, String(result.body.error));
    send(res, result);
  };
  router.post('/webhooks/:provider', (req: Request, res: Response) => {
    const provider = knownProvider(req.params.provider);
    // Before the body is read: unknown or unconfigured endpoints do not exist, and only JSON is accepted.
    if (!provider || !isEnabled(deps.endpoints[provider])) return answer(res, provider ?? 'unknown', refusal(404, 'not found'));
    if (!req.is(['application/json', 'application/*+json'])) return answer(res, provider, refusal(415, 'expected Content-Type: application/json'));
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
  });
  return router;
}

function refusal(status: number, error: string, extra: Record<string, unknown> = {}): Answer {
  return { status, body: { error, ...extra } };
}

function knownProvider(value: unknown): Provider | undefined {
  return PROVIDERS.find((p) => p === value);
}

function receive(provider: Provider, rawBody: Buffer, req: Request, deps: WebhookDeps): Answer {
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
  const accepted = events.map(({ event, text }) => ({ ...triage(event, deps.triage), rawText: text }));
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

function tally(accepted: Array<{ event: { type: EventType }; status: 'pending' | 'ignored' }>, stored: InsertResult, invalid: number): StoredTally {
  const result: StoredTally = { inserted: stored.inserted, duplicates: stored.duplicates, ignored: 0, invalid, pending: 0, counts: new Map() };
  const count = (key: `${EventOutcome} ${EventType | 'none'}`) => result.counts.set(key, (result.counts.get(key) ?? 0) + 1);
  accepted.forEach(({ event, status }, i) => {
    const outcome: EventOutcome = !stored.stored[i] ? 'duplicate' : status === 'ignored' ? 'ignored' : 'accepted';
    if (outcome === 'ignored') result.ignored++;
    if (outcome === 'accepted') result.pending++;
    count(`${outcome} ${event.type}`);
  });
  if (invalid > 0) result.counts.set('invalid none', invalid);
  return result;
}
