import type { Db } from './db.ts';
import { prepared } from './prepared.ts';
import { columnsOf } from './row-decoding.ts';

/**
 * The mailbox position: a contiguous mark per mailbox. Every UID at or below `lastUid` (in that UIDVALIDITY) that
 * the mailbox holds is recorded in `messages`; the UIDs recorded above it are the `messages` rows with a larger
 * uid. The mark only moves in the transaction that records the message at it (or after the server confirmed the
 * UID is gone), so it can never pass a message that was not recorded.
 */
export interface Position {
  mailbox: string;
  uidValidity: number;
  lastUid: number;
}

export interface MailboxState extends Position {
  /** UIDs at or below the mark that the mailbox had and `messages` did not, at the last reconciliation. */
  gaps: number;
  gapUids: number[];
  reconciledAt: string | null;
}

function decodeState(row: unknown): MailboxState {
  const c = columnsOf('mailbox_state', row);
  const uids: unknown = JSON.parse(c.text('gap_uids'));
  return {
    mailbox: c.text('mailbox'), uidValidity: c.int('uid_validity'), lastUid: c.int('last_uid'), gaps: c.int('gaps'),
    gapUids: Array.isArray(uids) ? uids.filter((u): u is number => typeof u === 'number') : [], reconciledAt: c.textOrNull('reconciled_at'),
  };
}

export function getPosition(db: Db, mailbox: string): MailboxState | null {
  const row = prepared(db, 'SELECT mailbox, uid_validity, last_uid, gaps, gap_uids, reconciled_at FROM mailbox_state WHERE mailbox = ?').get(mailbox);
  return row === undefined ? null : decodeState(row);
}

export function allPositions(db: Db): MailboxState[] {
  return (prepared(db, 'SELECT mailbox, uid_validity, last_uid, gaps, gap_uids, reconciled_at FROM mailbox_state ORDER BY mailbox').all()).map(decodeState);
}

/**
 * Moves the mark. Within one UIDVALIDITY it never goes back (a redo of an older message leaves it where it is);
 * a new UIDVALIDITY starts the count again.
 */
export function setPosition(db: Db, pos: Position, now: Date): void {
  prepared(db, `INSERT INTO mailbox_state (mailbox, uid_validity, last_uid, updated_at) VALUES (?, ?, ?, ?)
    ON CONFLICT (mailbox) DO UPDATE SET uid_validity = excluded.uid_validity,
      last_uid = CASE WHEN mailbox_state.uid_validity = excluded.uid_validity THEN max(mailbox_state.last_uid, excluded.last_uid) ELSE excluded.last_uid END,
      gaps = CASE WHEN mailbox_state.uid_validity = excluded.uid_validity THEN mailbox_state.gaps ELSE 0 END,
      gap_uids = CASE WHEN mailbox_state.uid_validity = excluded.uid_validity THEN mailbox_state.gap_uids ELSE '[]' END,
      updated_at = excluded.updated_at`)
    .run(pos.mailbox, pos.uidValidity, pos.lastUid, now.toISOString());
}

/** What a reconciliation found (the first 1,000 UIDs are kept; the count is exact). */
export function setGaps(db: Db, mailbox: string, uidValidity: number, gapUids: readonly number[], now: Date): void {
  prepared(db, 'UPDATE mailbox_state SET gaps = ?, gap_uids = ?, reconciled_at = ? WHERE mailbox = ? AND uid_validity = ?')
    .run(gapUids.length, JSON.stringify(gapUids.slice(0, 1000)), now.toISOString(), mailbox, uidValidity);
}

/** The UIDs recorded for a mailbox in one UIDVALIDITY, ascending. */
export function recordedUids(db: Db, mailbox: string, uidValidity: number): number[] {
  return prepared(db, 'SELECT uid FROM messages WHERE mailbox = ? AND uid_validity = ? AND uid IS NOT NULL ORDER BY uid').all(mailbox, uidValidity)
    .map((r) => columnsOf('messages', r).int('uid'));
}
