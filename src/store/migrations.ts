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
  -- AUTOINCREMENT: ids are never reused, since partners remember the highest event id applied to them.
  CREATE TABLE events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
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
  `,
  /* 3: initial sync checkpoints: runs, identifiers seen, contacts awaiting their import, chunks, import callbacks */ `
  CREATE TABLE initial_sync_runs (
    id INTEGER PRIMARY KEY,
    status TEXT NOT NULL CHECK (status IN ('running', 'failed', 'done', 'abandoned')),
    options TEXT NOT NULL,
    token TEXT NOT NULL UNIQUE,
    cursor INTEGER NOT NULL DEFAULT 0,
    counters TEXT NOT NULL,
    invocations INTEGER NOT NULL DEFAULT 1,
    pid INTEGER,
    started_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    finished_at INTEGER
  );
  -- 'email:<address>' and 'SMS:<number>' (Brevo's unique identifiers) already owned by a lower partner id in this run.
  CREATE TABLE initial_sync_identifiers (
    run_id INTEGER NOT NULL,
    key TEXT NOT NULL,
    partner_id INTEGER NOT NULL,
    PRIMARY KEY (run_id, key)
  ) WITHOUT ROWID;
  -- Import rows from the page that read them to the confirmation of their import. chunk is the import they belong
  -- to (rows of one chunk are inserted in partner id order); left_out holds phone attributes kept out of the row.
  CREATE TABLE initial_sync_contacts (
    run_id INTEGER NOT NULL,
    chunk INTEGER NOT NULL,
    partner_id INTEGER NOT NULL,
    blacklisted INTEGER NOT NULL,
    bytes INTEGER NOT NULL,
    item TEXT NOT NULL,
    left_out TEXT,
    hash TEXT NOT NULL,
    write_date TEXT NOT NULL,
    read_at INTEGER NOT NULL
  );
  CREATE INDEX initial_sync_contacts_chunk ON initial_sync_contacts (run_id, chunk);
  CREATE TABLE initial_sync_chunks (
    run_id INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    blacklisted INTEGER NOT NULL,
    contacts INTEGER NOT NULL,
    bytes INTEGER NOT NULL,
    first_partner_id INTEGER NOT NULL,
    last_partner_id INTEGER NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('built', 'sent', 'completed', 'failed', 'planned')),
    process_id INTEGER,
    error TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    sent_at INTEGER,
    polled_at INTEGER,
    done_at INTEGER,
    PRIMARY KEY (run_id, seq)
  );
  -- Written by POST /brevo/import-done/:token (the sidecar), read by the initial-sync process.
  CREATE TABLE import_completions (
    id INTEGER PRIMARY KEY,
    run_id INTEGER NOT NULL,
    process_id INTEGER,
    chunk INTEGER,
    status TEXT,
    body TEXT,
    received_at INTEGER NOT NULL
  );
  CREATE INDEX import_completions_run ON import_completions (run_id, id);
  `,
  /* 4: a staged initial-sync row carries its mapped contact, so confirming an import is one INSERT … SELECT */ `
  ALTER TABLE initial_sync_contacts ADD COLUMN contact TEXT;
  `,
  /* 5: the outbox finds a key's running job by index (claims, and the burst's count of due jobs, skip running keys) */ `
  CREATE INDEX jobs_key_status ON jobs (kind, key, status);
  `,
  /* 6: /readyz proves the database writable by committing one row here */ `
  CREATE TABLE health_probe (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    checked_at INTEGER NOT NULL
  );
  `,
  /* 7: the inbox rebuilt for intake speed, every event kept with its id (Inbox explains both changes):
        its status CHECK as comparisons (an IN list built a temporary table at every INSERT, half of its cost), and
        its keys starting with the event's time in hex seconds (Inbox.storageKey), so that recent events sort together */ `
  CREATE TABLE events_v7 (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    provider TEXT NOT NULL,
    dedupe_key TEXT NOT NULL UNIQUE,
    type TEXT NOT NULL,
    provider_type TEXT NOT NULL,
    email TEXT,
    occurred_at INTEGER,
    received_at INTEGER NOT NULL,
    event TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status = 'pending' OR status = 'applied' OR status = 'ignored' OR status = 'dead'),
    note TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    applied_at INTEGER,
    last_error TEXT
  );
  INSERT INTO events_v7 (id, provider, dedupe_key, type, provider_type, email, occurred_at, received_at, event, status,
      note, attempts, next_attempt_at, applied_at, last_error)
    SELECT id, provider, printf('%08x', CASE WHEN occurred_at >= 0 THEN occurred_at / 1000 ELSE 0 END) || ':' || dedupe_key,
      type, provider_type, email, occurred_at, received_at, event, status, note, attempts, next_attempt_at, applied_at,
      last_error
    FROM events ORDER BY id;
  -- Ids are never reused: the new table continues the old sequence, which may be past the highest id kept.
  DELETE FROM sqlite_sequence WHERE name = 'events_v7';
  INSERT INTO sqlite_sequence (name, seq) SELECT 'events_v7', seq FROM sqlite_sequence WHERE name = 'events';
  DROP TABLE events;
  ALTER TABLE events_v7 RENAME TO events;
  CREATE INDEX events_pending ON events (status, next_attempt_at) WHERE status = 'pending';
  `,
];
