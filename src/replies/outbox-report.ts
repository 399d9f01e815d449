import { localStamp } from '../domain/contest-calendar.ts';
import { label } from '../domain/state-labels.ts';
import { oneLine } from '../domain/text-safety.ts';
import type { Messages } from '../i18n/messages-zh.ts';
import type { OutboxRow } from '../store/outbox-repo.ts';

/** What `replies` prints: one line per outbox row, newest first, every value from mail made one safe line. */

export interface OutboxListItem {
  id: number;
  kind: string;
  /** The reply's class (must_fix, final, organizers, advice, receipt), 'digest', or the cap that held it. */
  reason: string | null;
  status: string;
  attempts: number;
  recipients: string[];
  subject: string;
  messageId: number | null;
  createdAt: string;
  nextAttemptAt: string | null;
  sentAt: string | null;
  deliveredVia: string | null;
  error: string | null;
}

/** For `replies --json`: the rows without their bytes. */
export function outboxListItems(rows: readonly OutboxRow[]): OutboxListItem[] {
  return rows.map((r) => ({
    id: r.id, kind: r.kind, reason: r.reason, status: r.status, attempts: r.attempts, recipients: r.recipients, subject: oneLine(r.subject, 200),
    messageId: r.messageId, createdAt: r.createdAt, nextAttemptAt: r.nextAttemptAt, sentAt: r.sentAt, deliveredVia: r.deliveredVia,
    error: r.lastErrorCode ? `${r.lastErrorCode}: ${oneLine(r.lastError, 200)}` : null,
  }));
}

/** Without an SMTP server a "sent" row was written to DATA_DIR/outbox/<id>.eml: it reached nobody yet. */
const toFile = (r: OutboxRow): boolean => r.status === 'sent' && !!r.deliveredVia && r.deliveredVia !== 'smtp';

export function formatOutboxList(rows: readonly OutboxRow[], timeZone: string, m: Messages): string {
  if (!rows.length) return m.outboxEmpty;
  const lines = rows.map((r) => {
    const at = (iso: string) => localStamp(iso, timeZone);
    const when = r.status === 'sent' && r.sentAt ? (toFile(r) ? m.writtenAt(at(r.sentAt)) : m.sentAt(at(r.sentAt)))
      : r.status === 'pending' && r.nextAttemptAt ? m.nextAt(at(r.nextAttemptAt))
        : m.createdAt(at(r.createdAt));
    const state = toFile(r) ? m.writtenToFile : label(m.replyStates, r.status);
    const what = `${label(m.outboxKinds, r.kind)}${r.reason && r.kind === 'reply' ? `/${label(m.replyClasses, r.reason)}` : ''}`;
    const why = r.lastErrorCode ? `  [${r.lastErrorCode}${m.deliveryErrors[r.lastErrorCode] ? ` ${m.deliveryErrors[r.lastErrorCode]}` : ''}]` : '';
    return `#${String(r.id).padEnd(5)} ${what}  ${state}  x${r.attempts}  ${oneLine(r.recipients.join(','), 60)}  ${oneLine(r.subject, 50)}  ${m.aside(when).trim()}${why}`;
  });
  const unknown = rows.filter((r) => r.status === 'unknown').length;
  if (unknown) lines.push(m.unknownHint(unknown));
  return lines.join('\n');
}
