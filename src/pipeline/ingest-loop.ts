import type { Clock } from '../clock.ts';
import { describeError, isAppError, isRetryable } from '../errors.ts';
import type { ExtractionResult } from '../extract/form-types.ts';
import type { IncomingMessage } from '../mailbox/incoming-message.ts';
import { attemptsOf, clearAttempts, noteAttempt, withdrawAttempt } from '../store/attempts-repo.ts';
import { asStoreError } from '../store/db.ts';
import { setPosition } from '../store/mailbox-state-repo.ts';
import { findByHash, relinkUid } from '../store/messages-repo.ts';
import {
  ingestMessage, recordUnprocessable, type IngestDeps, type IngestOutcome, type MailboxPosition, type RecordTarget, type UnprocessableEnvelope,
} from './ingest-message.ts';

/**
 * One loop for every source of mail (the IMAP mailbox, a folder of .eml files, the archive when reprocessing, a
 * retry of one message): it takes the candidates in order and owns what is the same for all of them — recognizing
 * a message already recorded, quarantine, the attempt noted while a message is in hand, and recording a message
 * that cannot be processed. A source owns only where messages come from and how they are read.
 */

/** What reading a candidate gave. */
export type LoadOutcome =
  | { msg: IncomingMessage }
  /** The server confirmed the message is no longer in the mailbox: nothing to record. */
  | { vanished: true }
  /** No way of reading it worked: it is recorded from its envelope for a person, with the server's answers. */
  | { unfetchable: string }
  /** Its connection broke while it was read: the source comes back to it later in the cycle. Not settled. */
  | { deferred: true };

export interface Candidate {
  /** How logs and reports name it: "UID 17", a file name. */
  label: string;
  contentHash: string;
  /** Where recording it moves the mailbox mark (IMAP only). */
  position: MailboxPosition | null;
  /** A retry (the placeholder it replaces) or a reprocessing (the record it judges again); default a new record. */
  target?: RecordTarget;
  /** Its forms, when they are being read ahead of its turn. */
  extraction?: Promise<ExtractionResult>;
  /** What is known without reading the body: enough to record it as unprocessable. */
  envelope(): Promise<UnprocessableEnvelope>;
  load(): Promise<LoadOutcome>;
}

export interface MessageSource {
  /** The next candidate in order, once the one before it is settled; null at the end. */
  next(): Promise<Candidate | null>;
  /** Called once a candidate is recorded now (IMAP: the optional processed flag), with its verdict when it was processed. Never throws. */
  recorded?(c: Candidate, outcome: IngestOutcome | null): Promise<void>;
  /** Called for a candidate that needs no record: recorded before, or confirmed gone by the server. */
  settled?(c: Candidate): void;
}

export interface LoopOptions {
  /** A message that was in hand this many times when the worker died is quarantined instead of tried again. */
  maxAttempts: number;
  signal?: AbortSignal;
  onProgress?: (done: number) => void;
  /** Retries and forced reprocessing take a message whatever its attempts. */
  ignoreAttempts?: boolean;
  /** False when reprocessing: verdicts are rewritten, submitters are not written to again. */
  reply?: boolean;
  /** 'keep' when reprocessing: a message that fails now keeps the verdict it had (the failure is reported). */
  onFailure?: 'record' | 'keep';
}

export interface LoopReport {
  fetched: number;
  known: number;
  failed: number;
  quarantined: number;
  vanished: number;
  unfetchable: number;
  stopped: boolean;
  /** The candidates that could not be processed (recorded with status `error`, or kept as they were), and why. */
  failures: { label: string; error: string; id?: number }[];
}

export function emptyLoopReport(): LoopReport {
  return { fetched: 0, known: 0, failed: 0, quarantined: 0, vanished: 0, unfetchable: 0, stopped: false, failures: [] };
}

export async function runIngestLoop(source: MessageSource, deps: IngestDeps, clock: Clock, opts: LoopOptions, report: LoopReport = emptyLoopReport()): Promise<LoopReport> {
  const done = (): number => report.fetched + report.known + report.failed + report.quarantined + report.vanished + report.unfetchable;
  for (let c = await source.next(); c; c = await source.next()) {
    if (opts.signal?.aborted) {
      report.stopped = true;
      break;
    }
    let outcome: Taken;
    try {
      outcome = await takeOne(c, source, deps, clock, opts, report);
    } catch (err) {
      // The cycle fails (the server, the store): the process did not die, so this is no attempt against the message.
      if (c.position) {
        try {
          clearAttempts(deps.db, c.position);
        } catch {
          // The store is what failed: an attempt left behind only makes this message run alone next time.
        }
      }
      throw err;
    }
    if (outcome !== 'deferred') report[outcome]++;
    opts.onProgress?.(done());
  }
  if (opts.signal?.aborted) report.stopped = true;
  return report;
}

