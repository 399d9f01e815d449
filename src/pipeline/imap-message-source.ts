import type { Clock } from '../clock.ts';
import type { ExtractionResult } from '../extract/form-types.ts';
import { AppError, describeError, isConnectionLost } from '../errors.ts';
import type { ImapSession, ListedMessage } from '../mailbox/imap/imap-session.ts';
import { contentHashOf, parseHeaders } from '../mailbox/parse-headers.ts';
import { ExtractAhead } from './extract-ahead.ts';
import type { IngestDeps, MailboxPosition } from './ingest-message.ts';
import type { Candidate, LoadOutcome, MessageSource } from './ingest-loop.ts';
import {
  LoadInterrupted, loadWithFallbacks, MAX_DEATHS, newTrack, noteDeath, strategiesFor, unfetchableReason, type LoadTrack,
} from './load-with-fallbacks.ts';
import { advanceMark } from './mailbox-mark.ts';
import { FeedFailure, isUndescribed, MessageFeed, undescribed, type FeedOps, type Loaded } from './message-feed.ts';

export interface ReconnectPolicy {
  /** Reconnections in a row without a message settled in between, before the cycle gives up. */
  maxWithoutProgress: number;
  /** Reconnections in one cycle at most, whatever the progress. */
  maxPerCycle: number;
  /** Pause before the n-th reconnection in a row (the last value repeats). */
  backoffMs: number[];
}

export const DEFAULT_RECONNECT: ReconnectPolicy = { maxWithoutProgress: 3, maxPerCycle: 50, backoffMs: [500, 2_000, 5_000] };

export interface ImapSourceSettings {
  batchSize: number;
  partMaxBytes: number;
  reconnect: ReconnectPolicy;
  signal?: AbortSignal;
}

export interface ImapSourcePlan {
  /** The UIDs to take, ascending. */
  uids: readonly number[];
  /** Every listed UID above the mark (taken now or recorded before): what the mark may step over. */
  listedAbove: readonly number[];
  recordedAbove: ReadonlySet<number>;
  mark: number;
  /** False for reconcile and retries: they record messages below the mark and never move it. */
  moveMark: boolean;
  /** Retries: the placeholder row each UID's full record replaces. */
  replacing?: ReadonlyMap<number, number>;
}

/**
 * The IMAP mailbox as a MessageSource: the UIDs to take, described and downloaded ahead in batches, each handed
 * out in UID order once the one before it is settled. It keeps the cycle going when the connection breaks: it
 * reconnects (bounded, with backoff) and goes on from the first message not yet handed out, reading the messages
 * of the failed batch one by one, so that a message that breaks the connection is known by its UID. Such a
 * message is set aside and taken again at the end of the cycle by the next way of reading it, so it never holds
 * the rest back; one that breaks the connection again after others were read is recorded unfetchable.
 */
export class ImapMessageSource implements MessageSource {
  private feed: MessageFeed;
  private readonly ahead: ExtractAhead;
  private readonly troubles = new Map<number, LoadTrack>();
  private readonly settledUids = new Set<number>();
  /** Messages whose connection broke while they were read: taken again when the rest is done. */
  private deferred: number[] = [];
  private mark: number;
  /** BINARY broke a connection this cycle (Dovecot on a truncated base64 part): raw sections are read instead. */
  private binaryTrusted = true;
  reconnects = 0;
  private inARow = 0;
  /** UIDs recorded by this source (whatever their status). */
  readonly recordedUids: number[] = [];

  constructor(
    private session: ImapSession,
    private readonly open: () => Promise<ImapSession>,
    private readonly deps: IngestDeps,
    private readonly clock: Clock,
    private readonly plan: ImapSourcePlan,
    private readonly settings: ImapSourceSettings,
  ) {
    this.mark = plan.mark;
    this.ahead = new ExtractAhead(deps, { mailbox: session.mailbox, uidValidity: session.uidValidity });
    this.feed = new MessageFeed(this.feedOps(), plan.uids, settings.batchSize);
  }

  get current(): ImapSession {
    return this.session;
  }

  /** Another source on the same cycle reconnected: its connection is the cycle's now (the old one is closed). */
  adopt(session: ImapSession): void {
    this.session = session;
  }

