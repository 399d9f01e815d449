import { classifyMessage, type Classification } from '../classify/classify-message.ts';
import type { ContestConfig } from '../config.ts';
import type { EntryDraft } from '../domain/entry-draft.ts';
import type { MessageStatus } from '../domain/message-kind.ts';
import type { Problem } from '../domain/problem.ts';
import { deleteEntriesOfMessage, recordEntries } from '../entries/record-entries.ts';
import type { ExtractionResult } from '../extract/form-types.ts';
import type { Logger } from '../logger.ts';
import type { IncomingMessage } from '../mailbox/incoming-message.ts';
import { enqueueReply, receivedMailOf } from '../replies/enqueue-reply.ts';
import type { Archive } from '../store/archive.ts';
import { clearAttempts } from '../store/attempts-repo.ts';
import type { Db } from '../store/db.ts';
import { setPosition } from '../store/mailbox-state-repo.ts';
import { insertMessage, replaceMessage, reserveMessageId, updateVerdict, type MessageRecord } from '../store/messages-repo.ts';
import { listUnitAliases } from '../store/units-repo.ts';
import { mergeProblems, recommendingUnit, refineKind, statusOf, type RecommendingUnit } from '../validate/message-verdict.ts';
import { validateForms } from '../validate/validate-entry.ts';
import { archiveHeaders, archiveParts, messageRecord } from './message-record.ts';

export interface IngestDeps {
  db: Db;
  archive: Archive;
  contest: ContestConfig;
  /** Our own addresses: mail from them is never a submission and never answered. */
  ownAddresses: string[];
  /** MAIL_FROM: sender of replies, and the domain of their Message-IDs. */
  mailFrom: string;
  /** Reads the forms of a message; `patient` gives each document a longer time box (a retry of a quarantined message). */
  extract: (msg: IncomingMessage, opts?: { patient?: boolean }) => Promise<ExtractionResult>;
  /** DOUYIN_RESOLVE=on: asks where the forms' short links point (cached), so a short and a long link of one work meet. */
  resolveLinks?: (forms: ExtractionResult['forms']) => Promise<void>;
  log: Logger;
}

/** Where a message sits in the mailbox, and where recording it moves the mailbox's contiguous mark. */
export interface MailboxPosition {
  mailbox: string;
  uidValidity: number;
  uid: number;
  /** The mark once this message is recorded: its own UID when everything listed before it is settled. */
  mark: number;
}

/** What is known of a message without its body: enough to record it for a person. */
export type UnprocessableEnvelope = Pick<IncomingMessage, 'origin' | 'receivedAt' | 'size' | 'rawHeaders' | 'headers' | 'contentHash'>;

/** Which record a message's verdict goes to. */
export type RecordTarget =
  /** A new message. */
  | { kind: 'new' }
  /** A placeholder (quarantined, unfetchable) becomes the full record, under the same id. */
  | { kind: 'replace'; id: number }
  /** A recorded message judged again (reprocess): same content and archive keys, a new verdict. */
  | { kind: 'reassess'; id: number };

export interface IngestOptions {
  now: Date;
  position?: MailboxPosition;
  target?: RecordTarget;
  /** The forms of this message, if they were read ahead of its turn. */
  extraction?: Promise<ExtractionResult>;
  /** Reprocessing rewrites verdicts and never writes to submitters. */
  reply?: boolean;
}

export interface IngestOutcome {
  id: number;
  classification: Classification;
  status: MessageStatus;
  problems: Problem[];
}

const NOTHING_EXTRACTED: ExtractionResult = { forms: [], problems: [], manualReview: [] };

/** Everything decided about a message before anything is written: pure but for reading the unit aliases. */
export interface Assessment {
  classification: Classification;
  extraction: ExtractionResult;
  drafts: EntryDraft[];
  unit: RecommendingUnit | null;
  ownProblems: Problem[];
}

/** Classify → read its forms → resolve short links → validate: what the message says, before it meets what is recorded. */
export async function assessMessage(msg: IncomingMessage, deps: IngestDeps, readAhead?: Promise<ExtractionResult>): Promise<Assessment> {
  const first = classifyMessage(msg, deps.contest, deps.ownAddresses);
  const isSubmission = first.kind === 'individual' || first.kind === 'unit_summary';
  const extraction = isSubmission ? await (readAhead ?? deps.extract(msg)) : NOTHING_EXTRACTED;
  if (isSubmission) await deps.resolveLinks?.(extraction.forms);
  const classification = { ...first, kind: refineKind(first.kind, extraction.forms) };
  const kind = classification.kind;
  const drafts = kind === 'individual' || kind === 'unit_summary'
    ? validateForms(extraction.forms, { contest: deps.contest, subject: classification.subject, receivedAt: msg.receivedAt, kind })
    : [];
  const unit = isSubmission ? recommendingUnit(extraction.forms, msg.headers.from, deps.contest, listUnitAliases(deps.db)) : null;
  return { classification, extraction, drafts, unit, ownProblems: [...classification.problems, ...extraction.problems, ...(unit?.problems ?? [])] };
}

/**
 * The message's works among those already recorded (duplicates, newer versions, unit credit), and the verdict that
 * follows: runs inside the caller's transaction, before or after the message's row is written.
 */
