/** The express app: routers mounted by the caller (each parses its own body, after its own auth), errors answered without internals. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import express, { type ErrorRequestHandler, type Router } from 'express';
import type { Logger } from '../log.js';
import { requestLog } from './request-log.js';

/** A route that answers by itself, as a plain Node handler (the hot webhook path): true when it took the request. */
export type PlainRoute = (req: IncomingMessage, res: ServerResponse) => boolean;

export function createApp(routers: Router[], log: Logger, plainRoutes: PlainRoute[] = []): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(requestLog(log));
  // Before the routers: a plain route costs its request no router matching and no express body or response helpers.
  app.use((req, res, next) => {
    if (!plainRoutes.some((route) => route(req, res))) next();
  });
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
