import type { ContestConfig } from '../config.ts';
import type { MessageKind } from '../domain/message-kind.ts';
import { problem, type Problem } from '../domain/problem.ts';
import type { IncomingMessage } from '../mailbox/incoming-message.ts';
import { extensionOf } from '../mailbox/message-parts.ts';
import { isOwnAddress, robotReason } from './robots.ts';
import { parseSubject, type SubjectParse } from './subject.ts';

export interface Classification {
  kind: MessageKind;
  reason: string;
  subject: SubjectParse;
  problems: Problem[];
}

const DOCUMENT_EXT = new Set(['docx', 'doc', 'docm', 'wps', 'xlsx', 'xls', 'xlsm', 'et', 'csv', 'pdf', 'odt', 'ods', 'rtf', 'eml']);
const SUMMARY_HINT = /汇总|推荐表|推荐作品|报送|定向征集/;
const FORM_NAME_HINT = /登记表|报名表|参赛|最美\s*in\s*温州|作品/i;

/** Labels of the registration form typed into a body: three of them make it a submission. */
function bodyLooksLikeForm(text: string, contest: ContestConfig): boolean {
  const head = text.slice(0, 20_000);
  let hits = 0;
  for (const field of ['name', 'title', 'link', 'phone'] as const) {
    if (contest.labels[field]?.some((label) => new RegExp(`${label}\\s*[:：]`).test(head))) hits++;
  }
  return hits >= 3;
}

/**
 * Sorts a message before anything is extracted. Pure: the same message and rules give the same answer.
 * The forms step may refine individual ↔ unit_summary from what the attachments really hold.
 */
export function classifyMessage(msg: IncomingMessage, contest: ContestConfig, ownAddresses: string[]): Classification {
  const subject = parseSubject(msg.headers.subject, contest.subject);
  const robot = robotReason(msg.headers, msg.headers.subject);
  if (robot) return { kind: 'automated', reason: robot, subject, problems: [] };
  if (isOwnAddress(msg.headers.from?.address, ownAddresses)) return { kind: 'automated', reason: 'our own mail', subject, problems: [] };

  const documents = msg.attachments.filter((a) => DOCUMENT_EXT.has(extensionOf(a.filename)) || a.contentType === 'message/rfc822');
  const formNamed = documents.some((a) => FORM_NAME_HINT.test(a.filename ?? ''));
  const summaryHint = SUMMARY_HINT.test(subject.normalized) || documents.some((a) => SUMMARY_HINT.test(a.filename ?? ''));
  const bodyForm = bodyLooksLikeForm(msg.text ?? '', contest);

  if (!subject.hasTag && !formNamed && !bodyForm) {
    return { kind: 'not_contest', reason: documents.length ? 'no contest tag, no form' : 'no contest tag', subject, problems: [] };
  }
  const kind: MessageKind = summaryHint ? 'unit_summary' : 'individual';
  const problems: Problem[] = [];
  const example = `${contest.subject.tags[0]}+作品标题+创作者姓名`;
  if (!subject.hasTag) {
    problems.push(problem('subject_format', `邮件标题缺少“${contest.subject.tags[0]}”标识，请按“${example}”填写标题。`, { field: 'subject' }));
  } else if (kind === 'individual' && subject.defects.length) {
    const what = subject.defects.includes('no_separator') ? '各部分之间缺少“+”号' : subject.defects.includes('no_creator')
      ? '缺少创作者姓名' : '缺少作品标题';
    problems.push(problem('subject_format', `邮件标题${what}，请按“${example}”填写标题。`, { field: 'subject', detail: subject.defects.join(',') }));
  }
  return { kind, reason: subject.hasTag ? 'contest tag in subject' : formNamed ? 'form attached' : 'form in body', subject, problems };
}
