import type { Address } from '../domain/address.ts';
import type { MessageKind, MessageStatus } from '../domain/message-kind.ts';
import type { Problem } from '../domain/problem.ts';
import type { Db } from './db.ts';
import { prepared } from './prepared.ts';

export interface Position {
  mailbox: string;
  uidValidity: number;
  lastUid: number;
}

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

export function getPosition(db: Db, mailbox: string): Position | null {
  const row = prepared(db, 'SELECT mailbox, uid_validity, last_uid FROM mailbox_state WHERE mailbox = ?').get(mailbox) as
    { mailbox: string; uid_validity: number; last_uid: number } | undefined;
  return row ? { mailbox: row.mailbox, uidValidity: row.uid_validity, lastUid: row.last_uid } : null;
}

export function setPosition(db: Db, pos: Position, now: Date): void {
  prepared(db, `INSERT INTO mailbox_state (mailbox, uid_validity, last_uid, updated_at) VALUES (?, ?, ?, ?)
    ON CONFLICT (mailbox) DO UPDATE SET uid_validity = excluded.uid_validity,
      last_uid = CASE WHEN mailbox_state.uid_validity = excluded.uid_validity THEN max(mailbox_state.last_uid, excluded.last_uid) ELSE excluded.last_uid END,
      updated_at = excluded.updated_at`)
    .run(pos.mailbox, pos.uidValidity, pos.lastUid, now.toISOString());
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
  const att = prepared(db, `INSERT INTO attachments (message_id, part, filename, content_type, size, inline, downloaded, skipped, sha256, forwarded_from)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  for (const a of r.attachments) {
    att.run(id, a.part, a.filename, a.contentType, a.size, a.inline ? 1 : 0, a.downloaded ? 1 : 0, a.skipped, a.sha256, a.forwardedFrom);
  }
  return id;
}

/** `reprocess` rewrites the verdict of a message already stored; its identity and archive keys never change. */
export function updateVerdict(db: Db, id: number, v: Pick<MessageRecord, 'kind' | 'kindReason' | 'status' | 'problems' | 'error'>, now: Date): void {
  prepared(db, 'UPDATE messages SET kind = ?, kind_reason = ?, status = ?, problems = ?, error = ?, processed_at = ? WHERE id = ?')
    .run(v.kind, v.kindReason, v.status, JSON.stringify(v.problems), v.error, now.toISOString(), id);
}

// ---- failures and quarantine -------------------------------------------------------------------------------

/** Counted and committed before the risky work, so a message that crashes the process is still counted. */
export function noteAttempt(db: Db, pos: { mailbox: string; uidValidity: number; uid: number }, what: string, now: Date): number {
  prepared(db, `INSERT INTO message_failures (mailbox, uid_validity, uid, attempts, last_error, updated_at) VALUES (?, ?, ?, 1, ?, ?)
    ON CONFLICT (mailbox, uid_validity, uid) DO UPDATE SET attempts = attempts + 1, last_error = excluded.last_error, updated_at = excluded.updated_at`)
    .run(pos.mailbox, pos.uidValidity, pos.uid, what, now.toISOString());
  const row = prepared(db, 'SELECT attempts FROM message_failures WHERE mailbox = ? AND uid_validity = ? AND uid = ?')
    .get(pos.mailbox, pos.uidValidity, pos.uid) as { attempts: number };
  return row.attempts;
}

export function attemptsOf(db: Db, pos: { mailbox: string; uidValidity: number; uid: number }): number {
  const row = prepared(db, 'SELECT attempts FROM message_failures WHERE mailbox = ? AND uid_validity = ? AND uid = ?')
    .get(pos.mailbox, pos.uidValidity, pos.uid) as { attempts: number } | undefined;
  return row?.attempts ?? 0;
}

export function clearAttempts(db: Db, pos: { mailbox: string; uidValidity: number; uid: number }): void {
  prepared(db, 'DELETE FROM message_failures WHERE mailbox = ? AND uid_validity = ? AND uid = ?').run(pos.mailbox, pos.uidValidity, pos.uid);
}

// ---- poll runs ----------------------------------------------------------------------------------------------

export function startPollRun(db: Db, source: string, now: Date): number {
  // A run left 'running' by a killed process is closed as failed, so status never shows a ghost poll.
  prepared(db, "UPDATE poll_runs SET status = 'failed', error_code = 'interrupted', error = 'the process stopped during this poll', finished_at = ? WHERE status = 'running'")
    .run(now.toISOString());
  return Number(prepared(db, "INSERT INTO poll_runs (source, started_at, status) VALUES (?, ?, 'running')").run(source, now.toISOString()).lastInsertRowid);
}

export function finishPollRun(db: Db, id: number, r: { ok: boolean; fetched: number; known: number; failed: number; errorCode?: string; error?: string }, now: Date): void {
  prepared(db, 'UPDATE poll_runs SET status = ?, finished_at = ?, fetched = ?, known = ?, failed = ?, error_code = ?, error = ? WHERE id = ?')
    .run(r.ok ? 'ok' : 'failed', now.toISOString(), r.fetched, r.known, r.failed, r.errorCode ?? null, r.error ?? null, id);
}

export interface PollRunRow {
  source: string;
  startedAt: string;
  finishedAt: string | null;
  status: string;
  fetched: number;
  known: number;
  failed: number;
  errorCode: string | null;
  error: string | null;
}

const POLL_COLUMNS = 'source, started_at AS startedAt, finished_at AS finishedAt, status, fetched, known, failed, error_code AS errorCode, error';

export function lastPollRun(db: Db): PollRunRow | null {
  return (prepared(db, `SELECT ${POLL_COLUMNS} FROM poll_runs ORDER BY id DESC LIMIT 1`).get() as PollRunRow | undefined) ?? null;
}

export function lastGoodPollRun(db: Db): PollRunRow | null {
  return (prepared(db, `SELECT ${POLL_COLUMNS} FROM poll_runs WHERE status = 'ok' ORDER BY id DESC LIMIT 1`).get() as PollRunRow | undefined) ?? null;
}

export function lastFailedPollRun(db: Db): PollRunRow | null {
  return (prepared(db, `SELECT ${POLL_COLUMNS} FROM poll_runs WHERE status = 'failed' ORDER BY id DESC LIMIT 1`).get() as PollRunRow | undefined) ?? null;
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

export function allPositions(db: Db): Position[] {
  return (prepared(db, 'SELECT mailbox, uid_validity AS uidValidity, last_uid AS lastUid FROM mailbox_state').all() as Position[]);
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

/** What the store keeps of a received attachment (the mailbox's MessageAttachment): its bytes go to the archive. */
export interface ReceivedPart {
  partId: string;
  filename: string | null;
  contentType: string;
  size: number;
  inline: boolean;
  content: Buffer | null;
  skipped?: string;
  forwardedFrom?: Address | null;
}

export function toStoredAttachments(msg: { attachments: readonly ReceivedPart[] }, keys: Map<string, string>): StoredAttachment[] {
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
