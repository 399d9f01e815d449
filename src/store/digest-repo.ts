import type { ContestConfig } from '../config.ts';
import type {
  DigestData, ExportData, ExportEntry, ExportMessage, OutboxState, PersonItem, UnitRow, UnknownUnitRow, WaitingItem,
} from '../outputs/report-data.ts';
import { dayRange } from '../outputs/local-day.ts';
import { noteLine, reviewLines, type EntryReview } from '../outputs/review-lines.ts';
import type { Problem } from '../validate/problem.ts';
import type { UnitProgressReport } from '../validate/unit-progress.ts';
import type { Db } from './db.ts';
import { cappedSenders, outboxIssues, replyStatusByMessage } from './outbox-repo.ts';
import { listUnitAliases, unitProgress } from './units-repo.ts';

/**
 * Reads what the daily digest and the exports show, as plain data (outputs/report-data.ts). Everything is "as
 * recorded up to the end of the day" for the digest, so the digest of a past day can be made again.
 */

/** Problem codes an organizer must look at, whoever else is asked to act. */
const PERSON_CODES = new Set(['needs_person', 'unknown_unit', 'unreadable_attachment', 'unsupported_format', 'subject_mismatch', 'duplicate_work', 'form_truncated']);

interface MessageLite {
  id: number;
  receivedAt: string;
  from: string | null;
  subject: string;
  kind: string;
  status: string;
  problems: Problem[];
  error: string | null;
}

interface EntryLite {
  id: number;
  messageId: number;
  receivedAt: string;
  title: string | null;
  authors: string[];
  occupation: string | null;
  unitText: string | null;
  link: string | null;
  phone: string | null;
  status: ExportEntry['status'];
  problems: Problem[];
  duplicateOf: number | null;
  merged: boolean;
  unit: string | null;
  newEmployment: boolean;
  review: EntryReview;
}

function messagesUntil(db: Db, end: string): MessageLite[] {
  return (db.prepare(`SELECT id, received_at AS receivedAt, from_address AS "from", subject, kind, status, problems, error
      FROM messages WHERE received_at < ? ORDER BY received_at, id`).all(end) as (Omit<MessageLite, 'problems'> & { problems: string })[])
    .map((m) => ({ ...m, problems: JSON.parse(m.problems) as Problem[] }));
}

function entriesUntil(db: Db, end: string): EntryLite[] {
  return (db.prepare(`SELECT id, message_id, received_at, title, authors, occupation, unit_text, primary_link, phone, status, problems,
      duplicate_of, merged, coalesce(credited_unit, recommended_by_unit, recommender_text) AS unit, new_employment,
      checked_by, decision, decision_reason, decided_by, corrections, last_note
      FROM reviewed_entries WHERE received_at < ? ORDER BY received_at, message_id, source_index`).all(end) as {
      id: number; message_id: number; received_at: string; title: string | null; authors: string; occupation: string | null;
      unit_text: string | null; primary_link: string | null; phone: string | null; status: EntryLite['status']; problems: string;
      duplicate_of: number | null; merged: number; unit: string | null; new_employment: number; checked_by: string | null;
      decision: EntryReview['decision']; decision_reason: string | null; decided_by: string | null; corrections: number; last_note: string | null;
    }[]).map((r) => ({
    id: r.id, messageId: r.message_id, receivedAt: r.received_at, title: r.title, authors: JSON.parse(r.authors) as string[],
    occupation: r.occupation, unitText: r.unit_text, link: r.primary_link, phone: r.phone, status: r.status,
    problems: JSON.parse(r.problems) as Problem[], duplicateOf: r.duplicate_of, merged: r.merged === 1, unit: r.unit,
    newEmployment: r.new_employment === 1,
    review: { checkedBy: r.checked_by, decision: r.decision, reason: r.decision_reason, decidedBy: r.decided_by, corrected: r.corrections > 0, note: r.last_note },
  }));
}

/** Each unit's progress from the entries received before `end` (the same rule as the live progress). */
function progressUntil(db: Db, contest: ContestConfig, end: string): UnitProgressReport {
  return unitProgress(db, contest, listUnitAliases(db), end);
}

