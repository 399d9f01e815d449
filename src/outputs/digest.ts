import { maskPhone, maskPhonesInText } from '../privacy.ts';
import { DELIVERY_ERROR_LABELS, KIND_LABELS, REPLY_LABELS, label } from './labels.ts';
import { chineseDay, daysBetween, localDay, localStamp } from './local-day.ts';
import type { DeliveryIssue, DigestData, PersonItem, UnitRow, WaitingItem } from './report-data.ts';
import { escapeHtml, oneLine } from './text-safety.ts';

/**
 * The organizers' morning mail: "how are we doing, unit by unit, and what needs me today?". Pure. The HTML is
 * built for webmail and phones: tables at most 600 px wide, inline CSS only, no script, no remote image, long
 * values allowed to break. Every value from mail is escaped, and every phone number masked, here and nowhere
 * later: the renderer is the last place that sees the data.
 */

export interface RenderedDigest {
  subject: string;
  html: string;
  text: string;
}

/** How many items of a list the mail shows; the attached workbook has them all. */
const LIST_MAX = 30;

export type UnitState = 'met' | 'behind' | 'silent';

export function unitState(u: UnitRow): UnitState {
  if (u.counted >= u.quota) return 'met';
  return u.silent ? 'silent' : 'behind';
}

const STATE_LABEL: Record<UnitState, string> = { met: '已达标', behind: '未达标', silent: '未报送' };
const STATE_COLOR: Record<UnitState, string> = { met: '#2e7d32', behind: '#d97706', silent: '#c62828' };

/** Free text from mail, for the digest: one line, capped, phone numbers masked. Escape separately. */
function clean(value: string | null | undefined, max = 120): string {
  return maskPhonesInText(oneLine(value, max));
}

/** Escaped and masked: the only way a value from mail reaches the HTML. */
const h = (value: string | null | undefined, max = 120): string => escapeHtml(clean(value, max));

function deadlineLine(data: DigestData, now: Date): string {
  const left = daysBetween(localDay(now, data.timezone), data.deadline);
  const when = chineseDay(data.deadline).replace(/（.*）$/, '');
  if (left > 0) return `距征集截止还有 ${left} 天（${when}）`;
  if (left === 0) return `今天是征集截止日（${when}）`;
  return `征集已于 ${when} 截止`;
}

function daysLeft(data: DigestData, now: Date): number {
  return daysBetween(localDay(now, data.timezone), data.deadline);
}

function kindList(byKind: Record<string, number>): [string, number][] {
  const order = ['individual', 'unit_summary', 'automated', 'not_contest'];
  const keys = [...order, ...Object.keys(byKind).filter((k) => !order.includes(k))];
  return keys.map((k) => [label(KIND_LABELS, k), byKind[k] ?? 0] as [string, number]);
}

// ---- HTML pieces ----------------------------------------------------------------------------------------

const FONT = "font-family:-apple-system,'PingFang SC','Microsoft YaHei','Noto Sans CJK SC',sans-serif";
// Font, colour and word breaking are inherited from the container: repeating them per cell would push a long
// digest past Gmail's 102 KB clipping limit.
const TD = 'padding:6px 8px;border-bottom:1px solid #eef0f3;font-size:14px;vertical-align:top;';

function section(title: string, body: string, note = ''): string {
  return '<tr><td style="padding:18px 16px 4px">'
    + `<h2 style="margin:0 0 8px;font-size:17px;line-height:1.4;color:#1f3b63;border-left:4px solid #2f6fb3;padding-left:8px">${title}</h2>`
    + (note ? `<p style="margin:0 0 8px;font-size:13px;color:#666">${note}</p>` : '')
    + `${body}</td></tr>`;
}

function table(rows: string[], head?: string[], widths?: string[]): string {
  const cols = widths ? `<colgroup>${widths.map((w) => `<col style="width:${w}">`).join('')}</colgroup>` : '';
  const th = head
    ? `<tr>${head.map((c) => `<th align="left" style="${TD}font-weight:bold;color:#555;background:#f6f7f9;font-size:13px">${c}</th>`).join('')}</tr>`
    : '';
  return `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="width:100%;border-collapse:collapse;table-layout:fixed">${cols}${th}${rows.join('')}</table>`;
}

