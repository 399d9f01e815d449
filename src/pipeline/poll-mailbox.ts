import type { Clock } from '../clock.ts';
import { describeError, isAppError } from '../errors.ts';
import type { ImapSession } from '../mailbox/imap/imap-session.ts';
import { asStoreError } from '../store/db.ts';
import { getPosition, recordedUids, setGaps, setPosition } from '../store/mailbox-state-repo.ts';
import { dueForRetry, markRetried, messageIdentity } from '../store/messages-repo.ts';
import { finishPollRun, startPollRun } from '../store/poll-runs-repo.ts';
import type { IngestDeps } from './ingest-message.ts';
import { emptyLoopReport, runIngestLoop, type LoopReport } from './ingest-loop.ts';
import { DEFAULT_RECONNECT, ImapMessageSource, type ImapSourceSettings, type ReconnectPolicy } from './imap-message-source.ts';
import { advanceMark, planCycle } from './mailbox-mark.ts';

export interface PollReport extends LoopReport {
  mailbox: string;
  uidValidity: number;
  listed: number;
  /** UIDs at or below the mark that the mailbox has and the record does not (after this cycle). */
  gaps: number;
  reconnects: number;
  /** Quarantined or unfetchable messages tried again this cycle, and how many of them are now recorded in full. */
  retried: number;
  recovered: number;
  uidValidityChanged: boolean;
}

export interface PollOptions {
  batchSize: number;
  /** A message the worker died holding this many times is quarantined instead of tried again. */
  maxAttempts: number;
  partMaxBytes?: number;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
  reconnect?: ReconnectPolicy;
  /** 'reconcile' takes the gaps below the mark instead of the new mail. */
  mode?: 'poll' | 'reconcile';
  /** Quarantined and unfetchable messages are tried again alone after this many hours (first time: at once). */
  retryAfterHours?: number;
  /** Only these message ids are tried again, now, whatever their last try (`reprocess --id`). */
  retryIds?: number[];
}

/**
 * One poll cycle: list every UID, take the new ones in order (reconnecting if the connection breaks), note what is
 * missing below the mark, then try again the quarantined and unfetchable messages that are due.
 *
 * The invariant: when the cycle ends, well or not, every UID at or below the stored mark is recorded once. The mark
 * only moves in the transaction that records the message at it (or once the server confirmed the UID is gone), and
 * messages are settled in UID order, so it cannot pass a message that was not recorded.
 */
export async function pollMailbox(openSession: () => Promise<ImapSession>, deps: IngestDeps, clock: Clock, opts: PollOptions): Promise<PollReport> {
  const { db, log } = deps;
  const mode = opts.mode ?? 'poll';
  let runId: number;
  try {
    runId = startPollRun(db, mode === 'poll' ? 'imap' : 'reconcile', clock());
  } catch (err) {
    throw asStoreError(err);
  }
  const report: PollReport = {
    ...emptyLoopReport(), mailbox: '', uidValidity: 0, listed: 0, gaps: 0, reconnects: 0, retried: 0, recovered: 0, uidValidityChanged: false,
  };
  let source: ImapMessageSource | null = null;
  let session: ImapSession | null = null;
  const finish = (ok: boolean, err?: unknown): void => {
    finishPollRun(db, runId, {
      ok, fetched: report.fetched, known: report.known, failed: report.failed, vanished: report.vanished, unfetchable: report.unfetchable,
      reconnects: report.reconnects, gaps: report.gaps,
      ...(err === undefined ? {} : { errorCode: isAppError(err) ? err.code : 'unexpected', error: describeError(err).slice(0, 500) }),
    }, clock());
  };
  try {
    session = await openSession();
    const { mailbox, uidValidity } = session;
    report.mailbox = mailbox;
    report.uidValidity = uidValidity;
    const listing = await session.listAllUids();
    const stored = getPosition(db, mailbox);
    if (stored && stored.uidValidity !== uidValidity) {
      // The server renumbered the mailbox: scan it all again; the content hash recognizes what we already have.
      report.uidValidityChanged = true;
      log.warn({ mailbox, was: stored.uidValidity, now: uidValidity }, 'UIDVALIDITY changed: rescanning the mailbox');
    }
    let mark = stored && !report.uidValidityChanged ? stored.lastUid : 0;
    const recorded = new Set(recordedUids(db, mailbox, uidValidity));
    const plan = planCycle(listing, mark, recorded);
    const listedAbove = listing.filter((u) => u > mark);
    // UIDs recorded above the mark (an earlier cycle failed after them) are stepped over without a FETCH.
    const caughtUp = advanceMark(mark, listedAbove, (u) => recorded.has(u));
    if (!stored || report.uidValidityChanged || caughtUp > mark) {
      setPosition(db, { mailbox, uidValidity, lastUid: caughtUp }, clock());
      mark = caughtUp;
    }
    if (plan.gaps.length) log.error({ mailbox, gaps: plan.gaps.length, first: plan.gaps.slice(0, 20) }, 'messages below the position are not recorded: run `contest-intake reconcile`');

    const uids = mode === 'reconcile' ? plan.gaps : plan.todo;
    report.listed = uids.length;
    source = new ImapMessageSource(session, openSession, deps, clock,
      { uids, listedAbove, recordedAbove: new Set(plan.recordedAbove), mark, moveMark: mode === 'poll' }, settingsOf(opts));
    session = null;
    await runIngestLoop(source, deps, clock, {
      maxAttempts: opts.maxAttempts, ...(opts.signal ? { signal: opts.signal } : {}),
      onProgress: (done) => opts.onProgress?.(done, uids.length),
    }, report);
    report.reconnects = source.reconnects;

    if (!report.stopped && mode === 'poll') await retryDue(source, openSession, deps, clock, opts, report, new Set(source.recordedUids));

    const recordedNow = new Set(recordedUids(db, mailbox, uidValidity));
    const gaps = plan.gaps.filter((u) => !recordedNow.has(u));
    report.gaps = gaps.length;
    setGaps(db, mailbox, uidValidity, gaps, clock());
    finish(true);
    return report;
  } catch (raw) {
    const err = asStoreError(raw);
    if (source) report.reconnects = source.reconnects;
    try {
      finish(false, err);
    } catch {
      // The store itself failed (full disk, locked): the error below says so.
    }
    throw err;
  } finally {
    await source?.close();
    await session?.close();
  }
}

