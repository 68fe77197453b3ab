/**
 * Every request gets an id (the caller's X-Request-Id when it is a sane token, else a new UUID), echoed in the
 * answer and carried by every log line written while handling it; each request is logged at debug level on its end,
 * with the hook secret taken out of the URL.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { redactUrl, withLogContext, type Logger } from '../log.js';

const SANE_ID = /^[\w.:-]{1,64}$/;

/** Express middleware, and also usable on plain Node requests (the webhook route runs before express). */
export function requestLog(log: Logger): (req: IncomingMessage & { originalUrl?: string }, res: ServerResponse, next: () => void) => void {
  return (req, res, next) => {
    const given = req.headers['x-request-id'];
    const reqId = typeof given === 'string' && SANE_ID.test(given) ? given : randomUUID();
    res.setHeader('X-Request-Id', reqId);
    const started = process.hrtime.bigint();
    withLogContext({ reqId }, () => {
      res.on('finish', () => {
        const ms = Number(process.hrtime.bigint() - started) / 1e6;
        log.debug({ reqId, method: req.method, url: redactUrl(req.originalUrl ?? req.url ?? ''), status: res.statusCode, ms: Math.round(ms) }, 'request');
      });
      next();
    });
  };
}
