import type ExcelJS from 'exceljs';
import type { ExportData, ExportEntry, UnitRow } from './export-data.ts';
import { columnLetter, FIRST_DATA_ROW, linkCell, sheetName, TableSheet, type Texts } from './workbook-kit.ts';

/**
 * The judging part of the workbook, as the notice runs it: one scoring sheet per judge with the four criteria
 * (策划创意, 主题吻合度, 制作难度, 传播效果) and their maximum scores from config; a summary averaging the judges'
 * totals, ranking the works and giving the award places in order (3 一等奖, 6 二等奖, 9 三等奖, 50 优秀奖); and
 * the 组织奖 sheet, the units by valid works and quota met. Every work sits on the same row of every sheet, so the
 * summary reads each judge's total by row. Judges type scores; everything else is computed by the spreadsheet.
 */

const WORK_COLUMNS = [
  { header: '序号', width: 6 }, { header: '条目编号', width: 8 }, { header: '作品题目', width: 26 }, { header: '作者姓名', width: 14 },
  { header: '推荐单位', width: 16 }, { header: '作品链接', width: 29 },
];

function workCells(e: ExportEntry, i: number, t: Texts): ExcelJS.CellValue[] {
  return [i + 1, e.id, t.text(e.title), t.text(e.authors.join('、')), t.text(e.unit) || '个人', linkCell(e.link, t)];
}

/** The judge sheets' names: 评分-<judge>. */
export function judgeSheetNames(judges: readonly string[]): string[] {
  return judges.map((j) => sheetName(`评分-${j}`));
}

function judgeSheet(wb: ExcelJS.Workbook, data: ExportData, works: ExportEntry[], judge: string, name: string, t: Texts): void {
  const { criteria } = data.judging;
  const first = WORK_COLUMNS.length + 1;
  const lastCriterion = first + criteria.length - 1;
  const full = criteria.reduce((n, c) => n + c.max, 0);
  const sheet = new TableSheet(wb, {
    name,
    title: `${data.contestName}作品评分表`,
    subtitle: `评委：${judge}　　评分维度：${criteria.map((c) => `${c.label}（满分 ${c.max}）`).join('、')}，总分 ${full} 分。`
      + '请在各维度栏填写得分，总分自动计算。',
    columns: [...WORK_COLUMNS, ...criteria.map((c) => ({ header: `${c.label}\n（满分 ${c.max}）`, width: 10 })), { header: '总分', width: 8 }, { header: '评语', width: 24 }],
  });
  const [a, b] = [columnLetter(first), columnLetter(lastCriterion)];
  works.forEach((e, i) => {
    const r = sheet.rowNumber;
    sheet.addRow([...workCells(e, i, t), ...criteria.map(() => null), { formula: `IF(COUNT(${a}${r}:${b}${r})=0,"",SUM(${a}${r}:${b}${r}))` }, null]);
  });
  const last = Math.max(FIRST_DATA_ROW, FIRST_DATA_ROW + works.length - 1);
  criteria.forEach((c, i) => {
    const col = columnLetter(first + i);
    sheet.validate(`${col}${FIRST_DATA_ROW}:${col}${last}`, {
      type: 'decimal', operator: 'between', allowBlank: true, formulae: [0, c.max], showErrorMessage: true,
      errorTitle: '分数超出范围', error: `“${c.label}”请填写 0 至 ${c.max} 之间的分数`,
    });
  });
  sheet.commit();
}

/** Award places in rank order: 一等奖 for ranks 1–3, 二等奖 4–9, … */
function awardFormula(rankCell: string, awards: ExportData['judging']['awards']): string {
  let upTo = 0;
  let inner = '""';
  const steps = awards.map((a) => {
    upTo += a.slots;
    return { label: a.label, upTo };
  });
  for (const s of [...steps].reverse()) inner = `IF(${rankCell}<=${s.upTo},"${s.label.replace(/"/g, '')}",${inner})`;
  return `IF(${rankCell}="","",${inner})`;
}

