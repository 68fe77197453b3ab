/**
 * POST /webhooks/:provider — the receiver's contract (shared/reference/webhooks.md): verify over the raw bytes, refuse
 * with 401/400/413/415 storing nothing, commit accepted events to the inbox, then answer 200. When the inbox cannot be
 * written the answer is 429, the one status (with timeouts) on which Brevo retries; nothing slow happens before it.
 */
import express, { Router, type NextFunction, type Request, type Response } from 'express';
import type { Inbox } from '../store/inbox.js';
import type { Logger } from '../log.js';
import { PROVIDERS, type Provider } from '../inbound/events.js';
import { isEnabled, verifyRequest } from '../inbound/verify/index.js';
import type { VerificationConfig } from '../inbound/verify/types.js';
import { parseEvents } from '../inbound/providers/index.js';
import { triage, type TriageSettings } from '../inbound/triage.js';

export interface WebhookDeps {
  endpoints: Record<Provider, VerificationConfig>;
  maxBodyBytes: number;
  maxEvents: number;
  inbox: Inbox;
  triage: TriageSettings;
  log: Logger;
  now?: () => number;
  /** After a commit: lets the apply worker start early. */
  onStored?: (provider: Provider, stored: { inserted: number; duplicates: number; ignored: number; invalid: number }) => void;
  onRejected?: (provider: Provider | 'unknown', status: number, reason: string) => void;
}

type Answer = { status: number; body: Record<string, unknown> };

export function webhookRouter(deps: WebhookDeps): Router {
  const router = Router();
  const reject = (req: Request, res: Response, status: number, error: string) => {
    deps.onRejected?.(knownProvider(req.params.provider) ?? 'unknown', status, error);
    res.status(status).json({ error });
  };
  // Before the body is read: unknown or unconfigured endpoints do not exist, and only JSON is accepted.
  const gate = (req: Request, res: Response, next: NextFunction) => {
    const provider = knownProvider(req.params.provider);
    if (!provider || !isEnabled(deps.endpoints[provider])) return reject(req, res, 404, 'not found');
    if (!req.is(['application/json', 'application/*+json'])) return reject(req, res, 415, 'expected Content-Type: application/json');
    next();
  };
  const rawBody = express.raw({ type: () => true, limit: deps.maxBodyBytes });
  router.post('/webhooks/:provider', gate, rawBody, (req: Request, res: Response) => {
    const provider = knownProvider(req.params.provider)!;
    const answer = receive(provider, req, deps);
    if (answer.status >= 400) deps.onRejected?.(provider, answer.status, String(answer.body.error));
    res.status(answer.status).json(answer.body);
  });
  return router;
}

function knownProvider(value: unknown): Provider | undefined {
  return PROVIDERS.find((p) => p === value);
}

function receive(provider: Provider, req: Request, deps: WebhookDeps): Answer {
  const rawBody = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
  const verified = verifyRequest(deps.endpoints[provider], {
    rawBody, headers: req.headers, remoteAddress: req.socket.remoteAddress, now: (deps.now ?? Date.now)(),
  });
  if (!verified.ok) {
    deps.log.warn({ provider, scheme: verified.scheme, reason: verified.reason }, 'webhook refused');
    return { status: 401, body: { error: 'unauthorized' } };
  }
  let body: unknown;
  try {
    body = JSON.parse(rawBody.toString('utf8'));
  } catch {
    return { status: 400, body: { error: 'malformed JSON body' } };
  }
  if (Array.isArray(body) && body.length > deps.maxEvents) return { status: 413, body: { error: `more than ${deps.maxEvents} events in one request` } };
  const { events, invalid } = parseEvents(provider, body, { idempotencyKey: verified.idempotencyKey });
  if (events.length === 0) return { status: 400, body: { error: 'no valid event in the body', invalid } };
  return store(provider, events.map((e) => triage(e, deps.triage)), invalid, deps);
}

function store(provider: Provider, accepted: ReturnType<typeof triage>[], invalid: Array<{ index: number; error: string }>, deps: WebhookDeps): Answer {
  let stored: { inserted: number; duplicates: number };
  try {
    stored = deps.inbox.insert(accepted);
  } catch (err) {
    // Disk full, read-only file, lock timeout: nothing was committed, so ask the sender to come back.
    deps.log.error({ provider, err: { code: (err as { code?: string }).code, message: (err as Error).message } }, 'inbox write failed');
    return { status: 429, body: { error: 'temporarily unable to store events, retry later' } };
  }
  const ignored = accepted.filter((a) => a.status === 'ignored').length;
  if (invalid.length) deps.log.warn({ provider, invalid }, 'invalid events skipped in an accepted batch');
  deps.onStored?.(provider, { ...stored, ignored, invalid: invalid.length });
  return { status: 200, body: { accepted: stored.inserted, duplicates: stored.duplicates, invalid: invalid.length } };
}
