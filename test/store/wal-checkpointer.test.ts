/**
 * Background WAL checkpoints: the worker thread copies committed pages into the database file while the main
 * connection only appends, and once the WAL is past RESTART_AFTER_PAGES the main connection finishes the job so the
 * WAL starts over instead of growing for as long as commits keep coming.
 */
import { expect } from 'chai';
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { openDatabase, type Db } from '../../src/store/db.js';
import { RESTART_AFTER_PAGES, startWalCheckpointer, type WalCheckpointer } from '../../src/store/wal-checkpointer.js';
import { tempDatabasePath, waitFor } from '../helpers/harness.js';

const PAGE = 4096;

/** How many times the WAL has started over: the checkpoint sequence number in its header (read, not disturbed). */
function walRestarts(path: string): number {
  const header = Buffer.alloc(32);
  const fd = openSync(`${path}-wal`, 'r');
  try {
    readSync(fd, header, 0, 32, 0);
  } finally {
    closeSync(fd);
  }
  return header.readUInt32BE(12);
}

describe('WAL checkpointer', function () {
  this.timeout(30_000);
  let db: Db;
  let path: string;
  let checkpointer: WalCheckpointer | undefined;
  const write = (pages: number) => {
    const insert = db.prepare('INSERT INTO filler (data) VALUES (?)');
    db.transaction(() => { for (let i = 0; i < pages; i++) insert.run('x'.repeat(PAGE - 100)); })();
  };
  beforeEach(() => {
    path = tempDatabasePath();
    db = openDatabase(path);
    db.exec('CREATE TABLE filler (id INTEGER PRIMARY KEY, data TEXT)');
  });
  afterEach(async () => {
    await checkpointer?.stop();
    checkpointer = undefined;
    db.close();
  });

  it('copies commits into the database file from its own thread, the main connection only appending', async () => {
    checkpointer = startWalCheckpointer(db);
    expect(db.pragma('wal_autocheckpoint', { simple: true })).to.be.greaterThan(RESTART_AFTER_PAGES);
    const before = statSync(path).size;
    write(300);
    await waitFor(() => statSync(path).size >= before + 300 * PAGE, 20_000, 'the worker to copy the pages');
  });

  it('lets the WAL start over while commits keep coming, once it is past the threshold', async () => {
    checkpointer = startWalCheckpointer(db);
    write(1);
    const restarts = walRestarts(path);
    // Commit steadily, never pausing long: on its own, a passive checkpoint would never let the WAL start over.
    await waitFor(async () => {
      write(100);
      await new Promise((resolve) => setImmediate(resolve));
      return walRestarts(path) > restarts;
    }, 25_000, 'the WAL to start over');
  });

  it('hands checkpoints back to SQLite when stopped, and does nothing for a database in memory', async () => {
    await startWalCheckpointer(db).stop();
    expect(db.pragma('wal_autocheckpoint', { simple: true })).to.equal(1000);
    const memory = openDatabase(':memory:');
    await startWalCheckpointer(memory).stop();
    memory.close();
  });
});
