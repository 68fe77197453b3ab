/**
 * POST (or GET) /brevo/burst-done/:token?chunk=N: Brevo calls a burst import's notifyUrl when its process has ended.
 * The call only wakes the burst waiting for it, which then reads the process from Brevo (the call's shape is not
 * documented, so nothing in it is trusted). Unknown tokens get 404 before any body is read.
 */
import { Router, type Request, type Response } from 'express';
import type { Logger } from '../log.js';
import type { BurstCallbacks } from './burst-completion.js';

export const BURST_CALLBACK_PATH = '/brevo/burst-done';

export function burstCallbackRouter(callbacks: BurstCallbacks, log: Logger): Router {
  const router = Router();
  const wake = (req: Request, res: Response) => {
    const chunk = Number(req.query.chunk);
    const seq = Number.isSafeInteger(chunk) && chunk > 0 ? chunk : null;
    if (!callbacks.signal(String(req.params.token), seq)) return void res.status(404).json({ error: 'not found' });
    log.debug({ chunk: seq }, 'brevo burst import finished');
    res.status(200).json({ ok: true });
  };
  router.post(`${BURST_CALLBACK_PATH}/:token`, wake);
  router.get(`${BURST_CALLBACK_PATH}/:token`, wake);
  return router;
}

/** The notifyUrl of one chunk of a burst. */
export function burstNotifyUrl(publicUrl: string, token: string, seq: number): string {
  return `${publicUrl.replace(/\/+$/, '')}${BURST_CALLBACK_PATH}/${token}?chunk=${seq}`;
}
