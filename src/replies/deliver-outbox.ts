import { setTimeout as sleep } from 'node:timers/promises';
import type { Clock } from '../clock.ts';
import { isSingleAddress } from '../domain/text-safety.ts';
import { AppError, isAppError, type ErrorCode } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { maskEmail } from '../privacy.ts';
import type { Db } from '../store/db.ts';
import {
  claimForSending, duePending, getOutbox, markFailed, markInterrupted, markRetry, markSent, storeRaw, type OutboxRow,
} from '../store/outbox-repo.ts';
import { composeMail, toSmtpError, type Mailer } from '../transport/mailer.ts';
import { blankForm, DOCX_CONTENT_TYPE, type BlankFormText } from './blank-form.ts';
import { BLANK_FORM_FILENAME, type ReplyMail } from './reply-message.ts';

/**
 * Sends what the outbox holds. Each row: render once (bytes stored) → commit 'sending' → SMTP → commit 'sent'.
 *
 * Guarantee: at most once. A row found 'sending' after a restart was interrupted between handing it to the server
 * and recording the answer; the server may have delivered it, so it becomes 'unknown' and is never sent again
 * by itself (`replies --resend ID` sends the same bytes, same Message-ID, by hand). Every other failure is
 * recorded before the next attempt, so no row is ever sent twice by the machine.
 */

export interface DeliverDeps {
  db: Db;
  mailer: Mailer;
  /** MAIL_FROM and the display name (the contest's name): From header and envelope sender. */
  from: { name: string; address: string };
  blankFormText?: BlankFormText;
  log: Logger;
}

export interface DeliverOptions {
  /** Rows per run (default 50). */
  limit?: number;
  /** Only these rows (a digest delivers its own row). */
  ids?: readonly number[];
  /** A 'sending' row older than this is judged interrupted (default 15 min, longer than any SMTP time box). */
  staleSendingMs?: number;
  /** Retryable failures before a row is given up as failed (default 8, about a day with the backoff). */
  maxAttempts?: number;
  /** Pause between two sends over SMTP (default 2 s): NetEase counts mails per 15 minutes. */
  spacingMs?: number;
}

export interface DeliveryReport {
  sent: number[];
  retrying: number[];
  failed: number[];
  /** Rows found interrupted mid-send and marked 'unknown' at the start of this run. */
  interrupted: number[];
  /** Why the run stopped early (throttled, unreachable, login refused), or null. */
  stoppedBy: ErrorCode | null;
}

const MINUTE = 60_000;

/**
 * Exponential backoff from 1 minute, doubling per attempt, at most 6 hours. NetEase's "too many in 15 minutes"
 * answers (MI:SFQ, RP:QRC) wait at least 15 minutes; its daily limits (RP:TRC, MI:STC) at least 2 hours; a
 * refused login at least 30 minutes (hammering it locks the account).
 */
export function retryDelayMs(attempts: number, err: AppError): number {
  const base = Math.min(MINUTE * 2 ** Math.max(0, attempts - 1), 6 * 60 * MINUTE);
  if (err.code === 'smtp_auth') return Math.max(base, 30 * MINUTE);
  if (/RP:TRC|MI:STC|RP:CEL/i.test(err.message)) return Math.max(base, 120 * MINUTE);
  if (/MI:SFQ|RP:QRC|MI:DMC/i.test(err.message)) return Math.max(base, 15 * MINUTE);
  return base;
}

async function render(row: OutboxRow, deps: DeliverDeps): Promise<Buffer> {
  if (row.raw) return row.raw;
  if (!row.payload) throw new Error(`outbox ${row.id}: nothing to render`);
  const reply = JSON.parse(row.payload) as ReplyMail;
  const attachments = reply.attachBlankForm
    ? [{ filename: BLANK_FORM_FILENAME, contentType: DOCX_CONTENT_TYPE, content: await blankForm(deps.blankFormText) }]
    : [];
  return composeMail({
    from: deps.from, to: row.recipients, subject: reply.subject, messageId: row.mailMessageId, date: new Date(row.mailDate),
    inReplyTo: reply.inReplyTo, references: reply.references, headers: reply.headers, text: reply.text, html: reply.html,
    attachments, boundary: `contest-intake-${row.id}`,
  });
}

function checkRecipients(row: OutboxRow): void {
  if (!row.recipients.length || !row.recipients.every((a) => isSingleAddress(a))) {
    throw new AppError('smtp_rejected', `outbox ${row.id}: recipients are not plain addresses`);
  }
}

type Outcome = { kind: 'sent' } | { kind: 'retry'; err: AppError } | { kind: 'failed'; err: AppError };

