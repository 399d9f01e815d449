-- The unit's contact from a summary form's header line (推荐单位：… 联系人：… 联系方式：…), one row per message that
-- carried a summary. Written with the message's entries, in the same transaction (entries-repo), and replaced when
-- the message is reprocessed. Personal data: the phone is masked wherever masked forms are used (the digest).

CREATE TABLE summary_contacts (
  message_id     INTEGER PRIMARY KEY REFERENCES messages (id) ON DELETE CASCADE,
  -- the configured unit the summary was credited to (NULL: an unknown unit), and the 推荐单位 as written
  unit_name      TEXT,
  unit_text      TEXT,
  contact_name   TEXT,
  -- normalized when it reads as a phone number (13812345678, 0577-88096549), else as written
  contact_phone  TEXT,
  received_at    TEXT NOT NULL
);
CREATE INDEX summary_contacts_by_unit ON summary_contacts (unit_name, received_at);
