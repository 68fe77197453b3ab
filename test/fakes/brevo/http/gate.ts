/**
 * What stands between a request and its operation, in Brevo's order: network (latency, injected faults),
 * then the key (401), then the rate limits (429). Every answer carries the x-sib-ratelimit-* headers.
 */
import type { NextFunction, Request, Response } from 'express';
import type { FaultAction } from '../faults.js';
import { bucketOf, type RateHeaders } from '../rate-limiter.js';
import type { AppDeps } from './deps.js';

export function setRateHeaders(res: Response, h: RateHeaders): void {
  res.set({
    'x-sib-ratelimit-limit': String(h.limit),
    'x-sib-ratelimit-remaining': String(h.remaining),
    'x-sib-ratelimit-reset': String(h.reset),
  });
}

const keyOf = (req: Request): string => req.get('api-key') ?? '';

/** '/v3/contacts/42' whatever the mount point. */
const wirePath = (req: Request): string => req.originalUrl.split('?')[0];

function peekHeaders(deps: AppDeps, req: Request): RateHeaders {
  return deps.limiter.peek(keyOf(req), bucketOf(wirePath(req)), deps.opts.now());
}

export function latency(deps: AppDeps) {
  return (_req: Request, _res: Response, next: NextFunction): void => {
    if (deps.faults.latencyMs > 0) setTimeout(next, deps.faults.latencyMs);
    else next();
  };
}

const DEFAULT_FAIL_BODY = { code: 'internal_error', message: 'Internal server error' };

/** A string body goes out as HTML, like the error pages of the gateway in front of Brevo. */
function answerFault(deps: AppDeps, req: Request, res: Response, f: FaultAction & { kind: 'fail' | 'rateLimit' }): void {
  const peek = peekHeaders(deps, req);
  if (f.kind === 'rateLimit') {
    setRateHeaders(res, { limit: peek.limit, remaining: 0, reset: f.resetSeconds });
    res.status(429).json({ code: 'too_many_requests', message: 'The expected rate limit is exceeded.' });
    return;
  }
  setRateHeaders(res, peek);
  res.status(f.status);
  if (typeof f.body === 'string') res.type('html').send(f.body);
  else res.json(f.body ?? DEFAULT_FAIL_BODY);
}

export function injectFaults(deps: AppDeps) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const f = deps.faults.take();
    if (!f) return next();
    if (f.kind === 'drop') {
      req.socket.destroy();
      return;
    }
    if (f.kind === 'hang') return; // never answered; the socket closes when the client gives up or on close()
    answerFault(deps, req, res, f);
  };
}

export function requireKey(deps: AppDeps) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const key = req.get('api-key');
    if (key !== undefined && deps.opts.apiKeys.includes(key) && !deps.faults.revoked.has(key)) return next();
    setRateHeaders(res, peekHeaders(deps, req));
    res.status(401).json({ code: 'unauthorized', message: 'Key not found' });
  };
}

/** A 429 is answered before any handler runs, so it never changes state. No Retry-After, as Brevo. */
export function rateLimit(deps: AppDeps) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const decision = deps.limiter.take(keyOf(req), bucketOf(wirePath(req)), deps.opts.now());
    setRateHeaders(res, decision);
    if (decision.allowed) return next();
    res.status(429).json({ code: 'too_many_requests', message: 'The expected rate limit is exceeded.' });
  };
}
