/**
 * GET /status (and / redirecting to it): the admin's page, behind ADMIN_TOKEN (absent when no token is configured).
 * Without credentials it answers 401 with a login form; the buttons retry or discard dead letters through the same
 * functions as the admin API and the CLI. Errors say what was wrong and nothing more (the app's error handler hides
 * internals); no secret is ever written into a page.
 */
import express, { Router, type NextFunction, type Request, type Response } from 'express';
import { z } from 'zod';
import { discardDeadLetters, retryDeadLetters } from '../admin/dead-letters.js';
import { StatusPageAuth, type Caller } from './status-page-auth.js';
import { statusSnapshot, type StatusDeps } from './status-page-data.js';
import { renderLoginPage, renderStatusPage } from './status-page-view.js';

export interface StatusPageDeps extends StatusDeps {
  token: string | undefined;
  /** PUBLIC_URL: its origin is ours too when a proxy rewrites the Host header. */
  publicUrl?: string;
}

const selection = z.union([
  z.object({ id: z.coerce.number().int().positive() }),
  z.object({ kind: z.string().min(1).max(50), error: z.string().min(1).max(100) }),
]);

const NOTICES: Record<string, (count: number) => string> = {
  retried: (n) => `Retried ${n} dead letter${n === 1 ? '' : 's'}.`,
  discarded: (n) => `Discarded ${n} dead letter${n === 1 ? '' : 's'}.`,
};

/** Headers of every page: no caching, no framing, no script at all, forms only to ourselves. */
function pageHeaders(res: Response): void {
  res.set({
    'Content-Type': 'text/html; charset=utf-8',
    'Cache-Control': 'no-store',
    'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    'X-Frame-Options': 'DENY',
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'same-origin',
  });
}

export function statusPageRouter(deps: StatusPageDeps): Router {
  const router = Router();
  if (!deps.token) return router;
  const auth = new StatusPageAuth(deps.token, deps.publicUrl ? [new URL(deps.publicUrl).origin] : [], deps.now);
  const form = express.urlencoded({ extended: false, limit: '4kb' });

  const loginPage = (res: Response, status: number, error?: string) => {
    pageHeaders(res);
    res.status(status).send(renderLoginPage(error));
  };
  /** Lets a request through with its caller in res.locals, or answers 401 with the login form. */
  const authenticate = (req: Request, res: Response, next: NextFunction) => {
    const caller = auth.caller(req);
    if (!caller) return loginPage(res, 401);
    res.locals.caller = caller;
    next();
  };
  /** After the body is read: a cookie caller must also bring our origin and the session's CSRF token. */
  const mayChange = (req: Request, res: Response, next: NextFunction) => {
    if (!auth.mayChange(req, res.locals.caller as Caller, (req.body as Record<string, unknown> | undefined)?.csrf)) {
      res.status(403).json({ error: 'forbidden: stale page or cross-site request; reload the status page' });
      return;
    }
    next();
  };

  router.get('/', (_req, res) => res.redirect(302, 'status'));
  router.get('/status', authenticate, async (req, res) => {
    const caller = res.locals.caller as Caller;
    const done = typeof req.query.done === 'string' ? NOTICES[req.query.done] : undefined;
    const notice = done?.(Number(req.query.count) || 0);
    const snapshot = await statusSnapshot(deps);
    pageHeaders(res);
    res.send(renderStatusPage(snapshot, { csrf: caller.via === 'cookie' ? caller.csrf : undefined, notice, canLogOut: caller.via === 'cookie' }));
  });

  router.post('/status/login', form, (req, res) => {
    if (!auth.sameOrigin(req)) return void res.status(403).json({ error: 'forbidden: cross-site request' });
    if (!auth.checkToken((req.body as Record<string, unknown> | undefined)?.token)) return loginPage(res, 401, 'That is not the admin token.');
    auth.logIn(req, res);
    res.redirect(303, '../status');
  });
  router.post('/status/logout', authenticate, form, mayChange, (_req, res) => {
    auth.logOut(res.locals.caller as Caller, res);
    res.redirect(303, '../status');
  });

  for (const [action, run] of [['retry', retryDeadLetters], ['discard', discardDeadLetters]] as const) {
    router.post(`/status/dead-letters/${action}`, authenticate, form, mayChange, (req, res) => {
      const chosen = selection.safeParse(req.body);
      if (!chosen.success) return void res.status(400).json({ error: 'give a dead letter id, or a kind and an error' });
      const filter = 'id' in chosen.data ? { id: chosen.data.id } : { kind: chosen.data.kind, errorCode: chosen.data.error };
      const count = run(deps.store, filter);
      res.redirect(303, `../../status?done=${action === 'retry' ? 'retried' : 'discarded'}&count=${count}`);
    });
  }
  return router;
}
