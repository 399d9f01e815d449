-- Replies people can act on (issue 13).
--
-- `outbox.status` gains 'dropped': a receipt that could not go out within replies.receiptMaxAgeHours (the daily
-- cap, a server that refused for a day) is dropped rather than sent late. `outbox.reason` now holds the reply's
-- class (must_fix, final, organizers, advice, receipt; digest), which orders delivery under the daily cap.
-- `outbox.work_keys` holds the works a receipt or reply speaks of (JSON array of canonical links, or title keys):
-- each work gets one receipt. Rebuilt as SQLite requires to change a CHECK constraint.

CREATE TABLE outbox_new (
  id               INTEGER PRIMARY KEY,
  kind             TEXT NOT NULL CHECK (kind IN ('reply', 'receipt', 'digest')),
  message_id       INTEGER REFERENCES messages (id) ON DELETE SET NULL,
  recipients       TEXT NOT NULL,
  recipient        TEXT,
  dedupe_key       TEXT UNIQUE,
  intent_key       TEXT,
  fingerprint      TEXT,
  day              TEXT NOT NULL,
  mail_message_id  TEXT NOT NULL UNIQUE,
  mail_date        TEXT NOT NULL,
  subject          TEXT NOT NULL,
  payload          TEXT,
  raw              BLOB,
  status           TEXT NOT NULL CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'capped', 'unknown', 'dropped')),
  reason           TEXT,
  attempts         INTEGER NOT NULL DEFAULT 0,
  next_attempt_at  TEXT,
  last_error_code  TEXT,
  last_error       TEXT,
  delivered_via    TEXT,
  created_at       TEXT NOT NULL,
  updated_at       TEXT NOT NULL,
  sent_at          TEXT,
  work_keys        TEXT NOT NULL DEFAULT '[]'
);
INSERT INTO outbox_new (id, kind, message_id, recipients, recipient, dedupe_key, intent_key, fingerprint, day, mail_message_id,
    mail_date, subject, payload, raw, status, reason, attempts, next_attempt_at, last_error_code, last_error, delivered_via,
    created_at, updated_at, sent_at)
  SELECT id, kind, message_id, recipients, recipient, dedupe_key, intent_key, fingerprint, day, mail_message_id,
    mail_date, subject, payload, raw, status,
    -- before classes, a reply's reason was 'reply': it asked for a fix
    CASE WHEN kind = 'reply' AND reason = 'reply' THEN 'must_fix' ELSE reason END,
    attempts, next_attempt_at, last_error_code, last_error, delivered_via, created_at, updated_at, sent_at
  FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_new RENAME TO outbox;
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
CREATE INDEX outbox_by_day ON outbox (day, kind);
CREATE INDEX outbox_by_recipient ON outbox (recipient, day);
CREATE INDEX outbox_by_message ON outbox (message_id);
CREATE INDEX outbox_by_fingerprint ON outbox (recipient, fingerprint);
CREATE INDEX outbox_by_sent ON outbox (sent_at) WHERE sent_at IS NOT NULL;
