import { chineseDay, daysBetween, localDay, localStamp } from '../domain/contest-calendar.ts';
import { DELIVERY_ERROR_LABELS, KIND_LABELS, REPLY_LABELS, label } from '../domain/state-labels.ts';
import { oneLine } from '../domain/text-safety.ts';
import type { UnitRow } from '../exports/export-data.ts';
import { maskPhone, maskPhonesInText } from '../privacy.ts';
import type { DeliveryIssue, DigestData, PersonItem, WaitingItem } from './digest-data.ts';

/**
 * What the organizers' morning mail says, once, as a description: header, key figures, sections of tables and
 * lists, footer. render-digest.ts turns the same description into HTML and into plain text, so the two can never
 * say different things. Pure. Text from mail is marked as such (`mail`): the renderers make it one line, cap it and
 * mask phone numbers in it; everything else here is the service's own wording.
 */

/** A piece of text; `mail` (its cap in characters) marks a value that came from outside. */
export interface Run {
  text: string;
  bold?: boolean;
  mail?: number;
}

export type UnitState = 'met' | 'behind' | 'silent';

export type Cell =
  | Run[]
  /** A progress bar (nothing in plain text). */
  | { bar: { counted: number; quota: number; state: UnitState } }
  /** A unit's state as a coloured badge (its label in plain text). */
  | { badge: UnitState }
  /** A short coloured word. */
  | { mark: { text: string; color: string } };

/** One entry of a list: a title, a reference (#message/entry · arrival), who, a list of points, a footnote. */
export interface Item {
  title: Run[];
  ref: string;
  who: Run[][];
  points: Run[];
  footnote?: string;
}

export type Part =
  | { type: 'table'; rows: Cell[][]; head?: string[]; widths?: string[]; align?: ('left' | 'right')[] }
  | { type: 'subheading'; runs: Run[] }
  | { type: 'items'; items: Item[] }
  /** What an empty list says. */
  | { type: 'none'; text: string }
  | { type: 'remark'; text: string };

export interface Section {
  title: string;
  note?: string;
  parts: Part[];
}

export interface DigestView {
  subject: string;
  header: { kicker: string; title: string; meta: string[] };
  figures: { title: string; value: string; sub: string }[];
  sections: Section[];
  footer: string;
}

/** How many items of a list the mail shows; the attached workbook has them all. */
const LIST_MAX = 30;

export function unitState(u: UnitRow): UnitState {
  if (u.counted >= u.quota) return 'met';
  return u.silent ? 'silent' : 'behind';
}

export const STATE_LABEL: Record<UnitState, string> = { met: '已达标', behind: '未达标', silent: '未报送' };
export const STATE_COLOR: Record<UnitState, string> = { met: '#2e7d32', behind: '#d97706', silent: '#c62828' };

/** Free text from mail: one line, capped, phone numbers masked. The renderers apply it to every `mail` run. */
export function clean(value: string | null | undefined, max = 120): string {
  return maskPhonesInText(oneLine(value, max));
}

const mail = (text: string | null | undefined, max = 120): Run => ({ text: text ?? '', mail: max });
const ours = (text: string): Run => ({ text });

function deadlineLine(data: DigestData, now: Date): string {
  const left = daysBetween(localDay(now, data.timezone), data.deadline);
  const when = chineseDay(data.deadline).replace(/（.*）$/, '');
  if (left > 0) return `距征集截止还有 ${left} 天（${when}）`;
  if (left === 0) return `今天是征集截止日（${when}）`;
  return `征集已于 ${when} 截止`;
}

function kindList(byKind: Record<string, number>): [string, number][] {
  const order = ['individual', 'unit_summary', 'automated', 'not_contest'];
  const keys = [...order, ...Object.keys(byKind).filter((k) => !order.includes(k))];
  return keys.map((k): [string, number] => [label(KIND_LABELS, k), byKind[k] ?? 0]);
}

const LR: ('left' | 'right')[] = ['left', 'right'];
const UNIT_COLUMNS = ['38%', '30%', '14%', '18%'];
const UNIT_ALIGN: ('left' | 'right')[] = ['left', 'left', 'right', 'left'];

const figureRow = (name: string, value: number): Cell[] => [[ours(name)], [ours(String(value))]];

