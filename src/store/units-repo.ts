import type { Db } from './db.ts';
import { columnsOf } from './row-decoding.ts';

/** Unit aliases the organizers add at run time (`units alias add`); config/contest.json holds the rest. */

export interface StoredUnitAlias {
  alias: string;
  unitName: string;
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

/** A row of `unit_aliases`. */
function decodeUnitAlias(row: unknown): StoredUnitAlias {
  const c = columnsOf('unit_aliases', row);
  return { alias: c.text('alias'), unitName: c.text('unit_name'), addedAt: c.text('added_at') };
}

export function listUnitAliases(db: Db): StoredUnitAlias[] {
  return db.prepare('SELECT alias, unit_name, added_at FROM unit_aliases ORDER BY added_at, alias').all().map(decodeUnitAlias);
}