  async next(): Promise<Candidate | null> {
    for (;;) {
      let item: Loaded | null;
      try {
        item = await this.feed.next();
      } catch (err) {
        if (!(err instanceof FeedFailure)) throw err;
        if (!isConnectionLost(err.cause)) throw err.cause;
        this.deps.log.warn({ uids: err.failedOn.length, err: describeError(err.cause) }, 'the connection broke while reading ahead');
        await this.reconnect(err.cause);
        continue;
      }
      if (!item) {
        if (!this.deferred.length) return null;
        // The rest is done: now the messages set aside, each alone.
        this.feed.append(this.deferred);
        this.deferred = [];
        continue;
      }
      this.ahead.fill(item, this.feed.upcoming());
      return this.candidateOf(item, this.ahead.taken(item.listed.uid));
    }
  }

  settled(c: Candidate): void {
    const pos = c.position!;
    this.settledUids.add(pos.uid);
    this.mark = Math.max(this.mark, pos.mark);
    this.inARow = 0;
  }

  async recorded(c: Candidate): Promise<void> {
    // The verdict is the loop's business; the source only keeps its place and sets the optional flag.
    this.settled(c);
    this.recordedUids.push(c.position!.uid);
    try {
      await this.session.markProcessed(c.position!.uid);
    } catch (err) {
      this.deps.log.warn({ uid: c.position!.uid, err: describeError(err) }, 'could not set the processed flag');
    }
  }

  async close(): Promise<void> {
    this.feed.stop();
    this.ahead.forget();
    await this.session.close();
  }

  private get progress(): number {
    return this.settledUids.size;
  }

  private positionOf(uid: number): MailboxPosition {
    const mark = this.plan.moveMark
      ? advanceMark(this.mark, this.plan.listedAbove, (u) => u === uid || this.settledUids.has(u) || this.plan.recordedAbove.has(u))
      : this.mark;
    return { mailbox: this.session.mailbox, uidValidity: this.session.uidValidity, uid, mark };
  }

  private candidateOf(item: Loaded, extraction: Promise<ExtractionResult> | undefined): Candidate {
    const { listed } = item;
    const uid = listed.uid;
    const replacing = this.plan.replacing?.get(uid);
    const rawHeaders = listed.rawHeaders.length ? listed.rawHeaders : placeholderHeaders(uid);
    const contentHash = listed.contentHash || placeholderHash(this.session, uid);
    return {
      label: `UID ${uid}`,
      contentHash,
      position: this.positionOf(uid),
      ...(replacing === undefined ? {} : { target: { kind: 'replace', id: replacing } }),
      ...(extraction ? { extraction } : {}),
      envelope: async () => ({
        origin: { mailbox: this.session.mailbox, uidValidity: this.session.uidValidity, uid },
        receivedAt: isUndescribed(listed) ? this.clock() : listed.internalDate,
        size: Math.max(0, listed.size),
        rawHeaders,
        headers: await parseHeaders(rawHeaders),
        contentHash,
      }),
      load: async (): Promise<LoadOutcome> => {
        if (item.unreadable) return { unfetchable: item.unreadable };
        if (item.msg) return { msg: item.msg };
        return this.loadAlone(listed);
      },
    };
  }

  /** One message on its own, through the fallbacks; set aside for later in the cycle if the connection breaks. */
  private async loadAlone(first: ListedMessage): Promise<LoadOutcome> {
    let listed = first;
    const track = this.trackOf(listed.uid);
    if (track.deaths >= MAX_DEATHS) return { unfetchable: unfetchableReason(track) };
    // Alone means alone: the read-ahead waits, and a connection it already broke is replaced before we start.
    await this.feed.quiesce();
    try {
      if (!this.session.usable) await this.reconnect(new AppError('imap_unavailable', 'the connection broke while reading ahead'));
      if (isUndescribed(listed)) {
        // The batch's answer had nothing for it: gone, or a message the server cannot describe.
        const again = track.describeBroke ? await this.session.describeBare(listed.uid) : (await this.session.describe([listed.uid]))[0];
        if (!again) return (await this.session.stillThere(listed.uid)) ? { unfetchable: 'the server lists this UID but describes nothing of it' } : { vanished: true };
        listed = again;
      }
      const strategies = strategiesFor(listed, { binary: this.binaryTrusted && this.session.hasBinary, partMaxBytes: this.settings.partMaxBytes });
      return await loadWithFallbacks(this.session, listed, track, strategies);
    } catch (err) {
      const cause = err instanceof LoadInterrupted ? err.cause : err;
      if (!isConnectionLost(cause)) throw cause;
      if (err instanceof LoadInterrupted && err.strategy === 'binary') this.binaryTrusted = false;
      if (!(err instanceof LoadInterrupted)) track.describeBroke = true;
      noteDeath(track, this.progress, `${err instanceof LoadInterrupted ? err.strategy : 'describe'}: the connection broke (${describeError(cause).slice(0, 160)})`);
      this.deps.log.warn({ uid: listed.uid, deaths: track.deaths, err: describeError(cause) }, 'the connection broke while reading this message alone: set aside for later in the cycle');
      await this.reconnect(cause);
      if (track.deaths >= MAX_DEATHS) return { unfetchable: unfetchableReason(track) };
      this.deferred.push(listed.uid);
      return { deferred: true };
    } finally {
      this.feed.resume();
    }
  }