function summarySheet(wb: ExcelJS.Workbook, data: ExportData, works: ExportEntry[], sheets: string[], t: Texts): void {
  const { judges, awards } = data.judging;
  const judgeCol = WORK_COLUMNS.length + 1;
  const avgCol = judgeCol + judges.length;
  const rankCol = avgCol + 1;
  const totalCol = columnLetter(WORK_COLUMNS.length + 1 + data.judging.criteria.length);
  const last = Math.max(FIRST_DATA_ROW, FIRST_DATA_ROW + works.length - 1);
  let upTo = 0;
  const places = awards.map((a) => `${a.label} ${a.slots} 名（第 ${upTo + 1}–${(upTo += a.slots)} 名）`).join('，');
  const sheet = new TableSheet(wb, {
    name: '评审汇总',
    title: `${data.contestName}评审汇总表`,
    subtitle: `共 ${works.length} 件有效作品，${judges.length} 位评委。平均分为已评分评委总分的平均，按平均分从高到低排名；奖项按名次：${places}。`,
    columns: [...WORK_COLUMNS, ...judges.map((j) => ({ header: `${j}\n总分`, width: 9 })), { header: '平均分', width: 9 }, { header: '排名', width: 7 }, { header: '奖项', width: 10 }],
  });
  const [ja, jb, avg, rank] = [columnLetter(judgeCol), columnLetter(avgCol - 1), columnLetter(avgCol), columnLetter(rankCol)];
  works.forEach((e, i) => {
    const r = sheet.rowNumber;
    sheet.addRow([
      ...workCells(e, i, t),
      ...sheets.map((s) => ({ formula: `IF('${s}'!${totalCol}${r}="","",'${s}'!${totalCol}${r})` })),
      { formula: `IF(COUNT(${ja}${r}:${jb}${r})=0,"",ROUND(AVERAGE(${ja}${r}:${jb}${r}),2))` },
      { formula: `IF(${avg}${r}="","",RANK(${avg}${r},$${avg}$${FIRST_DATA_ROW}:$${avg}$${last}))` },
      { formula: awardFormula(`${rank}${r}`, awards) },
    ], { numFmt: { [avgCol]: '0.00' } });
  });
  sheet.commit();
}

/** 组织奖: the units by valid works, quota met first. */
function organizationSheet(wb: ExcelJS.Workbook, data: ExportData, t: Texts): void {
  const order = (u: UnitRow) => (u.counted >= u.quota ? 0 : 1);
  const units = [...data.units].sort((a, b) => order(a) - order(b) || b.counted - a.counted || b.counted / b.quota - a.counted / a.quota || a.name.localeCompare(b.name, 'zh'));
  const sheet = new TableSheet(wb, {
    name: '组织奖',
    title: `${data.contestName}组织奖参考表`,
    subtitle: `定向征集单位按有效作品数排列，已完成任务的单位在前（共 ${units.length} 个单位，已完成 ${units.filter((u) => u.counted >= u.quota).length} 个）。`,
    columns: [
      { header: '序号', width: 6 }, { header: '推荐单位', width: 22 }, { header: '类别', width: 18 }, { header: '有效作品', width: 9 },
      { header: '任务数', width: 8 }, { header: '完成率', width: 8 }, { header: '是否完成任务', width: 11 }, { header: '新就业短视频', width: 11 },
      { header: '联系人', width: 12 }, { header: '联系方式', width: 15 },
    ],
  });
  units.forEach((u, i) => {
    const ne = u.newEmployment;
    sheet.addRow([
      i + 1, t.text(u.name), t.text(u.categoryLabel), u.counted, u.quota, u.quota ? Math.min(1, u.counted / u.quota) : 1,
      u.counted >= u.quota ? '是' : '否', ne ? `${ne.counted}/${ne.quota}${ne.met ? ' 已完成' : ''}` : '',
      t.text(u.contact?.name) || '—', t.phone(u.contact?.phone) || '—',
    ], { numFmt: { 6: '0%' } });
  });
  sheet.commit();
}

/** The judge sheets, the summary and the 组织奖 sheet, in that order. */
export function judgingSheets(wb: ExcelJS.Workbook, data: ExportData, t: Texts): void {
  const works = data.entries.filter((e) => e.state === 'registered');
  const names = judgeSheetNames(data.judging.judges);
  data.judging.judges.forEach((j, i) => judgeSheet(wb, data, works, j, names[i]!, t));
  summarySheet(wb, data, works, names, t);
  organizationSheet(wb, data, t);
}
