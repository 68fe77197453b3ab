/** The express app of one fake instance; middleware order is the point of this file. */
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { recordBody, recordCalls } from './call-log.js';
import { controlRouter } from './control.js';
import type { AppDeps } from './deps.js';
import { injectFaults, latency, rateLimit, requireKey } from './gate.js';
import { errorHandler, notServed, operationsRouter } from './operations.js';

/** Far above Brevo's 10 MB import maximum, so that the fake (not body-parser) refuses big imports. */
const BODY_LIMIT = '64mb';

/** A malformed body is only reported after the key and rate checks, as an API would. */
function deferBodyError(err: unknown, _req: Request, res: Response, next: NextFunction): void {
  res.locals.bodyError = err;
  next();
}

export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use('/__fake', controlRouter(deps));
  const v3 = express.Router();
  v3.use(recordCalls(deps));
  v3.use(
    express.json({
      limit: BODY_LIMIT,
      verify: (_req, res, buf) => {
        (res as unknown as Response).locals.rawBodyBytes = buf.length;
      },
    }),
    deferBodyError,
  );
  v3.use(recordBody);
  v3.use(latency(deps), injectFaults(deps), requireKey(deps), rateLimit(deps));
  v3.use(operationsRouter(deps));
  v3.use(notServed(deps));
  app.use('/v3', v3);
  app.use(errorHandler);
  return app;
}
