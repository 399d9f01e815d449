import type { Db } from './db.ts';
import { prepared } from './prepared.ts';
import type { IncomingMessage } from '../mailbox/incoming-message.ts';
import type { MessageKind } from '../classify/classify-message.ts';
import type { Problem } from '../validate/problem.ts';

export type MessageStatus = 'ok' | 'problems' | 'needs_person' | 'ignored' | 'error' | 'quarantined' | 'unfetchable';

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
  const row = prepared(db, 'SELECT id, mailbox, uid_validity, uid FROM messages WHERE content_hash = ?').get(contentHash) as
    { id: number; mailbox: string | null; uid_validity: number | null; uid: number | null } | undefined;
  return row ? { id: row.id, mailbox: row.mailbox, uidValidity: row.uid_validity, uid: row.uid } : null;
}

/** After a UIDVALIDITY change the same message has a new UID: the record follows it, nothing is processed again. */
export function relinkUid(db: Db, id: number, mailbox: string, uidValidity: number, uid: number): void {
  prepared(db, 'UPDATE messages SET mailbox = ?, uid_validity = ?, uid = ? WHERE id = ?').run(mailbox, uidValidity, uid, id);
}

export function insertMessage(db: Db, r: MessageRecord, now: Date): number {
  const info = prepared(db, `INSERT INTO messages (content_hash, message_id, mailbox, uid_validity, uid, source_file, from_address,
      from_name, reply_to, subject, received_at, size, kind, kind_reason, status, problems, error, headers_key, text_key, html_key,
      ingested_at, processed_at)
    VALUES (@contentHash, @messageId, @mailbox, @uidValidity, @uid, @sourceFile, @fromAddress, @fromName, @replyTo, @subject,
      @receivedAt, @size, @kind, @kindReason, @status, @problems, @error, @headersKey, @textKey, @htmlKey, @now, @now)`)
    .run({ ...r, receivedAt: r.receivedAt.toISOString(), problems: JSON.stringify(r.problems), now: now.toISOString(), attachments: undefined });
  const id = Number(info.lastInsertRowid);
  insertAttachments(db, id, r.attachments);
  return id;
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
    .run({ ...r, id, receivedAt: r.receivedAt.toISOString(), problems: JSON.stringify(r.problems), now: now.toISOString(), attachments: undefined });
  prepared(db, 'DELETE FROM attachments WHERE message_id = ?').run(id);
  insertAttachments(db, id, r.attachments);
}

/** Quarantined and unfetchable messages of a mailbox not tried since `before` (never tried: due at once). */
export function dueForRetry(db: Db, mailbox: string, uidValidity: number, before: Date): { id: number; uid: number; status: MessageStatus }[] {
  return prepared(db, `SELECT id, uid, status FROM messages WHERE status IN ('quarantined', 'unfetchable') AND mailbox = ? AND uid_validity = ?
      AND uid IS NOT NULL AND (retried_at IS NULL OR retried_at < ?) ORDER BY uid`)
    .all(mailbox, uidValidity, before.toISOString()) as { id: number; uid: number; status: MessageStatus }[];
}

/** Committed before a retry starts: a retry that kills the worker is not started again until the next day. */
export function markRetried(db: Db, id: number, now: Date): void {
  prepared(db, 'UPDATE messages SET retried_at = ? WHERE id = ?').run(now.toISOString(), id);
}

export function messageIdentity(db: Db, id: number): { id: number; mailbox: string | null; uidValidity: number | null; uid: number | null; status: MessageStatus } | null {
  const row = prepared(db, 'SELECT id, mailbox, uid_validity AS uidValidity, uid, status FROM messages WHERE id = ?').get(id) as
    { id: number; mailbox: string | null; uidValidity: number | null; uid: number | null; status: MessageStatus } | undefined;
  return row ?? null;
}

/** `reprocess` rewrites the verdict of a message already stored; its identity and archive keys never change. */
export function updateVerdict(db: Db, id: number, v: Pick<MessageRecord, 'kind' | 'kindReason' | 'status' | 'problems' | 'error'>, now: Date): void {
  prepared(db, 'UPDATE messages SET kind = ?, kind_reason = ?, status = ?, problems = ?, error = ?, processed_at = ? WHERE id = ?')
    .run(v.kind, v.kindReason, v.status, JSON.stringify(v.problems), v.error, now.toISOString(), id);
}

// ---- reading back -------------------------------------------------------------------------------------------

export function countsByKind(db: Db): Record<string, number> {
  const rows = prepared(db, 'SELECT kind, count(*) AS n FROM messages GROUP BY kind').all() as { kind: string; n: number }[];
  return Object.fromEntries(rows.map((r) => [r.kind, r.n]));
}

export function countsByStatus(db: Db): Record<string, number> {
  const rows = prepared(db, 'SELECT status, count(*) AS n FROM messages GROUP BY status').all() as { status: string; n: number }[];
  return Object.fromEntries(rows.map((r) => [r.status, r.n]));
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

/** Walks the table in pages: exports and reprocessing read big tables without holding them in memory. */
export function* iterateMessages(db: Db, pageSize = 500): Generator<MessageRow> {
  const atts = prepared(db, `SELECT part, filename, content_type AS contentType, size, inline, downloaded, skipped, sha256,
      forwarded_from AS forwardedFrom FROM attachments WHERE message_id = ? ORDER BY id`);
  const page = prepared(db, `SELECT id, content_hash AS contentHash, uid, uid_validity AS uidValidity, mailbox, source_file AS sourceFile, message_id AS messageId,
      from_address AS "from", from_name AS fromName, reply_to AS replyTo, subject, received_at AS receivedAt, size, kind,
      kind_reason AS kindReason, status, problems, error, headers_key AS headersKey, text_key AS textKey, html_key AS htmlKey
      FROM messages WHERE id > ? ORDER BY id LIMIT ?`);
  let after = 0;
  for (;;) {
    const rows = page.all(after, pageSize) as (Omit<MessageRow, 'problems' | 'attachments'> & { problems: string })[];
    if (rows.length === 0) return;
    for (const r of rows) {
      const attachments = (atts.all(r.id) as (Omit<StoredAttachment, 'inline' | 'downloaded'> & { inline: number; downloaded: number })[])
        .map((a) => ({ ...a, inline: a.inline === 1, downloaded: a.downloaded === 1 }));
      yield { ...r, problems: JSON.parse(r.problems) as Problem[], attachments };
    }
    after = rows[rows.length - 1]!.id;
  }
}

export function toStoredAttachments(msg: IncomingMessage, keys: Map<string, string>): StoredAttachment[] {
  return msg.attachments.map((a) => ({
    part: a.partId,
    filename: a.filename,
    contentType: a.contentType,
    size: a.size,
    inline: a.inline,
    downloaded: a.content !== null,
    skipped: a.skipped ?? null,
    sha256: keys.get(a.partId) ?? null,
    forwardedFrom: a.forwardedFrom ? a.forwardedFrom.address : null,
  }));
}