function unitRows(report: UnitProgressReport): { units: UnitRow[]; unknown: UnknownUnitRow[] } {
  return {
    units: report.units.map((u) => ({
      name: u.name, categoryLabel: u.categoryLabel, quota: u.quota, counted: u.counted, received: u.received, silent: u.silent,
      newEmployment: u.newEmployment,
    })),
    unknown: report.unknown.map((u) => ({ name: u.name, spellings: u.spellings, received: u.received, counted: u.counted })),
  };
}

const forSubmitter = (problems: Problem[]) => problems.filter((p) => p.actor === 'submitter').map((p) => p.message);

function countBy<T>(items: T[], key: (t: T) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const i of items) out[key(i)] = (out[key(i)] ?? 0) + 1;
  return out;
}

function waitingItems(messages: MessageLite[], entries: EntryLite[], replies: Map<number, OutboxState>): WaitingItem[] {
  const byId = new Map(messages.map((m) => [m.id, m]));
  const withEntries = new Set(entries.map((e) => e.messageId));
  const items: WaitingItem[] = [];
  for (const e of entries) {
    if (e.status !== 'problems') continue;
    items.push({
      messageId: e.messageId, entryId: e.id, receivedAt: e.receivedAt, sender: byId.get(e.messageId)?.from ?? null, title: e.title,
      authors: e.authors, phone: e.phone, problems: [...forSubmitter(e.problems), ...(e.review.note ? [noteLine(e.review.note)] : [])],
      reply: replies.get(e.messageId) ?? null,
    });
  }
  // Mails with no readable form (no_form, subject only …), unless the sender has since sent one that was fine.
  const lastGood = new Map<string, string>();
  for (const m of messages) if (m.from && m.status === 'ok') lastGood.set(m.from, m.receivedAt);
  for (const m of messages) {
    if (m.status !== 'problems' || withEntries.has(m.id)) continue;
    if (m.from && (lastGood.get(m.from) ?? '') > m.receivedAt) continue;
    items.push({
      messageId: m.id, entryId: null, receivedAt: m.receivedAt, sender: m.from, title: null, authors: [], phone: null,
      problems: forSubmitter(m.problems), reply: replies.get(m.id) ?? null,
    });
  }
  return items.sort((a, b) => (a.receivedAt < b.receivedAt ? 1 : a.receivedAt > b.receivedAt ? -1 : 0));
}

function personItems(messages: MessageLite[], entries: EntryLite[]): PersonItem[] {
  const items = new Map<number, PersonItem>();
  const byId = new Map(messages.map((m) => [m.id, m]));
  const add = (m: MessageLite, entryId: number | null, title: string | null, reasons: string[]) => {
    const item = items.get(m.id) ?? { messageId: m.id, entryId, receivedAt: m.receivedAt, sender: m.from, subject: m.subject, title, reasons: [] };
    item.title ??= title;
    for (const r of reasons) if (!item.reasons.includes(r)) item.reasons.push(r);
    items.set(m.id, item);
  };
  // A mail whose every work a person has checked or decided about in the console needs nobody any more.
  const looked = new Map<number, boolean>();
  for (const e of entries) looked.set(e.messageId, (looked.get(e.messageId) ?? true) && !!(e.review.checkedBy || e.review.decision));
  for (const m of messages) {
    if (m.kind === 'automated' || m.kind === 'not_contest') continue;
    if (looked.get(m.id)) continue;
    const reasons = m.problems.filter((p) => p.actor === 'organizer' || PERSON_CODES.has(p.code)).map((p) => p.message);
    if (m.status === 'error' || m.status === 'quarantined') reasons.push(`处理失败（${m.status}）：${m.error ?? '原因不明'}`);
    if (m.status === 'unfetchable') reasons.push(`邮件内容无法从邮箱服务器取回（已记录信封，次日自动重试；请在网页邮箱中查看原邮件）：${m.error ?? '原因不明'}`);
    if (m.status === 'needs_person' && reasons.length === 0) reasons.push('需要人工核对');
    if (reasons.length) add(m, null, null, reasons);
  }
  for (const e of entries) {
    const m = byId.get(e.messageId);
    if (!m) continue;
    // A work a person has checked (已核对) or decided about in the console needs nobody any more.
    if (e.review.checkedBy || e.review.decision) continue;
    const reasons = e.problems.filter((p) => PERSON_CODES.has(p.code)).map((p) => p.message);
    if (e.status === 'duplicate' && !e.merged && e.duplicateOf != null) reasons.push(`与条目 #${e.duplicateOf} 为同一作品（重复报送）`);
    // A note travels with an item that needs a person; it does not make one.
    if (reasons.length && e.review.note) reasons.push(noteLine(e.review.note));
    if (reasons.length) add(m, e.id, e.title, reasons);
  }
  return [...items.values()].sort((a, b) => (a.receivedAt < b.receivedAt ? 1 : a.receivedAt > b.receivedAt ? -1 : 0));
}

