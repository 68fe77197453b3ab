/**
 * The admin surface, behind `Authorization: Bearer ADMIN_TOKEN` (absent when no token is configured): dead letters
 * (list, retry, discard), a forced push of one partner, and the recent runs.
 */
import express, { Router, type NextFunction, type Request, type Response } from 'express';
import { z } from 'zod';
import type { Store } from '../store/index.js';
import type { PartnerEnqueuer } from '../outbound/enqueuer.js';
import { discardDeadLetters, listDeadLetters, retryDeadLetters } from '../admin/dead-letters.js';
import { secretEquals } from './constant-time.js';

export interface AdminDeps {
  token: string | undefined;
  store: Store;
  enqueuer: PartnerEnqueuer;
}

const filterSchema = z.object({
  id: z.coerce.number().int().positive().optional(),
  error: z.string().min(1).max(100).optional(),
  kind: z.string().min(1).max(50).optional(),
  all: z.coerce.boolean().optional(),
});

export function adminRouter(deps: AdminDeps): Router {
  const router = Router();
  if (!deps.token) return router;
  const token = deps.token;
  const authorize = (req: Request, res: Response, next: NextFunction) => {
    const given = /^Bearer (.+)$/.exec(req.get('authorization') ?? '')?.[1] ?? '';
    if (!secretEquals(given, token)) res.status(401).json({ error: 'unauthorized' });
    else next();
  };
  router.use('/admin', authorize, express.json({ limit: '10kb' }));

  router.get('/admin/dead-letters', (req, res) => {
    const filter = filterSchema.safeParse(req.query);
    if (!filter.success) return void res.status(400).json({ error: 'bad filter' });
    res.json({ deadLetters: listDeadLetters(deps.store, { id: filter.data.id, errorCode: filter.data.error, kind: filter.data.kind }) });
  });
  for (const action of ['retry', 'discard'] as const) {
    router.post(`/admin/dead-letters/${action}`, (req, res) => {
      const filter = filterSchema.safeParse(req.body ?? {});
      if (!filter.success) return void res.status(400).json({ error: 'bad filter' });
      const { id, error, kind, all } = filter.data;
      if (id === undefined && !error && !all) return void res.status(400).json({ error: 'give id, error or all: true' });
      const selection = { id, errorCode: error, kind };
      const count = action === 'retry' ? retryDeadLetters(deps.store, selection) : discardDeadLetters(deps.store, selection);
      res.json({ [action === 'retry' ? 'retried' : 'discarded']: count });
    });
  }
  router.post('/admin/partners/:id/push', (req, res) => {
    const id = Number(req.params.id);
    if (!Number.isInteger(id) || id <= 0) return void res.status(400).json({ error: 'partner id must be a positive integer' });
    deps.enqueuer.enqueue([id], { source: 'admin' });
    res.status(202).json({ queued: 1 });
  });
  // ?kind=initial_sync or cron:<job>: frequent cron runs would soon push an initial sync out of an unfiltered list.
  router.get('/admin/runs', (req, res) => {
    const kind = typeof req.query.kind === 'string' && req.query.kind !== '' ? req.query.kind : undefined;
    res.json({ runs: deps.store.runs.latest(kind) });
  });
  return router;
}
