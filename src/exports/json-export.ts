import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { ContestConfig } from '../config.ts';
import { entryState, type EntryState } from '../domain/entry-state.ts';
import type { ProblemClasses } from '../domain/problem-class.ts';
import { unitProgress } from '../entries/unit-progress.ts';
import type { Db } from '../store/db.ts';
import { allReviews } from '../store/review-repo.ts';
import { listEntries, type StoredEntry } from '../store/entries-repo.ts';
import { iterateMessages, type MessageRow } from '../store/messages-repo.ts';
import { latestUnitContacts, type UnitContact } from '../store/summary-contacts-repo.ts';
import { listUnitAliases } from '../store/units-repo.ts';
import type { UnitProgressReport } from '../validate/unit-progress.ts';

export interface ExportedMessage {
  id: number;
  uid: number | null;
  uidValidity: number | null;
  messageId: string | null;
  from: string | null;
  fromName: string | null;
  subject: string;
  receivedAt: string;
  kind: string;
  status: string;
  problems: { code: string; field?: string; message: string }[];
  error: string | null;
  attachments: { filename: string | null; contentType: string; size: number; downloaded: boolean; skipped: string | null }[];
}

export function exportedMessage(m: MessageRow): ExportedMessage {
  return {
    id: m.id,
    uid: m.uid,
    uidValidity: m.uidValidity,
    messageId: m.messageId,
    from: m.from,
    fromName: m.fromName,
    subject: m.subject,
    receivedAt: m.receivedAt,
    kind: m.kind,
    status: m.status,
    problems: m.problems.map((p) => ({ code: p.code, ...(p.field ? { field: p.field } : {}), message: p.message })),
    error: m.error,
    attachments: m.attachments.map((a) => ({ filename: a.filename, contentType: a.contentType, size: a.size, downloaded: a.downloaded, skipped: a.skipped })),
  };
}

/** Streams `{"messages":[…], …sections}` so a large mailbox never sits in memory as one string. */
export async function writeJsonExport(db: Db, out: Writable, sections: Record<string, () => unknown> = {}): Promise<void> {
  const write = async (s: string): Promise<void> => {
    if (!out.write(s)) await once(out, 'drain');
  };
  await write('{\n  "messages": [');
  let first = true;
  for (const m of iterateMessages(db)) {
    await write(`${first ? '' : ','}\n    ${JSON.stringify(exportedMessage(m))}`);
    first = false;
  }
  await write(first ? ']' : '\n  ]');
  for (const [name, produce] of Object.entries(sections)) {
    await write(`,\n  ${JSON.stringify(name)}: ${JSON.stringify(produce(), null, 2).replace(/\n/g, '\n  ')}`);
  }
  await write('\n}\n');
}

export interface ExportedEntry {
  id: number;
  title: string | null;
  authors: string[];
  occupation: string | null;
  unit: string | null;
  links: string[];
  phone: string | null;
  address: string | null;
  intro: string | null;
  status: string;
  /** What the status means for people (已登记, 无法参赛 …), by the classes of its problems. */
  state: EntryState;
  problems: { code: string; field?: string }[];
  source: { messageId: number; row: number | null; form: string; sender: string | null; forwardedFrom: string | null };
  recommendedBy: string | null;
  duplicateOf: number | null;
  supersedes: number | null;
  newEmployment: boolean;
  receivedAt: string;
  /** What organizers did in the console; the fields above stay as extracted from the form. */
  review?: ExportedReview;
}

export interface ExportedReview {
  checked: { by: string; at: string } | null;
  decision: { decision: string; reason: string | null; by: string | null; at: string | null } | null;
  corrections: { field: string; value: string; extracted: unknown; by: string; at: string }[];
  notes: { text: string; by: string; at: string }[];
}

type Reviews = ReturnType<typeof allReviews>;