const tr = (cells: string[], align: ('left' | 'right')[] = []) => `<tr>${cells.map((c, i) => `<td align="${align[i] ?? 'left'}" style="${TD}">${c}</td>`).join('')}</tr>`;

function bar(counted: number, quota: number, state: UnitState): string {
  const pct = quota > 0 ? Math.min(100, Math.round((counted / quota) * 100)) : 100;
  const fill = pct > 0 ? `<td width="${pct}%" style="width:${pct}%;background:${STATE_COLOR[state]};height:10px;font-size:0;line-height:0">&nbsp;</td>` : '';
  const rest = pct < 100 ? `<td style="background:#e5e7eb;height:10px;font-size:0;line-height:0">&nbsp;</td>` : '';
  return `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="width:100%;border-collapse:collapse;table-layout:fixed;border-radius:5px"><tr>${fill}${rest}</tr></table>`;
}

function badge(state: UnitState): string {
  return `<span style="display:inline-block;padding:1px 6px;border-radius:3px;font-size:12px;color:#fff;background:${STATE_COLOR[state]};white-space:nowrap">${STATE_LABEL[state]}</span>`;
}

function figure(title: string, value: string, sub: string): string {
  return '<td align="center" style="width:33%;padding:10px 4px;background:#f3f6fa;border:4px solid #fff">'
    + `<div style="font-size:12px;color:#666">${title}</div><div style="font-size:24px;font-weight:bold;color:#1f3b63;line-height:1.3">${value}</div>`
    + `<div style="font-size:12px;color:#666">${sub}</div></td>`;
}

function unitsHtml(data: DigestData): string {
  const groups = new Map<string, UnitRow[]>();
  for (const u of data.units) groups.set(u.categoryLabel, [...(groups.get(u.categoryLabel) ?? []), u]);
  const out: string[] = [];
  for (const [category, units] of groups) {
    out.push(`<p style="margin:10px 0 4px;font-size:14px;font-weight:bold;color:#333">${h(category)}（每单位至少 ${units[0]!.quota} 件）</p>`);
    out.push(table(units.map((u) => {
      const s = unitState(u);
      return tr([h(u.name), bar(u.counted, u.quota, s), `${u.counted}/${u.quota}`, badge(s)], ['left', 'left', 'right', 'left']);
    }), ['单位', '进度', '计入', '状态'], ['38%', '30%', '14%', '18%']));
  }
  return out.join('');
}

function newEmploymentHtml(data: DigestData, now: Date): string {
  const county = data.units.filter((u) => u.newEmployment);
  if (!county.length) return '';
  const rule = county[0]!.newEmployment!;
  const passed = localDay(now, data.timezone) > rule.before;
  const met = county.filter((u) => u.newEmployment!.met).length;
  const rows = county.map((u) => {
    const ne = u.newEmployment!;
    const state: UnitState = ne.met ? 'met' : ne.counted === 0 ? 'silent' : 'behind';
    const word = ne.met ? '已完成' : passed ? '已逾期未完成' : '未完成';
    const color = ne.met ? STATE_COLOR.met : passed ? STATE_COLOR.silent : STATE_COLOR[state];
    return tr([h(u.name), bar(ne.counted, ne.quota, state), `${ne.counted}/${ne.quota}`,
      `<span style="font-size:12px;color:${color};font-weight:bold">${word}</span>`], ['left', 'left', 'right', 'left']);
  });
  const note = `县（市、区）网信部门须在 ${escapeHtml(rule.before)} 前各报送 ${rule.quota} 条新就业群体短视频；已完成 ${met}/${county.length} 个单位。`;
  return section('新就业群体短视频（县市区网信部门）', table(rows, ['单位', '进度', '条数', '状态'], ['38%', '30%', '14%', '18%']), note);
}

