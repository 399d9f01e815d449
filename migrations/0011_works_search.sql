-- The console's search (title, authors, unit, a phone's last four digits) without reading every work: a trigram
-- index over the searched values, which answers LIKE '%…%' for three characters or more. It only narrows the
-- search: the console still applies its own conditions to reviewed_entries, so what matches is unchanged, and a
-- value kept here that no longer shows (a title since corrected) finds nothing it should not.
--
-- One row per entry (rowid = entries.id): what the form said, the unit credited or named, the phone without its
-- separators, and every correction (as typed and without separators). Kept by the triggers below.

CREATE VIRTUAL TABLE works_search USING fts5(text, tokenize = 'trigram');

CREATE VIEW works_search_text AS
SELECT e.id,
  coalesce(e.title, '') || ' ' || e.authors || ' ' || coalesce(e.unit_text, '') || ' ' || coalesce(e.credited_unit, '') || ' '
  || coalesce(e.recommended_by_unit, '') || ' ' || coalesce(e.recommender_text, '') || ' '
  || replace(replace(replace(coalesce(e.phone, ''), '-', ''), ' ', ''), '+', '') || ' '
  || coalesce((SELECT group_concat(c.value || ' ' || replace(replace(replace(c.value, '-', ''), ' ', ''), '+', ''), ' ')
               FROM entry_corrections c WHERE c.entry_id = e.id), '') AS text
FROM entries e;

INSERT INTO works_search (rowid, text) SELECT id, text FROM works_search_text;

CREATE TRIGGER works_search_entry_added AFTER INSERT ON entries BEGIN
  INSERT INTO works_search (rowid, text) SELECT id, text FROM works_search_text WHERE id = new.id;
END;

CREATE TRIGGER works_search_entry_changed AFTER UPDATE OF title, authors, unit_text, credited_unit, recommended_by_unit, recommender_text, phone ON entries BEGIN
  DELETE FROM works_search WHERE rowid = old.id;
  INSERT INTO works_search (rowid, text) SELECT id, text FROM works_search_text WHERE id = new.id;
END;

CREATE TRIGGER works_search_entry_removed AFTER DELETE ON entries BEGIN
  DELETE FROM works_search WHERE rowid = old.id;
END;

CREATE TRIGGER works_search_correction_added AFTER INSERT ON entry_corrections BEGIN
  DELETE FROM works_search WHERE rowid = new.entry_id;
  INSERT INTO works_search (rowid, text) SELECT id, text FROM works_search_text WHERE id = new.entry_id;
END;

CREATE TRIGGER works_search_correction_changed AFTER UPDATE ON entry_corrections BEGIN
  DELETE FROM works_search WHERE rowid = new.entry_id;
  INSERT INTO works_search (rowid, text) SELECT id, text FROM works_search_text WHERE id = new.entry_id;
END;

CREATE TRIGGER works_search_correction_removed AFTER DELETE ON entry_corrections BEGIN
  DELETE FROM works_search WHERE rowid = old.entry_id;
  INSERT INTO works_search (rowid, text) SELECT id, text FROM works_search_text WHERE id = old.entry_id;
END;