function unitParts(data: DigestData): Part[] {
  const groups = new Map<string, UnitRow[]>();
  for (const u of data.units) groups.set(u.categoryLabel, [...(groups.get(u.categoryLabel) ?? []), u]);
  const parts: Part[] = [];
  for (const [category, units] of groups) {
    parts.push({ type: 'subheading', runs: [mail(category), ours(`（每单位至少 ${units[0]!.quota} 件）`)] });
    parts.push({
      type: 'table', head: ['单位', '进度', '计入', '状态'], widths: UNIT_COLUMNS, align: UNIT_ALIGN,
      rows: units.map((u) => {
        const state = unitState(u);
        return [[mail(u.name)], { bar: { counted: u.counted, quota: u.quota, state } }, [ours(`${u.counted}/${u.quota}`)], { badge: state }];
      }),
    });
  }
  return parts;
}

function newEmploymentSection(data: DigestData, now: Date): Section | null {
  const county = data.units.filter((u) => u.newEmployment);
  if (!county.length) return null;
  const rule = county[0]!.newEmployment!;
  const passed = localDay(now, data.timezone) > rule.before;
  const met = county.filter((u) => u.newEmployment!.met).length;
  const rows = county.map((u): Cell[] => {
    const ne = u.newEmployment!;
    const state: UnitState = ne.met ? 'met' : ne.counted === 0 ? 'silent' : 'behind';
    const word = ne.met ? '已完成' : passed ? '已逾期未完成' : '未完成';
    const color = ne.met ? STATE_COLOR.met : passed ? STATE_COLOR.silent : STATE_COLOR[state];
    return [[mail(u.name)], { bar: { counted: ne.counted, quota: ne.quota, state } }, [ours(`${ne.counted}/${ne.quota}`)], { mark: { text: word, color } }];
  });
  return {
    title: '新就业群体短视频（县市区网信部门）',
    note: `县（市、区）网信部门须在 ${rule.before} 前各报送 ${rule.quota} 条新就业群体短视频；已完成 ${met}/${county.length} 个单位。`,
    parts: [{ type: 'table', head: ['单位', '进度', '条数', '状态'], widths: UNIT_COLUMNS, align: UNIT_ALIGN, rows }],
  };
}

const ref = (messageId: number, entryId: number | null, receivedAt: string, tz: string): string =>
  `#${messageId}${entryId ? `/${entryId}` : ''} · ${localStamp(receivedAt, tz)}`;

const titled = (title: string): Run[] => [ours('《'), mail(title, 60), ours('》')];

/** A list, or what an empty one says, and how many it leaves out. */
function listParts(items: Item[], none: string): Part[] {
  if (!items.length) return [{ type: 'none', text: none }];
  const parts: Part[] = [{ type: 'items', items: items.slice(0, LIST_MAX) }];
  if (items.length > LIST_MAX) parts.push({ type: 'remark', text: `另有 ${items.length - LIST_MAX} 条未列出，见附件 Excel。` });
  return parts;
}

function personItem(p: PersonItem, tz: string): Item {
  const title = p.title ? titled(p.title) : clean(p.subject, 80) ? [mail(p.subject, 80)] : [ours('（无标题）')];
  return {
    title, ref: ref(p.messageId, p.entryId, p.receivedAt, tz), who: clean(p.sender, 80) ? [[mail(p.sender, 80)]] : [],
    points: p.reasons.slice(0, 6).map((r) => mail(r, 200)),
  };
}

function waitingItem(w: WaitingItem, tz: string): Item {
  const who: Run[][] = [];
  if (w.authors.length && clean(w.authors.join('、'), 60)) who.push([mail(w.authors.join('、'), 60)]);
  if (w.phone) who.push([ours(`手机 ${maskPhone(w.phone)}`)]);
  if (clean(w.sender, 80)) who.push([mail(w.sender, 80)]);
  return {
    title: w.title ? titled(w.title) : [ours('（未读到作品）')], ref: ref(w.messageId, w.entryId, w.receivedAt, tz), who,
    points: w.problems.slice(0, 6).map((p) => mail(p, 200)), footnote: `回复：${w.reply ? label(REPLY_LABELS, w.reply) : '未回复'}`,
  };
}