function waitingHtml(items: WaitingItem[], tz: string): string {
  if (!items.length) return '<p style="margin:0;font-size:14px;color:#2e7d32">没有等待投稿人补充的作品。</p>';
  const blocks = items.slice(0, LIST_MAX).map((w) => {
    const who = [w.authors.length ? h(w.authors.join('、'), 60) : '', w.phone ? `手机 ${escapeHtml(maskPhone(w.phone))}` : '', h(w.sender, 80)]
      .filter(Boolean).join(' · ');
    const problems = w.problems.slice(0, 6).map((p) => `<li style="margin:0">${h(p, 200)}</li>`).join('');
    return '<div style="padding:8px 0;border-bottom:1px solid #eef0f3;font-size:14px">'
      + `<div><b>${w.title ? `《${h(w.title, 60)}》` : '（未读到作品）'}</b> <span style="color:#888;font-size:12px;white-space:nowrap">#${w.messageId}${w.entryId ? `/${w.entryId}` : ''} · ${escapeHtml(localStamp(w.receivedAt, tz))}</span></div>`
      + (who ? `<div style="color:#555;font-size:13px">${who}</div>` : '')
      + (problems ? `<ul style="margin:2px 0 0;padding-left:18px;color:#333">${problems}</ul>` : '')
      + `<div style="font-size:12px;color:#666">回复：${escapeHtml(w.reply ? label(REPLY_LABELS, w.reply) : '未回复')}</div></div>`;
  });
  return blocks.join('') + more(items.length);
}

function personHtml(items: PersonItem[], tz: string): string {
  if (!items.length) return '<p style="margin:0;font-size:14px;color:#2e7d32">没有需要人工处理的邮件。</p>';
  const blocks = items.slice(0, LIST_MAX).map((p) => {
    const reasons = p.reasons.slice(0, 6).map((r) => `<li style="margin:0">${h(r, 200)}</li>`).join('');
    return '<div style="padding:8px 0;border-bottom:1px solid #eef0f3;font-size:14px">'
      + `<div><b>${p.title ? `《${h(p.title, 60)}》` : h(p.subject, 80) || '（无标题）'}</b> <span style="color:#888;font-size:12px;white-space:nowrap">#${p.messageId}${p.entryId ? `/${p.entryId}` : ''} · ${escapeHtml(localStamp(p.receivedAt, tz))}</span></div>`
      + `<div style="color:#555;font-size:13px">${h(p.sender, 80)}</div>`
      + `<ul style="margin:2px 0 0;padding-left:18px;color:#333">${reasons}</ul></div>`;
  });
  return blocks.join('') + more(items.length);
}

function issueText(i: DeliveryIssue): string {
  const word = i.code ? DELIVERY_ERROR_LABELS[i.code] : undefined;
  return word ? (i.code === 'interrupted' || !i.error ? word : `${word}：${i.error}`) : i.error ?? '';
}

function more(n: number): string {
  return n > LIST_MAX ? `<p style="margin:6px 0 0;font-size:13px;color:#666">另有 ${n - LIST_MAX} 条未列出，见附件 Excel。</p>` : '';
}

// ---- the digest -----------------------------------------------------------------------------------------

export function digestSubject(data: DigestData): string {
  const person = data.needsPerson.length;
  return oneLine(`${data.contestName} 每日简报 ${data.date}：新邮件 ${data.day.messages} 封，新作品 ${data.day.entries} 件`
    + `${person ? `，${person} 项待人工处理` : ''}`, 200);
}

