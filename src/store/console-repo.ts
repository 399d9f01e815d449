import type { Problem } from '../domain/problem.ts';
import type { Db } from './db.ts';
import type { MessageRow, StoredAttachment } from './messages-repo.ts';
import type { OutboxRow, OutboxStatus } from './outbox-repo.ts';
import { prepared } from './prepared.ts';

/**
 * What the console's pages read: the works list (search, filters, sorting, paging over reviewed_entries), one
 * message with its attachments, the mail list, and the outbox in pages. Persistence only: the pages decide what to show.
 */

export type WorkState = 'valid' | 'problems' | 'duplicate' | 'superseded' | 'excluded' | 'accepted' | 'checked' | 'unchecked';
export type WorkSort = 'received' | 'title' | 'unit' | 'status';

export interface WorkQuery {
  /** Title, authors, unit (as written or credited); four digits also match a phone's last four. */
  q?: string;
  state?: WorkState;
  /** Works that carry any of these problem codes (one code, or every code of a class). */
  problemCodes?: readonly string[];
  /** A unit's name, or '' for works from individuals (no unit). */
  unit?: string;
  /** [from, to) instants of a local day. */
  receivedFrom?: string;
  receivedTo?: string;
  newEmployment?: boolean;
  sort?: WorkSort;
  desc?: boolean;
}

export interface WorkListRow {
  id: number;
  messageId: number;
  title: string | null;
  authors: string[];
  unit: string | null;
  unitText: string | null;
  phone: string | null;
  link: string | null;
  status: string;
  problems: Problem[];
  decision: string | null;
  checkedBy: string | null;
  newEmployment: boolean;
  receivedAt: string;
  sender: string | null;
}

const UNIT = 'coalesce(e.credited_unit, e.recommended_by_unit, e.recommender_text)';

