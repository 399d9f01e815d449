-- Douyin short links (v.douyin.com/<code>/) resolved to the work they open, when DOUYIN_RESOLVE=on: the video link
-- becomes a second key of every entry that names the short link, so the short and the long link of one work are
-- one work for duplicate detection. One row per short link; a failure is kept too, so it is not asked again at once.
CREATE TABLE douyin_short_links (
  short_link  TEXT PRIMARY KEY,
  -- canonical long link (https://www.douyin.com/video/<id> or /note/<id>), null unless outcome = 'resolved'
  video_link  TEXT,
  outcome     TEXT NOT NULL CHECK (outcome IN ('resolved', 'not_video', 'failed')),
  -- what the redirector answered (status, where it pointed, or the error), for an organizer who wonders
  detail      TEXT,
  checked_at  TEXT NOT NULL
);
