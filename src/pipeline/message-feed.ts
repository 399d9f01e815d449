import type { IncomingMessage } from '../mailbox/incoming-message.ts';
import type { ListedMessage } from '../mailbox/imap/imap-session.ts';
import { downloadBytes } from '../mailbox/message-parts.ts';

/** A listed message, with its parts when they were downloaded ahead of its turn (else null: load it then). */
export interface Loaded {
  listed: ListedMessage;
  msg: IncomingMessage | null;
  /** Not even its envelope could be read: recorded for a person with this reason. */
  unreadable?: string;
}

/** What the feed needs from a connection. */
export interface FeedOps {
  describe(uids: number[]): Promise<ListedMessage[]>;
  /** One message that an earlier batch failed on: described alone (or given up on, as `unreadable`). */
  describeAlone(uid: number): Promise<Loaded>;
  loadMany(listed: ListedMessage[], take: (listed: ListedMessage, msg: IncomingMessage | null) => void): Promise<void>;
}

/** The feed stopped on a failure of its connection. `failedOn`: the UIDs of the operation that failed. */
export class FeedFailure extends Error {
  constructor(override readonly cause: unknown, readonly failedOn: number[]) {
    super('message feed stopped');
  }
}

/**
 * Downloaded messages waiting for their turn, at most: bytes of parts (a single larger message is let through
 * alone) and messages (each holds its parsed headers too).
 */
const AHEAD_BYTES = 2 * 1024 * 1024;
const AHEAD_MESSAGES = 100;

/**
 * The messages to take, in UID order, downloaded ahead of their turn while earlier ones are parsed and stored:
 * a batch is described, then the parts of many messages come in a few FETCHes. At most AHEAD_BYTES of downloaded
 * parts wait. When its connection fails the feed keeps what it has and says so once that is handed out; it then
 * goes on from its cursor on a new connection (`restart`), describing the UIDs of the failed operation one by one
 * and not downloading them ahead, so each is read on its own turn and a message that breaks the connection is
 * known by its UID.
 */
export class MessageFeed {
  private readonly ready: Loaded[] = [];
  private waitingBytes = 0;
  /** Index in `uids` of the first UID not handed to `ready` yet. */
  private cursor = 0;
  private failure: FeedFailure | null = null;
  private running = false;
  private stopped = false;
  private paused = false;
  private generation = 0;
  private busy: Promise<unknown> | null = null;
  private wakeTaker: (() => void) | null = null;
  private wakeLoader: (() => void) | null = null;

  constructor(private ops: FeedOps, private uids: readonly number[], private readonly batchSize: number, alone: ReadonlySet<number> = new Set()) {
    this.launch(alone);
  }

  /** The next message in UID order; null when all were handed out. Throws the FeedFailure when it is next. */
  async next(): Promise<Loaded | null> {
    while (!this.ready.length && this.running && !this.failure) await new Promise<void>((resolve) => { this.wakeTaker = resolve; });
    const item = this.ready.shift();
    if (item) {
      this.waitingBytes -= bytesOf(item);
      this.wake();
      return item;
    }
    if (this.failure) throw this.failure;
    return null;
  }

  /** The messages after the one just handed out that are already downloaded, in order. */
  upcoming(): readonly Loaded[] {
    return this.ready;
  }

  /** Why the feed stopped, if it did and no restart happened since. */
  get stoppedBy(): FeedFailure | null {
    return this.failure;
  }

  /**
   * Another connection is open (the feed's failed, or a message read alone broke it): go on from the cursor with
   * it, the `alone` UIDs described one by one, and without `skip` (set aside by the caller).
   */
  restart(ops: FeedOps, alone: readonly number[], skip: readonly number[] = []): void {
    this.ops = ops;
    this.failure = null;
    if (skip.length) {
      const gone = new Set(skip);
      this.uids = [...this.uids.slice(0, this.cursor), ...this.uids.slice(this.cursor).filter((u) => !gone.has(u))];
    }
    this.launch(new Set(alone));
  }

  /** More UIDs to take after the ones it has (messages set aside earlier in the cycle), each alone. */
  append(uids: readonly number[]): void {
    this.uids = [...this.uids, ...uids];
    if (!this.running && !this.failure) this.launch(new Set(uids));
  }

  stop(): void {
    this.stopped = true;
    this.wake();
  }

  /**
   * Starts nothing new and waits for what is in flight: a message read alone must have the connection to itself,
   * or a connection broken by the read-ahead would be blamed on it.
   */
  async quiesce(): Promise<void> {
    this.paused = true;
    await this.busy?.catch(() => undefined);
  }

