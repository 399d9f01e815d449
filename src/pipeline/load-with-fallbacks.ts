import { describeError, isConnectionLost, isVanished } from '../errors.ts';
import type { ImapSession, ListedMessage, LoadStrategy } from '../mailbox/imap/imap-session.ts';
import type { LoadOutcome } from './ingest-loop.ts';

/** How far one message got through the ways of reading it, across reconnections within a cycle. */
export interface LoadTrack {
  /** The ways already tried (each at most once a cycle). */
  tried: Set<LoadStrategy>;
  /** Its BODYSTRUCTURE broke a connection: it is described from its envelope only, and read from its source. */
  describeBroke: boolean;
  /**
   * Connections that broke while this message alone was being read, counted only when other messages were read
   * between two of them: a connection that breaks whatever it carries says nothing about the message.
   */
  deaths: number;
  /** The cycle's progress (messages settled) at the last death: the next death counts only if it moved. */
  progressAtDeath: number;
  /** What the server answered to each way tried: kept on the record when all fail. */
  answers: string[];
}

export function newTrack(): LoadTrack {
  return { tried: new Set(), describeBroke: false, deaths: 0, progressAtDeath: -1, answers: [] };
}

/** A message's connection broke this many times (counted as above) while it was read alone: it is unfetchable. */
export const MAX_DEATHS = 2;

/** Counts a broken connection against a message, if the cycle read other messages since its last one. */
export function noteDeath(track: LoadTrack, progress: number, what: string): void {
  if (track.deaths === 0 || progress !== track.progressAtDeath) track.deaths++;
  track.progressAtDeath = progress;
  track.answers.push(what);
}

/**
 * The ways to read one message, most economical first: the server's decoding (BINARY, where offered and not
 * distrusted this cycle), the raw sections decoded here, the whole source (when it is small enough), and nothing
 * but the envelope when even BODYSTRUCTURE could not be had.
 */
export function strategiesFor(listed: ListedMessage, opts: { binary: boolean; partMaxBytes: number }): LoadStrategy[] {
  const out: LoadStrategy[] = [];
  if (!listed.structureless && listed.sections) {
    if (opts.binary) out.push('binary');
    out.push('body');
  }
  if (listed.size <= opts.partMaxBytes) out.push('source');
  return out;
}

/**
 * Reads one message by the first strategy that works. A refusal, an unreadable answer or a parse failure moves on
 * to the next strategy; a broken connection is thrown (the caller reconnects and comes back, and the strategy
 * that broke it is not tried again); when none is left the message is `unfetchable`. "Vanished" only when a
 * healthy connection's UID FETCH says the message is gone.
 */
export async function loadWithFallbacks(session: ImapSession, listed: ListedMessage, track: LoadTrack, strategies: readonly LoadStrategy[]): Promise<LoadOutcome> {
  for (const strategy of strategies) {
    if (track.tried.has(strategy)) continue;
    // Not tried again, whatever happens now.
    track.tried.add(strategy);
    try {
      return { msg: await session.load(listed, strategy) };
    } catch (err) {
      // The caller counts the death (it knows the cycle's progress).
      if (isConnectionLost(err)) throw new LoadInterrupted(strategy, err);
      if (isVanished(err) && !(await session.stillThere(listed.uid))) return { vanished: true };
      track.answers.push(`${strategy}: ${describeError(err).slice(0, 200)}`);
    }
  }
  if (!(await session.stillThere(listed.uid))) return { vanished: true };
  return { unfetchable: unfetchableReason(track) };
}

/** The connection broke while one message was read by `strategy`. */
export class LoadInterrupted extends Error {
  constructor(readonly strategy: LoadStrategy, override readonly cause: unknown) {
    super(`the connection broke during ${strategy}: ${describeError(cause)}`);
  }
}

export function unfetchableReason(track: LoadTrack): string {
  const tried = track.answers.length ? track.answers.join('; ') : 'no way of reading it was left';
  return `the server would not give this message's content: ${tried}`.slice(0, 2000);
}
