/** Chinese words for the machine states, shared by the digest, the exports and the outbox listing. */

export const KIND_LABELS: Record<string, string> = {
  individual: '个人报名', unit_summary: '单位汇总', automated: '自动邮件/退信', not_contest: '与大赛无关',
};

export const MESSAGE_STATUS_LABELS: Record<string, string> = {
  ok: '材料完整', problems: '待投稿人补充', needs_person: '需人工处理', ignored: '已忽略', error: '处理失败', quarantined: '已隔离', unfetchable: '无法取回',
};

export const ENTRY_STATUS_LABELS: Record<string, string> = {
  valid: '有效', problems: '待补充', duplicate: '重复报送', superseded: '已被新版本替代', excluded: '已排除',
};

export const REPLY_LABELS: Record<string, string> = {
  pending: '待发送', sending: '发送中', sent: '已回复', failed: '发送失败', capped: '超出限额未发', unknown: '发送状态不明',
};

export const DELIVERY_ERROR_LABELS: Record<string, string> = {
  interrupted: '发送过程中断（可能已送达）', smtp_rejected: '被收件服务器拒收', smtp_auth: '发件邮箱登录失败（检查授权码）',
  smtp_throttled: '发送过快被限流', smtp_unavailable: '无法连接发件服务器', render_failed: '无法生成邮件',
};

export const label = (map: Record<string, string>, key: string | null | undefined): string => (key ? map[key] ?? key : '');
