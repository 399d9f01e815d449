import type { Db } from './db.ts';
import { decodeStrings, encodeJson } from './json-columns.ts';
import { prepared } from './prepared.ts';
import { columnsOf, countOf } from './row-decoding.ts';

/**
 * The outbox: one row per mail the service means to send. Intent is recorded first (inside the caller's
 * transaction for replies, so a message and its reply commit together), then 'sending' is committed before the
 * SMTP conversation and 'sent' after it. Nothing here opens a transaction; each function is one statement or a
 * read, except where said.
 */

export const OUTBOX_KINDS = ['reply', 'receipt', 'digest'] as const;
export type OutboxKind = (typeof OUTBOX_KINDS)[number];
export const OUTBOX_STATUSES = ['pending', 'sending', 'sent', 'failed', 'capped', 'unknown'] as const;
export type OutboxStatus = (typeof OUTBOX_STATUSES)[number];

export interface NewOutboxRow {
  kind: OutboxKind;
  messageId: number | null;
  recipients: string[];
  /** The answered submitter (replies and receipts). */
  recipient: string | null;
  /** null for capped rows: they must not block a later reply. */
  dedupeKey: string | null;
  intentKey: string | null;
  fingerprint: string | null;
  day: string;
  mailMessageId: string;
  mailDate: Date;
  subject: string;
  payload: string | null;
  raw: Buffer | null;
  status: 'pending' | 'capped';
  reason: string | null;
}

export interface OutboxRow {
  id: number;
  kind: OutboxKind;
  messageId: number | null;
  recipients: string[];
  recipient: string | null;
  dedupeKey: string | null;
  intentKey: string | null;
  fingerprint: string | null;
  day: string;
  mailMessageId: string;
  mailDate: string;
  subject: string;
  payload: string | null;
  raw: Buffer | null;
  status: OutboxStatus;
  reason: string | null;
  attempts: number;
  nextAttemptAt: string | null;
  lastErrorCode: string | null;
  lastError: string | null;
  deliveredVia: string | null;
  createdAt: string;
  updatedAt: string;
  sentAt: string | null;
}

const COLUMNS = `id, kind, message_id, recipients, recipient, dedupe_key, intent_key, fingerprint, day, mail_message_id, mail_date,
  subject, payload, raw, status, reason, attempts, next_attempt_at, last_error_code, last_error, delivered_via, created_at,
  updated_at, sent_at`;
/** The same columns without the stored bytes, for listings. */
const LISTED = COLUMNS.replace('raw,', 'NULL AS raw,');

/** A row of `outbox`. */
function decodeOutbox(row: unknown): OutboxRow {
  const c = columnsOf('outbox', row);
  return {
    id: c.int('id'), kind: c.oneOf('kind', OUTBOX_KINDS), messageId: c.intOrNull('message_id'),
    recipients: decodeStrings('outbox', 'recipients', c.text('recipients')), recipient: c.textOrNull('recipient'),
    dedupeKey: c.textOrNull('dedupe_key'), intentKey: c.textOrNull('intent_key'), fingerprint: c.textOrNull('fingerprint'), day: c.text('day'),
    mailMessageId: c.text('mail_message_id'), mailDate: c.text('mail_date'), subject: c.text('subject'), payload: c.textOrNull('payload'),
    raw: c.blobOrNull('raw'), status: c.oneOf('status', OUTBOX_STATUSES), reason: c.textOrNull('reason'), attempts: c.int('attempts'),
    nextAttemptAt: c.textOrNull('next_attempt_at'), lastErrorCode: c.textOrNull('last_error_code'), lastError: c.textOrNull('last_error'),
    deliveredVia: c.textOrNull('delivered_via'), createdAt: c.text('created_at'), updatedAt: c.text('updated_at'), sentAt: c.textOrNull('sent_at'),
  };
}

function decodeOutboxOrNull(row: unknown): OutboxRow | null {
  return row === undefined ? null : decodeOutbox(row);
}

/** Records an intent. Returns the new id, or null when a row with the same dedupe key already exists. */
export function insertOutbox(db: Db, row: NewOutboxRow, now: Date): number | null {
  const at = now.toISOString();
  const info = prepared(db, `INSERT INTO outbox (kind, message_id, recipients, recipient, dedupe_key, intent_key, fingerprint, day,
      mail_message_id, mail_date, subject, payload, raw, status, reason, attempts, next_attempt_at, created_at, updated_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?)
    ON CONFLICT (dedupe_key) DO NOTHING`)
    .run(row.kind, row.messageId, encodeJson(row.recipients), row.recipient, row.dedupeKey, row.intentKey, row.fingerprint,
      row.day, row.mailMessageId, row.mailDate.toISOString(), row.subject, row.payload, row.raw, row.status, row.reason,
      row.status === 'pending' ? at : null, at, at);
  return info.changes === 1 ? Number(info.lastInsertRowid) : null;
}

