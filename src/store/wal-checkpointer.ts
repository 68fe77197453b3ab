/**
 * WAL checkpoints on a worker thread, with a connection of its own. SQLite's automatic checkpoint runs inside the
 * commit that crosses the threshold, on the event loop, and with `synchronous = NORMAL` it fsyncs the WAL and the
 * database file: ~20 ms here for 1,000 pages, during which every request waits. A PASSIVE checkpoint from another
 * connection copies the same pages while the main connection keeps committing (WAL allows one checkpointer beside
 * readers and a writer), so the event loop only ever appends to the WAL.
 *
 * The main connection keeps a much higher automatic threshold as a safety net: if this thread stopped keeping up, the
 * WAL would still be bounded, at the old cost.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Db } from './db.js';

/** Pages of WAL (4 kB each) after which the main connection checkpoints by itself: only if this thread falls behind. */
export const FALLBACK_AUTOCHECKPOINT_PAGES = 40_000;

const SQLITE_DEFAULT_AUTOCHECKPOINT_PAGES = 1000;

/** Often enough that a round copies a few hundred pages at most, even under full intake. */
export const CHECKPOINT_INTERVAL_MS = 100;

export interface WalCheckpointer {
  stop(): Promise<void>;
}

// An eval'd CommonJS worker: no file to resolve, the same under tsx and in dist/. A busy database is not an error
// here: the next round copies what this one could not.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path, { fileMustExist: true });
db.pragma('busy_timeout = 0');
const timer = setInterval(() => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
    if (workerData.restart) db.pragma('wal_checkpoint(RESTART)');
  } catch (err) {
    if (err.code !== 'SQLITE_BUSY' && err.code !== 'SQLITE_LOCKED') parentPort.postMessage(err.message);
  }
}, workerData.intervalMs);
parentPort.on('message', () => {
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

/** Starts checkpointing the database file behind `db` (a no-op for an in-memory database). */
export function startWalCheckpointer(db: Db, options: { intervalMs?: number; onError?: (message: string) => void } = {}): WalCheckpointer {
  if (db.memory || process.env.XCP === 'off') return { stop: async () => {} };
  db.pragma(`wal_autocheckpoint = ${FALLBACK_AUTOCHECKPOINT_PAGES}`);
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { driver, path: db.name, intervalMs: options.intervalMs ?? CHECKPOINT_INTERVAL_MS, restart: process.env.XCP !== 'passive' } });
  worker.on('message', (message: string) => options.onError?.(message));
  worker.on('error', (err) => options.onError?.(err.message));
  let stopping = false;
  const exited = new Promise<void>((resolve) => worker.once('exit', () => {
    // Died on its own: the main connection goes back to SQLite's own small, frequent checkpoints.
    if (!stopping && db.open) db.pragma(`wal_autocheckpoint = ${SQLITE_DEFAULT_AUTOCHECKPOINT_PAGES}`);
    resolve();
  }));
  return {
    async stop() {
      stopping = true;
      worker.postMessage('stop');
      await exited;
    },
  };
}
