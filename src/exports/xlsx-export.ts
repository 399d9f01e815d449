import { PassThrough } from 'node:stream';
import { finished } from 'node:stream/promises';
import type ExcelJS from 'exceljs';
import { localStamp } from '../domain/contest-calendar.ts';
import { ENTRY_STATE_LABELS, KIND_LABELS, MESSAGE_STATUS_LABELS, REPLY_LABELS, label } from '../domain/state-labels.ts';
import type { ExportData, ExportEntry, UnitExportData } from './export-data.ts';
import { judgingSheets } from './judging-sheets.ts';
import { linkCell, TableSheet, texts, type Texts } from './workbook-kit.ts';

/**
 * The organizers' workbook: 作品 (the notice's summary-form columns, then 通讯地址, 作品简介, the new-employment
 * flag, the state and the problems), one 评分 sheet per judge, 评审汇总, 组织奖, 单位进度, 邮件; and, for
 * `export --unit`, one unit's works in the layout of the notice's 附件2. Every sheet prints on A4 landscape, one page
 * wide (workbook-kit.ts).
 */

export interface ExcelOptions {
  /** Mask phone numbers and addresses (the digest's attachment travels by mail); the organizers' own export keeps them. */
  maskPhones?: boolean;
}

const organizersLine = (data: Pick<ExportData, 'contact' | 'timezone' | 'generatedAt'>, what: string): string =>
  `汇总单位：大赛组委会（${data.contact.mailbox}）　联系人：${data.contact.name ?? '—'}　联系方式：${data.contact.phone ?? '—'}　`
  + `${what}　导出时间：${localStamp(data.generatedAt, data.timezone)}（北京时间）`;

function worksSheet(wb: ExcelJS.Workbook, data: ExportData, t: Texts): void {
  const sheet = new TableSheet(wb, {
    name: '作品',
    title: `${data.contestName}作品汇总表`,
    subtitle: organizersLine(data, `共 ${data.entries.length} 件`),
    columns: [
      { header: '序号', width: 5 }, { header: '作品题目', width: 18 }, { header: '作者姓名', width: 10 }, { header: '职业/单位', width: 16 },
      { header: '作品链接', width: 29 }, { header: '手机号码', width: 13 }, { header: '通讯地址', width: 18 }, { header: '作品简介', width: 30 },
      { header: '新就业\n群体', width: 7 }, { header: '推荐单位', width: 13 }, { header: '登记状态', width: 10 }, { header: '问题', width: 26 },
      { header: '收到时间', width: 11 }, { header: '发件人', width: 17 }, { header: '条目\n编号', width: 6 }, { header: '核对与备注', width: 18 },
    ],
  });
  sheet.sheet.autoFilter = { from: { row: 3, column: 1 }, to: { row: 3, column: sheet.width } };
  data.entries.forEach((e, i) => {
    sheet.addRow([
      i + 1, t.text(e.title), t.text(e.authors.join('、')), t.text(e.occupationUnit), linkCell(e.link, t), t.phone(e.phone),
      t.address(e.address), t.text(e.intro), e.newEmployment ? '是' : '', t.text(e.unit) || '个人', label(ENTRY_STATE_LABELS, e.state),
      t.text(e.problems.join('\n')), localStamp(e.receivedAt, data.timezone).replace(' ', '\n'), t.text(e.sender), e.id, t.text(e.review.join('\n')),
    ]);
  });
  sheet.commit();
}

function unitsSheet(wb: ExcelJS.Workbook, data: ExportData, t: Texts): void {
  const sheet = new TableSheet(wb, {
    name: '单位进度',
    title: `${data.contestName}定向征集单位进度表`,
    subtitle: organizersLine(data, `共 ${data.units.length} 个单位`),
    columns: [
      { header: '单位', width: 20 }, { header: '类别', width: 16 }, { header: '任务数', width: 7 }, { header: '已计入', width: 7 },
      { header: '已收到', width: 7 }, { header: '完成率', width: 8 }, { header: '状态', width: 8 }, { header: '新就业（条）', width: 9 },
      { header: '新就业任务', width: 8 }, { header: '新就业截止', width: 11 }, { header: '新就业状态', width: 9 },
      { header: '联系人', width: 10 }, { header: '联系方式', width: 14 },
    ],
  });
  sheet.sheet.autoFilter = { from: { row: 3, column: 1 }, to: { row: 3, column: sheet.width } };
  for (const u of data.units) {
    const state = u.counted >= u.quota ? '已达标' : u.silent ? '未报送' : '未达标';
    const ne = u.newEmployment;
    sheet.addRow([
      t.text(u.name), t.text(u.categoryLabel), u.quota, u.counted, u.received, u.quota ? Math.min(1, u.counted / u.quota) : 1, state,
      ne ? ne.counted : '', ne ? ne.quota : '', ne ? ne.before : '', ne ? (ne.met ? '已完成' : '未完成') : '',
      t.text(u.contact?.name) || '—', t.phone(u.contact?.phone) || '—',
    ], { numFmt: { 6: '0%' } });
  }
  sheet.commit();
}

