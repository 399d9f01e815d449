import { classifyMessage, type Classification } from '../classify/classify-message.ts';
import type { ContestConfig } from '../config.ts';
import type { ExtractionResult } from '../extract/form-types.ts';
import type { Logger } from '../logger.ts';
import { enqueueReply, receivedMailOf } from '../outputs/enqueue-reply.ts';
import type { IncomingMessage } from '../mailbox/incoming-message.ts';
import type { Archive } from '../store/archive.ts';
import type { Db } from '../store/db.ts';
import { deleteEntriesOfMessage, recordEntries } from '../store/entries-repo.ts';
import { clearAttempts } from '../store/attempts-repo.ts';
import { setPosition } from '../store/mailbox-state-repo.ts';
import {
  insertMessage, replaceMessage, toStoredAttachments, updateVerdict, type MessageRecord, type MessageStatus,
} from '../store/messages-repo.ts';
import { listUnitAliases } from '../store/units-repo.ts';
import { mergeProblems, recommendingUnit, refineKind, statusOf, type RecommendingUnit } from '../validate/message-verdict.ts';
import { validateForms, type EntryDraft } from '../validate/validate-entry.ts';
import type { Problem } from '../validate/problem.ts';

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

/** The record and the mark move together, in the caller's transaction. */
function settle(db: Db, position: MailboxPosition | undefined, now: Date): void {
  if (!position) return;
  setPosition(db, { mailbox: position.mailbox, uidValidity: position.uidValidity, lastUid: position.mark }, now);
  clearAttempts(db, position);
}