export function recordWorks(db: Db, id: number, msg: Pick<IncomingMessage, 'headers' | 'receivedAt'>, a: Assessment, now: Date): { status: MessageStatus; problems: Problem[] } {
  const kind = a.classification.kind;
  let problems = a.ownProblems;
  if (kind === 'individual' || kind === 'unit_summary') {
    const entries = recordEntries(db, {
      messageId: id, sender: msg.headers.from?.address ?? null, receivedAt: msg.receivedAt, kind,
      unitName: a.unit?.unitName ?? null, unitText: a.unit?.unitText ?? null, drafts: a.drafts,
    }, now);
    problems = mergeProblems(a.ownProblems, entries);
  } else {
    deleteEntriesOfMessage(db, id);
  }
  return { status: statusOf(kind, problems, a.extraction.manualReview.length), problems };
}

/** The work a reply talks about: as the subject names it, else as the first form does. */
function replyContext(msg: IncomingMessage, a: Assessment): ReturnType<typeof receivedMailOf> {
  const subject = a.classification.subject;
  const first = a.drafts[0];
  const title = subject.title ?? first?.title ?? null;
  const creators = subject.creators.length ? subject.creators : first?.authors ?? [];
  return receivedMailOf(msg, { title, creators }, a.classification.kind === 'unit_summary' ? 'unit_summary' : 'individual', a.drafts.length);
}

/** The record and the mark move together, in the caller's transaction. */
function settle(db: Db, position: MailboxPosition | undefined, now: Date): void {
  if (!position) return;
  setPosition(db, { mailbox: position.mailbox, uidValidity: position.uidValidity, lastUid: position.mark }, now);
  clearAttempts(db, position);
}

function idFor(db: Db, target: RecordTarget): number {
  return target.kind === 'new' ? reserveMessageId(db) : target.id;
}

function writeMessage(db: Db, id: number, target: RecordTarget, record: MessageRecord, now: Date): void {
  if (target.kind === 'new') insertMessage(db, record, now, id);
  else if (target.kind === 'replace') replaceMessage(db, id, record, now);
  else updateVerdict(db, id, record, now);
}

/**
 * The story of one message: classify → read its forms → validate (assessMessage) → archive what was downloaded →
 * then, in one transaction: its works among those recorded → the message, written once with its verdict → the
 * intent to reply → the mailbox mark. Everything before the transaction is free of side effects but the
 * content-addressed archive, so a crash anywhere leaves either nothing or the whole message recorded.
 */
export async function ingestMessage(msg: IncomingMessage, deps: IngestDeps, opts: IngestOptions): Promise<IngestOutcome> {
  const { db } = deps;
  const { now } = opts;
  const target = opts.target ?? { kind: 'new' };
  const assessment = await assessMessage(msg, deps, opts.extraction);
  const { classification } = assessment;
  const keys = await archiveParts(msg, deps.archive);

  const outcome = db.transaction(() => {
    const id = idFor(db, target);
    const verdict = recordWorks(db, id, msg, assessment, now);
    writeMessage(db, id, target, messageRecord(msg, keys, classification, verdict), now);
    // The intent to answer commits with the message: a crash leaves both or neither, never a reply without a record.
    if (opts.reply !== false) {
      enqueueReply(db, { messageId: id, classification, status: verdict.status, problems: verdict.problems, mail: replyContext(msg, assessment) },
        { contest: deps.contest, mailFrom: deps.mailFrom, ownAddresses: deps.ownAddresses }, now);
    }
    settle(db, opts.position, now);
    return { id, classification, ...verdict };
  }).immediate();

  deps.log.info({ id: outcome.id, uid: msg.origin.uid, kind: classification.kind, status: outcome.status,
    forms: assessment.extraction.forms.length, problems: outcome.problems.map((p) => p.code) }, 'message recorded');
  return outcome;
}

/**
 * A message we could not process (a parser bug, one that crashed the worker again and again, one the server would
 * not give) is still recorded, with what its headers tell, so it is never lost and never blocks the messages after it.
 */
export function recordUnprocessable(
  msg: UnprocessableEnvelope,
  deps: Pick<IngestDeps, 'db' | 'archive' | 'contest' | 'ownAddresses' | 'log'>,
  now: Date,
  status: 'error' | 'quarantined' | 'unfetchable',
  error: string,
  position?: MailboxPosition | null,
  target: RecordTarget = { kind: 'new' },
): number {
  const asMessage: IncomingMessage = { ...msg, text: null, html: null, attachments: [] };
  const classification = classifyMessage(asMessage, deps.contest, deps.ownAddresses);
  const record = messageRecord(asMessage, archiveHeaders(msg, deps.archive), classification, { status, problems: classification.problems, error: error.slice(0, 2000) });
  const id = deps.db.transaction(() => {
    const messageId = idFor(deps.db, target);
    writeMessage(deps.db, messageId, target, record, now);
    settle(deps.db, position ?? undefined, now);
    return messageId;
  }).immediate();
  deps.log.warn({ id, uid: msg.origin.uid, status, error: error.slice(0, 200) }, 'message recorded without processing');
  return id;
}
