import type { Db } from '../store/db.ts';
import { entriesSharingWork, entriesToResolve, writeResolution, type WorkKeys } from '../store/entries-repo.ts';
import { entryResolution, resolveWorks } from '../validate/resolve-works.ts';

/**
 * Resolves works again around a change: every entry that shares a link or a (party, title) with the given keys,
 * transitively, is read; the pure rule decides which rows are one work (supersede, duplicate, merge); what
 * changed is written. The caller owns the transaction.
 */
export function resolveWorksAround(db: Db, keys: WorkKeys): void {
  const ids = entriesSharingWork(db, keys);
  if (!ids.length) return;
  const rows = entriesToResolve(db, ids);
  const resolved = resolveWorks(rows);
  const byId = new Map(rows.map((r) => [r.id, r]));
  for (const row of rows) {
    const r = resolved.get(row.id)!;
    const creditFrom = r.creditFrom != null ? byId.get(r.creditFrom) : undefined;
    const first = r.duplicateOf != null ? byId.get(r.duplicateOf) : undefined;
    const next = entryResolution(row.validationProblems, r, {
      sameMessageAsFirst: first?.messageId === row.messageId,
      creditedUnit: creditFrom ? creditFrom.recommendedByUnit ?? creditFrom.recommenderText : null,
    });
    // Problems compare as the text they are stored as.
    if (next.status !== row.status || JSON.stringify(next.problems) !== JSON.stringify(row.problems) || next.duplicateOf !== row.duplicateOf
      || next.supersedes !== row.supersedes || next.merged !== row.merged || next.creditedUnit !== row.creditedUnit) {
      writeResolution(db, row.id, next);
    }
  }
}
