import { isRobotLocalPart } from '../domain/robot-address.ts';
import type { MessageHeaders } from '../mailbox/incoming-message.ts';

/**
 * RFC 3834 and the habits of real mail systems: mail written by a machine is never a submission and is never
 * answered (answering a robot starts a mail loop). Returns why, or null for mail a person wrote.
 */
const ROBOT_SUBJECT = /^(自动回复|自动答复|系统退信|退信|休假|假期自动回复|auto(matic)?[ -]?reply|auto(matic)? response|out of (the )?office|undeliver(able|ed)|delivery status notification|mail delivery (failed|failure|subsystem)|returned mail|failure notice|delivery failure|non[- ]delivery|未送达|投递失败|邮件退回|无法投递|已读[:：]|read[:：]|已读回执)/i;

function first(h: MessageHeaders, name: string): string | null {
  const v = h.raw.get(name);
  return v && v.length ? v[0]!.trim() : null;
}

export function robotReason(h: MessageHeaders, subject: string): string | null {
  const autoSubmitted = first(h, 'auto-submitted');
  if (autoSubmitted && !/^no\b/i.test(autoSubmitted)) return `Auto-Submitted: ${autoSubmitted.slice(0, 40)}`;
  const precedence = first(h, 'precedence');
  if (precedence && /^(bulk|list|junk|auto_reply)\b/i.test(precedence)) return `Precedence: ${precedence.slice(0, 20)}`;
  for (const key of h.raw.keys()) if (key.startsWith('list-')) return `${key} header`;
  if (h.raw.has('x-autoreply') || h.raw.has('x-autorespond') || h.raw.has('x-auto-response-suppress') && /all|oof|autoreply/i.test(first(h, 'x-auto-response-suppress') ?? '') && ROBOT_SUBJECT.test(subject)) {
    return 'auto-reply headers';
  }
  if (/^multipart\/report/.test(h.contentType) || /^message\/(delivery-status|disposition-notification)/.test(h.contentType)) return 'delivery report';
  const returnPath = first(h, 'return-path');
  if (returnPath !== null && /^<\s*>$/.test(returnPath)) return 'null Return-Path';
  const from = h.from?.address ?? '';
  const local = from.split('@')[0] ?? '';
  if (isRobotLocalPart(local)) return `robot sender ${local}`;
  if (ROBOT_SUBJECT.test(subject.trim())) return 'auto-reply or bounce subject';
  return null;
}

/** Addresses that must never be answered, whatever the message says (our own, to avoid loops). */
export function isOwnAddress(address: string | undefined, own: string[]): boolean {
  if (!address) return false;
  const a = address.toLowerCase();
  return own.some((o) => o.toLowerCase() === a);
}