/**
 * Quarantined and unfetchable messages get another chance, each alone, at most once a day: a server that failed
 * on a message may serve it tomorrow, and a worker that was killed while holding one may not be killed again.
 * The try is noted before it starts, so one that kills the worker waits for the next day.
 */
async function retryDue(main: ImapMessageSource, open: () => Promise<ImapSession>, deps: IngestDeps, clock: Clock, opts: PollOptions, report: PollReport,
  thisCycle: ReadonlySet<number>): Promise<void> {
  const session = main.current;
  const hours = opts.retryAfterHours ?? 24;
  const due = opts.retryIds
    ? opts.retryIds.map((id) => messageIdentity(deps.db, id)).filter((m): m is NonNullable<typeof m> & { uid: number } =>
      !!m && m.mailbox === session.mailbox && m.uidValidity === session.uidValidity && m.uid !== null)
    // One quarantined or found unfetchable in this very cycle waits for the next: its retry is a separate try, alone.
    : dueForRetry(deps.db, session.mailbox, session.uidValidity, new Date(clock().getTime() - hours * 3_600_000)).filter((m) => !thisCycle.has(m.uid));
  for (const m of due) {
    if (opts.signal?.aborted) return;
    markRetried(deps.db, m.id, clock());
    report.retried++;
    const one = new ImapMessageSource(main.current, open, patient(deps), clock,
      { uids: [m.uid], listedAbove: [], recordedAbove: new Set(), mark: 0, moveMark: false, replacing: new Map([[m.uid, m.id]]) }, { ...settingsOf(opts), batchSize: 1 });
    const r = await runIngestLoop(one, patient(deps), clock, { maxAttempts: opts.maxAttempts, ignoreAttempts: true });
    // A retry that had to reconnect leaves the cycle its new connection.
    main.adopt(one.current);
    if (r.fetched) report.recovered++;
    deps.log.info({ id: m.id, uid: m.uid, was: m.status, now: r.fetched ? 'recorded' : r.unfetchable ? 'unfetchable' : r.vanished ? 'gone from the mailbox' : 'unchanged' }, 'retried a message alone');
  }
}

function settingsOf(opts: PollOptions): ImapSourceSettings {
  return {
    batchSize: opts.batchSize, partMaxBytes: opts.partMaxBytes ?? Number.MAX_SAFE_INTEGER, reconnect: opts.reconnect ?? DEFAULT_RECONNECT,
    ...(opts.signal ? { signal: opts.signal } : {}),
  };
}

/**
 * `reprocess --id` for messages recorded only from their envelope (quarantined, unfetchable): read them again from
 * the mailbox now, alone, whatever their last try.
 */
export async function retryMessages(openSession: () => Promise<ImapSession>, deps: IngestDeps, clock: Clock, opts: PollOptions & { ids: number[] }): Promise<PollReport> {
  const session = await openSession();
  const report: PollReport = {
    ...emptyLoopReport(), mailbox: session.mailbox, uidValidity: session.uidValidity, listed: 0, gaps: 0, reconnects: 0, retried: 0, recovered: 0,
    uidValidityChanged: false,
  };
  // A source with nothing to take: it only holds the connection the retries share.
  const holder = new ImapMessageSource(session, openSession, deps, clock,
    { uids: [], listedAbove: [], recordedAbove: new Set(), mark: 0, moveMark: false }, settingsOf(opts));
  try {
    await retryDue(holder, openSession, deps, clock, { ...opts, retryIds: opts.ids }, report, new Set());
    return report;
  } finally {
    await holder.close();
  }
}

/** A retry reads each document with a longer time box. */
function patient(deps: IngestDeps): IngestDeps {
  return { ...deps, extract: (msg) => deps.extract(msg, { patient: true }) };
}
