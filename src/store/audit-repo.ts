import type { Db } from './db.ts';
import { prepared } from './prepared.ts';

/** The audit log: one row per thing a person did in the console (or tried to, for logins). Append-only. */

export interface AuditRecord {
  userName: string;
  action: string;
  entryId?: number | null;
  messageId?: number | null;
  outboxId?: number | null;
  field?: string | null;
  before?: string | null;
  after?: string | null;
  reason?: string | null;
}

export interface AuditRow extends Required<AuditRecord> {
  id: number;
  at: string;
}

const COLUMNS = `id, at, user_name AS userName, action, entry_id AS entryId, message_id AS messageId, outbox_id AS outboxId, field,
  before, after, reason`;

export function appendAudit(db: Db, r: AuditRecord, now: Date): number {
  return Number(prepared(db, `INSERT INTO audit_log (at, user_name, action, entry_id, message_id, outbox_id, field, before, after, reason)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(now.toISOString(), r.userName, r.action, r.entryId ?? null, r.messageId ?? null,
    r.outboxId ?? null, r.field ?? null, r.before ?? null, r.after ?? null, r.reason ?? null).lastInsertRowid);
}

export function auditOfEntry(db: Db, entryId: number): AuditRow[] {
  return prepared(db, `SELECT ${COLUMNS} FROM audit_log WHERE entry_id = ? ORDER BY id`).all(entryId) as AuditRow[];
}

export function auditOfOutbox(db: Db, outboxId: number): AuditRow[] {
  return prepared(db, `SELECT ${COLUMNS} FROM audit_log WHERE outbox_id = ? ORDER BY id`).all(outboxId) as AuditRow[];
}

export function recentAudit(db: Db, limit: number): AuditRow[] {
  return prepared(db, `SELECT ${COLUMNS} FROM audit_log ORDER BY id DESC LIMIT ?`).all(limit) as AuditRow[];
}