function likePattern(q: string): string {
  return `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * The problems a work's row shows and the problem filter reads: those that still stand (a correction has them checked
 * again), except on a decided work, which keeps showing what was decided about (a late work beside 人工接受).
 */
const SHOWN_PROBLEMS = 'CASE WHEN e.decision IS NOT NULL THEN e.recorded_problems ELSE e.problems END';

function whereOf(q: WorkQuery): { sql: string; params: unknown[] } {
  const where: string[] = [];
  const params: unknown[] = [];
  if (q.state === 'superseded') where.push("e.status = 'superseded'");
  else {
    where.push("e.status <> 'superseded'");
    if (q.state === 'accepted') where.push("e.decision = 'accepted'");
    else if (q.state === 'checked') where.push('e.checked_by IS NOT NULL');
    else if (q.state === 'unchecked') where.push('e.checked_by IS NULL');
    else if (q.state) { where.push('e.status = ?'); params.push(q.state); }
  }
  const text = q.q?.trim();
  if (text) {
    const like = likePattern(text);
    const parts = ["e.title LIKE ? ESCAPE '\\'", "e.authors LIKE ? ESCAPE '\\'", "e.unit_text LIKE ? ESCAPE '\\'", `${UNIT} LIKE ? ESCAPE '\\'`];
    params.push(like, like, like, like);
    if (/^\d{4}$/.test(text)) {
      parts.push("replace(replace(replace(e.phone, '-', ''), ' ', ''), '+', '') LIKE ?");
      params.push(`%${text}`);
    }
    where.push(`(${parts.join(' OR ')})`);
    // The trigram index (migration 0011) names the works that can match, and the conditions above are tried on
    // those only. Three characters or more, it answers from the index; fewer, it reads its one column of text, which
    // is still three times faster than the conditions on every work (at 10,000 works: a search 10–15 ms → 4–5 ms,
    // kept then as the view's list). A wildcard in the text is left to the conditions alone.
    if (!/[\\%_]/.test(text)) {
      where.push('e.id IN (SELECT rowid FROM works_search WHERE text LIKE ?)');
      params.push(`%${text}%`);
    }
  }
  if (q.problemCodes) {
    where.push(`EXISTS (SELECT 1 FROM json_each(${SHOWN_PROBLEMS}) p WHERE json_extract(p.value, '$.code') IN (SELECT value FROM json_each(?)))`);
    params.push(JSON.stringify(q.problemCodes));
  }
  if (q.unit !== undefined) {
    if (q.unit === '') where.push(`${UNIT} IS NULL`);
    else { where.push(`${UNIT} = ?`); params.push(q.unit); }
  }
  if (q.receivedFrom) { where.push('e.received_at >= ?'); params.push(q.receivedFrom); }
  if (q.receivedTo) { where.push('e.received_at < ?'); params.push(q.receivedTo); }
  if (q.newEmployment !== undefined) { where.push('e.new_employment = ?'); params.push(q.newEmployment ? 1 : 0); }
  return { sql: where.length ? `WHERE ${where.join(' AND ')}` : '', params };
}

const ORDER: Record<WorkSort, string> = {
  received: 'e.received_at', title: 'e.title COLLATE NOCASE', unit: `${UNIT}`, status: 'e.status',
};

/**
 * Something in the database changed since `token` was taken: this connection's writes (total_changes) or another
 * process's (data_version). Cheap: no table is read.
 */
function changeToken(db: Db): string {
  // One statement kept for both (db.pragma() compiles its statement at every call: 0.06 ms of every page).
  const r = prepared(db, 'SELECT (SELECT data_version FROM pragma_data_version()) AS v, total_changes() AS n').get() as { v: number; n: number };
  return `${r.v}:${r.n}`;
}

// A view's works in order, kept until anything in the database changes. Paging through a view, the same search
// asked again and the list opened again read 50 rows instead of walking the view; a change costs one walk, which
// the view's count read anyway. At 10,000 works a view is 40 KB; at most VIEWS_KEPT are kept. The last pages read of
// each view are kept with it (PAGES_KEPT, about 50 KB a page), frozen: every reader shares them until the next change.
const VIEWS_KEPT = 16;
const PAGES_KEPT = 4;
interface KeptView {
  ids: Uint32Array;
  pages: Map<string, readonly WorkListRow[]>;
}
const views = new WeakMap<Db, { token: string; byQuery: Map<string, KeptView> }>();

function keptView(db: Db, q: WorkQuery): KeptView {
  const { sql, params } = whereOf(q);
  const dir = q.desc === false ? 'ASC' : 'DESC';
  const order = `${ORDER[q.sort ?? 'received']} ${dir}, e.id ${dir}`;
  const token = changeToken(db);
  let cache = views.get(db);
  if (!cache || cache.token !== token) views.set(db, (cache = { token, byQuery: new Map() }));
  const key = JSON.stringify([sql, params, order]);
  let view = cache.byQuery.get(key);
  if (!view) {
    const ids = Uint32Array.from((prepared(db, `SELECT e.id FROM reviewed_entries e ${sql} ORDER BY ${order}`).raw().all(...params) as [number][]).map((r) => r[0]));
    if (cache.byQuery.size >= VIEWS_KEPT) cache.byQuery.delete(cache.byQuery.keys().next().value!);
    cache.byQuery.set(key, (view = { ids, pages: new Map() }));
  }
  return view;
}

function readRows(db: Db, ids: number[]): WorkListRow[] {
  const rows = (prepared(db, `SELECT e.id, e.message_id AS messageId, e.title, e.authors, ${UNIT} AS unit, e.unit_text AS unitText, e.phone,
      e.primary_link AS link, e.status, ${SHOWN_PROBLEMS} AS problems, e.decision, e.checked_by AS checkedBy, e.new_employment AS newEmployment,
      e.received_at AS receivedAt, m.from_address AS sender
    FROM reviewed_entries e JOIN messages m ON m.id = e.message_id WHERE e.id IN (SELECT value FROM json_each(?))`)
    .all(JSON.stringify(ids)) as (Omit<WorkListRow, 'authors' | 'problems' | 'newEmployment'> & { authors: string; problems: string; newEmployment: number })[])
    .map((r) => ({ ...r, authors: JSON.parse(r.authors) as string[], problems: JSON.parse(r.problems) as Problem[], newEmployment: r.newEmployment === 1 }));
  const at = new Map(ids.map((id, i) => [id, i]));
  return rows.sort((a, b) => at.get(a.id)! - at.get(b.id)!);
}

export function listWorks(db: Db, q: WorkQuery, page: { offset: number; limit: number }): { rows: readonly WorkListRow[]; total: number } {
  const view = keptView(db, q);
  const pageKey = `${page.offset}:${page.limit}`;
  let rows = view.pages.get(pageKey);
  if (!rows) {
    rows = Object.freeze(readRows(db, [...view.ids.subarray(page.offset, page.offset + page.limit)]).map((r) =>
      Object.freeze({ ...r, authors: Object.freeze(r.authors), problems: Object.freeze(r.problems) }) as WorkListRow));
    if (view.pages.size >= PAGES_KEPT) view.pages.delete(view.pages.keys().next().value!);
    view.pages.set(pageKey, rows);
  }
  return { rows, total: view.ids.length };
}

/** The ids of every work in a view (for the view's .xlsx), in the list's order. */
export function workIds(db: Db, q: WorkQuery): number[] {
  return [...keptView(db, q).ids];
}

/** The values the filters offer: units that sent something, problem codes that occur. */
export function workFacets(db: Db): { units: string[]; problems: string[] } {
  const units = (prepared(db, `SELECT DISTINCT ${UNIT} AS u FROM entries e WHERE ${UNIT} IS NOT NULL ORDER BY u`).all() as { u: string }[]).map((r) => r.u);
  const problems = (prepared(db, `SELECT DISTINCT json_extract(p.value, '$.code') AS code FROM entries e, json_each(e.problems) p ORDER BY code`)
    .all() as { code: string }[]).map((r) => r.code);
  return { units, problems };
}

/** One entry as the decisions make it (reviewed_entries), beside the recorded row. */
export interface ReviewedValues {
  title: string | null;
  authors: string[];
  occupation: string | null;
  unit: string | null;
  link: string | null;
  phone: string | null;
  address: string | null;
  intro: string | null;
  status: string;
  /** The problems that still stand: a decision clears them, a correction has them checked again. */
  problems: Problem[];
}

export function reviewedValues(db: Db, entryId: number): ReviewedValues | null {
  const r = prepared(db, `SELECT title, authors, occupation, unit_text AS unit, primary_link AS link, phone, address, intro, status, problems
    FROM reviewed_entries WHERE id = ?`).get(entryId) as (Omit<ReviewedValues, 'authors' | 'problems'> & { authors: string; problems: string }) | undefined;
  return r ? { ...r, authors: JSON.parse(r.authors) as string[], problems: JSON.parse(r.problems) as Problem[] } : null;
}

/** Rows linked to an entry: what it supersedes or is superseded by, what it duplicates or is duplicated by. */
export function relatedEntries(db: Db, entryId: number): { id: number; title: string | null; status: string; relation: 'supersedes' | 'superseded_by' | 'duplicate_of' | 'duplicated_by' | 'same_message' }[] {
  return prepared(db, `
    SELECT o.id, o.title, o.status, 'supersedes' AS relation FROM entries e JOIN entries o ON o.id = e.supersedes WHERE e.id = @id
    UNION ALL SELECT o.id, o.title, o.status, 'superseded_by' FROM entries o WHERE o.supersedes = @id
    UNION ALL SELECT o.id, o.title, o.status, 'duplicate_of' FROM entries e JOIN entries o ON o.id = e.duplicate_of WHERE e.id = @id
    UNION ALL SELECT o.id, o.title, o.status, 'duplicated_by' FROM entries o WHERE o.duplicate_of = @id
    UNION ALL SELECT o.id, o.title, o.status, 'same_message' FROM entries e JOIN entries o ON o.message_id = e.message_id AND o.id <> e.id WHERE e.id = @id
    ORDER BY 1`).all({ id: entryId }) as ReturnType<typeof relatedEntries>;
}

// ---- messages -----------------------------------------------------------------------------------------------

/** A message as the console shows it: the stored row without what only the pipeline needs. */
export type MessageView = Omit<MessageRow, 'contentHash' | 'uidValidity' | 'mailbox' | 'attachments'>;

const MESSAGE_COLUMNS = `id, message_id AS messageId, from_address AS "from", from_name AS fromName, reply_to AS replyTo, subject,
  received_at AS receivedAt, size, kind, kind_reason AS kindReason, status, problems, error, headers_key AS headersKey, text_key AS textKey,
  html_key AS htmlKey, source_file AS sourceFile, uid`;

export function getMessage(db: Db, id: number): MessageView | null {
  const r = prepared(db, `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE id = ?`).get(id) as (Omit<MessageView, 'problems'> & { problems: string }) | undefined;
  return r ? { ...r, problems: JSON.parse(r.problems) as Problem[] } : null;
}

export function attachmentsOf(db: Db, messageId: number): (StoredAttachment & { index: number })[] {
  return (prepared(db, `SELECT part, filename, content_type AS contentType, size, inline, downloaded, skipped, sha256,
      forwarded_from AS forwardedFrom FROM attachments WHERE message_id = ? ORDER BY id`).all(messageId) as
    (Omit<StoredAttachment, 'inline' | 'downloaded'> & { inline: number; downloaded: number })[])
    .map((a, index) => ({ ...a, index, inline: a.inline === 1, downloaded: a.downloaded === 1 }));
}

export function entriesOfMessage(db: Db, messageId: number): { id: number; title: string | null; status: string }[] {
  return prepared(db, 'SELECT id, title, status FROM reviewed_entries WHERE message_id = ? ORDER BY source_index').all(messageId) as
    { id: number; title: string | null; status: string }[];
}

export interface MessageQuery {
  q?: string;
  kind?: string;
  status?: string;
}

export function listMessages(db: Db, q: MessageQuery, page: { offset: number; limit: number }): { rows: MessageView[]; total: number } {
  const where: string[] = [];
  const params: unknown[] = [];
  if (q.kind) { where.push('kind = ?'); params.push(q.kind); }
  if (q.status) { where.push('status = ?'); params.push(q.status); }
  if (q.q?.trim()) {
    const like = likePattern(q.q.trim());
    where.push("(subject LIKE ? ESCAPE '\\' OR from_address LIKE ? ESCAPE '\\' OR from_name LIKE ? ESCAPE '\\')");
    params.push(like, like, like);
  }
  const sql = where.length ? `WHERE ${where.join(' AND ')}` : '';
  const total = (prepared(db, `SELECT count(*) AS n FROM messages ${sql}`).get(...params) as { n: number }).n;
  const rows = (prepared(db, `SELECT ${MESSAGE_COLUMNS} FROM messages ${sql} ORDER BY received_at DESC, id DESC LIMIT ? OFFSET ?`)
    .all(...params, page.limit, page.offset) as (Omit<MessageView, 'problems'> & { problems: string })[])
    .map((r) => ({ ...r, problems: JSON.parse(r.problems) as Problem[] }));
  return { rows, total };
}

// ---- outbox ---------------------------------------------------------------------------------------------------

export type OutboxListRow = Omit<OutboxRow, 'raw' | 'payload'>;

const OUTBOX_COLUMNS = `id, kind, message_id AS messageId, recipients, recipient, dedupe_key AS dedupeKey, intent_key AS intentKey,
  fingerprint, day, mail_message_id AS mailMessageId, mail_date AS mailDate, subject, status, reason, attempts,
  next_attempt_at AS nextAttemptAt, last_error_code AS lastErrorCode, last_error AS lastError, delivered_via AS deliveredVia,
  created_at AS createdAt, updated_at AS updatedAt, sent_at AS sentAt`;

export function listOutboxPage(db: Db, q: { status?: OutboxStatus; messageId?: number }, page: { offset: number; limit: number }): { rows: OutboxListRow[]; total: number } {
  const where: string[] = [];
  const params: unknown[] = [];
  if (q.status) { where.push('status = ?'); params.push(q.status); }
  if (q.messageId !== undefined) { where.push('message_id = ?'); params.push(q.messageId); }
  const sql = where.length ? `WHERE ${where.join(' AND ')}` : '';
  const total = (prepared(db, `SELECT count(*) AS n FROM outbox ${sql}`).get(...params) as { n: number }).n;
  const rows = (prepared(db, `SELECT ${OUTBOX_COLUMNS} FROM outbox ${sql} ORDER BY id DESC LIMIT ? OFFSET ?`).all(...params, page.limit, page.offset) as
    (Omit<OutboxListRow, 'recipients'> & { recipients: string })[]).map((r) => ({ ...r, recipients: JSON.parse(r.recipients) as string[] }));
  return { rows, total };
}
