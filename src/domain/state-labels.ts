import type { ProblemClass } from './problem-class.ts';
import type { ProblemCode } from './problem.ts';

/** Chinese words for the machine states, shared by the digest, the exports and the outbox listing. */

export const KIND_LABELS: Record<string, string> = {
  individual: '个人报名', unit_summary: '单位汇总', automated: '自动邮件/退信', not_contest: '与大赛无关',
};

export const MESSAGE_STATUS_LABELS: Record<string, string> = {
  ok: '材料完整', problems: '有问题', needs_person: '需人工处理', ignored: '已忽略', error: '处理失败', quarantined: '已隔离', unfetchable: '无法取回',
};

export const ENTRY_STATUS_LABELS: Record<string, string> = {
  valid: '有效', problems: '待补充', duplicate: '重复报送', superseded: '已被新版本替代', excluded: '已排除',
};

/** What a work's state (domain/entry-state.ts) is called wherever people read it. */
export const ENTRY_STATE_LABELS: Record<string, string> = {
  registered: '已登记', merged: '已合并（同一作品的另一渠道）', needs_fix: '未登记，需补充', ineligible: '无法参赛',
  with_organizers: '转人工核对', duplicate: '重复报送', superseded: '已被新版本替代', excluded: '组织者已排除',
};

export const REPLY_LABELS: Record<string, string> = {
  pending: '待发送', sending: '发送中', sent: '已回复', failed: '发送失败', capped: '超出限额未发', unknown: '发送状态不明',
  dropped: '回执逾期未发（已放弃）',
};

/** What a problem asks of whom (domain/problem-class.ts), as the console's filter names it. */
export const PROBLEM_CLASS_LABELS: Readonly<Record<ProblemClass, string>> = {
  must_fix: '需投稿人补充', advice: '已登记，仅提示', final: '无法参赛', organizers: '转人工核对',
};

/** A problem code, named for an organizer choosing it in a filter. */
export const PROBLEM_CODE_LABELS: Readonly<Record<ProblemCode, string>> = {
  missing_field: '缺少必填项', link_not_douyin: '链接不是抖音作品', intro_too_long: '简介超字数', too_many_authors: '作者人数超限',
  too_many_pieces: '作品数超限', invalid_phone: '手机号有误', no_form: '没有报名表', unreadable_attachment: '附件无法读取',
  unsupported_format: '附件格式不支持', form_truncated: '报名表不完整', subject_format: '主题格式不对', subject_mismatch: '主题与报名表不符',
  late: '逾期', needs_person: '需人工查看', unknown_unit: '单位不在名单', duplicate_work: '同一作品多次报送',
};

/** A reply's class, as the outbox records it (`reason`). */
export const REPLY_CLASS_LABELS: Record<string, string> = {
  must_fix: '需补充', advice: '已登记（提示）', final: '无法参赛', organizers: '转人工核对', receipt: '回执', digest: '每日简报',
  sender_cap: '超出每人每日回复上限',
};

export const DELIVERY_ERROR_LABELS: Record<string, string> = {
  interrupted: '发送过程中断（可能已送达）', smtp_rejected: '被收件服务器拒收', smtp_auth: '发件邮箱登录失败（检查授权码）',
  smtp_throttled: '发送过快被限流', smtp_unavailable: '无法连接发件服务器', render_failed: '无法生成邮件',
  receipt_expired: '回执未能在规定时间内发出，已放弃',
};

export const label = (map: Record<string, string>, key: string | null | undefined): string => (key ? map[key] ?? key : '');

/**
 * Why a mail was sorted as it was, as classification notes it for the log (English, sometimes with a header's
 * value), in the words an organizer reads on a mail's page. An unknown reason is shown as it is.
 */
export function kindReasonLabel(reason: string): string {
  const fixed: Record<string, string> = {
    'contest tag in subject': '标题含大赛标记', 'form attached': '附有登记表', 'form in body': '正文是登记表',
    'no contest tag, no form': '标题无大赛标记，也没有登记表', 'no contest tag': '标题无大赛标记', 'our own mail': '本邮箱发出的邮件',
    'auto-reply headers': '自动回复', 'delivery report': '退信或回执', 'null Return-Path': '系统邮件（Return-Path 为空）',
    'auto-reply or bounce subject': '标题是自动回复或退信',
  };
  if (fixed[reason]) return fixed[reason];
  const header = /^(Auto-Submitted|Precedence): (.*)$/.exec(reason);
  if (header) return `${header[1] === 'Precedence' ? '群发邮件' : '自动邮件'}（${header[1]}: ${header[2]}）`;
  const list = /^(list-[a-z-]+) header$/.exec(reason);
  if (list) return `邮件列表（${list[1]}）`;
  const robot = /^robot sender (.*)$/.exec(reason);
  if (robot) return `系统发件人（${robot[1]}）`;
  return reason;
}
