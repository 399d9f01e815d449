import type { Clock } from '../clock.ts';
import { AppError, describeError, isAppError } from '../errors.ts';
import { resendOutbox, type DeliverDeps } from '../replies/deliver-outbox.ts';
import { appendAudit } from '../store/audit-repo.ts';
import { getOutbox } from '../store/outbox-repo.ts';

/**
 * An organizer resends a reply whose delivery is unknown (the process stopped mid-send), as `replies --resend ID`
 * does: the same bytes and Message-ID. Only 'unknown' rows: anything else the worker handles by itself. Recorded
 * in the audit log whatever the outcome.
 */
export async function resendUnknownReply(deps: DeliverDeps, id: number, by: string, clock: Clock): Promise<{ ok: boolean; status: string; error?: string }> {
  const row = getOutbox(deps.db, id);
  if (!row) throw new AppError('usage', `没有编号为 ${id} 的发件记录`);
  if (row.status !== 'unknown') throw new AppError('usage', '只有“发送状态不明”的邮件可以在这里手动重发');
  let error: string | undefined;
  try {
    await resendOutbox(deps, id, clock);
  } catch (err) {
    if (!isAppError(err)) throw err;
    error = describeError(err);
  }
  const after = getOutbox(deps.db, id)!.status;
  appendAudit(deps.db, { userName: by, action: 'resend', outboxId: id, messageId: row.messageId, before: row.status, after, reason: error ?? null }, clock());
  return { ok: after === 'sent', status: after, ...(error ? { error } : {}) };
}
