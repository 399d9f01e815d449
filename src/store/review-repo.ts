import type { Problem } from '../domain/problem.ts';
import type { Db } from './db.ts';
import { encodeJson } from './json-columns.ts';
import { prepared } from './prepared.ts';

/**
 * What organizers decided about works in the console (migration 0007): checked, accepted/excluded, fields corrected
 * by hand, notes. Kept beside the entries; reviewed_entries applies them for every reader.
 */

export type Decision = 'accepted' | 'excluded';
export const CORRECTABLE_FIELDS = ['title', 'authors', 'occupation', 'unit', 'link', 'phone', 'address', 'intro'] as const;
export type CorrectableField = (typeof CORRECTABLE_FIELDS)[number];

export interface ReviewRow {
  entryId: number;
  checkedAt: string | null;
  checkedBy: string | null;
  decision: Decision | null;
  decisionReason: string | null;
  decidedBy: string | null;
  decidedAt: string | null;
}

export interface CorrectionRow {
  entryId: number;
  field: CorrectableField;
  /** As stored in entries: authors as a JSON array, the rest as text. */
  value: string;
  correctedBy: string;
  correctedAt: string;
}

export interface NoteRow {
  id: number;
  entryId: number;
  text: string;
  author: string;
  createdAt: string;
}

const REVIEW_COLUMNS = `entry_id AS entryId, checked_at AS checkedAt, checked_by AS checkedBy, decision, decision_reason AS decisionReason,
  decided_by AS decidedBy, decided_at AS decidedAt`;

export function getReview(db: Db, entryId: number): ReviewRow | null {
  return (prepared(db, `SELECT ${REVIEW_COLUMNS} FROM entry_reviews WHERE entry_id = ?`).get(entryId) as ReviewRow | undefined) ?? null;
}

export function setChecked(db: Db, entryId: number, by: string | null, now: Date): void {
  prepared(db, `INSERT INTO entry_reviews (entry_id, checked_at, checked_by) VALUES (?, ?, ?)
    ON CONFLICT (entry_id) DO UPDATE SET checked_at = excluded.checked_at, checked_by = excluded.checked_by`)
    .run(entryId, by ? now.toISOString() : null, by);
}

export function setDecision(db: Db, entryId: number, d: { decision: Decision; reason: string; by: string } | null, now: Date): void {
  prepared(db, `INSERT INTO entry_reviews (entry_id, decision, decision_reason, decided_by, decided_at) VALUES (?, ?, ?, ?, ?)
    ON CONFLICT (entry_id) DO UPDATE SET decision = excluded.decision, decision_reason = excluded.decision_reason,
      decided_by = excluded.decided_by, decided_at = excluded.decided_at`)
    .run(entryId, d?.decision ?? null, d?.reason ?? null, d?.by ?? null, d ? now.toISOString() : null);
}

export function correctionsOf(db: Db, entryId: number): CorrectionRow[] {
  return prepared(db, `SELECT entry_id AS entryId, field, value, corrected_by AS correctedBy, corrected_at AS correctedAt
    FROM entry_corrections WHERE entry_id = ? ORDER BY field`).all(entryId) as CorrectionRow[];
}

/** null removes the correction (the extracted value counts again). */
export function setCorrection(db: Db, entryId: number, field: CorrectableField, value: string | null, by: string, now: Date): void {
  if (value === null) {
    prepared(db, 'DELETE FROM entry_corrections WHERE entry_id = ? AND field = ?').run(entryId, field);
    return;
  }
  prepared(db, `INSERT INTO entry_corrections (entry_id, field, value, corrected_by, corrected_at) VALUES (?, ?, ?, ?, ?)
    ON CONFLICT (entry_id, field) DO UPDATE SET value = excluded.value, corrected_by = excluded.corrected_by, corrected_at = excluded.corrected_at`)
    .run(entryId, field, value, by, now.toISOString());
}

export function addNote(db: Db, entryId: number, text: string, author: string, now: Date): number {
  return Number(prepared(db, 'INSERT INTO entry_notes (entry_id, text, author, created_at) VALUES (?, ?, ?, ?)')
    .run(entryId, text, author, now.toISOString()).lastInsertRowid);
}

export function notesOf(db: Db, entryId: number): NoteRow[] {
  return prepared(db, 'SELECT id, entry_id AS entryId, text, author, created_at AS createdAt FROM entry_notes WHERE entry_id = ? ORDER BY id')
    .all(entryId) as NoteRow[];
}

/** Every entry's review, corrections and notes, for the JSON export. */
export function allReviews(db: Db): Map<number, { review: ReviewRow | null; corrections: CorrectionRow[]; notes: NoteRow[] }> {
  const out = new Map<number, { review: ReviewRow | null; corrections: CorrectionRow[]; notes: NoteRow[] }>();
  const slot = (id: number) => {
    let s = out.get(id);
    if (!s) out.set(id, (s = { review: null, corrections: [], notes: [] }));
    return s;
  };
  for (const r of prepared(db, `SELECT ${REVIEW_COLUMNS} FROM entry_reviews`).all() as ReviewRow[]) slot(r.entryId).review = r;
  for (const c of prepared(db, `SELECT entry_id AS entryId, field, value, corrected_by AS correctedBy, corrected_at AS correctedAt
    FROM entry_corrections ORDER BY entry_id, field`).all() as CorrectionRow[]) slot(c.entryId).corrections.push(c);
  for (const n of prepared(db, 'SELECT id, entry_id AS entryId, text, author, created_at AS createdAt FROM entry_notes ORDER BY id').all() as NoteRow[]) {
    slot(n.entryId).notes.push(n);
  }
  return out;
}

/**
 * A corrected work's problems as the field rules give them on the corrected values, keyed to the entry's recorded
 * problems and raw fields (read here, in SQL, so the key is the stored text itself): reviewed_entries uses them only
 * while the entry is unchanged. null clears them (no correction left).
 */
export function setRevalidation(db: Db, entryId: number, result: { validation: readonly Problem[]; problems: readonly Problem[] } | null): void {
  prepared(db, `INSERT INTO entry_reviews (entry_id, revalidated_from, revalidated_validation, revalidated_problems)
    SELECT id, CASE WHEN @clear THEN NULL ELSE problems || char(30) || raw END, @validation, @problems FROM entries WHERE id = @id
    ON CONFLICT (entry_id) DO UPDATE SET revalidated_from = excluded.revalidated_from,
      revalidated_validation = excluded.revalidated_validation, revalidated_problems = excluded.revalidated_problems`)
    .run({ id: entryId, clear: result ? 0 : 1, validation: result ? encodeJson(result.validation) : null, problems: result ? encodeJson(result.problems) : null });
}

