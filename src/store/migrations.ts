/** Numbered schema migrations: append, never edit a released one. Times are ms since the epoch (UTC). */
export const MIGRATIONS: string[] = [
  /* 1: outbox, dead letters, sync state, runs */ `
  CREATE TABLE jobs (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    payload TEXT NOT NULL DEFAULT '{}',
    status TEXT NOT NULL CHECK (status IN ('pending', 'running')),
    source TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_run_at INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    first_attempt_at INTEGER,
    last_attempt_at INTEGER,
    last_error TEXT
  );
  -- At most one waiting job per partner: enqueueing again coalesces. A running job may have one waiting successor.
  CREATE UNIQUE INDEX jobs_one_pending ON jobs (kind, key) WHERE status = 'pending';
  CREATE INDEX jobs_due ON jobs (status, next_run_at);

  CREATE TABLE dead_letters (
    id INTEGER PRIMARY KEY,
    job_id INTEGER NOT NULL,
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    payload TEXT NOT NULL,
    source TEXT,
    error_status INTEGER,
    error_code TEXT,
    error_message TEXT NOT NULL,
    error_detail TEXT,
    attempts INTEGER NOT NULL,
    first_attempt_at INTEGER,
    last_attempt_at INTEGER,
    created_at INTEGER NOT NULL
  );
  CREATE INDEX dead_letters_kind ON dead_letters (kind, error_code);

  CREATE TABLE watermarks (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    updated_at INTEGER NOT NULL
  );

  CREATE TABLE partner_sync (
    partner_id INTEGER PRIMARY KEY,
    contact_hash TEXT,
    contact_json TEXT,
    email TEXT,
    blacklisted INTEGER NOT NULL DEFAULT 0,
    sent_at INTEGER,
    read_write_date TEXT,
    read_at INTEGER,
    hook_write_date TEXT,
    skip_reason TEXT,
    duplicate_of INTEGER
  );

  CREATE TABLE runs (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    started_at INTEGER NOT NULL,
    finished_at INTEGER,
    report TEXT
  );
  `,
  /* 2: inbox of webhook events */ `
  CREATE TABLE events (
    id INTEGER PRIMARY KEY,
    provider TEXT NOT NULL,
    dedupe_key TEXT NOT NULL UNIQUE,
    type TEXT NOT NULL,
    provider_type TEXT NOT NULL,
    email TEXT,
    occurred_at INTEGER,
    received_at INTEGER NOT NULL,
    event TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'applied', 'ignored', 'dead')),
    note TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    applied_at INTEGER,
    last_error TEXT
  );
  CREATE INDEX events_pending ON events (status, next_attempt_at) WHERE status = 'pending';
  CREATE INDEX events_email ON events (email);
  `,
];
