/**
 * WAL checkpoints mostly off the event loop. SQLite's automatic checkpoint runs inside the commit that crosses its
 * threshold, on the event loop, and with `synchronous = NORMAL` it fsyncs the WAL and the database file: ~20 ms here
 * for 1,000 pages, during which every request waits, and ~2.5 µs per event of intake in all.
 *
 * So a worker thread, with a connection of its own, copies the WAL into the database every CHECKPOINT_INTERVAL_MS
 * (PASSIVE: beside the main connection's commits, never blocking them). A passive checkpoint cannot reset the WAL
 * while commits keep coming, though: the WAL starts over only when a commit finds every frame already copied. Hence
 * the second half: once the WAL is past RESTART_AFTER_PAGES and the worker has caught up, the main connection runs one
 * checkpoint itself, between two requests, which has only the last few commits' pages left to copy; its next commit
 * then starts the WAL over.
 *
 * The main connection keeps a much higher automatic threshold as a safety net, and goes back to SQLite's own when the
 * worker stops or dies.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Db } from './db.js';

/** Often enough that each round copies a few hundred pages at most, even under full intake. */
export const CHECKPOINT_INTERVAL_MS = 50;
/** WAL size (4 kB pages) from which the main connection finishes a caught-up checkpoint, so that the WAL starts over. */
export const RESTART_AFTER_PAGES = 4000;
/** Pages of WAL after which the main connection checkpoints by itself: only if the worker falls behind. */
export const FALLBACK_AUTOCHECKPOINT_PAGES = 40_000;
const SQLITE_DEFAULT_AUTOCHECKPOINT_PAGES = 1000;

export interface WalCheckpointer {
  stop(): Promise<void>;
}

interface Round {
  /** Frames in the WAL, and frames copied into the database, when the worker's checkpoint ended. */
  log: number;
  checkpointed: number;
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
    const [round] = db.pragma('wal_checkpoint(PASSIVE)');
    if (round.log >= workerData.restartAfter) parentPort.postMessage({ log: round.log, checkpointed: round.checkpointed });
  } catch (err) {
    if (err.code !== 'SQLITE_BUSY' && err.code !== 'SQLITE_LOCKED') parentPort.postMessage({ error: err.message });
  }
}, workerData.intervalMs);
parentPort.on('message', () => {
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

/** Starts checkpointing the database file behind `db` (a no-op for an in-memory database). */
export function startWalCheckpointer(db: Db, onError: (message: string) => void = () => {}): WalCheckpointer {
  if (db.memory) return { stop: async () => {} };
  db.pragma(`wal_autocheckpoint = ${FALLBACK_AUTOCHECKPOINT_PAGES}`);
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: {
      driver: createRequire(import.meta.url).resolve('better-sqlite3'), path: db.name, intervalMs: CHECKPOINT_INTERVAL_MS,
      restartAfter: RESTART_AFTER_PAGES,
    },
  });
  worker.on('message', (message: Round | { error: string }) => {
    if ('error' in message) onError(message.error);
    else if (message.checkpointed === message.log && db.open) finishCheckpoint(db, onError);
  });
  worker.on('error', (err) => onError(err.message));
  // Stopped, or dead on its own: the main connection goes back to SQLite's own checkpoints.
  const exited = new Promise<void>((resolve) => worker.once('exit', () => {
    if (db.open) db.pragma(`wal_autocheckpoint = ${SQLITE_DEFAULT_AUTOCHECKPOINT_PAGES}`);
    resolve();
  }));
  return {
    async stop() {
      worker.postMessage('stop');
      await exited;
    },
  };
}

/** The main connection's share: copy what was committed since the worker's round, so that the WAL can start over. */
function finishCheckpoint(db: Db, onError: (message: string) => void): void {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code !== 'SQLITE_BUSY' && code !== 'SQLITE_LOCKED') onError((err as Error).message);
  }
}