/**
 * Reading the forms happens in parse worker threads and LibreOffice processes, which may die without taking the
 * worker with them: a worker killed while a message's forms are being read was killed from outside (a deploy, the
 * OOM killer, an operator), not by that message. So the attempt is taken back for that stretch and noted again
 * after it: a message is quarantined only for deaths in the work the main process does on it.
 */
function isolatedExtraction(deps: IngestDeps, pos: MailboxPosition, clock: Clock): IngestDeps {
  return { ...deps, extract: (msg, o) => isolated(deps.extract(msg, o), deps, pos, clock) };
}

/** Waits for forms being read (started now or ahead of the message's turn) with the attempt withdrawn meanwhile. */
async function isolated(reading: Promise<ExtractionResult>, deps: IngestDeps, pos: MailboxPosition, clock: Clock): Promise<ExtractionResult> {
  withdrawAttempt(deps.db, pos);
  try {
    return await reading;
  } finally {
    noteAttempt(deps.db, pos, 'processing', clock());
  }
}

type Taken = 'fetched' | 'known' | 'failed' | 'quarantined' | 'vanished' | 'unfetchable' | 'deferred';

async function takeOne(c: Candidate, source: MessageSource, deps: IngestDeps, clock: Clock, opts: LoopOptions, report: LoopReport): Promise<Taken> {
  const { db, log } = deps;
  const pos = c.position;
  const fresh = !c.target || c.target.kind === 'new';
  const known = fresh ? findByHash(db, c.contentHash) : null;
  if (known) {
    // Recorded before (a redo after a crash, the same message after a UIDVALIDITY reset, a file imported twice).
    if (pos) {
      db.transaction(() => {
        relinkUid(db, known.id, pos.mailbox, pos.uidValidity, pos.uid);
        setPosition(db, { mailbox: pos.mailbox, uidValidity: pos.uidValidity, lastUid: pos.mark }, clock());
        clearAttempts(db, pos);
      }).immediate();
    }
    source.settled?.(c);
    return 'known';
  }

  if (pos && !opts.ignoreAttempts && attemptsOf(db, pos) >= opts.maxAttempts) {
    recordUnprocessable(await c.envelope(), deps, clock(), 'quarantined', `the worker died ${opts.maxAttempts} times while this message was in hand`, pos, c.target);
    await source.recorded?.(c, null);
    return 'quarantined';
  }
  // Committed before the risky work: if the process dies now, this message (and only this one) is counted.
  if (pos) noteAttempt(db, pos, 'processing', clock());

  const loaded = await c.load();
  if ('deferred' in loaded) {
    // The worker did not die: this attempt does not count. The mark stays below it until it is settled.
    if (pos) clearAttempts(db, pos);
    return 'deferred';
  }
  if ('vanished' in loaded) {
    log.warn({ message: c.label }, 'message expunged from the mailbox before it could be read (the server confirmed it)');
    if (pos) {
      db.transaction(() => {
        setPosition(db, { mailbox: pos.mailbox, uidValidity: pos.uidValidity, lastUid: pos.mark }, clock());
        clearAttempts(db, pos);
      }).immediate();
    }
    source.settled?.(c);
    return 'vanished';
  }
  if ('unfetchable' in loaded) {
    recordUnprocessable(await c.envelope(), deps, clock(), 'unfetchable', loaded.unfetchable, pos, c.target);
    await source.recorded?.(c, null);
    return 'unfetchable';
  }

  // Read under a placeholder identity (the batch had nothing for it), it may turn out to be a message recorded before.
  if (loaded.msg.contentHash !== c.contentHash && fresh && findByHash(db, loaded.msg.contentHash)) {
    return takeOne({ ...c, contentHash: loaded.msg.contentHash }, source, deps, clock, { ...opts, ignoreAttempts: true }, report);
  }
  let taken: Taken = 'fetched';
  let outcome: IngestOutcome | null = null;
  try {
    outcome = await ingestMessage(loaded.msg, pos ? isolatedExtraction(deps, pos, clock) : deps, {
      now: clock(), ...(pos ? { position: pos } : {}), ...(c.target ? { target: c.target } : {}), ...(opts.reply === false ? { reply: false } : {}),
      ...(c.extraction ? { extraction: pos ? isolated(c.extraction, deps, pos, clock) : c.extraction } : {}),
    });
  } catch (raw) {
    const err = asStoreError(raw);
    if (isRetryable(err) || (isAppError(err) && err.code.startsWith('imap_'))) throw err;
    report.failures.push({ label: c.label, error: describeError(err).slice(0, 300), ...(c.target && c.target.kind !== 'new' ? { id: c.target.id } : {}) });
    deps.log.error({ message: c.label, err: describeError(err).slice(0, 300) }, 'could not process this message');
    if (opts.onFailure === 'keep') return 'failed';
    // A bug or a hostile message: record it as an error and move on; `reprocess` can try it again later.
    recordUnprocessable(loaded.msg, deps, clock(), 'error', describeError(err), pos, c.target);
    taken = 'failed';
  }
  await source.recorded?.(c, outcome);
  return taken;
}
