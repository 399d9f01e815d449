-- Never lose a message (issue 11).
--
-- The mailbox position is a contiguous mark: every UID at or below mailbox_state.last_uid that is in the mailbox
-- is recorded in `messages` (or was confirmed expunged by the server). UIDs recorded above the mark are simply
-- the `messages` rows with a larger uid: together they are the whole record of what was taken.
--
-- `messages.status` gains 'unfetchable': the server would not give the message's parts by any means (BINARY,
-- BODY, whole source); it is recorded from its headers and left to a person. Rebuilt as SQLite requires to
-- change a CHECK constraint (foreign keys are off while migrations run: see migrate.ts).

CREATE TABLE messages_new (
  id            INTEGER PRIMARY KEY,
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
  status        TEXT NOT NULL CHECK (status IN ('ok', 'problems', 'needs_person', 'ignored', 'error', 'quarantined', 'unfetchable')),
  problems      TEXT NOT NULL DEFAULT '[]',
  error         TEXT,
  headers_key   TEXT NOT NULL,
  text_key      TEXT,
  html_key      TEXT,
  ingested_at   TEXT NOT NULL,
  processed_at  TEXT NOT NULL,
  -- a quarantined or unfetchable message is tried again alone, at most once a day: when it last was
  retried_at    TEXT
);
INSERT INTO messages_new (id, content_hash, message_id, mailbox, uid_validity, uid, source_file, from_address, from_name, reply_to,
    subject, received_at, size, kind, kind_reason, status, problems, error, headers_key, text_key, html_key, ingested_at, processed_at)
  SELECT id, content_hash, message_id, mailbox, uid_validity, uid, source_file, from_address, from_name, reply_to,
    subject, received_at, size, kind, kind_reason, status, problems, error, headers_key, text_key, html_key, ingested_at, processed_at
  FROM messages;
DROP TABLE messages;
ALTER TABLE messages_new RENAME TO messages;
CREATE UNIQUE INDEX messages_by_uid ON messages (mailbox, uid_validity, uid) WHERE uid IS NOT NULL;
CREATE INDEX messages_by_message_id ON messages (message_id);
CREATE INDEX messages_by_received ON messages (received_at);
CREATE INDEX messages_due_retry ON messages (status, retried_at) WHERE status IN ('quarantined', 'unfetchable');

-- What the last reconciliation found: UIDs at or below the mark that the mailbox has and `messages` does not.
ALTER TABLE mailbox_state ADD COLUMN gaps INTEGER NOT NULL DEFAULT 0;
ALTER TABLE mailbox_state ADD COLUMN gap_uids TEXT NOT NULL DEFAULT '[]';
ALTER TABLE mailbox_state ADD COLUMN reconciled_at TEXT;

ALTER TABLE poll_runs ADD COLUMN vanished INTEGER NOT NULL DEFAULT 0;
ALTER TABLE poll_runs ADD COLUMN unfetchable INTEGER NOT NULL DEFAULT 0;
ALTER TABLE poll_runs ADD COLUMN reconnects INTEGER NOT NULL DEFAULT 0;
ALTER TABLE poll_runs ADD COLUMN gaps INTEGER NOT NULL DEFAULT 0;
