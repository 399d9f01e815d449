-- Messages as they arrive, their attachments, the mailbox position and the poll history.

CREATE TABLE mailbox_state (
  mailbox       TEXT PRIMARY KEY,
  uid_validity  INTEGER NOT NULL,
  last_uid      INTEGER NOT NULL,
  updated_at    TEXT NOT NULL
);

CREATE TABLE messages (
  id            INTEGER PRIMARY KEY,
  -- sha256 of the header block and the size: recognizes a message APPENDed again after a UIDVALIDITY reset
  content_hash  TEXT NOT NULL UNIQUE,
  message_id    TEXT,
  mailbox       TEXT,
  uid_validity  INTEGER,
  uid           INTEGER,
  source_file   TEXT,
  from_address  TEXT,
  from_name     TEXT,
  reply_to      TEXT,
  subject       TEXT NOT NULL,
  received_at   TEXT NOT NULL,
  size          INTEGER NOT NULL,
  kind          TEXT NOT NULL CHECK (kind IN ('individual', 'unit_summary', 'automated', 'not_contest')),
  kind_reason   TEXT,
  status        TEXT NOT NULL CHECK (status IN ('ok', 'problems', 'needs_person', 'ignored', 'error', 'quarantined')),
  problems      TEXT NOT NULL DEFAULT '[]',
  error         TEXT,
  headers_key   TEXT NOT NULL,
  text_key      TEXT,
  html_key      TEXT,
  ingested_at   TEXT NOT NULL,
  processed_at  TEXT NOT NULL
);
CREATE UNIQUE INDEX messages_by_uid ON messages (mailbox, uid_validity, uid) WHERE uid IS NOT NULL;
CREATE INDEX messages_by_message_id ON messages (message_id);
CREATE INDEX messages_by_received ON messages (received_at);

CREATE TABLE attachments (
  id             INTEGER PRIMARY KEY,
  message_id     INTEGER NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
  part           TEXT NOT NULL,
  filename       TEXT,
  content_type   TEXT NOT NULL,
  size           INTEGER NOT NULL,
  inline         INTEGER NOT NULL,
  downloaded     INTEGER NOT NULL,
  skipped        TEXT,
  sha256         TEXT,
  forwarded_from TEXT,
  UNIQUE (message_id, part)
);

CREATE TABLE poll_runs (
  id           INTEGER PRIMARY KEY,
  source       TEXT NOT NULL,
  started_at   TEXT NOT NULL,
  finished_at  TEXT,
  status       TEXT NOT NULL CHECK (status IN ('running', 'ok', 'failed')),
  fetched      INTEGER NOT NULL DEFAULT 0,
  known        INTEGER NOT NULL DEFAULT 0,
  failed       INTEGER NOT NULL DEFAULT 0,
  error_code   TEXT,
  error        TEXT
);

-- Messages whose processing failed: counted so that one that fails again and again is quarantined, not retried forever.
CREATE TABLE message_failures (
  mailbox       TEXT NOT NULL,
  uid_validity  INTEGER NOT NULL,
  uid           INTEGER NOT NULL,
  attempts      INTEGER NOT NULL,
  last_error    TEXT NOT NULL,
  updated_at    TEXT NOT NULL,
  PRIMARY KEY (mailbox, uid_validity, uid)
);
