import type { EntryState } from '../domain/entry-state.ts';
import type { Problem } from '../domain/problem.ts';
import { oneLine } from '../domain/text-safety.ts';

/**
 * The digest's own wording for what an organizer does about each thing that needs a person, and the legend of
 * the states its totals count. One place, so the HTML and the text (and the next contest) say the same.
 */

/** What to do about a problem the organizers handle (its class is organizers). */
export function todoFor(p: Pick<Problem, 'code' | 'detail'>, messageId: number): string {
  switch (p.code) {
    case 'needs_person': return '打开原邮件的附件核对内容；能确认的，在管理页面记下核对结果，或请投稿人改发 Word 登记表。';
    case 'unknown_unit': return `确认是哪个定向征集单位后运行：contest-intake units alias add "${oneLine(p.detail ?? '', 40)}" <单位名称> --reprocess`;
    case 'duplicate_work': return '核对两次报送的作者和单位，确认哪一条有效，必要时联系双方。';
    default: return `打开邮件 #${messageId} 核对。`;
  }
}

export const TODO_UNFETCHABLE = (messageId: number): string =>
  `在网页邮箱中按发件人和标题找到原信人工处理；系统每天自动重试一次，也可运行 contest-intake reprocess --id ${messageId}。`;
export const TODO_QUARANTINED = (messageId: number): string =>
  `这封邮件反复导致程序退出，已隔离：在网页邮箱中查看原信；确认无害后运行 contest-intake reprocess --id ${messageId}。`;
export const TODO_ERROR = (messageId: number): string => `处理时出错：查看日志后运行 contest-intake reprocess --id ${messageId}。`;
export const TODO_LOOK = (messageId: number): string => `打开邮件 #${messageId} 人工核对。`;

export const REASON_UNFETCHABLE = (error: string | null): string => `邮件内容无法从邮箱服务器取回（已按信封记录）：${error ?? '原因不明'}`;
export const REASON_QUARANTINED = (error: string | null): string => `已隔离：${error ?? '原因不明'}`;
export const REASON_ERROR = (error: string | null): string => `处理失败：${error ?? '原因不明'}`;
export const REASON_LOOK = '需要人工核对';
export const REASON_DUPLICATE = (first: number): string => `与条目 #${first} 为同一抖音作品（重复报送）`;

/** What each state of the totals means, in the order the totals list them. */
export const STATE_LEGEND: Record<EntryState, string> = {
  registered: '材料完整（或只有标题格式等提示），计入作品',
  merged: '作者与单位都报送了同一作品，合并为一件，不重复计数',
  needs_fix: '缺项或有误，已回复告知，等待投稿人补充',
  ineligible: '超过征集截止时间等，无法参加评选',
  with_organizers: '需要工作人员人工核对',
  duplicate: '同一抖音作品已由他人或其他单位报送',
  superseded: '同一投稿人后来发送了新版本，以新版本为准',
  excluded: '组织者在管理页面排除，不计入作品',
};

export const STATE_ORDER: readonly EntryState[] = ['registered', 'merged', 'needs_fix', 'ineligible', 'with_organizers', 'duplicate', 'excluded', 'superseded'];
