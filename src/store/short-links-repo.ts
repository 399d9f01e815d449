import type { Db } from './db.ts';
import { prepared } from './prepared.ts';

/** The cache of Douyin short links resolved to their works (migration 0008). */

export type ShortLinkOutcome = 'resolved' | 'not_video' | 'failed';

export interface ShortLinkRow {
  shortLink: string;
  videoLink: string | null;
  outcome: ShortLinkOutcome;
  detail: string | null;
  checkedAt: string;
}

export function getShortLinks(db: Db, shortLinks: readonly string[]): Map<string, ShortLinkRow> {
  const rows = prepared(db, `SELECT short_link AS shortLink, video_link AS videoLink, outcome, detail, checked_at AS checkedAt
    FROM douyin_short_links WHERE short_link IN (SELECT value FROM json_each(?))`).all(JSON.stringify(shortLinks)) as ShortLinkRow[];
  return new Map(rows.map((r) => [r.shortLink, r]));
}

export function saveShortLink(db: Db, row: ShortLinkRow): void {
  prepared(db, `INSERT INTO douyin_short_links (short_link, video_link, outcome, detail, checked_at)
    VALUES (@shortLink, @videoLink, @outcome, @detail, @checkedAt)
    ON CONFLICT (short_link) DO UPDATE SET video_link = excluded.video_link, outcome = excluded.outcome,
      detail = excluded.detail, checked_at = excluded.checked_at`).run(row);
}

/** The work a short link was resolved to, if it was: a second key for duplicate detection. */
export function videoLinkOf(db: Db, shortLink: string): string | null {
  const row = prepared(db, "SELECT video_link AS v FROM douyin_short_links WHERE short_link = ? AND outcome = 'resolved'").get(shortLink) as { v: string | null } | undefined;
  return row?.v ?? null;
}
