import type { ContestConfig } from '../config.ts';
import { formatIsoDate, formatLocalDateTime } from '../domain/contest-calendar.ts';
import type { Problem } from '../domain/problem.ts';
import { isRobotLocalPart } from '../domain/robot-address.ts';
import { asMessageId, bodyText, escapeHtml, isSingleAddress, oneLine } from '../domain/text-safety.ts';

/**
 * The answer to one submission, as data: recipient, threading headers, and the same polite Chinese text as
 * plain text and as simple HTML. Pure: the same mail, problems and rules always give the same reply. The
 * outbox adds From, Message-ID and Date when it records the intent; the mailer turns it into RFC 822 bytes.
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

export type ReplyKind = 'reply' | 'receipt';

export interface ReplyMail {
  kind: ReplyKind;
  to: string;
  subject: string;
  inReplyTo: string | null;
  references: string[];
  headers: Record<string, string>;
  text: string;
  html: string;
  /** The blank 附件1 registration form goes with every reply that asks for a correction. */
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

// ---- what to say ----------------------------------------------------------------------------------------

/**
 * The problems a submitter is told about: those they can fix, and the note that a person will look at a
 * PDF or image form. Problems meant for organizers only (an unknown unit name) stay out of the reply.
 */
export function problemsForSubmitter(problems: readonly Problem[]): Problem[] {
  const seen = new Set<string>();
  const out: Problem[] = [];
  for (const p of problems) {
    if (p.actor !== 'submitter' && p.code !== 'needs_person') continue;
    const key = `${p.code}\u0000${p.field ?? ''}\u0000${p.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(p);
  }
  return out;
}

/** 'reply' when there is something to fix or note, 'receipt' for a complete submission (if receipts are on). */
export function replyKindFor(problems: readonly Problem[], sendReceipts: boolean): ReplyKind | null {
  if (problemsForSubmitter(problems).length) return 'reply';
  return sendReceipts ? 'receipt' : null;
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
  | { type: 'h'; text: string }
  | { type: 'items'; items: string[]; hint?: string }
  | { type: 'line'; text: string };

const FIELD_ORDER = ['subject', 'attachment', 'name', 'occupation', 'unit', 'title', 'link', 'phone', 'address', 'intro'] as const;
const FIELD_LABELS: Record<string, string> = {
  subject: '邮件标题', attachment: '附件（参赛登记表）', name: '姓名', occupation: '职业', unit: '单位', title: '作品题目',
  link: '链接地址（抖音作品链接）', phone: '手机号码', address: '通讯地址', intro: '作品简介',
};

function fieldHint(field: string, contest: ContestConfig): string | undefined {
  switch (field) {
    case 'attachment': return '请使用本邮件附带的空白《参赛登记表》（.docx 格式），填写完整后作为附件发送。';
    case 'name': return `请填写创作者姓名；集体创作请列出全部作者（不超过 ${contest.limits.maxAuthors} 人），用“、”分隔。`;
    case 'title': return '请填写作品题目，并与邮件标题中的作品标题保持一致。';
    case 'link': return '在抖音 App 中打开您的作品，点击“分享”→“复制链接”，把复制的内容粘贴到“链接地址”一栏。';
    case 'phone': return '请填写能联系到您本人的 11 位手机号码。';
    case 'intro': return `作品简介请控制在 ${contest.limits.introMaxChars} 字以内。`;
    default: return undefined;
  }
}

function correctSubject(mail: ReceivedMail, contest: ContestConfig): string {
  const tag = contest.subject.tags[0] ?? '最美in温州';
  const title = oneLine(mail.title, 60) || '作品标题';
  const creators = mail.creators.map((c) => oneLine(c, 20)).filter(Boolean).slice(0, contest.limits.maxAuthors).join('、') || '创作者姓名';
  return `${tag}+${title}+${creators}`;
}

function receivedLine(mail: ReceivedMail, contest: ContestConfig): string {
  const when = formatLocalDateTime(mail.receivedAt, contest.timezone);
  const subject = oneLine(mail.subject, 80) || '（无标题）';
  if (mail.kind === 'unit_summary') {
    const works = mail.works ? `，共 ${mail.works} 件作品` : '';
    return `我们已于 ${when}（北京时间）收到贵单位报送的推荐汇总表（邮件标题：“${subject}”${works}）。`;
  }
  const title = oneLine(mail.title, 60);
  const what = title ? `参赛作品《${title}》` : '参赛邮件';
  return `我们已于 ${when}（北京时间）收到您的${what}（邮件标题：“${subject}”）。`;
}

function contactLine(contest: ContestConfig): string {
  const c = contest.contact;
  return c ? `如有疑问，请联系大赛工作人员${oneLine(c.name, 20)}，电话 ${oneLine(c.phone, 30)}。` : `如有疑问，请发邮件至 ${contest.mailbox}。`;
}

function signature(contest: ContestConfig): string {
  return `${contest.name}\n（本邮件由大赛征集邮箱 ${contest.mailbox} 自动发送。）`;
}

function problemBlocks(problems: readonly Problem[], contest: ContestConfig): Block[] {
  const groups = new Map<string, Problem[]>();
  for (const p of problems) {
    const field = p.code === 'needs_person' ? 'person' : p.field && FIELD_LABELS[p.field] ? p.field : 'other';
    groups.set(field, [...(groups.get(field) ?? []), p]);
  }
  const order = [...FIELD_ORDER, 'other', 'person'];
  const blocks: Block[] = [];
  for (const field of order) {
    const list = groups.get(field);
    if (!list) continue;
    const heading = field === 'person' ? '需要工作人员人工核对' : field === 'other' ? '其他' : FIELD_LABELS[field]!;
    blocks.push({ type: 'h', text: heading });
    blocks.push({ type: 'items', items: list.map((p) => bodyText(p.message, 400)), hint: fieldHint(field, contest) });
  }
  return blocks;
}

function replyBlocks(mail: ReceivedMail, problems: readonly Problem[], contest: ContestConfig): Block[] {
  const fixable = problems.filter((p) => p.code !== 'needs_person');
  const blocks: Block[] = [
    { type: 'p', text: '您好！' },
    { type: 'p', text: `感谢您参加${contest.name}。${receivedLine(mail, contest)}` },
    {
      type: 'p',
      text: fixable.length
        ? '经核对，报名材料还有以下问题需要补充或修改，修改后才能完成登记：'
        : '您的材料中有以下情况需要说明：',
    },
    ...problemBlocks(problems, contest),
  ];
  if (fixable.length) {
    blocks.push({ type: 'p', text: `请修改后重新发送邮件至 ${contest.mailbox}，并附上填写完整的参赛登记表。${mail.kind === 'individual' ? '邮件标题请写为：' : ''}` });
    if (mail.kind === 'individual') blocks.push({ type: 'line', text: correctSubject(mail, contest) });
    blocks.push({ type: 'p', text: '本邮件附有空白的《参赛登记表》（附件1），可直接下载填写。' });
  } else if (problems.some((p) => p.field === 'attachment')) {
    // A scan or a picture: the Word form that would be read at once goes with the answer.
    blocks.push({ type: 'p', text: '本邮件附有空白的《参赛登记表》（附件1，Word 格式），可直接下载填写后发送。' });
  }
  blocks.push({ type: 'p', text: `作品征集截止日期为 ${formatIsoDate(contest.deadline)}。${contactLine(contest)}` });
  blocks.push({ type: 'p', text: signature(contest) });
  return blocks;
}

function receiptBlocks(mail: ReceivedMail, contest: ContestConfig): Block[] {
  return [
    { type: 'p', text: '您好！' },
    { type: 'p', text: `感谢您参加${contest.name}。${receivedLine(mail, contest)}` },
    { type: 'p', text: '已收到，材料完整，无需再次发送。评选结果将另行公布。' },
    { type: 'p', text: `作品征集截止日期为 ${formatIsoDate(contest.deadline)}。${contactLine(contest)}` },
    { type: 'p', text: signature(contest) },
  ];
}

function toText(blocks: Block[]): string {
  const out: string[] = [];
  for (const b of blocks) {
    if (b.type === 'p') out.push(b.text, '');
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

function toHtml(blocks: Block[]): string {
  const html = (s: string) => escapeHtml(s).replace(/\n/g, '<br>');
  const parts = blocks.map((b) => {
    if (b.type === 'p') return `<p style="margin:0 0 12px">${html(b.text)}</p>`;
    if (b.type === 'h') return `<p style="margin:12px 0 4px;font-weight:bold">【${html(b.text)}】</p>`;
    if (b.type === 'line') {
      return `<p style="margin:0 0 12px;padding:8px 12px;background:#f3f6fa;border-left:3px solid #2f6fb3;font-weight:bold;word-break:break-all">${html(b.text)}</p>`;
    }
    const items = b.items.map((i) => `<li style="margin:0 0 4px">${html(i)}</li>`).join('');
    const hint = b.hint ? `<p style="margin:0 0 8px 20px;color:#555">修改方法：${html(b.hint)}</p>` : '';
    return `<ul style="margin:0 0 4px;padding-left:20px">${items}</ul>${hint}`;
  });
  return `<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"></head>`
    + `<body style="margin:0;padding:16px;${FONT}"><div style="max-width:600px">${parts.join('')}</div></body></html>`;
}

/**
 * The reply for one received mail. `to` is the checked recipient (replyRecipient). Problems are the message's and
 * its forms' problems as recorded; only those meant for the submitter are named.
 */
export function buildReply(mail: ReceivedMail, problems: readonly Problem[], contest: ContestConfig, to: string, kind: ReplyKind): ReplyMail {
  if (!isSingleAddress(to)) throw new Error('buildReply: the recipient must be one checked address');
  const told = problemsForSubmitter(problems);
  const blocks = kind === 'receipt' ? receiptBlocks(mail, contest) : replyBlocks(mail, told, contest);
  const thread = threadHeaders(mail);
  return {
    kind,
    to,
    subject: replySubject(mail.subject),
    inReplyTo: thread.inReplyTo,
    references: thread.references,
    headers: { ...AUTO_REPLY_HEADERS },
    text: toText(blocks),
    html: toHtml(blocks),
    attachBlankForm: kind === 'reply' && told.some((p) => p.code !== 'needs_person' || p.field === 'attachment'),
  };
}
