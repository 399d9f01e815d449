-- Every mail the service means to send (replies, receipts, digests), recorded before it is sent.
-- Intent and result are separate commits: 'pending' → 'sending' (committed before SMTP) → 'sent'. A row found
-- 'sending' after a restart may or may not have reached the server: it becomes 'unknown' and is never sent
-- again automatically (at-most-once); `replies --resend ID` sends its stored bytes by hand.
CREATE TABLE outbox (
  id               INTEGER PRIMARY KEY,
  kind             TEXT NOT NULL CHECK (kind IN ('reply', 'receipt', 'digest')),
  -- the received message a reply answers (null for digests)
  message_id       INTEGER REFERENCES messages (id) ON DELETE SET NULL,
  -- JSON array of envelope recipients: the submitter for a reply, the organizers for a digest
  recipients       TEXT NOT NULL,
  -- the submitter answered (replies and receipts; null for digests): the per-sender cap counts by it
  recipient        TEXT,
  -- one mail per key: reply:<sender, work, problem set>, receipt:<…>, digest:<YYYY-MM-DD>; null on capped rows
  dedupe_key       TEXT UNIQUE,
  -- the key the row would have had (kept on capped rows, for the record)
  intent_key       TEXT,
  -- hash of what the answered message contained (attachments, body): recognizes an exact resend
  fingerprint      TEXT,
  -- local day (contest time zone) the intent was recorded: the caps count per day
  day              TEXT NOT NULL,
  -- fixed when the intent is recorded: a resend carries the same Message-ID and Date
  mail_message_id  TEXT NOT NULL UNIQUE,
  mail_date        TEXT NOT NULL,
  subject          TEXT NOT NULL,
  -- what renders the mail (JSON), for rows rendered at delivery
  payload          TEXT,
  -- the RFC 822 bytes, stored once rendered: every send of the row sends these same bytes
  raw              BLOB,
  status           TEXT NOT NULL CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'capped', 'unknown')),
  reason           TEXT,
  attempts         INTEGER NOT NULL DEFAULT 0,
  next_attempt_at  TEXT,
  last_error_code  TEXT,
  last_error       TEXT,
  delivered_via    TEXT,
  created_at       TEXT NOT NULL,
  updated_at       TEXT NOT NULL,
  sent_at          TEXT
);
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
CREATE INDEX outbox_by_day ON outbox (day, kind);
CREATE INDEX outbox_by_recipient ON outbox (recipient, day);
CREATE INDEX outbox_by_message ON outbox (message_id);
CREATE INDEX outbox_by_fingerprint ON outbox (recipient, fingerprint);
