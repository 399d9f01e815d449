import { availableParallelism } from 'node:os';
import { classifyMessage } from '../classify/classify-message.ts';
import type { Clock } from '../clock.ts';
import { describeError, isAppError, isRetryable, isVanished } from '../errors.ts';
import type { ExtractionResult } from '../extract/form-types.ts';
import type { ImapSession, ListedMessage } from '../mailbox/imap-source.ts';
import type { IncomingMessage } from '../mailbox/incoming-message.ts';
import { downloadBytes } from '../mailbox/message-parts.ts';
import { parseHeaders } from '../mailbox/parse-headers.ts';
import {
  clearAttempts, findByHash, finishPollRun, getPosition, noteAttempt, relinkUid, setPosition, startPollRun, attemptsOf,
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
  let feed: MessageFeed | null = null;
  let ahead: ExtractAhead | null = null;
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
    feed = new MessageFeed(session, uids, opts.batchSize);
    ahead = new ExtractAhead(deps, { mailbox: session.mailbox, uidValidity: session.uidValidity }, clock, opts.maxAttempts);
    for (let item = await feed.next(); item && !opts.signal?.aborted; item = await feed.next()) {
      ahead.fill(item, feed.upcoming());
      await takeOne(session, item, ahead, clock, opts, report);
      opts.onProgress?.(report.fetched + report.known + report.failed + report.quarantined + report.vanished, uids.length);
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
    feed?.stop();
    ahead?.forget();
    await session?.close();
  }
}

