/**
 * Bounded waits for a clean shutdown: the HTTP server stops accepting connections at once, requests in flight get
 * their answers until a deadline, and whatever still runs then is cut (its client got no answer, so nothing it sent
 * counts as accepted).
 */
import type { Server } from 'node:http';

/** How often connections that went idle are closed while the server drains. */
const IDLE_SWEEP_MS = 50;

/** True when `work` settles (either way) within `ms`; false when the time ran out first. */
export async function settlesWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), Math.max(0, ms))));
  try {
    return await Promise.race([work.then(() => true, () => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Stops listening, lets requests in flight finish for up to `graceMs`, then closes every connection left. Resolves with
 * the number of connections that had to be cut.
 */
export async function closeGracefully(server: Server, graceMs: number): Promise<number> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  // server.close() only closes the keep-alive connections idle at that instant: one whose answer is sent later would
  // stay open (and hold the close) until its keep-alive timeout, so idle ones are closed as they appear.
  const sweep = setInterval(() => server.closeIdleConnections(), IDLE_SWEEP_MS);
  try {
    if (await settlesWithin(closed, graceMs)) return 0;
    const cut = await new Promise<number>((resolve) => server.getConnections((err, count) => resolve(err ? 0 : count)));
    server.closeAllConnections();
    await closed;
    return cut;
  } finally {
    clearInterval(sweep);
  }
}