export function readDigestData(db: Db, contest: ContestConfig, date: string): DigestData {
  const { start, end } = dayRange(date, contest.timezone);
  const from = start.toISOString();
  const until = end.toISOString();
  const messages = messagesUntil(db, until);
  const entries = entriesUntil(db, until);
  const current = entries.filter((e) => e.status !== 'superseded');
  const ofDay = <T extends { receivedAt: string }>(list: T[]) => list.filter((x) => x.receivedAt >= from);
  const replies = replyStatusByMessage(db);
  const { units, unknown } = unitRows(progressUntil(db, contest, until));
  const dayEntries = ofDay(entries);
  const repliesSent = (db.prepare(`SELECT count(*) AS n FROM outbox WHERE kind IN ('reply', 'receipt') AND status = 'sent'
    AND sent_at >= ? AND sent_at < ?`).get(from, until) as { n: number }).n;
  const pending = (db.prepare("SELECT count(*) AS n FROM outbox WHERE status IN ('pending', 'sending')").get() as { n: number }).n;
  return {
    contestName: contest.name,
    timezone: contest.timezone,
    date,
    deadline: contest.deadline,
    day: {
      messages: ofDay(messages).length,
      byKind: countBy(ofDay(messages), (m) => m.kind),
      entries: dayEntries.length,
      validEntries: dayEntries.filter((e) => e.status === 'valid').length,
      repliesSent,
    },
    totals: {
      messages: messages.length,
      byKind: countBy(messages, (m) => m.kind),
      entries: current.length,
      validWorks: current.filter((e) => e.status === 'valid').length,
      withProblems: current.filter((e) => e.status === 'problems').length,
      duplicates: current.filter((e) => e.status === 'duplicate' && !e.merged).length,
      excluded: current.filter((e) => e.status === 'excluded').length,
      needsPerson: messages.filter((m) => m.status === 'needs_person' || m.status === 'error' || m.status === 'quarantined' || m.status === 'unfetchable').length,
    },
    units,
    unknownUnits: unknown,
    waiting: waitingItems(messages, current, replies),
    needsPerson: personItems(messages, current),
    capped: cappedSenders(db, date),
    delivery: {
      pending,
      issues: outboxIssues(db).map((r) => ({ id: r.id, kind: r.kind, recipients: r.recipients, status: r.status, code: r.lastErrorCode, error: r.lastError })),
    },
  };
}

/** Everything for `export --format xlsx|csv` and the digest's attachment: current entries, units, messages. */
export function readExportData(db: Db, contest: ContestConfig, now: Date): ExportData {
  const until = '9999';
  const messages = messagesUntil(db, until);
  const byId = new Map(messages.map((m) => [m.id, m]));
  const replies = replyStatusByMessage(db);
  const entries: ExportEntry[] = entriesUntil(db, until).filter((e) => e.status !== 'superseded').map((e) => ({
    id: e.id, messageId: e.messageId, title: e.title, authors: e.authors,
    occupationUnit: [e.occupation, e.unitText].filter((v): v is string => !!v && v.trim() !== '').filter((v, i, a) => a.indexOf(v) === i).join('/') || null,
    link: e.link, phone: e.phone, status: e.status, problems: e.problems.map((p) => p.message), unit: e.unit,
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
