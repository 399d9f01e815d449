import type { ContestConfig } from '../config.ts';
import { dayRange } from '../domain/contest-calendar.ts';
import { noteLine } from '../domain/work-review.ts';
import { ENTRY_STATES, entryState, type EntryState } from '../domain/entry-state.ts';
import { classOf, ofClass } from '../domain/problem-class.ts';
import { progressUntil, unitOf, unitRows } from '../exports/collect-exports.ts';
import type { Db } from '../store/db.ts';
import { entriesReceivedBefore, type EntrySummary } from '../store/entries-repo.ts';
import { messagesReceivedBefore, type MessageSummary } from '../store/messages-repo.ts';
import { latestUnitContacts } from '../store/summary-contacts-repo.ts';
import {
  cappedSenders, countDropped, countRepliesSent, countWaitingToSend, outboxIssues, replyStatusByMessage, type OutboxStatus,
} from '../store/outbox-repo.ts';
import type { DigestData, NewWork, PersonItem, PersonReason, WaitingItem } from './digest-data.ts';
import * as say from './digest-wording.ts';

/**
 * What the daily digest shows, as plain data (digest-data.ts): the day's mail and new works, the totals by state,
 * each unit against its quota with its contact, what waits for submitters, what needs a person and what to do
 * about it. Everything is "as recorded up to the end of the day", so the digest of a past day can be made again.
 * Which problems need a person is the organizers' class in contest.json `problemClasses`.
 */

export interface DigestOptions {
  /** The console's public address (WEB_BASE_URL): each item needing a person links to its page. */
  webBaseUrl?: string | null;
}

type Stated = EntrySummary & { state: EntryState };

const latestFirst = <T extends { receivedAt: string }>(a: T, b: T): number => (a.receivedAt < b.receivedAt ? 1 : a.receivedAt > b.receivedAt ? -1 : 0);

function countBy<T>(items: T[], key: (t: T) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const i of items) out[key(i)] = (out[key(i)] ?? 0) + 1;
  return out;
}

function waitingItems(messages: MessageSummary[], entries: Stated[], replies: Map<number, OutboxStatus>, contest: ContestConfig): WaitingItem[] {
  const byId = new Map(messages.map((m) => [m.id, m]));
  const withEntries = new Set(entries.map((e) => e.messageId));
  const mustFix = (problems: MessageSummary['problems']) => ofClass(problems, 'must_fix', contest.problemClasses).map((p) => p.message);
  const items: WaitingItem[] = [];
  for (const e of entries) {
    if (e.state !== 'needs_fix') continue;
    items.push({
      messageId: e.messageId, entryId: e.id, receivedAt: e.receivedAt, sender: byId.get(e.messageId)?.from ?? null, title: e.title,
      authors: e.authors, phone: e.phone, problems: [...mustFix(e.problems), ...(e.review.note ? [noteLine(e.review.note)] : [])],
      reply: replies.get(e.messageId) ?? null,
    });
  }
  // Mails with no readable form (no form, an unreadable file …), unless the sender has since sent one that was fine.
  const lastGood = new Map<string, string>();
  for (const m of messages) if (m.from && m.status === 'ok') lastGood.set(m.from, m.receivedAt);
  for (const m of messages) {
    if (m.status !== 'problems' || withEntries.has(m.id) || !mustFix(m.problems).length) continue;
    if (m.from && (lastGood.get(m.from) ?? '') > m.receivedAt) continue;
    items.push({
      messageId: m.id, entryId: null, receivedAt: m.receivedAt, sender: m.from, title: null, authors: [], phone: null,
      problems: mustFix(m.problems), reply: replies.get(m.id) ?? null,
    });
  }
  return items.sort(latestFirst);
}

