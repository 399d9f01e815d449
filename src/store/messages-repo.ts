import type { Address } from '../domain/address.ts';
import { MESSAGE_KINDS, MESSAGE_STATUSES, type MessageKind, type MessageStatus } from '../domain/message-kind.ts';
import type { Problem } from '../domain/problem.ts';
import type { Db } from './db.ts';
import { decodeProblems, encodeJson } from './json-columns.ts';
import { prepared } from './prepared.ts';
import { columnsOf } from './row-decoding.ts';

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
  const row = prepared(db, 'SELECT id, mailbox, uid_validity, uid FROM messages WHERE content_hash = ?').get(contentHash);
  if (row === undefined) return null;
  const c = columnsOf('messages', row);
  return { id: c.int('id'), mailbox: c.textOrNull('mailbox'), uidValidity: c.intOrNull('uid_validity'), uid: c.intOrNull('uid') };
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
    .run({ ...r, receivedAt: r.receivedAt.toISOString(), problems: encodeJson(r.problems), now: now.toISOString(), attachments: undefined });
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
    .run(v.kind, v.kindReason, v.status, encodeJson(v.problems), v.error, now.toISOString(), id);
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
