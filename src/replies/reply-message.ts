import type { ContestConfig } from '../config.ts';
import type { Problem } from '../domain/problem.ts';
import { isRobotLocalPart } from '../domain/robot-address.ts';
import { asMessageId, bodyText, escapeHtml, isSingleAddress, oneLine } from '../domain/text-safety.ts';
import type { ReplyClass, ReplyPlan } from './reply-plan.ts';
import * as say from './reply-wording.ts';

/**
 * The answer to one submission, as data: recipient, threading headers, and the same polite Chinese text as
 * plain text and as simple HTML, from its plan (reply-plan.ts): the state first, then only the problems of the
 * reply's class. Pure: the same mail and plan always give the same reply. The outbox adds From, Message-ID and
 * Date when it records the intent; the mailer turns it into RFC 822 bytes.
 */

/** What we know of the received mail. Every string in it came from outside and is treated as hostile. */
export interface ReceivedMail {
  from: string | null;
  replyTo: string | null;
  subject: string;
  messageId: string | null;
  references: readonly string[];
  /** When it reached the contest mailbox (IMAP INTERNALDATE). */
  receivedAt: Date;
  kind: 'individual' | 'unit_summary';
  /** From the subject (or the form when the subject lacks it). */
  title: string | null;
  creators: readonly string[];
  /** Works read from the mail: a unit's summary lists many. */
  works?: number;
}

/** The outbox's kind: a receipt confirms a complete work; every other class is a reply. */
export type ReplyKind = 'reply' | 'receipt';

export const kindOfClass = (cls: ReplyClass): ReplyKind => (cls === 'receipt' ? 'receipt' : 'reply');

export interface ReplyMail {
  kind: ReplyKind;
  cls: ReplyClass;
  to: string;
  subject: string;
  inReplyTo: string | null;
  references: string[];
  headers: Record<string, string>;
  text: string;
  html: string;
  /**
   * The blank 附件1 registration form goes with a reply that asks an individual for a corrected form, and is offered
   * (never asked for) to one whose form is a scan or a picture.
   */
  attachBlankForm: boolean;
}

export const BLANK_FORM_FILENAME = '附件1：第六届“最美 in 温州”抖音创意大赛参赛登记表.docx';

// ---- recipient ------------------------------------------------------------------------------------------

export type RecipientCheck =
  | { ok: true; address: string }
  | { ok: false; reason: 'no_address' | 'invalid_address' | 'robot_address' };

/**
 * Reply-To, else From: the submitter's own address as the mail gave it, never one from a form field. A Reply-To
 * that is present but not one plain address is refused rather than silently replaced by From: it is either
 * broken or an attempt to aim our mail elsewhere.
 */
export function replyRecipient(mail: Pick<ReceivedMail, 'from' | 'replyTo'>): RecipientCheck {
  const raw = mail.replyTo?.trim() ? mail.replyTo : mail.from;
  if (!raw?.trim()) return { ok: false, reason: 'no_address' };
  const address = raw.trim();
  if (!isSingleAddress(address)) return { ok: false, reason: 'invalid_address' };
  if (isRobotLocalPart(address.slice(0, address.lastIndexOf('@')))) return { ok: false, reason: 'robot_address' };
  return { ok: true, address: address.toLowerCase() };
}

// ---- headers --------------------------------------------------------------------------------------------

const SUBJECT_MAX = 120;

/** `Re: <original>`: one line, no control characters, capped, an existing Re: not doubled. */
export function replySubject(original: string): string {
  let base = oneLine(original, 400);
  for (let i = 0; i < 5 && /^re\s*[:：]\s*/i.test(base); i++) base = base.replace(/^re\s*[:：]\s*/i, '');
  base = oneLine(base, SUBJECT_MAX);
  return `Re: ${base || '（无标题）'}`;
}

/** References: the original's chain (last 10 valid ids) plus its own Message-ID. */
export function threadHeaders(mail: Pick<ReceivedMail, 'messageId' | 'references'>): { inReplyTo: string | null; references: string[] } {
  const own = asMessageId(mail.messageId);
  const chain = mail.references.map(asMessageId).filter((id): id is string => id !== null && id !== own).slice(-10);
  return { inReplyTo: own, references: own ? [...chain, own] : chain };
}

