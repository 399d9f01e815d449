import { MESSAGE_KINDS, MESSAGE_STATUSES, type MessageKind, type MessageStatus } from '../domain/message-kind.ts';
import type { Problem } from '../domain/problem.ts';
import type { Db } from './db.ts';
import { decodeProblems, encodeJson } from './json-columns.ts';
import { prepared } from './prepared.ts';
import { columnsOf } from './row-decoding.ts';

export interface StoredAttachment {
  part: string;
  filename: string | null;
  contentType: string;
  size: number;
  inline: boolean;
  downloaded: boolean;
  skipped: string | null;
  sha256: string | null;
  forwardedFrom: string | null;
}

export interface MessageRecord {
  contentHash: string;
  messageId: string | null;
  mailbox: string | null;
  uidValidity: number | null;
  uid: number | null;
  sourceFile: string | null;
  fromAddress: string | null;
  fromName: string | null;
  replyTo: string | null;
  subject: string;
  receivedAt: Date;
  size: number;
  kind: MessageKind;
  kindReason: string;
  status: MessageStatus;
  problems: Problem[];
  error: string | null;
  headersKey: string;
  textKey: string | null;
  htmlKey: string | null;
  attachments: StoredAttachment[];
}

export function findByHash(db: Db, contentHash: string): { id: number; mailbox: string | null; uidValidity: number | null; uid: number | null } | null {
  const row = prepared(db, 'SELECT id, mailbox, uid_validity, uid FROM messages WHERE content_hash = ?').get(contentHash);
  if (row === undefined) return null;
  const c = columnsOf('messages', row);
  return { id: c.int('id'), mailbox: c.textOrNull('mailbox'), uidValidity: c.intOrNull('uid_validity'), uid: c.intOrNull('uid') };
}

/** After a UIDVALIDITY change the same message has a new UID: the record follows it, nothing is processed again. */
export function relinkUid(db: Db, id: number, mailbox: string, uidValidity: number, uid: number): void {
  prepared(db, 'UPDATE messages SET mailbox = ?, uid_validity = ?, uid = ? WHERE id = ?').run(mailbox, uidValidity, uid, id);
}

/**
 * Inside a write transaction: the id the next message will be inserted under, with foreign keys checked at commit
 * (SQLite resets that at the end of the transaction). The message's entries are written first under this id, so the
 * message itself is written once, with the verdict they decide.
 */
export function reserveMessageId(db: Db): number {
  if (!db.inTransaction) throw new Error('reserveMessageId needs the transaction that records the message');
  db.pragma('defer_foreign_keys = ON');
  const row = prepared(db, 'SELECT coalesce(max(id), 0) + 1 AS id FROM messages').get();
  return columnsOf('messages', row).int('id');
}

export function insertMessage(db: Db, r: MessageRecord, now: Date, id: number | null = null): number {
  const info = prepared(db, `INSERT INTO messages (id, content_hash, message_id, mailbox, uid_validity, uid, source_file, from_address,
      from_name, reply_to, subject, received_at, size, kind, kind_reason, status, problems, error, headers_key, text_key, html_key,
      ingested_at, processed_at)
    VALUES (@id, @contentHash, @messageId, @mailbox, @uidValidity, @uid, @sourceFile, @fromAddress, @fromName, @replyTo, @subject,
      @receivedAt, @size, @kind, @kindReason, @status, @problems, @error, @headersKey, @textKey, @htmlKey, @now, @now)`)
    .run({ ...r, id, receivedAt: r.receivedAt.toISOString(), problems: encodeJson(r.problems), now: now.toISOString(), attachments: undefined });
  const inserted = Number(info.lastInsertRowid);
  insertAttachments(db, inserted, r.attachments);
  return inserted;
}