async function takeOne(
  session: ImapSession,
  item: Loaded,
  ahead: ExtractAhead,
  clock: Clock,
  opts: PollOptions,
  report: PollReport,
): Promise<void> {
  const { listed } = item;
  const deps = ahead.deps;
  const { db, log } = deps;
  const position: MailboxPosition = { mailbox: session.mailbox, uidValidity: session.uidValidity, uid: listed.uid };
  // An attempt noted when this message's extraction started ahead of its turn is this run's, not a past one's.
  const ownAttempt = ahead.taken(listed.uid);
  const known = findByHash(db, listed.contentHash);
  if (known) {
    db.transaction(() => {
      relinkUid(db, known.id, position.mailbox, position.uidValidity, position.uid);
      setPosition(db, { mailbox: position.mailbox, uidValidity: position.uidValidity, lastUid: position.uid }, clock());
      if (ownAttempt) clearAttempts(db, position);
    }).immediate();
    report.known++;
    return;
  }

  if (attemptsOf(db, position) - (ownAttempt ? 1 : 0) >= opts.maxAttempts) {
    const headers = await parseHeaders(listed.rawHeaders);
    recordUnprocessable({ origin: { ...position }, receivedAt: listed.internalDate, size: listed.size, rawHeaders: listed.rawHeaders, headers, contentHash: listed.contentHash },
      deps, clock(), 'quarantined', `processing was started ${opts.maxAttempts} times and never finished`, position);
    report.quarantined++;
    return;
  }

  let msg = item.msg;
  if (!msg) {
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
  }

  if (!ownAttempt) noteAttempt(db, position, 'processing', clock());
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

/** A listed message, with its parts when they were downloaded ahead of its turn (else null: load it then). */
interface Loaded {
  listed: ListedMessage;
  msg: IncomingMessage | null;
}

/**
 * Downloaded messages waiting for their turn, at most: bytes of parts (a single larger message is let through
 * alone) and messages (each holds its parsed headers too).
 */
const AHEAD_BYTES = 2 * 1024 * 1024;
const AHEAD_MESSAGES = 100;

/**
 * The messages to take, in UID order, downloaded ahead of their turn while earlier ones are parsed and stored:
 * a batch is described, then the parts of many messages come in a few FETCHes (ImapSession.loadMany). At most
 * AHEAD_BYTES of downloaded parts wait. A failure of the server is handed on after the messages already in.
 */
class MessageFeed {
  private readonly ready: Loaded[] = [];
  private waitingBytes = 0;
  private failure: { err: unknown } | null = null;
  private finished = false;
  private stopped = false;
  private wakeTaker: (() => void) | null = null;
  private wakeLoader: (() => void) | null = null;

  constructor(private readonly session: ImapSession, private readonly uids: number[], private readonly batchSize: number) {
    void this.run();
  }

  /** The next message in UID order; null when all were handed out. Throws the server's failure when it is next. */
  async next(): Promise<Loaded | null> {
    while (!this.ready.length && !this.finished) await new Promise<void>((resolve) => { this.wakeTaker = resolve; });
    const item = this.ready.shift();
    if (item) {
      this.waitingBytes -= bytesOf(item);
      this.wakeLoader?.();
      return item;
    }
    if (this.failure) throw this.failure.err;
    return null;
  }

  /** The messages after the one just handed out that are already downloaded, in order. */
  upcoming(): readonly Loaded[] {
    return this.ready;
  }

  stop(): void {
    this.stopped = true;
    this.wakeLoader?.();
  }

  private push(item: Loaded): void {
    this.ready.push(item);
    this.waitingBytes += bytesOf(item);
    this.wakeTaker?.();
  }

  private async room(): Promise<void> {
    while ((this.waitingBytes > AHEAD_BYTES || this.ready.length > AHEAD_MESSAGES) && !this.stopped) await new Promise<void>((resolve) => { this.wakeLoader = resolve; });
  }

  private async run(): Promise<void> {
    try {
      for (let i = 0; i < this.uids.length && !this.stopped; i += this.batchSize) {
        const batch = (await this.session.describe(this.uids.slice(i, i + this.batchSize))).sort((a, b) => a.uid - b.uid);
        if (!this.session.loadMany) {
          for (const listed of batch) this.push({ listed, msg: null });
          continue;
        }
        for (let from = 0; from < batch.length && !this.stopped;) {
          await this.room();
          // A slice of the batch worth about AHEAD_BYTES of parts (at least one message).
          let to = from;
          let bytes = 0;
          while (to < batch.length && (to === from || bytes + downloadBytes(batch[to]!.plan) <= AHEAD_BYTES)) bytes += downloadBytes(batch[to++]!.plan);
          const slice = batch.slice(from, to);
          from = to;
          // Answers come group by group, not in UID order: each message waits for those before it.
          const arrived = new Map<number, Loaded>();
          let nextAt = 0;
          await this.session.loadMany(slice, (listed, msg) => {
            arrived.set(listed.uid, { listed, msg });
            while (nextAt < slice.length && arrived.has(slice[nextAt]!.uid)) this.push(arrived.get(slice[nextAt++]!.uid)!);
          });
          // Anything loadMany did not hand over is loaded on its turn.
          for (; nextAt < slice.length; nextAt++) this.push(arrived.get(slice[nextAt]!.uid) ?? { listed: slice[nextAt]!, msg: null });
        }
      }
    } catch (err) {
      this.failure = { err };
    } finally {
      this.finished = true;
      this.wakeTaker?.();
    }
  }
}

function bytesOf(item: Loaded): number {
  return item.msg ? downloadBytes(item.listed.plan) : 0;
}

/**
 * Parses the forms of the next few messages while the current one is stored, so every parse worker is busy.
 * Messages are still recorded one by one in UID order; only extraction runs ahead, and only for messages no
 * earlier run started without finishing: a message with a past attempt is processed alone, so a crash while it
 * runs is counted against it and nothing else (quarantine stays precise). Starting ahead counts an attempt, as
 * taking its turn would; a cycle that ends normally takes back the attempts of what it did not reach.
 */
class ExtractAhead {
  /** Extraction of a message, by message object: ingestMessage asks for it through deps.extract. */
  private readonly started = new Map<IncomingMessage, Promise<ExtractionResult>>();
  /** UIDs whose attempt we noted when their extraction started ahead. */
  private readonly noted = new Set<number>();
  /** What was decided about each message looked at: a past attempt, started ahead, or not worth starting. */
  private readonly verdicts = new Map<number, 'suspect' | 'started' | 'skipped'>();
  private readonly hashes = new Set<string>();
  private readonly limit = Math.max(2, Math.min(8, 2 * availableParallelism()));
  readonly deps: IngestDeps;

  constructor(private readonly base: IngestDeps, private readonly box: { mailbox: string; uidValidity: number },
    private readonly clock: Clock, private readonly maxAttempts: number) {
    this.deps = {
      ...base,
      extract: (msg) => {
        const early = this.started.get(msg);
        if (!early) return base.extract(msg);
        this.started.delete(msg);
        return early;
      },
    };
  }

  /**
   * Starts the extraction of `current` (first, so it never queues behind later ones) and of the messages after
   * it, up to the limit, stopping at a message with a past attempt.
   */
  fill(current: Loaded, upcoming: readonly Loaded[]): void {
    if (this.maxAttempts < 2) return;
    for (let i = -1; i < upcoming.length; i++) {
      const item = i < 0 ? current : upcoming[i]!;
      if (this.started.size >= this.limit || !item.msg) return;
      const verdict = this.verdictOf(item);
      if (verdict === 'suspect') return;
      if (!verdict) this.start(item.listed, item.msg);
    }
  }

  private verdictOf(item: Loaded): 'suspect' | 'started' | 'skipped' | undefined {
    const uid = item.listed.uid;
    let v = this.verdicts.get(uid);
    if (!v && attemptsOf(this.base.db, { ...this.box, uid }) > 0) this.verdicts.set(uid, (v = 'suspect'));
    return v;
  }

  private start(listed: ListedMessage, msg: IncomingMessage): void {
    const { db, contest, ownAddresses } = this.base;
    const kind = classifyMessage(msg, contest, ownAddresses).kind;
    if ((kind !== 'individual' && kind !== 'unit_summary') || this.hashes.has(listed.contentHash) || findByHash(db, listed.contentHash)) {
      this.verdicts.set(listed.uid, 'skipped');
      return;
    }
    this.verdicts.set(listed.uid, 'started');
    this.hashes.add(listed.contentHash);
    noteAttempt(db, { ...this.box, uid: listed.uid }, 'processing', this.clock());
    this.noted.add(listed.uid);
    const extraction = this.base.extract(msg);
    // Whoever takes it handles a failure; until then a rejection must not count as unhandled.
    extraction.catch(() => undefined);
    this.started.set(msg, extraction);
  }

  /** Called when a message takes its turn: true when its attempt was noted ahead. */
  taken(uid: number): boolean {
    this.verdicts.delete(uid);
    return this.noted.delete(uid);
  }

  /** The cycle is over: what was started ahead but never reached takes back its attempt. Never throws. */
  forget(): void {
    try {
      for (const uid of this.noted) clearAttempts(this.base.db, { ...this.box, uid });
    } catch {
      // The store is failing (a full disk, a lock) and the cycle fails with that error already; the attempts
      // left only make these messages run alone next time.
    }
    this.noted.clear();
    this.started.clear();
  }
}