export function getOutbox(db: Db, id: number): OutboxRow | null {
  return decodeOutboxOrNull(prepared(db, `SELECT ${COLUMNS} FROM outbox WHERE id = ?`).get(id));
}

export function outboxByDedupeKey(db: Db, key: string): OutboxRow | null {
  return decodeOutboxOrNull(prepared(db, `SELECT ${COLUMNS} FROM outbox WHERE dedupe_key = ?`).get(key));
}

export interface ReplyHistoryQuery {
  recipient: string;
  dedupeKey: string | null;
  fingerprint: string | null;
  day: string;
}

/** What the reply policy needs to know about earlier replies. Capped rows were never sent and count for nothing. */
export function replyHistory(db: Db, q: ReplyHistoryQuery): {
  answeredSameKey: boolean; answeredSameContent: boolean; sentToSenderToday: number; sentToday: number;
} {
  const sameKey = q.dedupeKey ? prepared(db, 'SELECT 1 FROM outbox WHERE dedupe_key = ?').get(q.dedupeKey) !== undefined : false;
  const sameContent = q.fingerprint
    ? prepared(db, `SELECT 1 FROM outbox WHERE recipient = ? AND fingerprint = ? AND kind IN ('reply', 'receipt') AND status <> 'capped'`)
      .get(q.recipient, q.fingerprint) !== undefined
    : false;
  const count = (sql: string, ...params: unknown[]) => countOf(prepared(db, sql).get(...params));
  return {
    answeredSameKey: sameKey,
    answeredSameContent: sameContent,
    sentToSenderToday: count(`SELECT count(*) AS n FROM outbox WHERE recipient = ? AND day = ? AND kind IN ('reply', 'receipt') AND status <> 'capped'`,
      q.recipient, q.day),
    sentToday: count(`SELECT count(*) AS n FROM outbox WHERE day = ? AND kind IN ('reply', 'receipt') AND status <> 'capped'`, q.day),
  };
}

// ---- delivery -------------------------------------------------------------------------------------------

/** Pending rows whose time has come, oldest first. */
export function duePending(db: Db, now: Date, limit: number, ids?: readonly number[]): OutboxRow[] {
  const only = ids ? 'AND id IN (SELECT value FROM json_each(?))' : '';
  const params: unknown[] = [now.toISOString(), ...(ids ? [JSON.stringify(ids)] : []), limit];
  return prepared(db, `SELECT ${COLUMNS} FROM outbox WHERE status = 'pending' AND (next_attempt_at IS NULL OR next_attempt_at <= ?) ${only}
    ORDER BY id LIMIT ?`).all(...params).map(decodeOutbox);
}

/** Stores the rendered bytes once: a row is never rendered twice, so every send of it is byte-identical. */
export function storeRaw(db: Db, id: number, raw: Buffer, now: Date): void {
  prepared(db, 'UPDATE outbox SET raw = ?, updated_at = ? WHERE id = ? AND raw IS NULL').run(raw, now.toISOString(), id);
}

/** pending → sending, counted as an attempt. False when another process took it first. */
export function claimForSending(db: Db, id: number, now: Date, from: readonly OutboxStatus[] = ['pending']): boolean {
  return prepared(db, `UPDATE outbox SET status = 'sending', attempts = attempts + 1, updated_at = ?
    WHERE id = ? AND status IN (SELECT value FROM json_each(?))`).run(now.toISOString(), id, JSON.stringify(from)).changes === 1;
}

export function markSent(db: Db, id: number, now: Date, via: string): void {
  // 'unknown' too: another process may have judged this row interrupted while the server was still answering.
  prepared(db, `UPDATE outbox SET status = 'sent', sent_at = ?, updated_at = ?, delivered_via = ?, next_attempt_at = NULL,
    last_error_code = NULL, last_error = NULL WHERE id = ? AND status IN ('sending', 'unknown')`)
    .run(now.toISOString(), now.toISOString(), via, id);
}

export function markRetry(db: Db, id: number, now: Date, nextAttemptAt: Date, code: string, error: string): void {
  prepared(db, `UPDATE outbox SET status = 'pending', next_attempt_at = ?, last_error_code = ?, last_error = ?, updated_at = ?
    WHERE id = ? AND status = 'sending'`).run(nextAttemptAt.toISOString(), code, error.slice(0, 1000), now.toISOString(), id);
}

