import type { ContestConfig } from '../config.ts';
import type { Db } from '../store/db.ts';
import { entriesReceivedBefore } from '../store/entries-repo.ts';
import { isUnitParty } from '../validate/resolve-works.ts';
import type { UnitAlias } from '../validate/unit-match.ts';
import { computeUnitProgress, type ProgressEntry, type UnitProgressReport } from '../validate/unit-progress.ts';

/** Each unit's progress from its entries as the organizers' decisions make them; with `before`, only what was received before that instant (ISO). */
export function unitProgress(db: Db, contest: ContestConfig, extraAliases: readonly UnitAlias[], before?: string): UnitProgressReport {
  const entries: ProgressEntry[] = entriesReceivedBefore(db, before).map((e) => ({
    // An excluded work was received but never counts (reviewed_entries, migration 0007).
    id: e.id, status: e.status === 'excluded' ? e.recordedStatus : e.status, validationOk: e.status !== 'excluded' && e.validationProblems.length === 0, duplicateOf: e.duplicateOf, merged: e.merged,
    recommended: isUnitParty(e.party), recommendedByUnit: e.recommendedByUnit, recommenderText: e.recommenderText,
    primaryLink: e.primaryLink, newEmployment: e.newEmployment, receivedAt: e.receivedAt, unitText: e.unitText,
    title: e.title, authors: e.authors,
  }));
  return computeUnitProgress(entries, contest, extraAliases);
}
