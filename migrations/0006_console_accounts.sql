-- The organizers' web console: accounts, server-side sessions and the audit log of what people did.

-- Who may log in. password_hash is scrypt with a per-user salt (`scrypt$N$r$p$<salt b64>$<hash b64>`).
-- failed_logins counts wrong passwords since the last good one; the sixth locks the account until locked_until.
CREATE TABLE users (
  id                   INTEGER PRIMARY KEY,
  name                 TEXT NOT NULL UNIQUE COLLATE NOCASE,
  role                 TEXT NOT NULL CHECK (role IN ('viewer', 'organizer', 'admin')),
  password_hash        TEXT NOT NULL,
  failed_logins        INTEGER NOT NULL DEFAULT 0,
  locked_until         TEXT,
  created_at           TEXT NOT NULL,
  password_changed_at  TEXT NOT NULL
);

-- One row per login. The cookie carries a random token; only its sha256 is stored, so a copy of the database (a
-- backup) opens no session. Logging out, removing the user or changing the password revokes the row.
CREATE TABLE sessions (
  token_hash    TEXT PRIMARY KEY,
  user_id       INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  -- the synchronizer token every form of this session must carry
  csrf_token    TEXT NOT NULL,
  created_at    TEXT NOT NULL,
  last_seen_at  TEXT NOT NULL,
  expires_at    TEXT NOT NULL,
  revoked_at    TEXT
);
CREATE INDEX sessions_by_user ON sessions (user_id);

-- Every action a person took in the console (and logins): who, when, what, the value before and after.
-- user_name is copied, not referenced: the record outlives the account.
CREATE TABLE audit_log (
  id          INTEGER PRIMARY KEY,
  at          TEXT NOT NULL,
  user_name   TEXT NOT NULL,
  action      TEXT NOT NULL,
  entry_id    INTEGER,
  message_id  INTEGER,
  outbox_id   INTEGER,
  field       TEXT,
  before      TEXT,
  after       TEXT,
  reason      TEXT
);
CREATE INDEX audit_by_entry ON audit_log (entry_id);
CREATE INDEX audit_by_message ON audit_log (message_id);
