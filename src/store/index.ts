/** The store: one database handle and one object per table. */
import { openDatabase, type Db } from './db.js';
import { JobStore } from './jobs.js';
import { DeadLetterStore } from './dead-letters.js';
import { PartnerSyncStore } from './partner-sync.js';
import { WatermarkStore } from './watermarks.js';
import { Inbox } from './inbox.js';
import { InitialSyncStore } from './initial-sync.js';
import { RunStore } from './runs.js';

export interface Store {
  db: Db;
  jobs: JobStore;
  deadLetters: DeadLetterStore;
  partners: PartnerSyncStore;
  watermarks: WatermarkStore;
  inbox: Inbox;
  initialSync: InitialSyncStore;
  runs: RunStore;
  close(): void;
}

export function openStore(path: string, now: () => number = Date.now): Store {
  const db = openDatabase(path);
  return {
    db,
    jobs: new JobStore(db, now),
    deadLetters: new DeadLetterStore(db, now),
    partners: new PartnerSyncStore(db, now),
    watermarks: new WatermarkStore(db, now),
    inbox: new Inbox(db, now),
    initialSync: new InitialSyncStore(db, now),
    runs: new RunStore(db, now),
    close: () => db.close(),
  };
}
