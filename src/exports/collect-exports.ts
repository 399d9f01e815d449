import type { ContestConfig } from '../config.ts';
import { unitProgress } from '../entries/unit-progress.ts';
import { reviewLines } from '../domain/work-review.ts';
import type { Db } from '../store/db.ts';
import { entriesReceivedBefore, type EntrySummary } from '../store/entries-repo.ts';
import { messagesReceivedBefore } from '../store/messages-repo.ts';
import { replyStatusByMessage } from '../store/outbox-repo.ts';
import { listUnitAliases } from '../store/units-repo.ts';
import type { UnitProgressReport } from '../validate/unit-progress.ts';
import type { ExportData, ExportEntry, ExportMessage, UnitRow, UnknownUnitRow } from './export-data.ts';

/**
 * Everything for `export --format xlsx|csv` and the digest's attachment, as plain data (export-data.ts): the
 * current entries, each unit's progress, every message. The renderers never touch the database.
 */

/** The unit credited for an entry's work, else the unit that recommended it (as configured, else as written). */
export function unitOf(e: EntrySummary): string | null {
  return e.creditedUnit ?? e.recommendedByUnit ?? e.recommenderText;
}

/** Each unit's progress from the entries received before `end` (the same rule as the live progress). */
export function progressUntil(db: Db, contest: ContestConfig, end: string): UnitProgressReport {
  return unitProgress(db, contest, listUnitAliases(db), end);
}

export function unitRows(report: UnitProgressReport): { units: UnitRow[]; unknown: UnknownUnitRow[] } {
  return {
    units: report.units.map((u) => ({
      name: u.name, categoryLabel: u.categoryLabel, quota: u.quota, counted: u.counted, received: u.received, silent: u.silent,
      newEmployment: u.newEmployment,
    })),
    unknown: report.unknown.map((u) => ({ name: u.name, spellings: u.spellings, received: u.received, counted: u.counted })),
  };
}

export function readExportData(db: Db, contest: ContestConfig, now: Date): ExportData {
  const until = '9999';
  const messages = messagesReceivedBefore(db, until);
  const byId = new Map(messages.map((m) => [m.id, m]));
  const replies = replyStatusByMessage(db);
  const entries: ExportEntry[] = entriesReceivedBefore(db, until).filter((e) => e.status !== 'superseded').map((e) => ({
    id: e.id, messageId: e.messageId, title: e.title, authors: e.authors,
    occupationUnit: [e.occupation, e.unitText].filter((v): v is string => !!v && v.trim() !== '').filter((v, i, a) => a.indexOf(v) === i).join('/') || null,
    link: e.primaryLink, phone: e.phone, status: e.status, problems: e.problems.map((p) => p.message), unit: unitOf(e),
    newEmployment: e.newEmployment, receivedAt: e.receivedAt, sender: byId.get(e.messageId)?.from ?? null, review: reviewLines(e.review),
  }));
  const exported: ExportMessage[] = messages.map((m) => ({
    id: m.id, receivedAt: m.receivedAt, from: m.from, subject: m.subject, kind: m.kind, status: m.status,
    problems: m.problems.map((p) => p.message), reply: replies.get(m.id) ?? null,
  }));
  return {
    contestName: contest.name,
    timezone: contest.timezone,
    generatedAt: now.toISOString(),
    entries,
    units: unitRows(progressUntil(db, contest, until)).units,
    messages: exported,
  };
}
