/**
 * /__fake: drive the fake from another process. Not rate-limited, no key, not in the call log.
 *   GET  /__fake/state              {contacts, attributes, lists, processes, webhooks, calls}
 *   POST /__fake/faults             {"verb": "failNext", "args": [2, 503]} or {"verb": "failNext", "n": 2, "status": 503}
 *   POST /__fake/reset
 *   GET  /__fake/processes/:id/:report.csv   import reports linked from getProcess' info.import
 */
import express, { type Router } from 'express';
import { applyFaultCommand } from '../faults.js';
import { REPORTS } from '../routes/imports.js';
import type { AppDeps } from './deps.js';

export function controlRouter(deps: AppDeps): Router {
  const router = express.Router();
  router.use(express.json());
  router.get('/state', (_req, res) => {
    res.json({ ...deps.state.toJSON(), calls: deps.calls });
  });
  router.post('/faults', (req, res) => {
    try {
      applyFaultCommand(deps.faults, (req.body ?? {}) as Record<string, unknown>);
      res.json({ ok: true, pending: deps.faults.pending() });
    } catch (err) {
      res.status(400).json({ ok: false, message: (err as Error).message });
    }
  });
  router.post('/reset', (_req, res) => {
    deps.reset();
    res.status(204).end();
  });
  router.get('/processes/:id/:report.csv', (req, res) => {
    const report = deps.state.processes.get(Number(req.params.id))?.report;
    const rows = REPORTS[req.params.report];
    if (!report || !rows) return void res.status(404).end();
    res.type('text/csv').send(['EMAIL_OR_ID', ...rows(report)].join('\n') + '\n');
  });
  return router;
}