export function renderDigest(data: DigestData, now: Date): RenderedDigest {
  const tz = data.timezone;
  const units = data.units.map(unitState);
  const met = units.filter((s) => s === 'met').length;
  const behind = units.filter((s) => s === 'behind').length;
  const silent = units.filter((s) => s === 'silent').length;
  const left = daysLeft(data, now);

  const dayRows = kindList(data.day.byKind).map(([k, n]) => tr([k, String(n)], ['left', 'right']));
  dayRows.push(tr(['<b>新作品条目</b>', `<b>${data.day.entries}</b>（有效 ${data.day.validEntries}）`], ['left', 'right']));
  dayRows.push(tr(['已发出自动回复', String(data.day.repliesSent)], ['left', 'right']));
  const totalRows = [
    tr(['邮件总数', String(data.totals.messages)], ['left', 'right']),
    ...kindList(data.totals.byKind).map(([k, n]) => tr([`　${k}`, String(n)], ['left', 'right'])),
    tr(['作品条目（现行版本）', String(data.totals.entries)], ['left', 'right']),
    tr(['　有效作品', String(data.totals.validWorks)], ['left', 'right']),
    tr(['　待投稿人补充', String(data.totals.withProblems)], ['left', 'right']),
    tr(['　重复报送', String(data.totals.duplicates)], ['left', 'right']),
    ...(data.totals.excluded ? [tr(['　组织者已排除', String(data.totals.excluded)], ['left', 'right'])] : []),
    tr(['需人工处理的邮件', String(data.totals.needsPerson)], ['left', 'right']),
  ];

  const unknown = data.unknownUnits.length
    ? section('未识别的推荐单位', table(data.unknownUnits.map((u) => tr([h(u.spellings.join(' / '), 120), `收到 ${u.received}，有效 ${u.counted}`])),
      ['单位名称（原文）', '作品'], ['60%', '40%']), '请确认后用 units alias add 添加别名，作品即计入对应单位。')
    : '';
  const capped = data.capped.length
    ? section('超出回复限额的发件人', table(data.capped.map((c) => tr([h(c.address, 100), `${c.count} 封未回复`])), ['发件人', '本日'], ['65%', '35%']),
      '这些发件人当天的邮件已全部记录，但超出每日回复上限，未再自动回复。')
    : '';
  const issues = data.delivery.issues.length
    ? section('回复发送异常', table(data.delivery.issues.slice(0, LIST_MAX).map((i) => tr([
      `#${i.id} ${escapeHtml(label(REPLY_LABELS, i.status))}`, h(i.recipients.join(', '), 100), h(issueText(i), 160)])), ['编号', '收件人', '原因'], ['22%', '33%', '45%']),
    '“发送状态不明”的邮件可能已送达，系统不会自动重发；如需补发请运行 replies --resend 编号。')
    : '';

  const header = '<tr><td style="padding:18px 16px 6px;background:#1f3b63">'
    + `<div style="font-size:13px;color:#cfd8e6">${escapeHtml(data.contestName)}</div>`
    + `<div style="font-size:20px;font-weight:bold;color:#fff;line-height:1.4">每日简报 · ${escapeHtml(chineseDay(data.date))}</div>`
    + `<div style="font-size:12px;color:#cfd8e6;padding-bottom:8px">生成于 ${escapeHtml(localStamp(now, tz))}（北京时间） · ${escapeHtml(deadlineLine(data, now))}</div></td></tr>`;
  const figures = `<tr><td style="padding:12px 12px 0"><table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="width:100%;table-layout:fixed"><tr>`
    + figure('当日新邮件', String(data.day.messages), `新作品 ${data.day.entries} 件`)
    + figure('有效作品累计', String(data.totals.validWorks), `共 ${data.totals.entries} 条`)
    + figure(left >= 0 ? '距截止' : '已截止', left >= 0 ? `${left} 天` : `${-left} 天`, `待人工 ${data.needsPerson.length} 项`)
    + '</tr></table></td></tr>';

  const body = [
    header,
    figures,
    section('当日收件', table(dayRows, undefined, ['70%', '30%'])),
    section('累计', table(totalRows, undefined, ['70%', '30%'])),
    section('定向征集单位进度', unitsHtml(data), `已达标 ${met} 个 · 未达标 ${behind} 个 · 未报送 ${silent} 个（共 ${data.units.length} 个单位）`),
    newEmploymentHtml(data, now),
    unknown,
    section(`需要人工处理（${data.needsPerson.length}）`, personHtml(data.needsPerson, tz), '无法读取的附件、PDF/图片登记表、未识别单位、标题与登记表不一致、重复报送等。'),
    section(`等待投稿人补充（${data.waiting.length}）`, waitingHtml(data.waiting, tz), '已自动回复告知所缺内容，等待重新发送。'),
    capped,
    issues,
    `<tr><td style="padding:16px;font-size:12px;color:#888">完整数据见附件 Excel（作品、评审、单位进度、邮件四个工作表）。手机号码已部分隐藏。本邮件由 contest-intake 自动生成。</td></tr>`,
  ].join('');

  const subject = digestSubject(data);
  const html = '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
    + '<meta name="viewport" content="width=device-width,initial-scale=1">'
    + `<title>${escapeHtml(subject)}</title></head>`
    + `<body style="margin:0;padding:0;background:#f2f4f7;${FONT}">`
    + '<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="width:100%;background:#f2f4f7"><tr><td align="center" style="padding:12px 6px">'
    + `<table role="presentation" width="600" cellpadding="0" cellspacing="0" style="width:100%;max-width:600px;background:#fff;border-collapse:collapse;table-layout:fixed;color:#222;line-height:1.5;overflow-wrap:anywhere;word-wrap:break-word;${FONT}">`
    + body
    + '</table></td></tr></table></body></html>';
  return { subject, html, text: renderText(data, now) };
}

