import { localStamp } from '../domain/contest-calendar.ts';
import { DELIVERY_ERROR_LABELS, REPLY_LABELS, label } from '../domain/state-labels.ts';
import { oneLine } from '../domain/text-safety.ts';
import type { OutboxRow } from '../store/outbox-repo.ts';

/** What `replies` prints: one line per outbox row, newest first, every value from mail made one safe line. */

export interface OutboxListItem {
  id: number;
  kind: string;
  status: string;
  attempts: number;
  recipients: string[];
  subject: string;
  messageId: number | null;
  createdAt: string;
  nextAttemptAt: string | null;
  sentAt: string | null;
  error: string | null;
}

/** For `replies --json`: the rows without their bytes. */
export function outboxListItems(rows: readonly OutboxRow[]): OutboxListItem[] {
  return rows.map((r) => ({
    id: r.id, kind: r.kind, status: r.status, attempts: r.attempts, recipients: r.recipients, subject: oneLine(r.subject, 200),
    messageId: r.messageId, createdAt: r.createdAt, nextAttemptAt: r.nextAttemptAt, sentAt: r.sentAt,
    error: r.lastErrorCode ? `${r.lastErrorCode}: ${oneLine(r.lastError, 200)}` : null,
  }));
}

export function formatOutboxList(rows: readonly OutboxRow[], timeZone: string): string {
  if (!rows.length) return 'outbox: empty';
  const lines = rows.map((r) => {
    const when = r.status === 'sent' && r.sentAt ? `sent ${localStamp(r.sentAt, timeZone)}`
      : r.status === 'pending' && r.nextAttemptAt ? `next ${localStamp(r.nextAttemptAt, timeZone)}`
        : `created ${localStamp(r.createdAt, timeZone)}`;
    const why = r.lastErrorCode ? `  [${r.lastErrorCode}${DELIVERY_ERROR_LABELS[r.lastErrorCode] ? ` ${DELIVERY_ERROR_LABELS[r.lastErrorCode]}` : ''}]` : '';
    return `#${String(r.id).padEnd(5)} ${r.kind.padEnd(7)} ${r.status.padEnd(7)} ${label(REPLY_LABELS, r.status).padEnd(6)} x${r.attempts}  `
      + `${oneLine(r.recipients.join(','), 60)}  ${oneLine(r.subject, 50)}  (${when})${why}`;
  });
  const unknown = rows.filter((r) => r.status === 'unknown').length;
  if (unknown) lines.push(`${unknown} mail(s) in state "unknown" may or may not have been delivered: check, then \`replies --resend ID\` to send one again.`);
  return lines.join('\n');
}