  private trackOf(uid: number): LoadTrack {
    let t = this.troubles.get(uid);
    if (!t) this.troubles.set(uid, (t = newTrack()));
    return t;
  }

  private feedOps(): FeedOps {
    const session = this.session;
    return {
      describe: (uids) => session.describe(uids),
      describeAlone: async (uid) => {
        const track = this.trackOf(uid);
        if (track.deaths >= MAX_DEATHS) return { listed: undescribed(uid), msg: null, unreadable: unfetchableReason(track) };
        // After a broken connection on its BODYSTRUCTURE, ask for its envelope only: the source tells its parts.
        const listed = track.describeBroke ? await session.describeBare(uid) : (await session.describe([uid]))[0];
        return { listed: listed ?? undescribed(uid), msg: null };
      },
      loadMany: (listed, take) => session.loadMany(listed, take, { binary: this.binaryTrusted }),
    };
  }

  /**
   * A new connection for the rest of the cycle, after a pause that grows while nothing gets settled; the cycle
   * gives up (throws `cause`) after too many in a row. The feed goes on with it from where it was.
   */
  private async reconnect(cause: unknown): Promise<void> {
    const policy = this.settings.reconnect;
    if (this.settings.signal?.aborted || this.inARow >= policy.maxWithoutProgress || this.reconnects >= policy.maxPerCycle) throw cause;
    const pause = policy.backoffMs[Math.min(this.inARow, policy.backoffMs.length - 1)] ?? 0;
    this.inARow++;
    this.reconnects++;
    await this.session.close().catch(() => undefined);
    await new Promise((r) => setTimeout(r, pause));
    const next = await this.open();
    if (next.uidValidity !== this.session.uidValidity) {
      await next.close();
      throw new AppError('imap_unavailable', `UIDVALIDITY changed during the cycle (${this.session.uidValidity} → ${next.uidValidity}): the next cycle rescans`);
    }
    this.session = next;
    this.deps.log.info({ reconnects: this.reconnects }, 'reconnected: going on from the first message not yet recorded');

    const failure = this.feed.stoppedBy;
    const alone = failure?.failedOn ?? [];
    let skip: number[] = [];
    if (alone.length === 1) {
      // Described alone and broke the connection: set aside, like a message that breaks it when read.
      const uid = alone[0]!;
      const track = this.trackOf(uid);
      track.describeBroke = true;
      noteDeath(track, this.progress, `describe: the connection broke (${describeError(failure!.cause).slice(0, 160)})`);
      skip = [uid];
      this.deferred.push(uid);
    } else if (alone.length > 1) {
      // A batched FETCH broke the connection, with BINARY most likely: raw sections for the rest of the cycle.
      this.binaryTrusted = false;
    }
    this.feed.restart(this.feedOps(), skip.length ? [] : alone, skip);
  }
}

/** A message of which not even the header block could be read is still recorded: under a header naming its UID. */
function placeholderHeaders(uid: number): Buffer {
  return Buffer.from(`Subject: (UID ${uid}: the server gave nothing of this message)\r\n\r\n`, 'latin1');
}

function placeholderHash(session: ImapSession, uid: number): string {
  return contentHashOf(Buffer.from(`unreadable ${session.mailbox} ${session.uidValidity} ${uid}`), 0);
}
