/** /healthz: the process answers. /readyz: every dependency check passes, else 503 with the failing ones. */
import { Router } from 'express';

export type ReadinessCheck = () => Promise<{ ok: boolean; detail?: string }>;

export function healthRouter(checks: Record<string, ReadinessCheck>): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const results = await Promise.all(
      Object.entries(checks).map(async ([name, check]) => {
        try {
          return [name, await check()] as const;
        } catch (err) {
          return [name, { ok: false, detail: (err as Error).message }] as const;
        }
      }),
    );
    const failing = Object.fromEntries(results.filter(([, r]) => !r.ok));
    const ready = Object.keys(failing).length === 0;
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'unready', checks: Object.fromEntries(results), failing: Object.keys(failing) });
  });
  return router;
}
