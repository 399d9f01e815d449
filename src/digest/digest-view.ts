import { chineseDay, daysBetween, localStamp } from '../domain/contest-calendar.ts';
import { DELIVERY_ERROR_LABELS, ENTRY_STATE_LABELS, KIND_LABELS, REPLY_LABELS, label } from '../domain/state-labels.ts';
import { oneLine } from '../domain/text-safety.ts';
import type { UnitRow } from '../exports/export-data.ts';
import { maskPhone } from '../privacy.ts';
import type { DeliveryIssue, DigestData, NewWork, PersonItem, WaitingItem } from './digest-data.ts';
import {
  clean, mail, ours, STATE_COLOR, unitState, type Cell, type DigestView, type Item, type Part, type Run, type Section, type UnitState,
} from './digest-model.ts';
import { STATE_LEGEND, STATE_ORDER } from './digest-wording.ts';

/**
 * What the organizers' morning mail says, once, as a description (digest-model.ts): what needs a person and what to
 * do about it, the day's new works, the units (behind first, then met, the silent ones on one line) with their
 * contacts, what waits for submitters, and totals that add up with a legend. Pure. Days and deadlines are counted
 * from the reported day, so a digest made again for an earlier day says what it said then.
 */

/** How many items of a list the mail shows; the attached workbook has them all. */
const LIST_MAX = 30;

const STATE_MARK_COLOR: Record<string, string> = {
  registered: '#2e7d32', merged: '#2e7d32', needs_fix: '#b45309', ineligible: '#6b7280', with_organizers: '#2f6fb3', duplicate: '#2f6fb3',
  superseded: '#6b7280', excluded: '#6b7280',
};

function deadlineLine(data: DigestData): string {
  const left = daysBetween(data.date, data.deadline);
  const when = chineseDay(data.deadline).replace(/（.*）$/, '');
  if (left > 0) return `截至当日，距征集截止还有 ${left} 天（${when}）`;
  if (left === 0) return `当日是征集截止日（${when}）`;
  return `征集已于 ${when} 截止`;
}

function kindList(byKind: Record<string, number>): [string, number][] {
  const order = ['individual', 'unit_summary', 'automated', 'not_contest'];
  const keys = [...order, ...Object.keys(byKind).filter((k) => !order.includes(k))];
  return keys.map((k): [string, number] => [label(KIND_LABELS, k), byKind[k] ?? 0]);
}

const LR: ('left' | 'right')[] = ['left', 'right'];
const figureRow = (name: string, value: number, bold = false): Cell[] => [[{ text: name, bold }], [{ text: String(value), bold }]];
const ref = (messageId: number, entryId: number | null, receivedAt: string, tz: string): string =>
  `#${messageId}${entryId ? `/${entryId}` : ''} · ${localStamp(receivedAt, tz)}`;
const titled = (title: string): Run[] => [ours('《'), mail(title, 60), ours('》')];

/** A list, or what an empty one says, and how many it leaves out. */
function listParts(items: Item[], none: string): Part[] {
  if (!items.length) return [{ type: 'none', text: none }];
  const parts: Part[] = [{ type: 'items', items: items.slice(0, LIST_MAX) }];
  if (items.length > LIST_MAX) parts.push({ type: 'remark', runs: [ours(`另有 ${items.length - LIST_MAX} 条未列出，见附件 Excel。`)] });
  return parts;
}

// ---- what needs a person ------------------------------------------------------------------------------------