export const AUTO_REPLY_HEADERS: Readonly<Record<string, string>> = {
  // RFC 3834: marks this as an automatic answer, so well-behaved responders do not answer it in turn.
  'Auto-Submitted': 'auto-replied',
  // Asks Exchange/Outlook not to send out-of-office or read receipts back to us.
  'X-Auto-Response-Suppress': 'All',
};

// ---- text -----------------------------------------------------------------------------------------------

type Block =
  | { type: 'p'; text: string }
  | { type: 'state'; text: string }
  | { type: 'h'; text: string }
  | { type: 'items'; items: string[]; hint?: string }
  | { type: 'line'; text: string };

function mustFixBlocks(problems: readonly Problem[], contest: ContestConfig): Block[] {
  const groups = new Map<string, Problem[]>();
  for (const p of problems) {
    const field = p.field && say.FIELD_LABELS[p.field] ? p.field : 'other';
    groups.set(field, [...(groups.get(field) ?? []), p]);
  }
  const blocks: Block[] = [];
  for (const field of [...say.FIELD_ORDER, 'other']) {
    const list = groups.get(field);
    if (!list) continue;
    blocks.push({ type: 'h', text: field === 'other' ? say.OTHER_HEADING : say.FIELD_LABELS[field]! });
    blocks.push({ type: 'items', items: list.map((p) => bodyText(p.message, 400) + (p.detail && /^第\d+行$/.test(p.detail) ? `（${p.detail}）` : '')), hint: say.fieldHint(field, contest) });
  }
  return blocks;
}

function worksBlocks(plan: ReplyPlan): Block[] {
  const shown = plan.registered.slice(0, say.RECEIPT_LIST_MAX);
  const blocks: Block[] = shown.map((w) => ({ type: 'items', items: [say.workLines(w).join('\n')] }));
  if (plan.registered.length > shown.length) blocks.push({ type: 'p', text: say.moreWorks(plan.registered.length - shown.length) });
  return blocks;
}

/** A form the organizers read by hand (a PDF without text, a picture): a Word form would be registered at once. */
function offersBlankForm(mail: ReceivedMail, plan: ReplyPlan): boolean {
  return plan.cls === 'organizers' && mail.kind === 'individual' && plan.told.some((p) => p.code === 'needs_person' && p.field === 'attachment');
}

function bodyBlocks(mail: ReceivedMail, plan: ReplyPlan, contest: ContestConfig): Block[] {
  const close = [{ type: 'p', text: say.contactLine(contest) }, { type: 'p', text: say.signature(contest) }] as Block[];
  switch (plan.cls) {
    case 'must_fix': {
      const { registered, needsFix } = plan.counts;
      const intro = !registered ? say.MUST_FIX_INTRO : needsFix ? say.MUST_FIX_INTRO_SOME : say.MUST_FIX_INTRO_REGISTERED;
      const blocks: Block[] = [
        { type: 'p', text: intro }, ...mustFixBlocks(plan.told, contest),
        { type: 'p', text: say.resendRequest(mail, contest) },
      ];
      if (mail.kind === 'individual') blocks.push({ type: 'line', text: say.correctSubject(mail, contest) }, { type: 'p', text: say.BLANK_FORM_NOTE });
      return [...blocks, { type: 'p', text: `${say.deadlineLine(contest)}${say.contactLine(contest)}` }, { type: 'p', text: say.signature(contest) }];
    }
    case 'final':
      return [{ type: 'p', text: say.lateNotice(mail, contest) }, { type: 'p', text: say.FINAL_THANKS }, ...close];
    case 'organizers': {
      const blocks: Block[] = [
        { type: 'p', text: say.ORGANIZERS_INTRO }, { type: 'items', items: [...new Set(plan.told.map(say.organizerReason))] },
        { type: 'p', text: say.ORGANIZERS_NO_ACTION },
      ];
      // A scan or a picture: the Word form, read at once, goes with the answer as an offer, not a demand.
      if (offersBlankForm(mail, plan)) blocks.push({ type: 'p', text: say.WORD_FORM_OFFER });
      return [...blocks, ...close];
    }
    case 'advice': {
      const blocks: Block[] = [{ type: 'p', text: say.registeredNoAction(mail) }];
      if (plan.registered.length) blocks.push({ type: 'p', text: say.RECEIPT_RECORDED }, ...worksBlocks(plan));
      blocks.push({ type: 'h', text: say.ADVICE_HEADING }, { type: 'items', items: [...new Set(plan.told.map(say.adviceLine))] });
      if (mail.kind === 'individual' && plan.told.some((p) => p.field === 'subject' || p.code === 'subject_mismatch')) {
        blocks.push({ type: 'p', text: say.NEXT_TIME_SUBJECT }, { type: 'line', text: say.correctSubject(mail, contest) });
      }
      return [...blocks, ...close];
    }
    case 'receipt':
      return [
        { type: 'p', text: say.registeredNoAction(mail) }, ...(plan.registered.length ? [{ type: 'p', text: say.RECEIPT_RECORDED } as Block, ...worksBlocks(plan)] : []),
        { type: 'p', text: `${say.RECEIPT_CLOSING}${say.deadlineLine(contest)}` }, ...close,
      ];
  }
}

