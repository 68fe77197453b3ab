/** The express app: routers mounted by the caller (each parses its own body, after its own auth), errors answered without internals. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import express, { type ErrorRequestHandler, type Router } from 'express';
import type { Logger } from '../log.js';
import { requestLog } from './request-log.js';

export function createApp(routers: Router[], log: Logger): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(requestLog(log));
  for (const router of routers) app.use(router);
  app.use((_req, res) => {
    res.status(404).json({ error: 'not found' });
  });
  const onError: ErrorRequestHandler = (err: { status?: number; type?: string; message?: string }, _req, res, _next) => {
    const status = err.status && err.status >= 400 && err.status < 500 ? err.status : 500;
    if (status === 500) log.error({ err: { message: err.message } }, 'request failed');
    const message = err.type === 'entity.parse.failed' ? 'malformed JSON body' : err.type === 'entity.too.large' ? 'body too large' : status === 500 ? 'internal error' : (err.message ?? 'bad request');
    res.status(status).json({ error: message });
  };
  app.use(onError);
  return app;
}

/** A route served as a plain Node handler, without express (the hot webhook path). */
export interface PlainRoute {
  matches(req: IncomingMessage): boolean;
  handle(req: IncomingMessage, res: ServerResponse): void;
}

/**
 * What the HTTP server runs: a request a plain route matches is logged as the app logs its own and handled there,
 * costing it no express router (~70 µs and ~10 kB of garbage a request on this machine); any other goes to the app.
 */
export function requestHandler(app: express.Express, plainRoutes: PlainRoute[], log: Logger): (req: IncomingMessage, res: ServerResponse) => void {
  const logRequest = requestLog(log);
  return (req, res) => {
    const route = plainRoutes.find((candidate) => candidate.matches(req));
    if (route) logRequest(req, res, () => route.handle(req, res));
    else app(req, res);
  };
}
