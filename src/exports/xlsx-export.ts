import { PassThrough } from 'node:stream';
import { finished } from 'node:stream/promises';
import type ExcelJS from 'exceljs';
import { localStamp } from '../domain/contest-calendar.ts';
import { ENTRY_STATUS_LABELS, KIND_LABELS, MESSAGE_STATUS_LABELS, REPLY_LABELS, label } from '../domain/state-labels.ts';
import { safeCell } from '../domain/text-safety.ts';
import { maskPhone, maskPhonesInText } from '../privacy.ts';
import type { ExportData, ExportEntry, UnitRow } from './export-data.ts';

/**
 * The organizers' workbook: 作品 (the notice's summary-form columns plus status and problems), 评审 (one row per
 * valid work, four criteria, a total, the award slots), 单位进度, 邮件. Every value from mail goes through safeCell
 * (no live formula, no XML-invalid character); the only formulas are the ones written here.
 */

export interface ExcelOptions {
  /** Mask phone numbers (the digest's attachment travels by mail); the organizers' own export keeps them. */
  maskPhones?: boolean;
  awards?: { label: string; slots: number }[];
}

/** The notice: 一等奖 3 名，二等奖 6 名，三等奖 9 名，另设优秀奖 50 名. */
export const DEFAULT_AWARDS = [
  { label: '一等奖', slots: 3 }, { label: '二等奖', slots: 6 }, { label: '三等奖', slots: 9 }, { label: '优秀奖', slots: 50 },
];

export const CRITERIA = ['策划创意', '主题吻合度', '制作难度', '传播效果'] as const;

const HEADER_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFDCE6F1' } };
const SAFE_LINK = /^https?:\/\/[A-Za-z0-9.-]+(?::\d+)?(?:\/[A-Za-z0-9\-._~%!$&'()*+,;=:@/?#]*)?$/;

function texts(opts: ExcelOptions) {
  const text = (v: string | null | undefined): string => safeCell(opts.maskPhones && v ? maskPhonesInText(v) : v);
  const phone = (v: string | null | undefined): string => (v ? safeCell(opts.maskPhones ? maskPhone(v) : v) : '');
  return { text, phone };
}

/** A sheet whose first row is its styled, frozen header. */
function addSheet(wb: ExcelJS.Workbook, name: string, columns: { header: string; width: number }[]): ExcelJS.Worksheet {
  // A streamed sheet takes its views when it is made, not after.
  const sheet = wb.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = columns.map((c) => ({ header: c.header, width: c.width }));
  const head = sheet.getRow(1);
  head.font = { bold: true };
  head.fill = HEADER_FILL;
  head.alignment = { vertical: 'middle', wrapText: true };
  return sheet;
}

/** A hyperlink cell for a canonical Douyin link; anything else stays plain (neutralized) text. */
function linkCell(link: string | null, text: (v: string | null) => string): ExcelJS.CellValue {
  if (!link) return '';
  if (SAFE_LINK.test(link)) return { text: safeCell(link), hyperlink: link };
  return text(link);
}

function worksSheet(wb: ExcelJS.Workbook, data: ExportData, opts: ExcelOptions): void {
  const { text, phone } = texts(opts);
  const sheet = addSheet(wb, '作品', [
    { header: '序号', width: 6 }, { header: '作品题目', width: 28 }, { header: '作者姓名', width: 16 }, { header: '职业/单位', width: 22 },
    { header: '作品链接', width: 36 }, { header: '手机号码', width: 15 }, { header: '状态', width: 12 }, { header: '问题', width: 50 },
    { header: '推荐单位', width: 20 }, { header: '新就业群体', width: 10 }, { header: '收到时间', width: 17 }, { header: '发件人', width: 26 },
    { header: '条目编号', width: 9 }, { header: '核对与备注', width: 30 },
  ]);
  sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: 14 } };
  data.entries.forEach((e, i) => {
    const row = sheet.addRow([
      i + 1, text(e.title), text(e.authors.join('、')), text(e.occupationUnit), linkCell(e.link, text), phone(e.phone),
      label(ENTRY_STATUS_LABELS, e.status), text(e.problems.join('\n')), text(e.unit), e.newEmployment ? '是' : '',
      localStamp(e.receivedAt, data.timezone), text(e.sender), e.id, text(e.review.join('\n')),
    ]);
    row.alignment = { vertical: 'top', wrapText: true };
    const link = row.getCell(5);
    if (typeof link.value === 'object' && link.value && 'hyperlink' in link.value) link.font = { color: { argb: 'FF0563C1' }, underline: true };
    row.commit();
  });
  sheet.commit();
}

