/** Records every /v3 request at arrival, then its status and duration once answered. */
import type { NextFunction, Request, Response } from 'express';
import type { FakeBrevoCall } from '../types.js';
import type { AppDeps } from './deps.js';

function splitUrl(url: string): { path: string; query: Record<string, string> } {
  const i = url.indexOf('?');
  const path = i < 0 ? url : url.slice(0, i);
  const query: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(i < 0 ? '' : url.slice(i + 1))) {
    query[k] = k in query ? `${query[k]},${v}` : v;
  }
  return { path, query };
}

export function recordCalls(deps: AppDeps) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const started = performance.now();
    const apiKey = req.get('api-key');
    const call: FakeBrevoCall = {
      at: deps.opts.now(),
      method: req.method,
      ...splitUrl(req.originalUrl),
      status: 0,
      ms: 0,
      ...(apiKey !== undefined ? { apiKey } : {}),
    };
    deps.calls.push(call);
    res.locals.call = call;
    res.on('finish', () => {
      call.status = res.statusCode;
    });
    // 'close' also ends hung and dropped requests, which keep status 0.
    res.on('close', () => {
      call.ms = Math.round(performance.now() - started);
    });
    next();
  };
}

/** Runs after the JSON parser so the log holds the parsed body. */
export function recordBody(req: Request, res: Response, next: NextFunction): void {
  if (req.body !== undefined) (res.locals.call as FakeBrevoCall).body = req.body;
  next();
}
