import type { ContestConfig } from '../config.ts';
import { entryState } from '../domain/entry-state.ts';
import { unitProgress } from '../entries/unit-progress.ts';
import { reviewLines } from '../domain/work-review.ts';
import type { Db } from '../store/db.ts';
import { entriesReceivedBefore, type EntrySummary } from '../store/entries-repo.ts';
import { messagesReceivedBefore } from '../store/messages-repo.ts';
import { replyStatusByMessage } from '../store/outbox-repo.ts';
import { listUnitAliases } from '../store/units-repo.ts';
import { unitKey } from '../validate/unit-match.ts';
import type { UnitProgressReport } from '../validate/unit-progress.ts';
import type { ExportData, ExportEntry, ExportMessage, JudgingSetup, UnitExportData, UnitRow, UnknownUnitRow } from './export-data.ts';
import { latestUnitContacts, type UnitContact } from '../store/summary-contacts-repo.ts';

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

export function unitRows(report: UnitProgressReport, contacts: ReadonlyMap<string, UnitContact> = new Map()): { units: UnitRow[]; unknown: UnknownUnitRow[] } {
  return {
    units: report.units.map((u) => {
      const c = contacts.get(u.name);
      return {
        name: u.name, category: u.category, categoryLabel: u.categoryLabel, quota: u.quota, counted: u.counted, received: u.received,
        silent: u.silent, newEmployment: u.newEmployment, contact: c && (c.name || c.phone) ? { name: c.name, phone: c.phone } : null,
      };
    }),
    unknown: report.unknown.map((u) => ({ name: u.name, spellings: u.spellings, received: u.received, counted: u.counted })),
  };
}

/** 评委1 … 评委N for a count; the names as configured (each once) otherwise. */
export function judgingSetup(contest: ContestConfig): JudgingSetup {
  const { judges, criteria } = contest.judging;
  const names = typeof judges === 'number' ? Array.from({ length: judges }, (_, i) => `评委${i + 1}`) : [...new Set(judges)];
  return { judges: names, criteria, awards: contest.awards };
}

function exportEntries(db: Db, contest: ContestConfig, until: string): ExportEntry[] {
  const byId = new Map(messagesReceivedBefore(db, until).map((m) => [m.id, m]));
  return entriesReceivedBefore(db, until).filter((e) => e.status !== 'superseded').map((e) => ({
    id: e.id, messageId: e.messageId, title: e.title, authors: e.authors,
    occupationUnit: [e.occupation, e.unitText].filter((v): v is string => !!v && v.trim() !== '').filter((v, i, a) => a.indexOf(v) === i).join('/') || null,
    link: e.primaryLink, phone: e.phone, address: e.address, intro: e.intro, status: e.status, state: entryState(e, contest.problemClasses),
    problems: e.problems.map((p) => p.message), unit: unitOf(e), recommendedByUnit: e.recommendedByUnit, sourceRow: e.sourceRow,
    newEmployment: e.newEmployment, receivedAt: e.receivedAt, sender: byId.get(e.messageId)?.from ?? null, review: reviewLines(e.review),
  }));
}

export function readExportData(db: Db, contest: ContestConfig, now: Date): ExportData {
  const until = '9999';
  const messages = messagesReceivedBefore(db, until);
  const replies = replyStatusByMessage(db);
  const exported: ExportMessage[] = messages.map((m) => ({
    id: m.id, receivedAt: m.receivedAt, from: m.from, subject: m.subject, kind: m.kind, status: m.status,
    problems: m.problems.map((p) => p.message), reply: replies.get(m.id) ?? null,
  }));
  return {
    contestName: contest.name,
    timezone: contest.timezone,
    generatedAt: now.toISOString(),
    contact: { mailbox: contest.mailbox, name: contest.contact?.name ?? null, phone: contest.contact?.phone ?? null },
    entries: exportEntries(db, contest, until),
    units: unitRows(progressUntil(db, contest, until), latestUnitContacts(db)).units,
    messages: exported,
    judging: judgingSetup(contest),
  };
}

/** The configured unit a name means (its name, an alias, or a spelling mapped with `units alias add`), or null. */
export function findUnit(db: Db, contest: ContestConfig, name: string): string | null {
  return contest.units.find((u) => [u.name, ...u.aliases].some((a) => unitKey(a) === unitKey(name)))?.name
    ?? listUnitAliases(db).find((a) => unitKey(a.alias) === unitKey(name))?.unitName
    ?? null;
}

/** The rows one unit sent (its summaries, the registrations it forwarded), for `export --unit`. */
export function readUnitExport(db: Db, contest: ContestConfig, unit: string, now: Date): UnitExportData {
  const c = latestUnitContacts(db).get(unit);
  return {
    contestName: contest.name,
    timezone: contest.timezone,
    generatedAt: now.toISOString(),
    unit,
    contact: c && (c.name || c.phone) ? { name: c.name, phone: c.phone } : null,
    entries: exportEntries(db, contest, '9999').filter((e) => e.recommendedByUnit === unit),
  };
}