function renderText(data: DigestData, now: Date): string {
  const tz = data.timezone;
  const lines: string[] = [
    `${data.contestName} 每日简报 ${chineseDay(data.date)}`,
    `生成于 ${localStamp(now, tz)}（北京时间）；${deadlineLine(data, now)}`,
    '',
    '【当日收件】',
    ...kindList(data.day.byKind).map(([k, n]) => `  ${k}：${n}`),
    `  新作品条目：${data.day.entries}（有效 ${data.day.validEntries}）；已发出自动回复：${data.day.repliesSent}`,
    '',
    '【累计】',
    `  邮件 ${data.totals.messages}；作品条目 ${data.totals.entries}；有效 ${data.totals.validWorks}；待补充 ${data.totals.withProblems}；重复 ${data.totals.duplicates}${data.totals.excluded ? `；已排除 ${data.totals.excluded}` : ''}；需人工 ${data.totals.needsPerson}`,
    '',
    '【定向征集单位进度】',
    ...data.units.map((u) => `  ${clean(u.name)}：${u.counted}/${u.quota} ${STATE_LABEL[unitState(u)]}`
      + (u.newEmployment ? `；新就业 ${u.newEmployment.counted}/${u.newEmployment.quota}（${u.newEmployment.before} 前）` : '')),
  ];
  const county = data.units.filter((u) => u.newEmployment);
  if (county.length) {
    const rule = county[0]!.newEmployment!;
    lines.push('', '【新就业群体短视频（县市区网信部门）】',
      `  须在 ${rule.before} 前各报送 ${rule.quota} 条；已完成 ${county.filter((u) => u.newEmployment!.met).length}/${county.length} 个单位（各单位条数见上）`);
  }
  if (data.unknownUnits.length) {
    lines.push('', '【未识别的推荐单位】', ...data.unknownUnits.map((u) => `  ${clean(u.spellings.join(' / '))}：收到 ${u.received}，有效 ${u.counted}`));
  }
  lines.push('', `【需要人工处理（${data.needsPerson.length}）】`);
  for (const p of data.needsPerson.slice(0, LIST_MAX)) {
    lines.push(`  #${p.messageId} ${p.title ? `《${clean(p.title, 60)}》` : clean(p.subject, 80)} ${clean(p.sender, 80)}`);
    for (const r of p.reasons.slice(0, 6)) lines.push(`    - ${clean(r, 200)}`);
  }
  lines.push('', `【等待投稿人补充（${data.waiting.length}）】`);
  for (const w of data.waiting.slice(0, LIST_MAX)) {
    lines.push(`  #${w.messageId} ${w.title ? `《${clean(w.title, 60)}》` : '（未读到作品）'} ${clean(w.authors.join('、'), 60)}`
      + `${w.phone ? ` 手机 ${maskPhone(w.phone)}` : ''} ${clean(w.sender, 80)}（回复：${w.reply ? label(REPLY_LABELS, w.reply) : '未回复'}）`);
    for (const p of w.problems.slice(0, 6)) lines.push(`    - ${clean(p, 200)}`);
  }
  if (data.capped.length) {
    lines.push('', '【超出回复限额的发件人】', ...data.capped.map((c) => `  ${clean(c.address, 100)}：${c.count} 封未回复`));
  }
  if (data.delivery.issues.length) {
    lines.push('', '【回复发送异常】', ...data.delivery.issues.slice(0, LIST_MAX).map((i) => `  #${i.id} ${label(REPLY_LABELS, i.status)} ${clean(i.recipients.join(', '), 100)}：${clean(issueText(i), 160)}`));
  }
  lines.push('', '完整数据见附件 Excel。手机号码已部分隐藏。');
  return `${lines.join('\n')}\n`;
}
