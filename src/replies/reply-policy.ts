import { createHash } from 'node:crypto';
import type { MessageKind, MessageStatus } from '../domain/message-kind.ts';
import type { Problem } from '../domain/problem.ts';
import { textKey } from '../domain/text-key.ts';
import type { RecordedContent } from '../store/messages-repo.ts';
import { problemsForSubmitter, type RecipientCheck, type ReplyKind } from './reply-message.ts';

/**
 * Whether a received mail gets an answer. Pure: the store hands in what was already sent (ReplyHistory), this
 * decides. Answering a robot starts a mail loop and answering a flood makes us the spammer, so every doubt
 * ends in silence; the caps are reported to the organizers instead.
 */

export interface ReplyHistory {
  /** A reply with the same dedupe key (same sender, same work, same set of problems) was already recorded. */
  answeredSameKey: boolean;
  /** The same content (same attachments and body) from this sender was already answered: an exact resend. */
  answeredSameContent: boolean;
  /** Replies and receipts recorded for this recipient today (local day), capped ones not counted. */
  sentToSenderToday: number;
  /** Replies and receipts recorded today for everybody. */
  sentToday: number;
}

export interface PolicyInput {
  kind: MessageKind;
  status: MessageStatus;
  recipient: RecipientCheck;
  ownAddresses: readonly string[];
  /** What there is to say (replyKindFor): null when the submission is complete and receipts are off. */
  say: ReplyKind | null;
  history: ReplyHistory;
  limits: { perSenderPerDay: number; perDay: number };
}

export type SkipReason =
  | 'automated' | 'not_contest' | 'not_processed' | 'no_address' | 'invalid_address' | 'robot_address'
  | 'own_address' | 'nothing_to_say' | 'exact_resend' | 'already_answered';
export type CapReason = 'sender_cap' | 'daily_cap';

export type ReplyDecision =
  | { send: true; reason: ReplyKind }
  | { send: false; reason: SkipReason }
  /** Would have been sent: recorded as 'capped' so the digest names the sender. */
  | { send: false; reason: CapReason; capped: string };

export function decideReply(input: PolicyInput): ReplyDecision {
  if (input.kind === 'automated') return { send: false, reason: 'automated' };
  if (input.kind === 'not_contest') return { send: false, reason: 'not_contest' };
  // error / quarantined / ignored: we could not read it, so we have nothing reliable to tell; a person looks.
  if (input.status !== 'ok' && input.status !== 'problems' && input.status !== 'needs_person') return { send: false, reason: 'not_processed' };
  if (!input.recipient.ok) return { send: false, reason: input.recipient.reason };
  const to = input.recipient.address;
  if (input.ownAddresses.some((a) => a.toLowerCase() === to)) return { send: false, reason: 'own_address' };
  if (!input.say) return { send: false, reason: 'nothing_to_say' };
  if (input.history.answeredSameContent) return { send: false, reason: 'exact_resend' };
  if (input.history.answeredSameKey) return { send: false, reason: 'already_answered' };
  if (input.history.sentToSenderToday >= input.limits.perSenderPerDay) return { send: false, reason: 'sender_cap', capped: to };
  if (input.history.sentToday >= input.limits.perDay) return { send: false, reason: 'daily_cap', capped: to };
  return { send: true, reason: input.say };
}

/**
 * Same sender + same work + same set of problems (code and field) → one reply. A corrected resubmission that
 * still lacks something has another set, so it gets a new reply naming what is still missing. The work (its
 * title, folded) is part of the key so that one person's two works each get their answer; the caps bound what
 * a sender can get by varying titles.
 */
export function replyDedupeKey(recipient: string, say: ReplyKind, title: string | null, problems: readonly Problem[]): string {
  const set = [...new Set(problemsForSubmitter(problems).map((p) => `${p.code}/${p.field ?? ''}`))].sort();
  const work = title ? textKey(title) : '';
  const digest = createHash('sha256').update(JSON.stringify([recipient.toLowerCase(), say, work, set])).digest('hex');
  return `${say}:${digest.slice(0, 40)}`;
}

/**
 * What a message contained, as recorded: attachment hashes (or name and size for parts not downloaded) and the
 * archived body. The same form sent again under new headers has the same fingerprint: an exact resend.
 */
export function contentFingerprint(content: RecordedContent | null): string | null {
  if (!content) return null;
  const parts = content.parts.map((a) => a.sha256 ?? `${a.filename ?? ''}:${a.size}`).sort();
  if (!parts.length && !content.textKey && !content.htmlKey) return null;
  return createHash('sha256').update(JSON.stringify([content.textKey, content.htmlKey, parts])).digest('hex');
}
