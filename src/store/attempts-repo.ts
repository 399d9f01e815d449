import type { Db } from './db.ts';
import { prepared } from './prepared.ts';
import { columnsOf } from './row-decoding.ts';

/**
 * How often a message was at the head of the line when the worker died. Noted (and committed) when a message's
 * turn starts and cleared when its record commits, so an attempt left behind means the process died with this
 * message in hand. Messages whose forms are only read ahead of their turn are never noted: they were in flight,
 * not the cause.
 */
export interface AttemptKey {
  mailbox: string;
  uidValidity: number;
  uid: number;
}

export function noteAttempt(db: Db, key: AttemptKey, what: string, now: Date): number {
  prepared(db, `INSERT INTO message_failures (mailbox, uid_validity, uid, attempts, last_error, updated_at) VALUES (?, ?, ?, 1, ?, ?)
    ON CONFLICT (mailbox, uid_validity, uid) DO UPDATE SET attempts = attempts + 1, last_error = excluded.last_error, updated_at = excluded.updated_at`)
    .run(key.mailbox, key.uidValidity, key.uid, what, now.toISOString());
  return attemptsOf(db, key);
}

export function attemptsOf(db: Db, key: AttemptKey): number {
  const row = prepared(db, 'SELECT attempts FROM message_failures WHERE mailbox = ? AND uid_validity = ? AND uid = ?')
    .get(key.mailbox, key.uidValidity, key.uid);
  return row === undefined ? 0 : columnsOf('message_failures', row).int('attempts');
}

/** Takes back the attempt noted last: the message is handed to work that cannot kill the worker (see runIngestLoop). */
export function withdrawAttempt(db: Db, key: AttemptKey): void {
  prepared(db, 'UPDATE message_failures SET attempts = attempts - 1 WHERE mailbox = ? AND uid_validity = ? AND uid = ? AND attempts > 0')
    .run(key.mailbox, key.uidValidity, key.uid);
}

export function clearAttempts(db: Db, key: AttemptKey): void {
  prepared(db, 'DELETE FROM message_failures WHERE mailbox = ? AND uid_validity = ? AND uid = ?').run(key.mailbox, key.uidValidity, key.uid);
}
