import type { Classification } from '../classify/classify-message.ts';
import type { ContestConfig } from '../config.ts';
import { localDay } from '../domain/contest-calendar.ts';
import type { MessageStatus } from '../domain/message-kind.ts';
import type { Problem } from '../domain/problem.ts';
import type { IncomingMessage } from '../mailbox/incoming-message.ts';
import type { Db } from '../store/db.ts';
import { recordedContent } from '../store/messages-repo.ts';
import { insertOutbox, replyHistory } from '../store/outbox-repo.ts';
import { generateMessageId } from '../transport/message-id.ts';
import { buildReply, replyKindFor, replyRecipient, type ReceivedMail } from './reply-message.ts';
import { contentFingerprint, decideReply, replyDedupeKey, type ReplyDecision } from './reply-policy.ts';

/**
 * Records the intent to answer one message, or records nothing. Synchronous and transaction-free on purpose:
 * the ingest use case calls it inside the transaction that stores the message, so the message and its reply
 * intent commit together (a crash leaves both or neither). Sending happens later (deliverOutbox).
 */

export interface ReplyIntent {
  /** messages.id of the stored message. */
  messageId: number;
  classification: Pick<Classification, 'kind'>;
  status: MessageStatus;
  /** The message's problems and its forms' problems, as recorded. */
  problems: readonly Problem[];
  mail: ReceivedMail;
}

export interface ReplySettings {
  contest: ContestConfig;
  /** MAIL_FROM: the domain of generated Message-IDs. */
  mailFrom: string;
  /** Never answered (IngestDeps.ownAddresses). */
  ownAddresses: readonly string[];
}

export interface EnqueueResult {
  decision: ReplyDecision;
  /** The outbox row recorded: pending (to send) or capped (held back, for the digest); null when nothing was. */
  outboxId: number | null;
}

/** The ReceivedMail of an incoming message, with the work's title and creators as the subject gives them. */
export function receivedMailOf(msg: IncomingMessage, subject: { title: string | null; creators: readonly string[] }, kind: ReceivedMail['kind'], works?: number): ReceivedMail {
  return {
    from: msg.headers.from?.address ?? null,
    replyTo: msg.headers.replyTo?.address ?? null,
    subject: msg.headers.subject,
    messageId: msg.headers.messageId,
    references: msg.headers.references,
    receivedAt: msg.receivedAt,
    kind,
    title: subject.title,
    creators: subject.creators,
    ...(works !== undefined ? { works } : {}),
  };
}

export function enqueueReply(db: Db, intent: ReplyIntent, settings: ReplySettings, now: Date): EnqueueResult {
  const { contest } = settings;
  const kind = intent.classification.kind;
  const recipient = replyRecipient(intent.mail);
  const say = replyKindFor(intent.problems, contest.replies.sendReceipts);
  const day = localDay(now, contest.timezone);
  const submission = kind === 'individual' || kind === 'unit_summary';
  const key = recipient.ok && say ? replyDedupeKey(recipient.address, say, intent.mail.title, intent.problems) : null;
  const fingerprint = submission ? contentFingerprint(recordedContent(db, intent.messageId)) : null;
  const history = recipient.ok && submission
    ? replyHistory(db, { recipient: recipient.address, dedupeKey: key, fingerprint, day })
    : { answeredSameKey: false, answeredSameContent: false, sentToSenderToday: 0, sentToday: 0 };

  const decision = decideReply({
    kind, status: intent.status, recipient, ownAddresses: settings.ownAddresses, say, history,
    limits: { perSenderPerDay: contest.replies.perSenderPerDay, perDay: contest.replies.perDay },
  });
  const capped = !decision.send && (decision.reason === 'sender_cap' || decision.reason === 'daily_cap');
  if (!(decision.send || capped) || !recipient.ok || !say) return { decision, outboxId: null };

  const reply = buildReply(intent.mail, intent.problems, contest, recipient.address, say);
  const outboxId = insertOutbox(db, {
    kind: say,
    messageId: intent.messageId,
    recipients: [recipient.address],
    recipient: recipient.address,
    dedupeKey: decision.send ? key : null,
    intentKey: key,
    fingerprint,
    day,
    mailMessageId: generateMessageId(settings.mailFrom, now),
    mailDate: now,
    subject: reply.subject,
    payload: JSON.stringify(reply),
    raw: null,
    status: decision.send ? 'pending' : 'capped',
    reason: decision.reason,
  }, now);
  // The UNIQUE key is the last word: another process recorded the same reply in between.
  if (outboxId === null) return { decision: { send: false, reason: 'already_answered' }, outboxId: null };
  return { decision, outboxId };
}