function toText(blocks: Block[]): string {
  const out: string[] = [];
  for (const b of blocks) {
    if (b.type === 'p') out.push(b.text, '');
    else if (b.type === 'state') out.push(`【${say.STATE_LABEL}】${b.text}`, '');
    else if (b.type === 'h') out.push(`【${b.text}】`);
    else if (b.type === 'line') out.push(`    ${b.text}`, '');
    else {
      for (const item of b.items) out.push(`  · ${item.replace(/\n/g, '\n    ')}`);
      if (b.hint) out.push(`  修改方法：${b.hint}`);
      out.push('');
    }
  }
  return `${out.join('\n').trimEnd()}\n`;
}

const FONT = 'font-family:-apple-system,\'PingFang SC\',\'Microsoft YaHei\',\'Noto Sans CJK SC\',sans-serif;font-size:15px;line-height:1.6;color:#222;';
const STATE_COLORS: Record<ReplyClass, string> = {
  receipt: '#2e7d32', advice: '#2e7d32', must_fix: '#b45309', final: '#6b7280', organizers: '#2f6fb3',
};

function toHtml(blocks: Block[], cls: ReplyClass): string {
  const html = (s: string) => escapeHtml(s).replace(/\n/g, '<br>');
  const parts = blocks.map((b) => {
    if (b.type === 'p') return `<p style="margin:0 0 12px">${html(b.text)}</p>`;
    if (b.type === 'state') {
      return `<p style="margin:0 0 14px;padding:8px 12px;border-left:4px solid ${STATE_COLORS[cls]};background:#f6f7f9;font-size:16px">`
        + `${say.STATE_LABEL}：<b style="color:${STATE_COLORS[cls]}">${html(b.text)}</b></p>`;
    }
    if (b.type === 'h') return `<p style="margin:12px 0 4px;font-weight:bold">【${html(b.text)}】</p>`;
    if (b.type === 'line') {
      return `<p style="margin:0 0 12px;padding:8px 12px;background:#f3f6fa;border-left:3px solid #2f6fb3;font-weight:bold;word-break:break-all">${html(b.text)}</p>`;
    }
    const items = b.items.map((i) => `<li style="margin:0 0 4px;overflow-wrap:anywhere">${html(i)}</li>`).join('');
    const hint = b.hint ? `<p style="margin:0 0 8px 20px;color:#555">修改方法：${html(b.hint)}</p>` : '';
    return `<ul style="margin:0 0 4px;padding-left:20px">${items}</ul>${hint}`;
  });
  return `<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"></head>`
    + `<body style="margin:0;padding:16px;${FONT}"><div style="max-width:600px">${parts.join('')}</div></body></html>`;
}

/** The reply for one received mail, from its plan. `to` is the checked recipient (replyRecipient). */
export function buildReply(mail: ReceivedMail, plan: ReplyPlan, contest: ContestConfig, to: string): ReplyMail {
  if (!isSingleAddress(to)) throw new Error('buildReply: the recipient must be one checked address');
  const blocks: Block[] = [
    { type: 'p', text: say.GREETING }, { type: 'p', text: say.thanks(mail, contest) }, { type: 'state', text: plan.state },
    ...bodyBlocks(mail, plan, contest),
  ];
  const thread = threadHeaders(mail);
  return {
    kind: kindOfClass(plan.cls),
    cls: plan.cls,
    to,
    subject: replySubject(mail.subject),
    inReplyTo: thread.inReplyTo,
    references: thread.references,
    headers: { ...AUTO_REPLY_HEADERS },
    text: toText(blocks),
    html: toHtml(blocks, plan.cls),
    attachBlankForm: (plan.cls === 'must_fix' && mail.kind === 'individual') || offersBlankForm(mail, plan),
  };
}