function personItem(p: PersonItem, tz: string): Item {
  const title = p.title ? titled(p.title) : clean(p.subject, 80) ? [mail(p.subject, 80)] : [ours('（无标题）')];
  return {
    title, ref: ref(p.messageId, p.entryId, p.receivedAt, tz), who: clean(p.sender, 80) ? [[mail(p.sender, 80)]] : [],
    points: p.reasons.slice(0, 6).flatMap((r) => [[mail(r.text, 200)], ...(r.todo ? [[{ text: '处理：', bold: true }, ours(r.todo)]] : [])]),
    footnote: p.link ? [ours('打开：'), { text: p.link, href: p.link }] : [ours(`在 contest-intake 中为邮件 #${p.messageId}${p.entryId ? `、作品 #${p.entryId}` : ''}`)],
  };
}

// ---- the day's new works ------------------------------------------------------------------------------------

function newWorkItem(w: NewWork, tz: string): Item {
  const who: Run[][] = [];
  if (w.authors.length && clean(w.authors.join('、'), 60)) who.push([mail(w.authors.join('、'), 60)]);
  who.push(w.unit ? [mail(w.unit, 40)] : [ours('个人')]);
  return {
    title: w.title ? titled(w.title) : [ours('（未填写题目）')], ref: ref(w.messageId, w.entryId, w.receivedAt, tz), who,
    points: w.link ? [[mail(w.link, 120)]] : [], mark: { text: label(ENTRY_STATE_LABELS, w.state), color: STATE_MARK_COLOR[w.state] ?? '#555' },
  };
}

// ---- units ----------------------------------------------------------------------------------------------------

const UNIT_COLUMNS = ['44%', '24%', '14%', '18%'];
const UNIT_ALIGN: ('left' | 'right')[] = ['left', 'left', 'right', 'left'];

function contactRuns(u: UnitRow): Run[] {
  const c = u.contact;
  if (!c || (!c.name && !c.phone)) return [{ text: '联系人：—', br: true, small: true }];
  return [{ text: '联系人：', br: true, small: true }, { ...mail([c.name, c.phone ? maskPhone(c.phone) : null].filter(Boolean).join(' '), 40), small: true }];
}

function unitRow(u: UnitRow): Cell[] {
  const state = unitState(u);
  return [
    [mail(u.name, 30), ...contactRuns(u)],
    { bar: { counted: u.counted, quota: u.quota, state } }, [ours(`${u.counted}/${u.quota}`)], { badge: state },
  ];
}

/** Behind first (the least done first), then met, then the silent ones folded into one line with their count. */
function unitParts(data: DigestData): Part[] {
  const behind = data.units.filter((u) => unitState(u) === 'behind').sort((a, b) => a.counted / a.quota - b.counted / b.quota);
  const met = data.units.filter((u) => unitState(u) === 'met');
  const silent = data.units.filter((u) => unitState(u) === 'silent');
  const parts: Part[] = [];
  if (behind.length || met.length) {
    parts.push({ type: 'table', head: ['单位 · 联系人', '进度', '计入', '状态'], widths: UNIT_COLUMNS, align: UNIT_ALIGN, rows: [...behind, ...met].map(unitRow) });
  }
  if (silent.length) {
    parts.push({ type: 'remark', runs: [{ text: `未报送 ${silent.length} 个单位：`, bold: true }, mail(silent.map((u) => u.name).join('、'), 2000)] });
  }
  return parts;
}

function newEmploymentSection(data: DigestData): Section | null {
  const county = data.units.filter((u) => u.newEmployment);
  if (!county.length) return null;
  const rule = county[0]!.newEmployment!;
  const passed = data.date > rule.before;
  const met = county.filter((u) => u.newEmployment!.met).length;
  const rows = county.map((u): Cell[] => {
    const ne = u.newEmployment!;
    const state: UnitState = ne.met ? 'met' : ne.counted === 0 ? 'silent' : 'behind';
    const word = ne.met ? '已完成' : passed ? '已逾期未完成' : '未完成';
    const color = ne.met ? STATE_COLOR.met : passed ? STATE_COLOR.silent : STATE_COLOR[state];
    return [[mail(u.name, 30)], { bar: { counted: ne.counted, quota: ne.quota, state } }, [ours(`${ne.counted}/${ne.quota}`)], { mark: { text: word, color } }];
  });
  const left = daysBetween(data.date, rule.before);
  return {
    title: '新就业群体短视频（县市区网信部门）',
    note: `县（市、区）网信部门须在 ${rule.before} 前各报送 ${rule.quota} 条新就业群体短视频${left >= 0 ? `（截至当日还有 ${left} 天）` : '（已截止）'}；`
      + `已完成 ${met}/${county.length} 个单位。`,
    parts: [{ type: 'table', head: ['单位', '进度', '条数', '状态'], widths: UNIT_COLUMNS, align: UNIT_ALIGN, rows }],
  };
}

// ---- waiting for submitters -------------------------------------------------------------------------------------

function waitingItem(w: WaitingItem, tz: string): Item {
  const who: Run[][] = [];
  if (w.authors.length && clean(w.authors.join('、'), 60)) who.push([mail(w.authors.join('、'), 60)]);
  if (w.phone) who.push([ours(`手机 ${maskPhone(w.phone)}`)]);
  if (clean(w.sender, 80)) who.push([mail(w.sender, 80)]);
  return {
    title: w.title ? titled(w.title) : [ours('（未读到作品）')], ref: ref(w.messageId, w.entryId, w.receivedAt, tz), who,
    points: w.problems.slice(0, 6).map((p) => [mail(p, 200)]), footnote: [ours(`回复：${w.reply ? label(REPLY_LABELS, w.reply) : '未回复'}`)],
  };
}

function issueText(i: DeliveryIssue): string {
  const word = i.code ? DELIVERY_ERROR_LABELS[i.code] : undefined;
  return word ? (i.code === 'interrupted' || !i.error ? word : `${word}：${i.error}`) : i.error ?? '';
}

// ---- totals -------------------------------------------------------------------------------------------------------

function totalsSection(data: DigestData): Section {
  const rows: Cell[][] = [
    figureRow('邮件总数', data.totals.messages, true),
    ...kindList(data.totals.byKind).map(([k, n]) => figureRow(`　${k}`, n)),
    figureRow('作品记录（含各版本）', data.totals.entries, true),
    ...STATE_ORDER.map((s) => figureRow(`　${label(ENTRY_STATE_LABELS, s)}`, data.totals.byState[s])),
  ];
  const sum = STATE_ORDER.reduce((n, s) => n + data.totals.byState[s], 0);
  return {
    title: '累计',
    note: `截至 ${chineseDay(data.date).replace(/（.*）$/, '')} 24:00。作品记录按状态分列，合计 ${sum} 条。`,
    parts: [
      { type: 'table', rows, widths: ['72%', '28%'], align: LR },
      { type: 'legend', entries: STATE_ORDER.map((s): [string, string] => [label(ENTRY_STATE_LABELS, s), STATE_LEGEND[s]]) },
    ],
  };
}

export function digestSubject(data: DigestData): string {
  const person = data.needsPerson.length;
  return oneLine(`${data.contestName} 每日简报 ${data.date}：新邮件 ${data.day.messages} 封，新作品 ${data.day.entries} 件`
    + `${person ? `，${person} 项待人工处理` : ''}`, 200);
}

export function describeDigest(data: DigestData, now: Date): DigestView {
  const tz = data.timezone;
  const states = data.units.map(unitState);
  const count = (s: UnitState) => states.filter((x) => x === s).length;
  const left = daysBetween(data.date, data.deadline);
  const registered = data.totals.byState.registered;

  const dayRows: Cell[][] = [
    ...kindList(data.day.byKind).map(([k, n]) => figureRow(k, n)),
    [[{ text: '新作品', bold: true }], [{ text: String(data.day.entries), bold: true }, ours(`（已登记 ${data.day.registered}）`)]],
    figureRow('已发出的回复和回执', data.day.repliesSent),
  ];

  const sections: (Section | null)[] = [
    {
      title: `需要人工处理（${data.needsPerson.length}）`, note: 'PDF 或图片登记表、未识别的推荐单位、同一作品重复报送、无法取回或处理失败的邮件。每项后附处理方法。',
      parts: listParts(data.needsPerson.map((p) => personItem(p, tz)), '没有需要人工处理的事项。'),
    },
    {
      title: `当日新作品（${data.newWorks.length}）`, note: '作品、作者、推荐单位（个人投稿为“个人”）、抖音链接和登记状态。',
      parts: listParts(data.newWorks.map((w) => newWorkItem(w, tz)), '当日没有新作品。'),
    },
    {
      title: '定向征集单位进度', parts: unitParts(data),
      note: `未达标 ${count('behind')} 个 · 已达标 ${count('met')} 个 · 未报送 ${count('silent')} 个（共 ${data.units.length} 个单位）。联系人来自单位汇总表。`,
    },
    newEmploymentSection(data),
    {
      title: `等待投稿人补充（${data.waiting.length}）`, note: '已自动回复告知所缺内容，等待重新发送。',
      parts: listParts(data.waiting.map((w) => waitingItem(w, tz)), '没有等待投稿人补充的作品。'),
    },
    data.unknownUnits.length ? {
      title: '未识别的推荐单位', note: '请确认后用 units alias add 添加别名，作品即计入对应单位。',
      parts: [{
        type: 'table', head: ['单位名称（原文）', '作品'], widths: ['60%', '40%'],
        rows: data.unknownUnits.map((u): Cell[] => [[mail(u.spellings.join(' / '), 120)], [ours(`收到 ${u.received}，有效 ${u.counted}`)]]),
      }],
    } : null,
    { title: '当日收件', parts: [{ type: 'table', rows: dayRows, widths: ['72%', '28%'], align: LR }] },
    totalsSection(data),
    data.capped.length ? {
      title: '超出回复限额的发件人', note: '这些发件人当天的邮件已全部记录，但超出每人每日回复上限，未再自动回复。',
      parts: [{
        type: 'table', head: ['发件人', '本日'], widths: ['65%', '35%'],
        rows: data.capped.map((c): Cell[] => [[mail(c.address, 100)], [ours(`${c.count} 封未回复`)]]),
      }],
    } : null,
    data.delivery.issues.length || data.delivery.dropped ? {
      title: '回复发送异常', note: '“发送状态不明”的邮件可能已送达，系统不会自动重发；如需补发请运行 replies --resend 编号。',
      parts: [
        ...(data.delivery.dropped ? [{ type: 'remark', runs: [ours(`当日有 ${data.delivery.dropped} 封回执未能在规定时间内发出，已放弃（不影响登记）。`)] } as Part] : []),
        ...(data.delivery.issues.length ? [{
          type: 'table', head: ['编号', '收件人', '原因'], widths: ['22%', '33%', '45%'],
          rows: data.delivery.issues.slice(0, LIST_MAX).map((i): Cell[] => [
            [ours(`#${i.id} ${label(REPLY_LABELS, i.status)}`)], [mail(i.recipients.join(', '), 100)], [mail(issueText(i), 160)]]),
        } as Part] : []),
      ],
    } : null,
  ];

  return {
    subject: digestSubject(data),
    header: {
      kicker: data.contestName, title: `每日简报 · ${chineseDay(data.date)}`,
      meta: [`生成于 ${localStamp(now, tz)}（北京时间）`, deadlineLine(data)],
    },
    figures: [
      { title: '当日新作品', value: String(data.day.entries), sub: `新邮件 ${data.day.messages} 封` },
      { title: '已登记作品', value: String(registered), sub: `截至 ${data.date.slice(5)}` },
      { title: left >= 0 ? '距截止' : '已截止', value: `${Math.abs(left)} 天`, sub: `待人工 ${data.needsPerson.length} 项` },
    ],
    sections: sections.filter((s): s is Section => s !== null),
    footer: '完整数据见附件 Excel（作品、评分、评审汇总、组织奖、单位进度、邮件）。手机号码和地址已部分隐藏。本邮件由 contest-intake 自动生成。',
  };
}