function messagesSheet(wb: ExcelJS.Workbook, data: ExportData, t: Texts): void {
  const sheet = new TableSheet(wb, {
    name: '邮件',
    title: `${data.contestName}来信登记表`,
    subtitle: organizersLine(data, `共 ${data.messages.length} 封`),
    columns: [
      { header: '编号', width: 6 }, { header: '收到时间', width: 15 }, { header: '发件人', width: 24 }, { header: '邮件标题', width: 34 },
      { header: '类型', width: 11 }, { header: '状态', width: 11 }, { header: '问题', width: 44 }, { header: '自动回复', width: 11 },
    ],
  });
  sheet.sheet.autoFilter = { from: { row: 3, column: 1 }, to: { row: 3, column: sheet.width } };
  for (const m of data.messages) {
    sheet.addRow([
      m.id, localStamp(m.receivedAt, data.timezone), t.text(m.from), t.text(m.subject), label(KIND_LABELS, m.kind),
      label(MESSAGE_STATUS_LABELS, m.status), t.text(m.problems.join('\n')), m.reply ? label(REPLY_LABELS, m.reply) : '',
    ]);
  }
  sheet.commit();
}

/**
 * The judges fill in scores: formulas carry no cached result and the spreadsheet is told to recompute on open
 * (fullCalcOnLoad), so no application shows a stale total. The streamed writer has no setting for it, so the
 * attribute is added to xl/workbook.xml as it goes into the zip (a test reads it back).
 */
function recalculateOnLoad(wb: ExcelJS.Workbook): void {
  const zip = (wb as unknown as { zip: { append(source: unknown, data: { name: string }): unknown } }).zip;
  const append = zip.append.bind(zip);
  zip.append = (source, data) => append(
    data.name.endsWith('xl/workbook.xml') && typeof source === 'string' ? source.replace('<calcPr ', '<calcPr fullCalcOnLoad="1" ') : source, data);
}

/**
 * Streamed: each row is written out as it is added, so a workbook of tens of thousands of entries (a hostile unit
 * form can make thousands) costs the worker a few megabytes instead of a kilobyte per cell.
 */
async function streamWorkbook(meta: { title: string; generatedAt: string }, fill: (wb: ExcelJS.Workbook) => void): Promise<Buffer> {
  // Loaded on first use: exceljs and its ~400 modules are memory that a poll never needs.
  const { default: Excel } = await import('exceljs');
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  const done = finished(out);
  const wb = new Excel.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  wb.creator = 'contest-intake';
  wb.created = new Date(meta.generatedAt);
  wb.modified = new Date(meta.generatedAt);
  wb.title = meta.title;
  recalculateOnLoad(wb);
  fill(wb);
  await wb.commit();
  await done;
  return Buffer.concat(chunks);
}

export async function renderXlsx(data: ExportData, opts: ExcelOptions = {}): Promise<Buffer> {
  const t = texts(opts.maskPhones ?? false);
  return streamWorkbook({ title: `${data.contestName} 作品汇总`, generatedAt: data.generatedAt }, (wb) => {
    worksSheet(wb, data, t);
    judgingSheets(wb, data, t);
    unitsSheet(wb, data, t);
    messagesSheet(wb, data, t);
  });
}

/** The rows a unit sent, in the notice's 附件2 columns, with what each still needs: for the unit to confirm. */
function unitWorksSheet(wb: ExcelJS.Workbook, data: UnitExportData, t: Texts): void {
  const sheet = new TableSheet(wb, {
    name: '推荐汇总表',
    title: `${data.contestName}推荐汇总表`,
    subtitle: `推荐单位：${data.unit}　　联系人：${t.text(data.contact?.name) || '—'}　　联系方式：${t.phone(data.contact?.phone) || '—'}`,
    columns: [
      { header: '序号', width: 6 }, { header: '作品题目', width: 24 }, { header: '作者姓名', width: 14 }, { header: '职业/单位', width: 22 },
      { header: '作品链接', width: 32 }, { header: '手机号码', width: 14 }, { header: '登记状态', width: 12 }, { header: '需补充的内容', width: 34 },
    ],
  });
  data.entries.forEach((e: ExportEntry, i) => {
    sheet.addRow([
      i + 1, t.text(e.title), t.text(e.authors.join('、')), t.text(e.occupationUnit), linkCell(e.link, t), t.phone(e.phone),
      label(ENTRY_STATE_LABELS, e.state), t.text(e.state === 'registered' || e.state === 'merged' ? '' : e.problems.join('\n')),
    ]);
  });
  sheet.addNote(`以上为截至 ${localStamp(data.generatedAt, data.timezone)}（北京时间）收到的贵单位推荐作品，共 ${data.entries.length} 件；`
    + `已登记 ${data.entries.filter((e) => e.state === 'registered' || e.state === 'merged').length} 件。如有出入，请与大赛组委会联系。`);
  sheet.commit();
}

export async function renderUnitXlsx(data: UnitExportData): Promise<Buffer> {
  return streamWorkbook({ title: `${data.contestName} 推荐汇总表 ${data.unit}`, generatedAt: data.generatedAt }, (wb) => {
    unitWorksSheet(wb, data, texts(false));
  });
}
