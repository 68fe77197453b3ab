/**
 * POST /brevo/import-done/:token: Brevo calls an import's notifyUrl when the process has finished. The initial-sync
 * process runs apart from the sidecar but shares its SQLite file: the callback is written to import_completions, where
 * the sync is waiting for it. The token is a random secret of one run, so only Brevo (who was given the URL) can
 * report a completion. Brevo documents no body for the call: whatever identifies the process (a processId in the body,
 * the chunk number we put in the URL's query) and a status are kept; the sync asks Brevo when they are missing.
 */
import express, { Router, type NextFunction, type Request, type Response } from 'express';
import type { InitialSyncStore } from '../store/initial-sync.js';
import type { Logger } from '../log.js';
import { secretEquals } from './constant-time.js';

export interface ImportCallbackDeps {
  store: InitialSyncStore;
  log: Logger;
}

function integer(value: unknown): number | null {
  const n = typeof value === 'string' && value !== '' ? Number(value) : value;
  return typeof n === 'number' && Number.isSafeInteger(n) && n > 0 ? n : null;
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value.slice(0, 100) : null;
}

/** The run owning this token, comparing every live token in constant time. */
function runFor(store: InitialSyncStore, token: string): number | undefined {
  let found: number | undefined;
  for (const live of store.liveTokens()) if (secretEquals(token, live.token)) found = live.runId;
  return found;
}

export function importCallbackRouter(deps: ImportCallbackDeps): Router {
  const router = Router();
  const json = express.json({ limit: '64kb', type: () => true });
  const path = '/brevo/import-done/:token';
  // The token is checked before the body is read: a caller without it learns nothing.
  const authorize = (req: Request, res: Response, next: NextFunction) => {
    const runId = runFor(deps.store, String(req.params.token));
    if (runId === undefined) res.status(404).json({ error: 'not found' });
    else {
      res.locals.runId = runId;
      next();
    }
  };
  const record = (req: Request, res: Response) => {
    const runId = res.locals.runId as number;
    const body = (req.body && typeof req.body === 'object' ? req.body : {}) as Record<string, unknown>;
    const completion = {
      processId: integer(body.processId ?? body.process_id ?? body.id ?? req.query.processId),
      chunk: integer(req.query.chunk),
      status: text(body.status ?? req.query.status),
      body: JSON.stringify(body).slice(0, 2000),
    };
    deps.store.recordCompletion(runId, completion);
    deps.log.info({ runId, processId: completion.processId, chunk: completion.chunk, status: completion.status }, 'brevo import finished');
    res.status(200).json({ ok: true });
  };
  router.post(path, authorize, json, record);
  // Brevo does not document the callback's method: a GET is taken as the same signal.
  router.get(path, authorize, record);
  return router;
}
