import type { ContestConfig } from '../config.ts';
import type { Db } from './db.ts';
import { isUnitParty } from '../validate/resolve-works.ts';
import { computeUnitProgress, type ProgressEntry, type UnitProgressReport } from '../validate/unit-progress.ts';
import type { UnitAlias } from '../validate/unit-match.ts';

/** Unit aliases the organizers add at run time, and each unit's progress read from the entries. */

export interface StoredUnitAlias extends UnitAlias {
  addedAt: string;
}

/**
 * Maps a spelling to a configured unit; adding the same spelling again re-points it. The caller checks that
 * unitName is a unit of the config (an alias to an unknown unit is ignored when matching).
 */
export function addUnitAlias(db: Db, alias: string, unitName: string, now: Date): StoredUnitAlias {
  const clean = alias.normalize('NFKC').trim();
  if (!clean) throw new Error('an alias cannot be empty');
  db.prepare(`INSERT INTO unit_aliases (alias, unit_name, added_at) VALUES (?, ?, ?)
    ON CONFLICT (alias) DO UPDATE SET unit_name = excluded.unit_name, added_at = excluded.added_at`)
    .run(clean, unitName, now.toISOString());
  return { alias: clean, unitName, addedAt: now.toISOString() };
}

export function removeUnitAlias(db: Db, alias: string): boolean {
  return db.prepare('DELETE FROM unit_aliases WHERE alias = ?').run(alias.normalize('NFKC').trim()).changes > 0;
}

export function listUnitAliases(db: Db): StoredUnitAlias[] {
  return (db.prepare('SELECT alias, unit_name, added_at FROM unit_aliases ORDER BY added_at, alias').all() as
    { alias: string; unit_name: string; added_at: string }[]).map((r) => ({ alias: r.alias, unitName: r.unit_name, addedAt: r.added_at }));
}

/** Each unit's progress from its entries as the organizers' decisions make them (reviewed_entries); with `before`, only what was received before that instant (ISO). */
export function unitProgress(db: Db, contest: ContestConfig, extraAliases: readonly UnitAlias[], before?: string): UnitProgressReport {
  const rows = db.prepare(`SELECT id, status, validation_problems, duplicate_of, merged, party, recommended_by_unit, recommender_text,
      primary_link, new_employment, received_at, unit_text, title, authors, recorded_status FROM reviewed_entries WHERE received_at < ?
      ORDER BY received_at, message_id, source_index`)
    .all(before ?? '9999') as {
      id: number; status: ProgressEntry['status'] | 'excluded'; recorded_status: ProgressEntry['status']; validation_problems: string; duplicate_of: number | null; merged: number;
      party: string; recommended_by_unit: string | null; recommender_text: string | null; primary_link: string | null;
      new_employment: number; received_at: string; unit_text: string | null; title: string | null; authors: string;
    }[];
  const entries: ProgressEntry[] = rows.map((r) => ({
    // An excluded work was received but never counts (reviewed_entries, migration 0007).
    id: r.id, status: r.status === 'excluded' ? r.recorded_status : r.status, validationOk: r.status !== 'excluded' && r.validation_problems === '[]', duplicateOf: r.duplicate_of, merged: r.merged === 1,
    recommended: isUnitParty(r.party), recommendedByUnit: r.recommended_by_unit, recommenderText: r.recommender_text,
    primaryLink: r.primary_link, newEmployment: r.new_employment === 1, receivedAt: r.received_at, unitText: r.unit_text,
    title: r.title, authors: JSON.parse(r.authors) as string[],
  }));
  return computeUnitProgress(entries, contest, extraAliases);
}