  resume(): void {
    this.paused = false;
    this.wake();
  }

  private wake(): void {
    const w = this.wakeLoader;
    this.wakeLoader = null;
    w?.();
  }

  private launch(alone: ReadonlySet<number>): void {
    const gen = ++this.generation;
    this.running = true;
    void this.run(gen, alone);
  }

  private push(gen: number, item: Loaded): void {
    if (gen !== this.generation) return;
    this.ready.push(item);
    this.cursor++;
    this.waitingBytes += bytesOf(item);
    this.wakeTaker?.();
  }

  private async room(gen: number): Promise<void> {
    while ((this.waitingBytes > AHEAD_BYTES || this.ready.length > AHEAD_MESSAGES || this.paused) && !this.stopped && gen === this.generation) {
      await new Promise<void>((resolve) => { this.wakeLoader = resolve; });
    }
  }

  /** One server operation of this generation's connection, after waiting for room (and for a pause to end). */
  private async op<T>(gen: number, work: (ops: FeedOps) => Promise<T>): Promise<T | null> {
    await this.room(gen);
    if (this.stopped || gen !== this.generation) return null;
    const running = work(this.ops);
    this.busy = running;
    try {
      return await running;
    } finally {
      this.busy = null;
    }
  }

  private live(gen: number): boolean {
    return !this.stopped && gen === this.generation;
  }

  private async run(gen: number, alone: ReadonlySet<number>): Promise<void> {
    let failedOn: number[] = [];
    try {
      // One by one first: the UIDs a failed operation held.
      while (this.cursor < this.uids.length && alone.has(this.uids[this.cursor]!) && this.live(gen)) {
        const uid = this.uids[this.cursor]!;
        failedOn = [uid];
        const item = await this.op(gen, (ops) => ops.describeAlone(uid));
        if (item) this.push(gen, item);
      }
      while (this.cursor < this.uids.length && this.live(gen)) {
        const uids = this.uids.slice(this.cursor, this.cursor + this.batchSize);
        failedOn = uids;
        const described = await this.op(gen, (ops) => ops.describe(uids));
        if (!described) return;
        // A UID the server did not describe is looked at alone on its turn (gone, or not describable).
        const byUid = new Map(described.map((l) => [l.uid, l]));
        const batch = uids.map((uid) => byUid.get(uid) ?? undescribed(uid));
        for (let from = 0; from < batch.length && this.live(gen);) {
          // A slice of the batch worth about AHEAD_BYTES of parts (at least one message).
          let to = from;
          let bytes = 0;
          while (to < batch.length && (to === from || bytes + downloadBytes(batch[to]!.plan) <= AHEAD_BYTES)) bytes += downloadBytes(batch[to++]!.plan);
          const slice = batch.slice(from, to);
          from = to;
          const readable = slice.filter((l) => !isUndescribed(l));
          failedOn = slice.map((l) => l.uid);
          // Answers come group by group, not in UID order: each message waits for those before it.
          const arrived = new Map<number, Loaded>();
          let nextAt = 0;
          const flush = (): void => {
            while (nextAt < slice.length && arrived.has(slice[nextAt]!.uid)) this.push(gen, arrived.get(slice[nextAt++]!.uid)!);
          };
          for (const l of slice) if (isUndescribed(l)) arrived.set(l.uid, { listed: l, msg: null });
          flush();
          if (readable.length) {
            const done = await this.op(gen, (ops) => ops.loadMany(readable, (listed, msg) => {
              arrived.set(listed.uid, { listed, msg });
              flush();
            }));
            if (done === null) return;
          }
          // Anything loadMany did not hand over is loaded on its turn.
          for (; nextAt < slice.length; nextAt++) this.push(gen, arrived.get(slice[nextAt]!.uid) ?? { listed: slice[nextAt]!, msg: null });
        }
      }
    } catch (err) {
      if (gen !== this.generation) return;
      const pending = new Set(this.uids.slice(this.cursor));
      this.failure = new FeedFailure(err, failedOn.filter((u) => pending.has(u)));
    } finally {
      if (gen === this.generation) {
        this.running = false;
        this.wakeTaker?.();
      }
    }
  }
}

/** A listed UID the server did not describe: its own turn tells whether it is gone (size -1 marks it). */
export function undescribed(uid: number): ListedMessage {
  return { uid, size: -1, internalDate: new Date(0), rawHeaders: Buffer.alloc(0), contentHash: '', plan: [], structureless: true };
}

export function isUndescribed(listed: ListedMessage): boolean {
  return listed.size < 0;
}

function bytesOf(item: Loaded): number {
  return item.msg ? downloadBytes(item.listed.plan) : 0;
}