function exportedReview(e: StoredEntry, r: NonNullable<ReturnType<Reviews['get']>>): ExportedReview {
  const extracted: Record<string, unknown> = {
    title: e.title, authors: e.authors, occupation: e.occupation, unit: e.unit, link: e.links[0] ?? null, phone: e.phone, address: e.address, intro: e.intro,
  };
  const rv = r.review;
  return {
    checked: rv?.checkedBy && rv.checkedAt ? { by: rv.checkedBy, at: rv.checkedAt } : null,
    decision: rv?.decision ? { decision: rv.decision, reason: rv.decisionReason, by: rv.decidedBy, at: rv.decidedAt } : null,
    corrections: r.corrections.map((c) => ({
      field: c.field, value: c.field === 'authors' ? (JSON.parse(c.value) as string[]).join('、') : c.value, extracted: extracted[c.field], by: c.correctedBy, at: c.correctedAt,
    })),
    notes: r.notes.map((n) => ({ text: n.text, by: n.author, at: n.createdAt })),
  };
}

/** The state people read: the record's, as an organizer's decision in the console makes it (excluded, or accepted). */
function stateOf(e: StoredEntry, classes: ProblemClasses, decision: string | null | undefined): EntryState {
  if (e.status === 'superseded') return 'superseded';
  if (decision === 'excluded') return 'excluded';
  if (decision === 'accepted' && e.status === 'problems') return 'registered';
  return entryState(e, classes);
}

export function exportedEntry(e: StoredEntry, classes: ProblemClasses, reviews?: Reviews): ExportedEntry {
  const review = reviews?.get(e.id);
  return {
    id: e.id,
    title: e.title,
    authors: e.authors,
    occupation: e.occupation,
    unit: e.unit,
    links: e.links,
    phone: e.phone,
    address: e.address,
    intro: e.intro,
    status: e.status,
    state: stateOf(e, classes, review?.review?.decision),
    problems: e.problems.map((p) => ({ code: p.code, ...(p.field ? { field: p.field } : {}) })),
    source: { messageId: e.messageId, row: e.sourceRow, form: e.form, sender: e.sender, forwardedFrom: e.forwardedFrom },
    recommendedBy: e.creditedUnit ?? e.recommendedByUnit,
    duplicateOf: e.duplicateOf,
    supersedes: e.supersedes,
    newEmployment: e.newEmployment,
    receivedAt: e.receivedAt,
    ...(review ? { review: exportedReview(e, review) } : {}),
  };
}

/** A unit's contact as its latest summary form gives it; the phone in full (this is the organizers' export). */
function exportedContact(c: UnitContact | undefined): { name: string | null; phone: string | null; messageId: number; receivedAt: string } | null {
  return c ? { name: c.name, phone: c.phone, messageId: c.messageId, receivedAt: c.receivedAt } : null;
}

export function exportedUnits(report: UnitProgressReport, contacts: ReadonlyMap<string, UnitContact> = new Map()): { units: unknown[]; unknown: unknown[] } {
  return {
    units: report.units.map((u) => ({
      name: u.name, category: u.category, categoryLabel: u.categoryLabel, quota: u.quota, counted: u.counted, met: u.met,
      silent: u.silent, received: u.received,
      ...(u.newEmployment ? { newEmployment: { counted: u.newEmployment.counted, quota: u.newEmployment.quota, before: u.newEmployment.before, met: u.newEmployment.met } } : {}),
      mayBelong: u.mayBelong,
      contact: exportedContact(contacts.get(u.name)),
    })),
    unknown: report.unknown,
  };
}

/** The whole export: messages, then every entry (superseded versions included, as history), then units. */
export async function writeFullJsonExport(db: Db, contest: ContestConfig, out: Writable): Promise<void> {
  const aliases = listUnitAliases(db);
  const units = exportedUnits(unitProgress(db, contest, aliases), latestUnitContacts(db));
  await writeJsonExport(db, out, {
    entries: () => {
      const reviews = allReviews(db);
      return listEntries(db, { includeSuperseded: true }).map((e) => exportedEntry(e, contest.problemClasses, reviews));
    },
    units: () => units.units,
    unknownUnits: () => units.unknown,
  });
}