function insertAttachments(db: Db, id: number, attachments: readonly StoredAttachment[]): void {
  const att = prepared(db, `INSERT INTO attachments (message_id, part, filename, content_type, size, inline, downloaded, skipped, sha256, forwarded_from)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  for (const a of attachments) {
    att.run(id, a.part, a.filename, a.contentType, a.size, a.inline ? 1 : 0, a.downloaded ? 1 : 0, a.skipped, a.sha256, a.forwardedFrom);
  }
}

/**
 * A quarantined or unfetchable message that a later try could read: its placeholder row becomes the full
 * record, under the same id (links to it stay valid).
 */
export function replaceMessage(db: Db, id: number, r: MessageRecord, now: Date): void {
  prepared(db, `UPDATE messages SET content_hash = @contentHash, message_id = @messageId, mailbox = @mailbox, uid_validity = @uidValidity,
      uid = @uid, source_file = @sourceFile, from_address = @fromAddress, from_name = @fromName, reply_to = @replyTo, subject = @subject,
      received_at = @receivedAt, size = @size, kind = @kind, kind_reason = @kindReason, status = @status, problems = @problems, error = @error,
      headers_key = @headersKey, text_key = @textKey, html_key = @htmlKey, processed_at = @now
    WHERE id = @id`)
    .run({ ...r, id, receivedAt: r.receivedAt.toISOString(), problems: encodeJson(r.problems), now: now.toISOString(), attachments: undefined });
  prepared(db, 'DELETE FROM attachments WHERE message_id = ?').run(id);
  insertAttachments(db, id, r.attachments);
}

/** Quarantined and unfetchable messages of a mailbox not tried since `before` (never tried: due at once). */
export function dueForRetry(db: Db, mailbox: string, uidValidity: number, before: Date): { id: number; uid: number; status: MessageStatus }[] {
  return prepared(db, `SELECT id, uid, status FROM messages WHERE status IN ('quarantined', 'unfetchable') AND mailbox = ? AND uid_validity = ?
      AND uid IS NOT NULL AND (retried_at IS NULL OR retried_at < ?) ORDER BY uid`)
    .all(mailbox, uidValidity, before.toISOString()).map((r) => {
      const c = columnsOf('messages', r);
      return { id: c.int('id'), uid: c.int('uid'), status: c.oneOf('status', MESSAGE_STATUSES) };
    });
}

/** Committed before a retry starts: a retry that kills the worker is not started again until the next day. */
export function markRetried(db: Db, id: number, now: Date): void {
  prepared(db, 'UPDATE messages SET retried_at = ? WHERE id = ?').run(now.toISOString(), id);
}

export function messageIdentity(db: Db, id: number): { id: number; mailbox: string | null; uidValidity: number | null; uid: number | null; status: MessageStatus } | null {
  const row = prepared(db, 'SELECT id, mailbox, uid_validity, uid, status FROM messages WHERE id = ?').get(id);
  if (row === undefined) return null;
  const c = columnsOf('messages', row);
  return { id: c.int('id'), mailbox: c.textOrNull('mailbox'), uidValidity: c.intOrNull('uid_validity'), uid: c.intOrNull('uid'), status: c.oneOf('status', MESSAGE_STATUSES) };
}

/** `reprocess` rewrites the verdict of a message already stored; its identity and archive keys never change. */
export function updateVerdict(db: Db, id: number, v: Pick<MessageRecord, 'kind' | 'kindReason' | 'status' | 'problems' | 'error'>, now: Date): void {
  prepared(db, 'UPDATE messages SET kind = ?, kind_reason = ?, status = ?, problems = ?, error = ?, processed_at = ? WHERE id = ?')
    .run(v.kind, v.kindReason, v.status, encodeJson(v.problems), v.error, now.toISOString(), id);
}

// ---- reading back -------------------------------------------------------------------------------------------

export function countsByKind(db: Db): Record<string, number> {
  const rows = prepared(db, 'SELECT kind, count(*) AS n FROM messages GROUP BY kind').all().map((r) => columnsOf('messages', r));
  return Object.fromEntries(rows.map((c) => [c.text('kind'), c.int('n')]));
}

export function countsByStatus(db: Db): Record<string, number> {
  const rows = prepared(db, 'SELECT status, count(*) AS n FROM messages GROUP BY status').all().map((r) => columnsOf('messages', r));
  return Object.fromEntries(rows.map((c) => [c.text('status'), c.int('n')]));
}

/** When the newest recorded message arrived (ISO), or null for an empty table. */
export function newestReceivedAt(db: Db): string | null {
  return columnsOf('messages', prepared(db, 'SELECT max(received_at) AS at FROM messages').get()).textOrNull('at');
}

export interface MessageRow {
  id: number;
  contentHash: string;
  uid: number | null;
  uidValidity: number | null;
  mailbox: string | null;
  sourceFile: string | null;
  messageId: string | null;
  from: string | null;
  fromName: string | null;
  replyTo: string | null;
  subject: string;
  receivedAt: string;
  size: number;
  kind: MessageKind;
  kindReason: string | null;
  status: MessageStatus;
  problems: Problem[];
  error: string | null;
  headersKey: string;
  textKey: string | null;
  htmlKey: string | null;
  attachments: StoredAttachment[];
}

/** A row of `messages`. */
function decodeMessage(row: unknown): Omit<MessageRow, 'attachments'> {
  const c = columnsOf('messages', row);
  return {
    id: c.int('id'), contentHash: c.text('content_hash'), uid: c.intOrNull('uid'), uidValidity: c.intOrNull('uid_validity'),
    mailbox: c.textOrNull('mailbox'), sourceFile: c.textOrNull('source_file'), messageId: c.textOrNull('message_id'),
    from: c.textOrNull('from_address'), fromName: c.textOrNull('from_name'), replyTo: c.textOrNull('reply_to'), subject: c.text('subject'),
    receivedAt: c.text('received_at'), size: c.int('size'), kind: c.oneOf('kind', MESSAGE_KINDS), kindReason: c.textOrNull('kind_reason'),
    status: c.oneOf('status', MESSAGE_STATUSES), problems: decodeProblems('messages', 'problems', c.text('problems')), error: c.textOrNull('error'),
    headersKey: c.text('headers_key'), textKey: c.textOrNull('text_key'), htmlKey: c.textOrNull('html_key'),
  };
}

/** A row of `attachments`. */
function decodeAttachment(row: unknown): StoredAttachment {
  const c = columnsOf('attachments', row);
  return {
    part: c.text('part'), filename: c.textOrNull('filename'), contentType: c.text('content_type'), size: c.int('size'),
    inline: c.flag('inline'), downloaded: c.flag('downloaded'), skipped: c.textOrNull('skipped'), sha256: c.textOrNull('sha256'),
    forwardedFrom: c.textOrNull('forwarded_from'),
  };
}

/** Walks the table in pages: exports and reprocessing read big tables without holding them in memory. */
export function* iterateMessages(db: Db, pageSize = 500): Generator<MessageRow> {
  const atts = prepared(db, `SELECT part, filename, content_type, size, inline, downloaded, skipped, sha256, forwarded_from
      FROM attachments WHERE message_id = ? ORDER BY id`);
  const page = prepared(db, `SELECT id, content_hash, uid, uid_validity, mailbox, source_file, message_id, from_address, from_name,
      reply_to, subject, received_at, size, kind, kind_reason, status, problems, error, headers_key, text_key, html_key
      FROM messages WHERE id > ? ORDER BY id LIMIT ?`);
  let after = 0;
  for (;;) {
    const rows = page.all(after, pageSize).map(decodeMessage);
    if (rows.length === 0) return;
    for (const r of rows) yield { ...r, attachments: atts.all(r.id).map(decodeAttachment) };
    after = rows[rows.length - 1]!.id;
  }
}

/** What a message contained, as recorded: its archived bodies and each attachment's hash (or name and size). */
export interface RecordedContent {
  textKey: string | null;
  htmlKey: string | null;
  parts: { sha256: string | null; filename: string | null; size: number }[];
}

export function recordedContent(db: Db, messageId: number): RecordedContent | null {
  const msg = prepared(db, 'SELECT text_key, html_key FROM messages WHERE id = ?').get(messageId);
  if (msg === undefined) return null;
  const m = columnsOf('messages', msg);
  const parts = prepared(db, 'SELECT sha256, filename, size FROM attachments WHERE message_id = ?').all(messageId).map((r) => {
    const c = columnsOf('attachments', r);
    return { sha256: c.textOrNull('sha256'), filename: c.textOrNull('filename'), size: c.int('size') };
  });
  return { textKey: m.textOrNull('text_key'), htmlKey: m.textOrNull('html_key'), parts };
}

/** What reports read of a message received before an instant. */
export interface MessageSummary {
  id: number;
  receivedAt: string;
  from: string | null;
  subject: string;
  kind: MessageKind;
  status: MessageStatus;
  problems: Problem[];
  error: string | null;
}

/** Every message received before `before` (ISO), in arrival order. */
export function messagesReceivedBefore(db: Db, before: string): MessageSummary[] {
  return prepared(db, `SELECT id, received_at, from_address, subject, kind, status, problems, error
      FROM messages WHERE received_at < ? ORDER BY received_at, id`).all(before).map((r) => {
    const c = columnsOf('messages', r);
    return {
      id: c.int('id'), receivedAt: c.text('received_at'), from: c.textOrNull('from_address'), subject: c.text('subject'),
      kind: c.oneOf('kind', MESSAGE_KINDS), status: c.oneOf('status', MESSAGE_STATUSES),
      problems: decodeProblems('messages', 'problems', c.text('problems')), error: c.textOrNull('error'),
    };
  });
}
