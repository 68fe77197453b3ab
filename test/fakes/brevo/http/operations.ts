/** Mounts every spec operation on its wire path, validates it, runs its handler, sends the result. */
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { BrevoHttpError, badRequest } from '../errors.js';
import { HANDLERS, UNVALIDATED } from '../routes/index.js';
import type { OpResult } from '../routes/context.js';
import type { ServedOperation } from '../spec/validator.js';
import type { AppDeps } from './deps.js';

const paramCount = (op: ServedOperation): number => (op.path.match(/\{/g) ?? []).length;

/** Literal paths first, so /contacts/attributes is not taken for /contacts/{identifier}. */
function ordered(ops: ServedOperation[]): ServedOperation[] {
  return [...ops].sort((a, b) => paramCount(a) - paramCount(b));
}

function send(res: Response, result: OpResult): void {
  res.status(result.status);
  if (result.body === undefined) res.end();
  else res.json(result.body);
}

function handle(deps: AppDeps, op: ServedOperation) {
  const handler = HANDLERS[op.operationId];
  if (!handler) throw new Error(`no handler for ${op.operationId}`);
  return async (req: Request, res: Response): Promise<void> => {
    if (res.locals.bodyError) throw badRequest('Request body is not valid JSON');
    const raw = { params: { ...req.params } as Record<string, string>, query: { ...(req.query as Record<string, unknown>) }, body: req.body };
    const { params, query } = UNVALIDATED.has(op.operationId) ? raw : deps.validator.check(op.operationId, raw);
    const origin = `${req.protocol}://${req.get('host')}`;
    const rawBodyBytes = (res.locals.rawBodyBytes as number | undefined) ?? 0;
    send(res, await handler({ state: deps.state, opts: deps.opts, runner: deps.runner, params, query, body: req.body, rawBodyBytes, origin }));
  };
}

export function operationsRouter(deps: AppDeps): Router {
  const router = express.Router();
  for (const op of ordered(deps.validator.operations())) {
    const path = op.path.replace(/\{(\w+)\}/g, ':$1');
    router[op.method as 'get' | 'post' | 'put' | 'delete'](path, handle(deps, op));
  }
  return router;
}

/** Unknown route: 405 when the path exists with other methods, else 404. */
export function notServed(deps: AppDeps) {
  const patterns = deps.validator.operations().map((op) => ({
    method: op.method.toUpperCase(),
    re: new RegExp(`^${op.path.replace(/\{\w+\}/g, '[^/]+')}/?$`),
  }));
  return (req: Request, _res: Response, next: NextFunction): void => {
    const known = patterns.some((p) => p.re.test(req.path));
    next(
      known
        ? new BrevoHttpError(405, { code: 'method_not_allowed', message: `${req.method} is not allowed on ${req.originalUrl.split('?')[0]}` })
        : new BrevoHttpError(404, { code: 'document_not_found', message: `${req.method} ${req.originalUrl.split('?')[0]} is not served by the fake Brevo` }),
    );
  };
}

export function errorHandler(err: unknown, _req: Request, res: Response, _next: NextFunction): void {
  if (err instanceof BrevoHttpError) {
    res.status(err.status).json(err.body);
    return;
  }
  // A bug in the fake: say so loudly rather than pass for a Brevo outage.
  res.status(500).json({ code: 'fake_brevo_bug', message: (err as Error)?.stack ?? String(err) });
}
