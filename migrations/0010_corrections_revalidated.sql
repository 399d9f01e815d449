-- A corrected field is checked again (issue 15's correction, made to count): when an organizer corrects a phone
-- or a link by hand, the field rules run again on the corrected values (validate/validate-entry.ts
-- revalidateCorrected) and the work's problems and state follow, in every reader of reviewed_entries: a work
-- whose only problem was a wrong phone number is registered once a person has put the right one in.
--
-- The result is kept beside the entry with what it was computed from (the entry's problems and raw fields): when
-- reprocessing rewrites the entry, the stale result no longer matches and the recorded problems count again,
-- until the next correction. A decision (accepted, excluded) still comes first.

ALTER TABLE entry_reviews ADD COLUMN revalidated_from TEXT;
ALTER TABLE entry_reviews ADD COLUMN revalidated_validation TEXT;
ALTER TABLE entry_reviews ADD COLUMN revalidated_problems TEXT;

DROP VIEW reviewed_entries;
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
    WHEN e.status IN ('valid', 'problems') AND (r.revalidated_from IS NOT NULL AND r.revalidated_from = e.problems || char(30) || e.raw)
      THEN CASE WHEN json_array_length(r.revalidated_validation) = 0 THEN 'valid' ELSE 'problems' END
    ELSE e.status
  END AS status,
  -- a decided work asks nothing more of anyone: its problems are the record's (recorded_problems), not the work's
  CASE WHEN r.decision = 'accepted' AND e.status <> 'superseded' THEN '[]'
    WHEN (r.revalidated_from IS NOT NULL AND r.revalidated_from = e.problems || char(30) || e.raw) THEN r.revalidated_validation ELSE e.validation_problems END AS validation_problems,
  CASE WHEN r.decision IS NOT NULL AND e.status <> 'superseded' THEN '[]'
    WHEN (r.revalidated_from IS NOT NULL AND r.revalidated_from = e.problems || char(30) || e.raw) THEN r.revalidated_problems ELSE e.problems END AS problems,
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
