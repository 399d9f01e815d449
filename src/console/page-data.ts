import type { App } from '../app.ts';
import { headerBlockToText } from '../mailbox/parse-headers.ts';
import { parseEml } from '../mailbox/eml-folder-source.ts';
import { dayRange, daysBetween, isIsoDay, localDay, previousLocalDay } from '../domain/contest-calendar.ts';
import { PROBLEM_CLASSES, type ProblemClasses } from '../domain/problem-class.ts';
import { PROBLEM_CODES, type ProblemCode } from '../domain/problem.ts';
import { label, PROBLEM_CLASS_LABELS, PROBLEM_CODE_LABELS } from '../domain/state-labels.ts';
import { auditOfEntry } from '../store/audit-repo.ts';
import {
  attachmentsOf, getMessage, listOutboxPage, listWorks, relatedEntries, reviewedValues, workFacets,
  type WorkQuery, type WorkSort, type WorkState,
} from '../store/console-repo.ts';
import { readDigestData } from '../digest/collect-digest.ts';
import { getEntry } from '../store/entries-repo.ts';
import { getOutbox } from '../store/outbox-repo.ts';
import { correctionsOf, getReview, notesOf } from '../store/review-repo.ts';
import type { MailContent } from './views/mail-view.tsx';
import type { OverviewData } from './views/overview-page.tsx';
import type { WorkPageData } from './views/work-page.tsx';
import type { WorksView } from './views/works-page.tsx';

/**
 * What each page shows, gathered from the same use cases and repositories the CLI, the digest and the exports use
 * (readDigestData for 总览, unitProgress for 单位). Route handlers only call these and render.
 */

export const PAGE_SIZE = 50;

const STATES = new Set<WorkState>(['valid', 'problems', 'duplicate', 'superseded', 'excluded', 'accepted', 'checked', 'unchecked']);
const SORTS = new Set<WorkSort>(['received', 'title', 'unit', 'status']);

/** The 作品 list's query string as a WorkQuery; anything unknown is ignored, never passed to SQL. */
/**
 * The 问题类型 filter: `class:must_fix` means every code the organizers put in that class (config problemClasses),
 * a bare code means that code. Anything else is ignored.
 */
function problemCodesOf(value: string, classes: ProblemClasses): string[] | undefined {
  const cls = /^class:([a-z_]+)$/.exec(value)?.[1];
  if (cls !== undefined) {
    return (PROBLEM_CLASSES as readonly string[]).includes(cls)
      ? PROBLEM_CODES.filter((code) => classes[code] === cls)
      : undefined;
  }
  return (PROBLEM_CODES as readonly string[]).includes(value) ? [value] : undefined;
}

export function parseWorkQuery(query: URLSearchParams, timezone: string, classes: ProblemClasses): WorkQuery {
  const q: WorkQuery = {};
  const get = (k: string) => query.get(k)?.trim() ?? '';
  if (get('q')) q.q = get('q').slice(0, 100);
  if (STATES.has(get('state') as WorkState)) q.state = get('state') as WorkState;
  const problemCodes = problemCodesOf(get('problem'), classes);
  if (problemCodes) q.problemCodes = problemCodes;
  if (query.has('unit') && query.get('unit') !== '*') q.unit = (query.get('unit') ?? '').slice(0, 200);
  if (isIsoDay(get('day'))) {
    const { start, end } = dayRange(get('day'), timezone);
    q.receivedFrom = start.toISOString();
    q.receivedTo = end.toISOString();
  }
  if (get('ne') === '1' || get('ne') === '0') q.newEmployment = get('ne') === '1';
  if (SORTS.has(get('sort') as WorkSort)) q.sort = get('sort') as WorkSort;
  if (get('dir') === 'asc') q.desc = false;
  return q;
}

export function offsetOf(query: URLSearchParams): number {
  const n = Number(query.get('offset') ?? 0);
  return Number.isInteger(n) && n > 0 && n < 1e7 ? n : 0;
}

// The filters' choices (units that sent something, problem codes that occur) read every entry: kept for a minute.
const facetCache = new WeakMap<object, { at: number; facets: ReturnType<typeof workFacets> }>();
function facetsOf(app: App, now: Date): ReturnType<typeof workFacets> {
  const hit = facetCache.get(app.db);
  if (hit && now.getTime() - hit.at < 60_000) return hit.facets;
  const facets = workFacets(app.db);
  facetCache.set(app.db, { at: now.getTime(), facets });
  return facets;
}

export function worksView(app: App, query: URLSearchParams, now: Date): WorksView {
  const tz = app.config.contest.timezone;
  const offset = offsetOf(query);
  const classes = app.config.contest.problemClasses;
  const { rows, total } = listWorks(app.db, parseWorkQuery(query, tz, classes), { offset, limit: PAGE_SIZE });
  const facets = facetsOf(app, now);
  // The classes first (what organizers act on), then the codes that occur, each named in Chinese.
  const problems: [string, string][] = [
    ...PROBLEM_CLASSES.map((c): [string, string] => [`class:${c}`, `类别：${PROBLEM_CLASS_LABELS[c]}`]),
    ...facets.problems.map((code): [string, string] => [code, `${label(PROBLEM_CODE_LABELS, code)}（${label(PROBLEM_CLASS_LABELS, classes[code as ProblemCode])}）`]),
  ];
  return { rows, total, offset, limit: PAGE_SIZE, query, units: facets.units, problems, timezone: tz };
}

export function mailContent(app: App, messageId: number): MailContent | null {
  const message = getMessage(app.db, messageId);
  if (!message) return null;
  const read = (key: string | null) => (key && app.archive.has(key) ? app.archive.get(key) : null);
  const headers = read(message.headersKey);
  return {
    message,
    headers: headers ? headerBlockToText(headers) : '',
    text: read(message.textKey)?.toString('utf8') ?? null,
    hasHtml: !!message.htmlKey,
    attachments: attachmentsOf(app.db, messageId),
  };
}

export function workPageData(app: App, id: number): WorkPageData | null {
  const entry = getEntry(app.db, id);
  const reviewed = entry && reviewedValues(app.db, id);
  const mail = entry && mailContent(app, entry.messageId);
  if (!entry || !reviewed || !mail) return null;
  return {
    entry, reviewed, mail, review: getReview(app.db, id), corrections: correctionsOf(app.db, id), notes: notesOf(app.db, id),
    audit: auditOfEntry(app.db, id), related: relatedEntries(app.db, id),
    replies: listOutboxPage(app.db, { messageId: entry.messageId }, { offset: 0, limit: 20 }).rows, timezone: app.config.contest.timezone,
  };
}

/** 总览: the digest's own reading of today and yesterday (readDigestData), so the figures agree with the mail. */
export function overviewData(app: App, now: Date): OverviewData {
  const tz = app.config.contest.timezone;
  const today = localDay(now, tz);
  return {
    today: readDigestData(app.db, app.config.contest, today),
    yesterday: readDigestData(app.db, app.config.contest, previousLocalDay(now, tz)),
    daysLeft: daysBetween(today, app.config.contest.deadline),
    deadline: app.config.contest.deadline,
  };
}

/** A stored reply's text, read back from the exact bytes that were (or will be) sent. */
export async function replyText(app: App, id: number): Promise<string | null> {
  const row = getOutbox(app.db, id);
  if (!row?.raw) return null;
  const parsed = await parseEml(row.raw, { fallbackDate: new Date(row.mailDate), limits: app.limits });
  return parsed.text ?? null;
}