function issueText(i: DeliveryIssue): string {
  const word = i.code ? DELIVERY_ERROR_LABELS[i.code] : undefined;
  return word ? (i.code === 'interrupted' || !i.error ? word : `${word}：${i.error}`) : i.error ?? '';
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
  const left = daysBetween(localDay(now, tz), data.deadline);

  const dayRows: Cell[][] = [
    ...kindList(data.day.byKind).map(([k, n]) => figureRow(k, n)),
    [[{ text: '新作品条目', bold: true }], [{ text: String(data.day.entries), bold: true }, ours(`（有效 ${data.day.validEntries}）`)]],
    figureRow('已发出自动回复', data.day.repliesSent),
  ];
  const totalRows: Cell[][] = [
    figureRow('邮件总数', data.totals.messages),
    ...kindList(data.totals.byKind).map(([k, n]) => figureRow(`　${k}`, n)),
    figureRow('作品条目（现行版本）', data.totals.entries),
    figureRow('　有效作品', data.totals.validWorks),
    figureRow('　待投稿人补充', data.totals.withProblems),
    figureRow('　重复报送', data.totals.duplicates),
    ...(data.totals.excluded ? [figureRow('　组织者已排除', data.totals.excluded)] : []),
    figureRow('需人工处理的邮件', data.totals.needsPerson),
  ];

  const sections: (Section | null)[] = [
    { title: '当日收件', parts: [{ type: 'table', rows: dayRows, widths: ['70%', '30%'], align: LR }] },
    { title: '累计', parts: [{ type: 'table', rows: totalRows, widths: ['70%', '30%'], align: LR }] },
    {
      title: '定向征集单位进度', parts: unitParts(data),
      note: `已达标 ${count('met')} 个 · 未达标 ${count('behind')} 个 · 未报送 ${count('silent')} 个（共 ${data.units.length} 个单位）`,
    },
    newEmploymentSection(data, now),
    data.unknownUnits.length ? {
      title: '未识别的推荐单位', note: '请确认后用 units alias add 添加别名，作品即计入对应单位。',
      parts: [{
        type: 'table', head: ['单位名称（原文）', '作品'], widths: ['60%', '40%'],
        rows: data.unknownUnits.map((u): Cell[] => [[mail(u.spellings.join(' / '), 120)], [ours(`收到 ${u.received}，有效 ${u.counted}`)]]),
      }],
    } : null,
    {
      title: `需要人工处理（${data.needsPerson.length}）`, note: '无法读取的附件、PDF/图片登记表、未识别单位、标题与登记表不一致、重复报送等。',
      parts: listParts(data.needsPerson.map((p) => personItem(p, tz)), '没有需要人工处理的邮件。'),
    },
    {
      title: `等待投稿人补充（${data.waiting.length}）`, note: '已自动回复告知所缺内容，等待重新发送。',
      parts: listParts(data.waiting.map((w) => waitingItem(w, tz)), '没有等待投稿人补充的作品。'),
    },
    data.capped.length ? {
      title: '超出回复限额的发件人', note: '这些发件人当天的邮件已全部记录，但超出每日回复上限，未再自动回复。',
      parts: [{
        type: 'table', head: ['发件人', '本日'], widths: ['65%', '35%'],
        rows: data.capped.map((c): Cell[] => [[mail(c.address, 100)], [ours(`${c.count} 封未回复`)]]),
      }],
    } : null,
    data.delivery.issues.length ? {
      title: '回复发送异常', note: '“发送状态不明”的邮件可能已送达，系统不会自动重发；如需补发请运行 replies --resend 编号。',
      parts: [{
        type: 'table', head: ['编号', '收件人', '原因'], widths: ['22%', '33%', '45%'],
        rows: data.delivery.issues.slice(0, LIST_MAX).map((i): Cell[] => [
          [ours(`#${i.id} ${label(REPLY_LABELS, i.status)}`)], [mail(i.recipients.join(', '), 100)], [mail(issueText(i), 160)]]),
      }],
    } : null,
  ];

  return {
    subject: digestSubject(data),
    header: {
      kicker: data.contestName, title: `每日简报 · ${chineseDay(data.date)}`,
      meta: [`生成于 ${localStamp(now, tz)}（北京时间）`, deadlineLine(data, now)],
    },
    figures: [
      { title: '当日新邮件', value: String(data.day.messages), sub: `新作品 ${data.day.entries} 件` },
      { title: '有效作品累计', value: String(data.totals.validWorks), sub: `共 ${data.totals.entries} 条` },
      { title: left >= 0 ? '距截止' : '已截止', value: `${Math.abs(left)} 天`, sub: `待人工 ${data.needsPerson.length} 项` },
    ],
    sections: sections.filter((s): s is Section => s !== null),
    footer: '完整数据见附件 Excel（作品、评审、单位进度、邮件四个工作表）。手机号码已部分隐藏。本邮件由 contest-intake 自动生成。',
  };
}
