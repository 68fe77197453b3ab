/**
 * POST /hooks/odoo/:secret, called by Odoo's "Send Webhook Notification" automation (no headers, no signature: the
 * secret is the path) or by anything posting `{ids: [...]}`. Odoo posts before its transaction commits and waits 1 s at
 * most, so the job is committed to the outbox, answered 202 at once, and run a few seconds later.
 */
import express, { Router, type NextFunction, type Request, type Response } from 'express';
import { z } from 'zod';
import type { Db } from '../store/db.js';
import type { PartnerSyncStore } from '../store/partner-sync.js';
import type { PartnerEnqueuer } from '../outbound/enqueuer.js';
import type { Logger } from '../log.js';
import { secretEquals } from './constant-time.js';

const partnerId = z.number().int().positive();
const automationBody = z.looseObject({
  _model: z.string(),
  _id: partnerId,
  write_date: z.union([z.string().regex(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d+)?$/), z.literal(false)]).optional(),
});
const idsBody = z.object({ ids: z.array(partnerId).min(1).max(10_000) });

export interface OdooHookDeps {
  secret: string;
  delayMs: number;
  db: Db;
  syncState: PartnerSyncStore;
  enqueuer: PartnerEnqueuer;
  log: Logger;
}

type Parsed = { ok: true; ids: number[]; writeDate?: string } | { ok: false; error: string };

function parse(body: unknown): Parsed {
  const automation = automationBody.safeParse(body);
  if (automation.success) {
    if (automation.data._model !== 'res.partner') return { ok: false, error: `model ${automation.data._model} is not synced (expected res.partner)` };
    return { ok: true, ids: [automation.data._id], writeDate: automation.data.write_date || undefined };
  }
  const ids = idsBody.safeParse(body);
  if (ids.success) return { ok: true, ids: [...new Set(ids.data.ids)] };
  return { ok: false, error: 'expected an Odoo automation payload {_model, _id, ...} or {ids: [partner ids]}' };
}

export function odooHookRouter(deps: OdooHookDeps): Router {
  const router = Router();
  // The secret is checked before the body is even read: a caller without it learns nothing, not even a parse error.
  const authorize = (req: Request, res: Response, next: NextFunction) => {
    if (!secretEquals(String(req.params.secret), deps.secret)) res.status(401).json({ error: 'unauthorized' });
    else if (!req.is('application/json')) res.status(415).json({ error: 'expected Content-Type: application/json' });
    else next();
  };
  router.post('/hooks/odoo/:secret', authorize, express.json({ limit: '1mb' }), (req: Request, res: Response) => {
    const parsed = parse(req.body);
    if (!parsed.ok) {
      res.status(400).json({ error: parsed.error });
      return;
    }
    let queued: number;
    try {
      queued = enqueue(parsed.ids, parsed.writeDate, deps);
    } catch (err) {
      // Nothing was committed (disk full or read-only); the cron poll will still find the change later.
      deps.log.error({ err: { code: (err as { code?: string }).code, message: (err as Error).message } }, 'crm push not stored');
      res.status(503).json({ error: 'temporarily unable to store the push' });
      return;
    }
    deps.log.info({ partners: parsed.ids.length, queued, writeDate: parsed.writeDate }, 'crm push accepted');
    res.status(202).json({ queued, duplicates: parsed.ids.length - queued });
  });
  return router;
}

/** Commits the jobs (and the hook's write_date, for deduplication) in one transaction before the answer. */
function enqueue(ids: number[], writeDate: string | undefined, deps: OdooHookDeps): number {
  return deps.db.transaction(() => {
    // Odoo may send one change twice (an automation replayed after a serialization retry): same (_id, write_date).
    const fresh = writeDate ? ids.filter((id) => deps.syncState.get(id)?.hookWriteDate !== writeDate) : ids;
    if (writeDate) fresh.forEach((id) => deps.syncState.recordHook(id, writeDate));
    return deps.enqueuer.enqueue(fresh, { delayMs: deps.delayMs, source: 'crm_push' });
  })();
}
