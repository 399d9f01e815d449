import type { ContestConfig } from '../config.ts';
import { formatIsoDate, formatLocalDateTime } from '../domain/contest-calendar.ts';
import type { Problem } from '../domain/problem.ts';
import { bodyText, oneLine } from '../domain/text-safety.ts';
import type { ReplyWork } from './reply-plan.ts';

/**
 * Every sentence a submitter reads, in one place: what each class of reply says, the field names and how to fix
 * each, and the sentences that replace the organizers' own wording of a problem (a reply never forwards "请主办方…"
 * to a submitter). The contest's names, dates and contact come from config/contest.json.
 */

/** What the submitter's mail was, for the sentences about it. Every string came from outside. */
export interface MailFacts {
  subject: string;
  receivedAt: Date;
  kind: 'individual' | 'unit_summary';
  title: string | null;
  creators: readonly string[];
  works?: number;
}

export const FIELD_ORDER = ['subject', 'attachment', 'name', 'occupation', 'unit', 'title', 'link', 'phone', 'address', 'intro'] as const;

export const FIELD_LABELS: Record<string, string> = {
  subject: '邮件标题', attachment: '附件（参赛登记表）', name: '姓名', occupation: '职业', unit: '单位', title: '作品题目',
  link: '链接地址（抖音作品链接）', phone: '手机号码', address: '通讯地址', intro: '作品简介',
};

export const OTHER_HEADING = '其他';