function personItems(messages: MessageSummary[], entries: Stated[], contest: ContestConfig, opts: DigestOptions): PersonItem[] {
  const items = new Map<number, PersonItem & { works: Set<number>; whole: boolean }>();
  const byId = new Map(messages.map((m) => [m.id, m]));
  const add = (m: MessageSummary, entryId: number | null, title: string | null, reasons: PersonReason[]) => {
    const item = items.get(m.id) ?? {
      messageId: m.id, entryId, receivedAt: m.receivedAt, sender: m.from, subject: m.subject, title, reasons: [], link: null, works: new Set(), whole: false,
    };
    item.title ??= title;
    item.entryId ??= entryId;
    if (entryId === null) item.whole = true;
    else item.works.add(entryId);
    for (const r of reasons) if (!item.reasons.some((x) => x.text === r.text)) item.reasons.push(r);
    items.set(m.id, item);
  };
  const ofOrganizers = (problems: MessageSummary['problems'], id: number): PersonReason[] => problems
    .filter((p) => classOf(p, contest.problemClasses) === 'organizers' && p.code !== 'duplicate_work')
    .map((p) => ({ text: p.message, todo: say.todoFor(p, id) }));
  // A work a person has checked (已核对) or decided about in the console needs nobody any more; nor does a mail
  // whose every work has been.
  const looked = new Map<number, boolean>();
  for (const e of entries) looked.set(e.messageId, (looked.get(e.messageId) ?? true) && !!(e.review.checkedBy || e.review.decision));
  for (const m of messages) {
    if (m.kind === 'automated' || m.kind === 'not_contest') continue;
    if (looked.get(m.id)) continue;
    const reasons = ofOrganizers(m.problems, m.id);
    if (m.status === 'unfetchable') reasons.push({ text: say.REASON_UNFETCHABLE(m.error), todo: say.TODO_UNFETCHABLE(m.id) });
    if (m.status === 'quarantined') reasons.push({ text: say.REASON_QUARANTINED(m.error), todo: say.TODO_QUARANTINED(m.id) });
    if (m.status === 'error') reasons.push({ text: say.REASON_ERROR(m.error), todo: say.TODO_ERROR(m.id) });
    if (m.status === 'needs_person' && reasons.length === 0) reasons.push({ text: say.REASON_LOOK, todo: say.TODO_LOOK(m.id) });
    if (reasons.length) add(m, null, null, reasons);
  }
  for (const e of entries) {
    const m = byId.get(e.messageId);
    if (!m || e.review.checkedBy || e.review.decision) continue;
    const reasons = e.state === 'with_organizers' ? ofOrganizers(e.problems, m.id) : [];
    if (e.state === 'duplicate' && e.duplicateOf != null) {
      reasons.push({ text: say.REASON_DUPLICATE(e.duplicateOf), todo: say.todoFor({ code: 'duplicate_work' }, m.id) });
    }
    // A note travels with an item that needs a person; it does not make one.
    if (reasons.length && e.review.note) reasons.push({ text: noteLine(e.review.note), todo: '' });
    if (reasons.length) add(m, e.id, e.title, reasons);
  }
  // The console's page: the work's own when one work is the whole matter, else the mail's.
  const base = opts.webBaseUrl?.replace(/\/+$/, '') ?? null;
  return [...items.values()].map(({ works, whole, ...item }) => ({
    ...item,
    link: base ? (!whole && works.size === 1 ? `${base}/works/${[...works][0]}` : `${base}/messages/${item.messageId}`) : null,
  })).sort(latestFirst);
}

export function readDigestData(db: Db, contest: ContestConfig, date: string, opts: DigestOptions = {}): DigestData {
  const { start, end } = dayRange(date, contest.timezone);
  const from = start.toISOString();
  const until = end.toISOString();
  const messages = messagesReceivedBefore(db, until);
  const all: Stated[] = entriesReceivedBefore(db, until).map((e) => ({ ...e, state: entryState(e, contest.problemClasses) }));
  const current = all.filter((e) => e.state !== 'superseded');
  const ofDay = <T extends { receivedAt: string }>(list: T[]) => list.filter((x) => x.receivedAt >= from);
  const replies = replyStatusByMessage(db);
  const { units, unknown } = unitRows(progressUntil(db, contest, until), latestUnitContacts(db));
  const byState = Object.fromEntries(ENTRY_STATES.map((s) => [s, 0])) as Record<EntryState, number>;
  for (const e of all) byState[e.state] += 1;
  const newWorks: NewWork[] = ofDay(current).map((e) => ({
    entryId: e.id, messageId: e.messageId, receivedAt: e.receivedAt, title: e.title, authors: e.authors, unit: unitOf(e), link: e.primaryLink, state: e.state,
  })).sort(latestFirst);
  const needsPerson = personItems(messages, current, contest, opts);
  return {
    contestName: contest.name,
    timezone: contest.timezone,
    date,
    deadline: contest.deadline,
    day: {
      messages: ofDay(messages).length,
      byKind: countBy(ofDay(messages), (m) => m.kind),
      entries: newWorks.length,
      registered: newWorks.filter((w) => w.state === 'registered').length,
      repliesSent: countRepliesSent(db, from, until),
    },
    newWorks,
    totals: {
      messages: messages.length,
      byKind: countBy(messages, (m) => m.kind),
      entries: all.length,
      byState,
      needsPerson: needsPerson.length,
    },
    units,
    unknownUnits: unknown,
    waiting: waitingItems(messages, current, replies, contest),
    needsPerson,
    capped: cappedSenders(db, date),
    delivery: {
      pending: countWaitingToSend(db),
      dropped: countDropped(db, from, until),
      issues: outboxIssues(db).map((r) => ({ id: r.id, kind: r.kind, recipients: r.recipients, status: r.status, code: r.lastErrorCode, error: r.lastError })),
    },
  };
}
