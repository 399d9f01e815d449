import type { ContestConfig } from '../config.ts';
import { dayRange } from '../domain/contest-calendar.ts';
import type { Problem } from '../domain/problem.ts';
import { progressUntil, unitRows } from '../exports/collect-exports.ts';
import { noteLine } from '../domain/work-review.ts';
import type { Db } from '../store/db.ts';
import { entriesReceivedBefore, type EntrySummary } from '../store/entries-repo.ts';
import { messagesReceivedBefore, type MessageSummary } from '../store/messages-repo.ts';
import {
  cappedSenders, countRepliesSent, countWaitingToSend, outboxIssues, replyStatusByMessage, type OutboxStatus,
} from '../store/outbox-repo.ts';
import type { DigestData, PersonItem, WaitingItem } from './digest-data.ts';

/**
 * What the daily digest shows, as plain data (digest-data.ts): the day's mail and entries, the totals, each unit
 * against its quota, what waits for submitters, what needs a person. Everything is "as recorded up to the end of
 * the day", so the digest of a past day can be made again.
 */

/** Problem codes an organizer must look at, whoever else is asked to act. */
const PERSON_CODES = new Set(['needs_person', 'unknown_unit', 'unreadable_attachment', 'unsupported_format', 'subject_mismatch', 'duplicate_work', 'form_truncated']);

const forSubmitter = (problems: Problem[]) => problems.filter((p) => p.actor === 'submitter').map((p) => p.message);

function countBy<T>(items: T[], key: (t: T) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const i of items) out[key(i)] = (out[key(i)] ?? 0) + 1;
  return out;
}

function waitingItems(messages: MessageSummary[], entries: EntrySummary[], replies: Map<number, OutboxStatus>): WaitingItem[] {
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

function personItems(messages: MessageSummary[], entries: EntrySummary[]): PersonItem[] {
  const items = new Map<number, PersonItem>();
  const byId = new Map(messages.map((m) => [m.id, m]));
  const add = (m: MessageSummary, entryId: number | null, title: string | null, reasons: string[]) => {
    const item = items.get(m.id) ?? { messageId: m.id, entryId, receivedAt: m.receivedAt, sender: m.from, subject: m.subject, title, reasons: [] };
    item.title ??= title;
    for (const r of reasons) if (!item.reasons.includes(r)) item.reasons.push(r);
    items.set(m.id, item);
  };
  // A work a person has checked (已核对) or decided about in the console needs nobody any more; nor does a mail
  // whose every work has been.
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
    if (!m || e.review.checkedBy || e.review.decision) continue;
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
  const messages = messagesReceivedBefore(db, until);
  const entries = entriesReceivedBefore(db, until);
  const current = entries.filter((e) => e.status !== 'superseded');
  const ofDay = <T extends { receivedAt: string }>(list: T[]) => list.filter((x) => x.receivedAt >= from);
  const replies = replyStatusByMessage(db);
  const { units, unknown } = unitRows(progressUntil(db, contest, until));
  const dayEntries = ofDay(entries);
  const repliesSent = countRepliesSent(db, from, until);
  const pending = countWaitingToSend(db);
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