function judgingSheet(wb: ExcelJS.Workbook, data: ExportData, opts: ExcelOptions): void {
  const { text } = texts(opts);
  const awards = opts.awards ?? DEFAULT_AWARDS;
  const sheet = addSheet(wb, '评审', [
    { header: '序号', width: 6 }, { header: '条目编号', width: 9 }, { header: '作品题目', width: 28 }, { header: '作者姓名', width: 16 },
    { header: '推荐单位', width: 18 }, { header: '作品链接', width: 34 },
    ...CRITERIA.map((c) => ({ header: c, width: 11 })), { header: '总分', width: 9 }, { header: '奖项', width: 10 },
    { header: '', width: 3 }, { header: '奖项', width: 10 }, { header: '名额', width: 8 }, { header: '已评定', width: 8 }, { header: '剩余', width: 8 },
  ]);
  sheet.getRow(1).commit();
  const valid: ExportEntry[] = data.entries.filter((e) => e.status === 'valid');
  const last = Math.max(2, valid.length + 1);
  // Beside the works, the award slots: how many each prize has, how many the judges have given, how many are left.
  // Rows are written once, top to bottom (the workbook is streamed), so each row carries its part of both tables.
  const totalRow = awards.length + 2;
  const side = (r: number): ExcelJS.CellValue[] => {
    const a = awards[r - 2];
    if (a) return [a.label, a.slots, { formula: `COUNTIF($L$2:$L$${last},N${r})` }, { formula: `O${r}-P${r}` }];
    if (r === totalRow) return ['合计', { formula: `SUM(O2:O${totalRow - 1})` }];
    if (r === totalRow + 2) return ['说明：在“策划创意”至“传播效果”四列填写各维度得分，总分自动计算；在“奖项”列选择奖项，右侧名额表自动统计。'];
    return [];
  };
  for (let r = 2; r <= Math.max(valid.length + 1, totalRow + 2); r++) {
    const e = valid[r - 2];
    const work: ExcelJS.CellValue[] = e
      ? [r - 1, e.id, text(e.title), text(e.authors.join('、')), text(e.unit), linkCell(e.link, text), null, null, null, null,
        { formula: `IF(COUNT(G${r}:J${r})=0,"",SUM(G${r}:J${r}))` }, null]
      : Array<ExcelJS.CellValue>(12).fill(null);
    const row = sheet.addRow([...work, null, ...side(r)]);
    if (e) {
      row.alignment = { vertical: 'top', wrapText: true };
      for (const col of [7, 8, 9, 10]) {
        row.getCell(col).dataValidation = {
          type: 'decimal', operator: 'greaterThanOrEqual', allowBlank: true, formulae: [0], showErrorMessage: true, error: '请填写不小于 0 的分数',
        };
      }
      row.getCell(12).dataValidation = {
        type: 'list', allowBlank: true, formulae: [`"${awards.map((a) => a.label).join(',')}"`], showErrorMessage: true, error: '请从列表中选择奖项',
      };
    }
    if (r === totalRow) row.getCell(14).font = { bold: true };
    row.commit();
  }
  sheet.commit();
}

function unitsSheet(wb: ExcelJS.Workbook, units: UnitRow[]): void {
  const sheet = addSheet(wb, '单位进度', [
    { header: '单位', width: 22 }, { header: '类别', width: 20 }, { header: '任务数', width: 8 }, { header: '已计入', width: 8 },
    { header: '已收到', width: 8 }, { header: '完成率', width: 9 }, { header: '状态', width: 9 }, { header: '新就业（条）', width: 12 },
    { header: '新就业任务', width: 11 }, { header: '新就业截止', width: 12 }, { header: '新就业状态', width: 11 },
  ]);
  sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: 11 } };
  for (const u of units) {
    const state = u.counted >= u.quota ? '已达标' : u.silent ? '未报送' : '未达标';
    const ne = u.newEmployment;
    const row = sheet.addRow([
      safeCell(u.name), safeCell(u.categoryLabel), u.quota, u.counted, u.received, u.quota ? Math.min(1, u.counted / u.quota) : 1, state,
      ne ? ne.counted : '', ne ? ne.quota : '', ne ? ne.before : '', ne ? (ne.met ? '已完成' : '未完成') : '',
    ]);
    row.getCell(6).numFmt = '0%';
    row.commit();
  }
  sheet.commit();
}

function messagesSheet(wb: ExcelJS.Workbook, data: ExportData, opts: ExcelOptions): void {
  const { text } = texts(opts);
  const sheet = addSheet(wb, '邮件', [
    { header: '编号', width: 7 }, { header: '收到时间', width: 17 }, { header: '发件人', width: 26 }, { header: '邮件标题', width: 36 },
    { header: '类型', width: 12 }, { header: '状态', width: 12 }, { header: '问题', width: 50 }, { header: '自动回复', width: 12 },
  ]);
  sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: 8 } };
  for (const m of data.messages) {
    const row = sheet.addRow([
      m.id, localStamp(m.receivedAt, data.timezone), text(m.from), text(m.subject), label(KIND_LABELS, m.kind),
      label(MESSAGE_STATUS_LABELS, m.status), text(m.problems.join('\n')), m.reply ? label(REPLY_LABELS, m.reply) : '',
    ]);
    row.alignment = { vertical: 'top', wrapText: true };
    row.commit();
  }
  sheet.commit();
}

/**
 * The judges fill in scores and prizes: formulas carry no cached result and the spreadsheet is told to recompute on
 * open (fullCalcOnLoad), so no application shows a stale total. The streamed writer has no setting for it, so the
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
export async function renderXlsx(data: ExportData, opts: ExcelOptions = {}): Promise<Buffer> {
  // Loaded on first use: exceljs and its ~400 modules are memory that a poll never needs.
  const { default: Excel } = await import('exceljs');
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  const done = finished(out);
  const wb = new Excel.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  wb.creator = 'contest-intake';
  wb.created = new Date(data.generatedAt);
  wb.modified = new Date(data.generatedAt);
  wb.title = `${data.contestName} 作品汇总`;
  recalculateOnLoad(wb);
  worksSheet(wb, data, opts);
  judgingSheet(wb, data, opts);
  unitsSheet(wb, data.units);
  messagesSheet(wb, data, opts);
  await wb.commit();
  await done;
  return Buffer.concat(chunks);
}