/** One claimed row ('sending' committed) through the mailer, and its result committed. */
async function sendClaimed(row: OutboxRow, raw: Buffer, deps: DeliverDeps, clock: Clock, maxAttempts: number, manual: boolean): Promise<Outcome> {
  const attempts = row.attempts + 1;
  const log = deps.log.child({ outbox: row.id, kind: row.kind, to: row.recipients.map(maskEmail), attempt: attempts });
  try {
    const result = await deps.mailer.send(raw, { from: deps.from.address, to: row.recipients }, { id: row.id });
    markSent(deps.db, row.id, clock(), result.via);
    log.info({ via: deps.mailer.mode }, 'mail sent');
    return { kind: 'sent' };
  } catch (caught) {
    const err = isAppError(caught) ? caught : toSmtpError(caught);
    const now = clock();
    // A refused login is not the mail's fault: it waits for a new 授权码 instead of being given up.
    if (!manual && ((err.retryable && attempts < maxAttempts) || err.code === 'smtp_auth')) {
      const next = new Date(now.getTime() + retryDelayMs(attempts, err));
      markRetry(deps.db, row.id, now, next, err.code, err.message);
      log.warn({ code: err.code, nextAttemptAt: next.toISOString() }, 'mail not sent, will retry');
      return { kind: 'retry', err };
    }
    markFailed(deps.db, row.id, now, err.code, err.message);
    log.error({ code: err.code }, 'mail not sent');
    return { kind: 'failed', err };
  }
}

async function renderAndStore(row: OutboxRow, deps: DeliverDeps, clock: Clock): Promise<Buffer> {
  const raw = await render(row, deps);
  if (!row.raw) storeRaw(deps.db, row.id, raw, clock());
  return raw;
}

export async function deliverOutbox(deps: DeliverDeps, clock: Clock, opts: DeliverOptions = {}): Promise<DeliveryReport> {
  const report: DeliveryReport = { sent: [], retrying: [], failed: [], interrupted: [], stoppedBy: null };
  const started = clock();
  report.interrupted = markInterrupted(deps.db, new Date(started.getTime() - (opts.staleSendingMs ?? 15 * MINUTE)), started);
  if (report.interrupted.length) {
    deps.log.warn({ ids: report.interrupted }, 'mails interrupted while sending: marked unknown, not sent again (replies --resend ID)');
  }
  const spacing = opts.spacingMs ?? (deps.mailer.mode === 'smtp' ? 2_000 : 0);
  const rows = duePending(deps.db, started, opts.limit ?? 50, opts.ids);
  for (const [i, row] of rows.entries()) {
    let raw: Buffer;
    try {
      checkRecipients(row);
      raw = await renderAndStore(row, deps, clock);
    } catch (err) {
      // A row that cannot be rendered never will be: give it up rather than retry it forever.
      if (claimForSending(deps.db, row.id, clock())) markFailed(deps.db, row.id, clock(), isAppError(err) ? err.code : 'render_failed', String((err as Error).message ?? err));
      report.failed.push(row.id);
      continue;
    }
    if (!claimForSending(deps.db, row.id, clock())) continue;
    if (i > 0 && spacing > 0) await sleep(spacing);
    const outcome = await sendClaimed(row, raw, deps, clock, opts.maxAttempts ?? 8, false);
    if (outcome.kind === 'sent') report.sent.push(row.id);
    else if (outcome.kind === 'failed') report.failed.push(row.id);
    else {
      report.retrying.push(row.id);
      // The server said "not now" or could not be reached: the next rows would get the same answer.
      report.stoppedBy = outcome.err.code;
      break;
    }
    if (outcome.kind === 'failed' && outcome.err.code !== 'smtp_rejected') {
      report.stoppedBy = outcome.err.code;
      break;
    }
  }
  return report;
}

/**
 * `replies --resend ID`: a person sends one row by hand, whatever its state (unknown, failed, sent, capped), with
 * its stored bytes, so the recipient's mail program sees the same Message-ID. Throws the SMTP error after
 * recording it.
 */
export async function resendOutbox(deps: DeliverDeps, id: number, clock: Clock): Promise<OutboxRow> {
  const row = getOutbox(deps.db, id);
  if (!row) throw new AppError('usage', `no outbox row ${id}`);
  if (row.status === 'sending') throw new AppError('usage', `outbox row ${id} is being sent right now`);
  checkRecipients(row);
  const raw = await renderAndStore(row, deps, clock);
  if (!claimForSending(deps.db, id, clock(), ['pending', 'unknown', 'failed', 'sent', 'capped'])) {
    throw new AppError('usage', `outbox row ${id} changed while preparing it: try again`);
  }
  const outcome = await sendClaimed({ ...row, raw }, raw, deps, clock, 1, true);
  if (outcome.kind !== 'sent') throw outcome.err;
  return getOutbox(deps.db, id)!;
}
