/**
 * The one SQLite file (WAL). Migrations are numbered and run at start-up inside a transaction, tracked by user_version.
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { MIGRATIONS } from './migrations.js';

export type Db = Database.Database;

export function openDatabase(path: string): Db {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  // NORMAL in WAL mode: a commit is in the WAL (the OS's buffers) before the caller is answered, so it survives the
  // process being killed at any moment; only a power cut in the next instant could lose it. FULL would fsync on the
  // event loop at every commit and cap intake at a few hundred requests per second. SQLITE_SYNCHRONOUS=full restores it.
  db.pragma(`synchronous = ${process.env.SQLITE_SYNCHRONOUS === 'full' ? 'FULL' : 'NORMAL'}`);
  db.pragma('busy_timeout = 5000');
  // System calls are the expensive part of each commit and page read here: keep pages in memory and read by mmap.
  db.pragma('cache_size = -65536');
  db.pragma('mmap_size = 268435456');
  // The WAL file keeps its largest size after a burst unless told otherwise; 64 MB is kept, the rest is given back.
  db.pragma('journal_size_limit = 67108864');
  db.pragma('foreign_keys = ON');
  migrate(db);
  cacheStatements(db);
  return db;
}

/**
 * Stores prepare their SQL where they use it, which keeps each query next to its purpose; compiling is the costly part,
 * so each distinct SQL text is compiled once per connection. (A statement's pluck mode is set on every use that wants it.)
 */
function cacheStatements(db: Db): void {
  const compile = db.prepare.bind(db);
  const cache = new Map<string, Database.Statement>();
  db.prepare = ((sql: string) => {
    let statement = cache.get(sql);
    if (!statement) cache.set(sql, (statement = compile(sql)));
    return statement.reader ? statement.pluck(false) : statement;
  }) as Db['prepare'];
}

export function migrate(db: Db): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  for (const [index, sql] of MIGRATIONS.entries()) {
    const version = index + 1;
    if (version <= current) continue;
    db.transaction(() => {
      db.exec(sql);
      db.pragma(`user_version = ${version}`);
    })();
  }
}
