import type { Clock } from '../clock.ts';
import { describeError, isAppError, isRetryable, isVanished } from '../errors.ts';
import type { ImapSession, ListedMessage } from '../mailbox/imap-source.ts';
import { parseHeaders } from '../mailbox/parse-headers.ts';
import {
  findByHash, finishPollRun, getPosition, noteAttempt, relinkUid, setPosition, startPollRun, attemptsOf,
} from '../store/messages-repo.ts';
import { asStoreError } from '../store/db.ts';
import { ingestMessage, recordUnprocessable, type IngestDeps, type MailboxPosition } from './ingest-message.ts';

export interface PollReport {
  mailbox: string;
  uidValidity: number;
  listed: number;
  fetched: number;
  known: number;
  failed: number;
  quarantined: number;
  vanished: number;
  uidValidityChanged: boolean;
  stopped: boolean;
}

export interface PollOptions {
  batchSize: number;
  /** A message that was started this many times without finishing is quarantined instead of tried again. */
  maxAttempts: number;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}

/**
 * One poll cycle: list what is new since the stored position, then take each message in UID order.
 * The position only moves together with a recorded message, in one transaction, so a crash at any point costs
 * at most the redo of one message, and that redo is recognized by its content hash.
 */
export async function pollMailbox(
  openSession: () => Promise<ImapSession>,
  deps: IngestDeps,
  clock: Clock,
  opts: PollOptions,
): Promise<PollReport> {
  const { db, log } = deps;
  let runId: number;
  try {
    runId = startPollRun(db, 'imap', clock());
  } catch (err) {
    throw asStoreError(err);
  }
  const report: PollReport = {
    mailbox: '', uidValidity: 0, listed: 0, fetched: 0, known: 0, failed: 0, quarantined: 0, vanished: 0,
    uidValidityChanged: false, stopped: false,
  };
  let session: ImapSession | null = null;
  try {
    session = await openSession();
    report.mailbox = session.mailbox;
    report.uidValidity = session.uidValidity;
    const stored = getPosition(db, session.mailbox);
    let fromUid = 1;
    if (stored && stored.uidValidity === session.uidValidity) {
      fromUid = stored.lastUid + 1;
    } else if (stored) {
      // The server renumbered the mailbox: scan it all again; the content hash recognizes what we already have.
      report.uidValidityChanged = true;
      log.warn({ mailbox: session.mailbox, was: stored.uidValidity, now: session.uidValidity }, 'UIDVALIDITY changed: rescanning the mailbox');
    }
    if (fromUid >= session.uidNext && stored?.uidValidity === session.uidValidity) {
      finishPollRun(db, runId, { ok: true, fetched: 0, known: 0, failed: 0 }, clock());
      return report;
    }
    const uids = await session.listUids(fromUid);
    report.listed = uids.length;
    for (let i = 0; i < uids.length && !opts.signal?.aborted; i += opts.batchSize) {
      const batch = await session.describe(uids.slice(i, i + opts.batchSize));
      for (const listed of batch) {
        if (opts.signal?.aborted) break;
        await takeOne(session, listed, deps, clock, opts, report);
        opts.onProgress?.(report.fetched + report.known + report.failed + report.quarantined + report.vanished, uids.length);
      }
    }
    report.stopped = opts.signal?.aborted === true;
    finishPollRun(db, runId, { ok: true, fetched: report.fetched, known: report.known, failed: report.failed }, clock());
    return report;
  } catch (raw) {
    const err = asStoreError(raw);
    const code = isAppError(err) ? err.code : 'unexpected';
    try {
      finishPollRun(db, runId, { ok: false, fetched: report.fetched, known: report.known, failed: report.failed, errorCode: code, error: describeError(err).slice(0, 500) }, clock());
    } catch {
      // The store itself failed (full disk, locked): the error below says so.
    }
    throw err;
  } finally {
    await session?.close();
  }
}

async function takeOne(
  session: ImapSession,
  listed: ListedMessage,
  deps: IngestDeps,
  clock: Clock,
  opts: PollOptions,
  report: PollReport,
): Promise<void> {
  const { db, log } = deps;
  const position: MailboxPosition = { mailbox: session.mailbox, uidValidity: session.uidValidity, uid: listed.uid };
  const known = findByHash(db, listed.contentHash);
  if (known) {
    db.transaction(() => {
      relinkUid(db, known.id, position.mailbox, position.uidValidity, position.uid);
      setPosition(db, { mailbox: position.mailbox, uidValidity: position.uidValidity, lastUid: position.uid }, clock());
    }).immediate();
    report.known++;
    return;
  }

  if (attemptsOf(db, position) >= opts.maxAttempts) {
    const headers = await parseHeaders(listed.rawHeaders);
    recordUnprocessable({ origin: { ...position }, receivedAt: listed.internalDate, size: listed.size, rawHeaders: listed.rawHeaders, headers, contentHash: listed.contentHash },
      deps, clock(), 'quarantined', `processing was started ${opts.maxAttempts} times and never finished`, position);
    report.quarantined++;
    return;
  }

  let msg;
  try {
    msg = await session.load(listed);
  } catch (err) {
    if (isVanished(err)) {
      // Expunged between listing and download: there is nothing left to record, and nothing to wait for.
      log.warn({ uid: listed.uid }, 'message vanished before download');
      setPosition(db, { mailbox: position.mailbox, uidValidity: position.uidValidity, lastUid: position.uid }, clock());
      report.vanished++;
      return;
    }
    throw err;
  }

  noteAttempt(db, position, 'processing', clock());
  try {
    await ingestMessage(msg, deps, clock(), position);
    report.fetched++;
  } catch (raw) {
    const err = asStoreError(raw);
    if (isRetryable(err) || (isAppError(err) && err.code.startsWith('imap_'))) throw err;
    // A bug or a hostile message: record it as an error and move on; `reprocess` can try it again later.
    recordUnprocessable(msg, deps, clock(), 'error', describeError(err), position);
    report.failed++;
  }
  try {
    await session.markProcessed(listed.uid);
  } catch (err) {
    log.warn({ uid: listed.uid, err: describeError(err) }, 'could not set the processed flag');
  }
}