/** How to fix a field, under its problems. */
export function fieldHint(field: string, contest: ContestConfig): string | undefined {
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

export const GREETING = '您好！';
export const STATE_LABEL = '登记状态';

export function thanks(mail: MailFacts, contest: ContestConfig): string {
  const when = formatLocalDateTime(mail.receivedAt, contest.timezone);
  const subject = oneLine(mail.subject, 80) || '（无标题）';
  if (mail.kind === 'unit_summary') {
    const works = mail.works ? `，共 ${mail.works} 件作品` : '';
    return `感谢您参加${contest.name}。我们已于 ${when}（北京时间）收到贵单位报送的推荐汇总表（邮件标题：“${subject}”${works}）。`;
  }
  const title = oneLine(mail.title, 60);
  const what = title ? `参赛作品《${title}》` : '参赛邮件';
  return `感谢您参加${contest.name}。我们已于 ${when}（北京时间）收到您的${what}（邮件标题：“${subject}”）。`;
}

export function correctSubject(mail: MailFacts, contest: ContestConfig): string {
  const tag = contest.subject.tags[0] ?? '最美in温州';
  const title = oneLine(mail.title, 60) || '作品标题';
  const creators = mail.creators.map((c) => oneLine(c, 20)).filter(Boolean).slice(0, contest.limits.maxAuthors).join('、') || '创作者姓名';
  return `${tag}+${title}+${creators}`;
}

export function contactLine(contest: ContestConfig): string {
  const c = contest.contact;
  return c ? `如有疑问，请联系大赛工作人员${oneLine(c.name, 20)}，电话 ${oneLine(c.phone, 30)}。` : `如有疑问，请发邮件至 ${contest.mailbox}。`;
}

export function deadlineLine(contest: ContestConfig): string {
  return `作品征集截止日期为 ${formatIsoDate(contest.deadline)}。`;
}

export function signature(contest: ContestConfig): string {
  return `${contest.name}\n（本邮件由大赛征集邮箱 ${contest.mailbox} 自动发送。）`;
}

// ---- must fix ---------------------------------------------------------------------------------------------

export const MUST_FIX_INTRO = '经核对，以下内容需要补充或修改，修改后才能完成登记：';
export const MUST_FIX_INTRO_SOME = '经核对，其余作品已登记；以下内容需要补充或修改，修改后这些作品才能完成登记：';
/** The works are registered; the mail also carried something to fix (an attachment that cannot be opened …). */
export const MUST_FIX_INTRO_REGISTERED = '经核对，已读到的作品已登记；邮件中还有以下问题需要处理：';

/** The one sentence that asks for a resend: only a must-fix reply carries it. */
export function resendRequest(mail: MailFacts, contest: ContestConfig): string {
  return mail.kind === 'individual'
    ? `请修改后重新发送邮件至 ${contest.mailbox}，并附上填写完整的参赛登记表。邮件标题请写为：`
    : `请修改后将推荐汇总表重新发送至 ${contest.mailbox}（已登记的作品可一并保留在表中，不会重复计算）。`;
}

export const BLANK_FORM_NOTE = '本邮件附有空白的《参赛登记表》（附件1），可直接下载填写。';

// ---- final ------------------------------------------------------------------------------------------------

export function lateNotice(mail: MailFacts, contest: ContestConfig): string {
  return `很抱歉，您的邮件于 ${formatLocalDateTime(mail.receivedAt, contest.timezone)}（北京时间）送达，已超过征集截止时间`
    + `（${formatIsoDate(contest.deadline)} 24:00），作品无法参加本届评选。`;
}

export const FINAL_THANKS = '感谢您对本届大赛的关注与支持，欢迎继续关注“最美 in 温州”后续活动。';

// ---- with the organizers ----------------------------------------------------------------------------------

export const ORGANIZERS_INTRO = '您的材料需要由工作人员人工核对：';
export const ORGANIZERS_NO_ACTION = '您无需重新提交材料；核对后如需补充，工作人员会与您联系。';
export const WORD_FORM_OFFER = '本邮件附有空白的《参赛登记表》（附件1，Word 格式）：如方便，用它填写后发送可以更快完成登记；不另发也没有关系。';

/** A problem the organizers handle, told to the submitter without the organizers' instructions. */
export function organizerReason(p: Problem): string {
  switch (p.code) {
    case 'unknown_unit': return `推荐单位“${oneLine(p.detail ?? '', 40) || '（未填写）'}”需由工作人员核对确认。`;
    case 'duplicate_work': return '该抖音作品此前已由其他人或单位报送，工作人员将核对作者与报送情况。';
    default: {
      // "“登记表.pdf”为 PDF 文件，将由工作人员人工核对；如方便，请另发一份…": the first clause says what happens.
      const first = bodyText(p.message, 300).split(/[；;。]/)[0]?.trim() ?? '';
      return first && !first.includes('请') ? `${first}。` : '您发送的材料需要工作人员人工核对。';
    }
  }
}

// ---- advice and receipts ----------------------------------------------------------------------------------

export const registeredNoAction = (mail: MailFacts): string =>
  (mail.kind === 'unit_summary' ? '贵单位报送的作品已登记，无需再次发送。' : '您的作品已登记，无需再次发送。');
export const RECEIPT_RECORDED = '登记内容如下：';
export const RECEIPT_CLOSING = '评选结果将另行公布。';
export const ADVICE_HEADING = '温馨提示';
export const NEXT_TIME_SUBJECT = '今后发送邮件时，标题请写为：';

/** Advice in words that ask for nothing now. */
export function adviceLine(p: Problem): string {
  if (p.code === 'subject_mismatch') return '邮件标题中的作品标题或创作者与登记表不一致，已按登记表的内容登记。';
  if (p.code === 'subject_format') return '邮件标题不符合“最美in温州+作品标题+创作者姓名”的格式，已按登记表的内容登记。';
  return bodyText(p.message, 300);
}

/** How many works a receipt lists in full. */
export const RECEIPT_LIST_MAX = 60;

/** One work as recorded: 《题目》 作者：… 单位：… 链接：… */
export function workLines(w: ReplyWork): string[] {
  const lines = [`《${oneLine(w.title, 60) || '（未填写题目）'}》${w.row !== null ? `（汇总表第 ${w.row} 行）` : ''}`];
  if (w.authors.length) lines.push(`作者：${oneLine(w.authors.join('、'), 60)}`);
  if (oneLine(w.unit, 60)) lines.push(`职业/单位：${oneLine(w.unit, 60)}`);
  if (w.link) lines.push(`链接：${oneLine(w.link, 200)}`);
  return lines;
}

export const moreWorks = (n: number): string => `另有 ${n} 件作品已登记，此处不再列出。`;
