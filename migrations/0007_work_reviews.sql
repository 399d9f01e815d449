-- What organizers decide about a work in the console. Kept beside the entries, never in them: reprocessing
-- rewrites an entry's extracted columns, and a person's decision must survive that.

-- One row per entry a person has looked at or decided about.
CREATE TABLE entry_reviews (
  entry_id         INTEGER PRIMARY KEY REFERENCES entries (id) ON DELETE CASCADE,
  checked_at       TEXT,
  checked_by       TEXT,
  -- accepted: counts as a valid work whatever its problems (a late work the organizers allow);
  -- excluded: never counts (an infringing work, a withdrawn one)
  decision         TEXT CHECK (decision IN ('accepted', 'excluded')),
  decision_reason  TEXT,
  decided_by       TEXT,
  decided_at       TEXT
);

-- A field corrected by hand. The entry keeps the value read from the form; exports and the digest show this one.
CREATE TABLE entry_corrections (
  entry_id      INTEGER NOT NULL REFERENCES entries (id) ON DELETE CASCADE,
  field         TEXT NOT NULL CHECK (field IN ('title', 'authors', 'occupation', 'unit', 'link', 'phone', 'address', 'intro')),
  value         TEXT NOT NULL,
  corrected_by  TEXT NOT NULL,
  corrected_at  TEXT NOT NULL,
  PRIMARY KEY (entry_id, field)
);

-- Notes people leave on a work.
CREATE TABLE entry_notes (
  id          INTEGER PRIMARY KEY,
  entry_id    INTEGER NOT NULL REFERENCES entries (id) ON DELETE CASCADE,
  text        TEXT NOT NULL,
  author      TEXT NOT NULL,
  created_at  TEXT NOT NULL
);
CREATE INDEX entry_notes_by_entry ON entry_notes (entry_id);

-- Entries as the organizers' decisions make them: what the exports, the digest, units' progress and the console read.
-- The one place that says what a decision means:
--   accepted: a work with problems counts as valid (its problems are no longer asked of anyone);
--   excluded: the work is current but never counts (status 'excluded': readers must not count it);
--   a corrected field replaces the extracted value (entries keeps the extracted one).
-- Superseded rows stay superseded, duplicates stay duplicates: a decision is about the work, not its history.
CREATE VIEW reviewed_entries AS
SELECT
  e.id, e.message_id, e.source_index, e.source_row, e.form, e.message_kind, e.sender, e.forwarded_from, e.party,
  e.recommended_by_unit, e.recommender_text, e.credited_unit, e.other_links, e.new_employment, e.raw, e.received_at,
  e.created_at, e.duplicate_of, e.supersedes, e.merged,
  coalesce(c.title, e.title) AS title,
  coalesce(c.authors, e.authors) AS authors,
  coalesce(c.occupation, e.occupation) AS occupation,
  coalesce(c.unit, e.unit_text) AS unit_text,
  coalesce(json_array(c.link), e.links) AS links,
  coalesce(c.link, e.primary_link) AS primary_link,
  coalesce(c.phone, e.phone) AS phone,
  coalesce(c.address, e.address) AS address,
  coalesce(c.intro, e.intro) AS intro,
  CASE
    WHEN e.status = 'superseded' THEN e.status
    WHEN r.decision = 'excluded' THEN 'excluded'
    WHEN r.decision = 'accepted' AND e.status = 'problems' THEN 'valid'
    ELSE e.status
  END AS status,
  -- a decided work asks nothing more of anyone: its problems are the record's (recorded_problems), not the work's
  CASE WHEN r.decision = 'accepted' AND e.status <> 'superseded' THEN '[]' ELSE e.validation_problems END AS validation_problems,
  CASE WHEN r.decision IS NOT NULL AND e.status <> 'superseded' THEN '[]' ELSE e.problems END AS problems,
  e.status AS recorded_status,
  e.problems AS recorded_problems,
  r.checked_at, r.checked_by, r.decision, r.decision_reason, r.decided_by, r.decided_at,
  coalesce(c.n, 0) AS corrections,
  (SELECT text FROM entry_notes n WHERE n.entry_id = e.id ORDER BY n.id DESC LIMIT 1) AS last_note
FROM entries e
LEFT JOIN entry_reviews r ON r.entry_id = e.id
-- the corrections, one row per entry (few rows: computed once per statement, not once per entry and field)
LEFT JOIN (
  SELECT entry_id, count(*) AS n,
    max(CASE WHEN field = 'title' THEN value END) AS title, max(CASE WHEN field = 'authors' THEN value END) AS authors,
    max(CASE WHEN field = 'occupation' THEN value END) AS occupation, max(CASE WHEN field = 'unit' THEN value END) AS unit,
    max(CASE WHEN field = 'link' THEN value END) AS link, max(CASE WHEN field = 'phone' THEN value END) AS phone,
    max(CASE WHEN field = 'address' THEN value END) AS address, max(CASE WHEN field = 'intro' THEN value END) AS intro
  FROM entry_corrections GROUP BY entry_id
) c ON c.entry_id = e.id;

-- The console's list walks works newest first, and a work's page finds its versions and duplicates.
CREATE INDEX entries_by_received ON entries (received_at);
CREATE INDEX entries_by_supersedes ON entries (supersedes) WHERE supersedes IS NOT NULL;
CREATE INDEX entries_by_duplicate_of ON entries (duplicate_of) WHERE duplicate_of IS NOT NULL;