export function markFailed(db: Db, id: number, now: Date, code: string, error: string): void {
  prepared(db, `UPDATE outbox SET status = 'failed', next_attempt_at = NULL, last_error_code = ?, last_error = ?, updated_at = ?
    WHERE id = ? AND status = 'sending'`).run(code, error.slice(0, 1000), now.toISOString(), id);
}

/**
 * Rows left 'sending' since before `staleBefore` belong to a process that stopped mid-send: the server may or
 * may not have taken the mail. They become 'unknown' and are never sent again by themselves.
 */
export function markInterrupted(db: Db, staleBefore: Date, now: Date): number[] {
  const rows = prepared(db, `UPDATE outbox SET status = 'unknown', last_error_code = 'interrupted',
      last_error = 'the process stopped while sending: the server may or may not have accepted it', updated_at = ?
    WHERE status = 'sending' AND updated_at < ? RETURNING id`).all(now.toISOString(), staleBefore.toISOString());
  return rows.map((r) => columnsOf('outbox', r).int('id')).sort((a, b) => a - b);
}

// ---- reading back ---------------------------------------------------------------------------------------

export function listOutbox(db: Db, opts: { status?: OutboxStatus; kind?: OutboxKind; limit?: number } = {}): OutboxRow[] {
  const where: string[] = [];
  const params: unknown[] = [];
  if (opts.status) { where.push('status = ?'); params.push(opts.status); }
  if (opts.kind) { where.push('kind = ?'); params.push(opts.kind); }
  params.push(opts.limit ?? 100);
  return prepared(db, `SELECT ${LISTED} FROM outbox ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`)
    .all(...params).map(decodeOutbox);
}

export function outboxCounts(db: Db): Record<OutboxStatus, number> {
  const out: Record<OutboxStatus, number> = { pending: 0, sending: 0, sent: 0, failed: 0, capped: 0, unknown: 0 };
  for (const r of prepared(db, 'SELECT status, count(*) AS n FROM outbox GROUP BY status').all()) {
    const c = columnsOf('outbox', r);
    out[c.oneOf('status', OUTBOX_STATUSES)] = c.int('n');
  }
  return out;
}

/** Senders whose replies the caps held back on a day, for the digest. */
export function cappedSenders(db: Db, day: string): { address: string; count: number; reasons: string[] }[] {
  return prepared(db, `SELECT recipient AS address, count(*) AS count, group_concat(DISTINCT reason) AS reasons FROM outbox
      WHERE status = 'capped' AND day = ? AND recipient IS NOT NULL GROUP BY recipient ORDER BY count DESC, recipient`)
    .all(day).map((r) => {
      const c = columnsOf('outbox', r);
      return { address: c.text('address'), count: c.int('count'), reasons: (c.textOrNull('reasons') ?? '').split(',').filter(Boolean) };
    });
}

/** The latest outbox status of each message's reply, for the digest and the export. */
export function replyStatusByMessage(db: Db): Map<number, OutboxStatus> {
  const rows = prepared(db, `SELECT message_id, status FROM outbox WHERE message_id IS NOT NULL
    AND id IN (SELECT max(id) FROM outbox WHERE message_id IS NOT NULL GROUP BY message_id)`).all().map((r) => columnsOf('outbox', r));
  return new Map(rows.map((c) => [c.int('message_id'), c.oneOf('status', OUTBOX_STATUSES)]));
}

/** Rows a person should look at: failed for good, or interrupted mid-send. */
export function outboxIssues(db: Db, limit = 50): OutboxRow[] {
  return prepared(db, `SELECT ${LISTED} FROM outbox WHERE status IN ('failed', 'unknown') ORDER BY id DESC LIMIT ?`).all(limit).map(decodeOutbox);
}

/** Replies and receipts the server accepted in [from, until) (ISO instants). */
export function countRepliesSent(db: Db, from: string, until: string): number {
  return countOf(prepared(db, `SELECT count(*) AS n FROM outbox WHERE kind IN ('reply', 'receipt') AND status = 'sent'
    AND sent_at >= ? AND sent_at < ?`).get(from, until));
}

/** Mails waiting to go out (or going out now). */
export function countWaitingToSend(db: Db): number {
  return countOf(prepared(db, "SELECT count(*) AS n FROM outbox WHERE status IN ('pending', 'sending')").get());
}