function writeRecord(db: Db, record: MessageRecord, now: Date, replacing: number | undefined): number {
  if (replacing === undefined) return insertMessage(db, record, now);
  replaceMessage(db, replacing, record, now);
  return replacing;
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

export async function assessMessage(msg: IncomingMessage, deps: IngestDeps): Promise<Assessment> {
  const first = classifyMessage(msg, deps.contest, deps.ownAddresses);
  const isSubmission = first.kind === 'individual' || first.kind === 'unit_summary';
  const extraction = isSubmission ? await deps.extract(msg) : NOTHING_EXTRACTED;
  const classification = { ...first, kind: refineKind(first.kind, extraction.forms) };
  const kind = classification.kind;
  const drafts = kind === 'individual' || kind === 'unit_summary'
    ? validateForms(extraction.forms, { contest: deps.contest, subject: classification.subject, receivedAt: msg.receivedAt, kind })
    : [];
  const unit = isSubmission ? recommendingUnit(extraction.forms, msg.headers.from, deps.contest, listUnitAliases(deps.db)) : null;
  return { classification, extraction, drafts, unit, ownProblems: [...classification.problems, ...extraction.problems, ...(unit?.problems ?? [])] };
}

/** Entries and the final verdict of a stored message; runs inside the caller's transaction. */
export function recordAssessment(db: Db, id: number, msg: Pick<IncomingMessage, 'headers' | 'receivedAt'>, a: Assessment, now: Date): { status: MessageStatus; problems: Problem[] } {
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
  const status = statusOf(kind, problems, a.extraction.manualReview.length);
  updateVerdict(db, id, { kind, kindReason: a.classification.reason, status, problems, error: null }, now);
  return { status, problems };
}

/** The work a reply talks about: as the subject names it, else as the first form does. */
function replyContext(msg: IncomingMessage, a: Assessment): ReturnType<typeof receivedMailOf> {
  const subject = a.classification.subject;
  const first = a.drafts[0];
  const title = subject.title ?? first?.title ?? null;
  const creators = subject.creators.length ? subject.creators : first?.authors ?? [];
  return receivedMailOf(msg, { title, creators }, a.classification.kind === 'unit_summary' ? 'unit_summary' : 'individual', a.drafts.length);
}

/**
 * The story of one message: classify → extract → validate → store (with the mailbox position, in one
 * transaction) → reply. Everything before the transaction is free of side effects but the content-addressed
 * archive, so a crash anywhere leaves either nothing or the whole message recorded.
 */
export async function ingestMessage(msg: IncomingMessage, deps: IngestDeps, now: Date, position?: MailboxPosition, replacing?: number): Promise<IngestOutcome> {
  const assessment = await assessMessage(msg, deps);
  const { classification } = assessment;
  const record = describe(msg, await archiveParts(msg, deps.archive), classification,
    statusOf(classification.kind, assessment.ownProblems, assessment.extraction.manualReview.length), assessment.ownProblems);

  const outcome = deps.db.transaction(() => {
    const id = writeRecord(deps.db, record, now, replacing);
    const verdict = recordAssessment(deps.db, id, msg, assessment, now);
    // The intent to answer commits with the message: a crash leaves both or neither, never a reply without a record.
    enqueueReply(deps.db, {
      messageId: id, classification, status: verdict.status, problems: verdict.problems,
      mail: replyContext(msg, assessment),
    }, { contest: deps.contest, mailFrom: deps.mailFrom, ownAddresses: deps.ownAddresses }, now);
    settle(deps.db, position, now);
    return { id, classification, ...verdict };
  }).immediate();

  deps.log.info({ id: outcome.id, uid: msg.origin.uid, kind: classification.kind, status: outcome.status,
    forms: assessment.extraction.forms.length, problems: outcome.problems.map((p) => p.code) }, 'message recorded');
  return outcome;
}

interface ArchiveKeys {
  headers: string;
  text: string | null;
  html: string | null;
  /** By part id. */
  attachments: Map<string, string>;
}

/** Everything downloaded goes to the archive before the record that names it is committed. */
async function archiveParts(msg: IncomingMessage, archive: Archive): Promise<ArchiveKeys> {
  const withContent = msg.attachments.filter((a) => a.content);
  const bodies = [msg.text, msg.html].filter((b): b is string => !!b);
  const [headers, ...rest] = await archive.putMany([msg.rawHeaders, ...bodies, ...withContent.map((a) => a.content!)]);
  const next = (present: unknown) => (present ? rest.shift()! : null);
  return {
    headers: headers!,
    text: next(msg.text),
    html: next(msg.html),
    attachments: new Map(withContent.map((a) => [a.partId, rest.shift()!])),
  };
}

function describe(msg: IncomingMessage, keys: ArchiveKeys, c: Classification, status: MessageStatus, problems: Problem[]): MessageRecord {
  return {
    contentHash: msg.contentHash,
    messageId: msg.headers.messageId,
    mailbox: msg.origin.uid !== null ? msg.origin.mailbox : null,
    uidValidity: msg.origin.uidValidity,
    uid: msg.origin.uid,
    sourceFile: msg.origin.file ?? null,
    fromAddress: msg.headers.from?.address ?? null,
    fromName: msg.headers.from?.name ?? null,
    replyTo: msg.headers.replyTo?.address ?? null,
    subject: msg.headers.subject,
    receivedAt: msg.receivedAt,
    size: msg.size,
    kind: c.kind,
    kindReason: c.reason,
    status,
    problems,
    error: null,
    headersKey: keys.headers,
    textKey: keys.text,
    htmlKey: keys.html,
    attachments: toStoredAttachments(msg, keys.attachments),
  };
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
  replacing?: number,
): number {
  const asMessage: IncomingMessage = { ...msg, text: null, html: null, attachments: [] };
  const classification = classifyMessage(asMessage, deps.contest, deps.ownAddresses);
  // Only the header block to keep: written synchronously, so a failure is recorded in one step.
  const keys: ArchiveKeys = { headers: deps.archive.put(msg.rawHeaders), text: null, html: null, attachments: new Map() };
  const record = describe(asMessage, keys, classification, status, classification.problems);
  record.error = error.slice(0, 2000);
  const id = deps.db.transaction(() => {
    const messageId = writeRecord(deps.db, record, now, replacing);
    settle(deps.db, position ?? undefined, now);
    return messageId;
  }).immediate();
  deps.log.warn({ id, uid: msg.origin.uid, status, error: error.slice(0, 200) }, 'message recorded without processing');
  return id;
}
