import { availableParallelism } from 'node:os';
import { classifyMessage } from '../classify/classify-message.ts';
import type { ExtractionResult } from '../extract/form-types.ts';
import type { IncomingMessage } from '../mailbox/incoming-message.ts';
import { attemptsOf } from '../store/attempts-repo.ts';
import { findByHash } from '../store/messages-repo.ts';
import type { IngestDeps } from './ingest-message.ts';
import type { Loaded } from './message-feed.ts';

/**
 * Parses the forms of the next few messages while the current one is stored, so every parse worker is busy.
 * Messages are still recorded one by one in UID order; only extraction runs ahead, and only for messages that no
 * earlier run died holding: such a message is processed alone, so that if it kills the worker again, the attempt
 * counted is its own. Reading ahead counts no attempt: a message merely in flight when the worker dies did not
 * cause it (the head of the line is what `runIngestLoop` counts).
 */
export class ExtractAhead {
  /** Extraction started ahead, by UID: the message's candidate carries it to its turn. */
  private readonly started = new Map<number, Promise<ExtractionResult>>();
  /** What was decided about each message looked at: a past attempt, started ahead, or not worth starting. */
  private readonly verdicts = new Map<number, 'suspect' | 'started' | 'skipped'>();
  private readonly hashes = new Set<string>();
  private readonly limit = Math.max(2, Math.min(8, 2 * availableParallelism()));

  constructor(private readonly base: IngestDeps, private readonly box: { mailbox: string; uidValidity: number }) {}

  /**
   * Starts the extraction of `current` (first, so it never queues behind later ones) and of the messages after
   * it, up to the limit, stopping at a message with a past attempt.
   */
  fill(current: Loaded, upcoming: readonly Loaded[]): void {
    for (let i = -1; i < upcoming.length; i++) {
      const item = i < 0 ? current : upcoming[i]!;
      if (this.started.size >= this.limit || !item.msg) return;
      const verdict = this.verdictOf(item);
      if (verdict === 'suspect') return;
      if (!verdict) this.start(item.listed.uid, item.listed.contentHash, item.msg);
    }
  }

  private verdictOf(item: Loaded): 'suspect' | 'started' | 'skipped' | undefined {
    const uid = item.listed.uid;
    let v = this.verdicts.get(uid);
    if (!v && attemptsOf(this.base.db, { ...this.box, uid }) > 0) this.verdicts.set(uid, (v = 'suspect'));
    return v;
  }

  private start(uid: number, contentHash: string, msg: IncomingMessage): void {
    const { db, contest, ownAddresses } = this.base;
    const kind = classifyMessage(msg, contest, ownAddresses).kind;
    if ((kind !== 'individual' && kind !== 'unit_summary') || this.hashes.has(contentHash) || findByHash(db, contentHash)) {
      this.verdicts.set(uid, 'skipped');
      return;
    }
    this.verdicts.set(uid, 'started');
    this.hashes.add(contentHash);
    const extraction = this.base.extract(msg);
    // Whoever takes it handles a failure; until then a rejection must not count as unhandled.
    extraction.catch(() => undefined);
    this.started.set(uid, extraction);
  }

  /** A message takes its turn: its forms, if reading them started ahead. */
  taken(uid: number): Promise<ExtractionResult> | undefined {
    this.verdicts.delete(uid);
    const early = this.started.get(uid);
    this.started.delete(uid);
    return early;
  }

  forget(): void {
    this.started.clear();
  }
}
