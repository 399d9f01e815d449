-- Works read from the forms, and the unit aliases the organizers add at run time.

-- One row per registration form or summary row, as recorded from one message. Reprocessing a message updates
-- its rows in place (same message_id, source_index), so ids, and the links between rows, stay stable.
-- Columns below "derived" are recomputed from the set of rows that share a link or a (party, title).
CREATE TABLE entries (
  id                  INTEGER PRIMARY KEY,
  message_id          INTEGER NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
  source_index        INTEGER NOT NULL,
  source_row          INTEGER,
  form                TEXT NOT NULL CHECK (form IN ('registration', 'summary')),
  message_kind        TEXT NOT NULL CHECK (message_kind IN ('individual', 'unit_summary')),
  sender              TEXT,
  forwarded_from      TEXT,
  -- unit:<name> | unit?:<normalized raw name> | sender:<address>: who may supersede whose versions
  party               TEXT NOT NULL,
  -- the configured unit that sent this row (summary header or forwarding unit), and its name as written
  recommended_by_unit TEXT,
  recommender_text    TEXT,
  title               TEXT,
  title_key           TEXT,
  authors             TEXT NOT NULL DEFAULT '[]',
  occupation          TEXT,
  unit_text           TEXT,
  links               TEXT NOT NULL DEFAULT '[]',
  other_links         TEXT NOT NULL DEFAULT '[]',
  primary_link        TEXT,
  phone               TEXT,
  address             TEXT,
  intro               TEXT,
  new_employment      INTEGER NOT NULL DEFAULT 0,
  -- problems found by validation (this row alone)
  validation_problems TEXT NOT NULL DEFAULT '[]',
  raw                 TEXT NOT NULL DEFAULT '{}',
  received_at         TEXT NOT NULL,
  created_at          TEXT NOT NULL,
  -- derived
  status              TEXT NOT NULL CHECK (status IN ('valid', 'problems', 'duplicate', 'superseded')),
  problems            TEXT NOT NULL DEFAULT '[]',
  duplicate_of        INTEGER REFERENCES entries (id) ON DELETE SET NULL,
  supersedes          INTEGER REFERENCES entries (id) ON DELETE SET NULL,
  merged              INTEGER NOT NULL DEFAULT 0,
  credited_unit       TEXT,
  UNIQUE (message_id, source_index)
);
CREATE INDEX entries_by_party_title ON entries (party, title_key);
CREATE INDEX entries_by_status ON entries (status);

-- Every canonical Douyin link of an entry (a group has several): finds the same work across entries.
CREATE TABLE entry_links (
  entry_id  INTEGER NOT NULL REFERENCES entries (id) ON DELETE CASCADE,
  link      TEXT NOT NULL,
  PRIMARY KEY (entry_id, link)
);
CREATE INDEX entry_links_by_link ON entry_links (link);

-- Spellings of unit names mapped by the organizers (`units alias add`); config/contest.json holds the rest.
CREATE TABLE unit_aliases (
  alias      TEXT PRIMARY KEY,
  unit_name  TEXT NOT NULL,
  added_at   TEXT NOT NULL
);
