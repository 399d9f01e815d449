import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { safeCell } from '../../src/domain/text-safety.ts';
import { readExportData } from '../../src/exports/collect-exports.ts';
import { renderEntriesCsv } from '../../src/exports/csv-export.ts';
import type { ExportData } from '../../src/exports/export-data.ts';
import { renderXlsx } from '../../src/exports/xlsx-export.ts';
import { buildDigestFixture, DIGEST_NOW, MASKED_PHONE, RAW_PHONE, SCRIPT_TITLE } from '../digest/digest-fixture.ts';
import { CONTEST, tempDb, type TempDb } from '../helpers/store-helpers.ts';
import { libreOfficeSheets, overlappingRanges, parseCsv, validationRanges } from './libreoffice.ts';

const FORMULA = '=HYPERLINK("http://evil.example","点我")';
const ADDRESS = '温州市鹿城区五马街1号';
const SHEETS = ['作品', '评分-评委1', '评分-评委2', '评分-评委3', '评分-评委4', '评分-评委5', '评审汇总', '组织奖', '单位进度', '邮件'];
const WORK_HEADERS = ['序号', '作品题目', '作者姓名', '职业/单位', '作品链接', '手机号码', '通讯地址', '作品简介', '新就业\n群体', '推荐单位', '登记状态', '问题'];

let t: TempDb;
let data: ExportData;
let work: string;
beforeAll(async () => {
  t = tempDb('ci-export-');
  await buildDigestFixture(t.db);
  data = readExportData(t.db, CONTEST, DIGEST_NOW);
  work = mkdtempSync(path.join(tmpdir(), 'ci-soffice-'));
});
afterAll(() => {
  t.dispose();
  rmSync(work, { recursive: true, force: true });
});

async function load(bytes: Buffer): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(bytes as unknown as ArrayBuffer);
  return wb;
}

describe('neutralizing values from mail', () => {
  it('prefixes = + - @ tab and CR, and drops characters XML cannot carry', () => {
    for (const v of ['=1+1', '+86 138', '-2', '@SUM(A1)', '\tx', '\rx']) expect(safeCell(v)).toBe(`'${v}`);
    expect(safeCell('瓯江夜色')).toBe('瓯江夜色');
    expect(safeCell('a\u0000b\u0007c\u001fd')).toBe('abcd');
    expect(safeCell('x'.repeat(40_000)).length).toBeLessThan(32_767);
  });
});

describe('the workbook', () => {
  it('has the works, a scoring sheet per judge, the summary, 组织奖, units and mail; the notice\'s title and columns', async () => {
    const wb = await load(await renderXlsx(data));
    expect(wb.worksheets.map((s) => s.name)).toEqual(SHEETS);
    const works = wb.getWorksheet('作品')!;
    expect(works.getCell('A1').value).toBe('第六届“最美 in 温州”抖音创意大赛作品汇总表');
    expect(String(works.getCell('A2').value)).toMatch(/联系人：温正祥　联系方式：0577-88096549/);
    expect((works.getRow(3).values as unknown[]).slice(1, 13)).toEqual(WORK_HEADERS);
    const rows = works.getSheetValues().slice(4) as unknown[][];
    expect(rows).toHaveLength(data.entries.length);
    const evil = rows.find((r) => r[2] === SCRIPT_TITLE)!;
    expect(evil[3]).toBe(`'${FORMULA}`);
    expect(evil[6]).toBe(RAW_PHONE); // the organizers' own export keeps phone numbers and addresses
    expect(evil[7]).toBe(ADDRESS);
    expect(evil[8]).toBe('温州的清晨。');
    expect(evil[5]).toMatchObject({ hyperlink: expect.stringMatching(/^https:\/\/www\.douyin\.com\/video\//) });
    expect(rows.find((r) => r[2] === '外卖小哥的一天')![9]).toBe('是');
    expect(rows.find((r) => r[2] === '塘河人家')![11]).toBe('未登记，需补充');
    expect(rows.find((r) => r[2] === '明日')![10]).toBe('个人');
    // Nothing from mail is a formula anywhere in the workbook.
    for (const sheet of wb.worksheets) {
      sheet.eachRow((row) => row.eachCell((cell) => {
        if (cell.type === ExcelJS.ValueType.Formula) expect(sheet.name).toMatch(/^评分-|^评审汇总$/);
      }));
    }
    // The spreadsheet recomputes the totals on open (the formulas are written without a cached result).
    const book = await (await JSZip.loadAsync(await renderXlsx(data))).file('xl/workbook.xml')!.async('string');
    expect(book).toMatch(/<calcPr [^>]*fullCalcOnLoad="1"/);
  });

  it('gives each judge the registered works, the four criteria with their maxima, and a total', async () => {
    const wb = await load(await renderXlsx(data));
    const judge = wb.getWorksheet('评分-评委2')!;
    expect(String(judge.getCell('A2').value)).toMatch(/^评委：评委2/);
    expect((judge.getRow(3).values as unknown[]).slice(7, 13)).toEqual(['策划创意\n（满分 25）', '主题吻合度\n（满分 25）', '制作难度\n（满分 25）', '传播效果\n（满分 25）', '总分', '评语']);
    const registered = data.entries.filter((e) => e.state === 'registered');
    expect(judge.actualRowCount).toBe(3 + registered.length);
    expect((judge.getSheetValues().slice(4) as unknown[][]).map((r) => r[2])).toEqual(registered.map((e) => e.id));
    expect(judge.getCell('K4').formula).toBe('IF(COUNT(G4:J4)=0,"",SUM(G4:J4))');
    // Named judges and other maxima come from contest.json.
    const named = await load(await renderXlsx({ ...data, judging: { ...data.judging, judges: ['王老师', '李老师'], criteria: [{ label: '策划创意', max: 40 }, { label: '传播效果', max: 60 }] } }));
    expect(named.worksheets.map((s) => s.name)).toEqual(['作品', '评分-王老师', '评分-李老师', '评审汇总', '组织奖', '单位进度', '邮件']);
    expect((named.getWorksheet('评分-李老师')!.getRow(3).values as unknown[]).slice(7, 9)).toEqual(['策划创意\n（满分 40）', '传播效果\n（满分 60）']);
  });

  it('writes no overlapping data-validation ranges (Excel would offer to "repair" the file)', async () => {
    expect(overlappingRanges(['G2:J23', 'G10:J23'])).toEqual([['G2:J23', 'G10:J23']]);
    expect(overlappingRanges(['G4:G9', 'H4:H9', 'A1'])).toEqual([]);
    const ranges = await validationRanges(await renderXlsx(data));
    const all = Object.values(ranges).flat();
    expect(all.length).toBe(5 * 4); // every judge's four criteria
    for (const [sheet, list] of Object.entries(ranges)) expect(overlappingRanges(list), sheet).toEqual([]);
  });

  it('opens in real LibreOffice: scores averaged over the judges who scored, ranked, and the award places given in order', async () => {
    const wb = await load(await renderXlsx(data));
    const registered = data.entries.filter((e) => e.state === 'registered');
    expect(registered.length).toBeGreaterThanOrEqual(4);
    // Judge 1 scores four works, judge 2 two of them: the average is over the judges who scored each work.
    const score = (sheet: string, row: number, values: number[]) => values.forEach((v, i) => { wb.getWorksheet(sheet)!.getRow(row).getCell(7 + i).value = v; });
    score('评分-评委1', 4, [20, 21, 18, 25]); // 84
    score('评分-评委1', 5, [10, 10, 10, 10]); // 40
    score('评分-评委1', 6, [25, 25, 25, 24]); // 99
    score('评分-评委1', 7, [5, 5, 5, 5]); // 20
    score('评分-评委2', 4, [25, 25, 25, 25]); // 100 → 92
    score('评分-评委2', 6, [20, 20, 20, 20]); // 80 → 89.5
    const file = path.join(work, 'scored.xlsx');
    await wb.xlsx.writeFile(file);
    const { sheets, stderr } = await libreOfficeSheets(work, file);
    expect(stderr).not.toMatch(/error/i);
    const summary = sheets['评审汇总']!;
    expect(summary[2]!.slice(0, 6)).toEqual(['序号', '条目编号', '作品题目', '作者姓名', '推荐单位', '作品链接']);
    const row = (n: number) => summary[2 + n]!.slice(6, 14);
    expect(row(1)).toEqual(['84', '100', '', '', '', '92', '1', '一等奖']);
    expect(row(2)).toEqual(['40', '', '', '', '', '40', '3', '一等奖']);
    expect(row(3)).toEqual(['99', '80', '', '', '', '89.5', '2', '一等奖']);
    expect(row(4)).toEqual(['20', '', '', '', '', '20', '4', '二等奖']);
    expect(row(5)!.slice(5)).toEqual(['', '', '']); // not scored yet: no rank, no award
    expect(sheets['评分-评委1']![3]!.slice(6, 11)).toEqual(['20', '21', '18', '25', '84']);
  });

  it('opens in real LibreOffice without error, values intact, injected formulas inert, units with their state', async () => {
    const plain = path.join(work, 'export.xlsx');
    writeFileSync(plain, await renderXlsx(data));
    const { sheets } = await libreOfficeSheets(work, plain);
    expect(Object.keys(sheets).sort()).toEqual([...SHEETS].sort());
    const works = sheets['作品']!;
    expect(works[2]!.slice(0, 6)).toEqual(['序号', '作品题目', '作者姓名', '职业/单位', '作品链接', '手机号码']);
    expect(works).toHaveLength(data.entries.length + 3);
    const evil = works.find((r) => r[1] === SCRIPT_TITLE)!;
    expect(evil[2]).toBe(`'${FORMULA}`); // shown as text, never evaluated to "点我"
    expect(evil[4]).toMatch(/^https:\/\/www\.douyin\.com\/video\/\d+$/);
    expect(sheets['单位进度']!.find((r) => r[0] === '温州日报')!.slice(2, 7)).toEqual(['5', '5', '5', '100%', '已达标']);
    expect(sheets['组织奖']![3]!.slice(1, 7)).toEqual(['温州日报', '媒体', '5', '5', '100%', '是']);
    expect(sheets['邮件']!).toHaveLength(data.messages.length + 3);
  });

  it('masks phone numbers and addresses when it travels with the digest', async () => {
    const wb = await load(await renderXlsx(data, { maskPhones: true }));
    const all: string[] = [];
    for (const sheet of wb.worksheets) sheet.eachRow((row) => row.eachCell((cell) => { all.push(cell.text); }));
    expect(all.join('\n')).not.toContain(RAW_PHONE);
    expect(all.join('\n')).not.toContain(ADDRESS);
    expect(all).toContain(MASKED_PHONE);
    expect(all).toContain('温州市***');
  });
});

describe('the CSV export', () => {
  it('is UTF-8 with a BOM, CRLF, quoted where needed, neutralized, with the address, introduction and new-employment flag', () => {
    const csv = renderEntriesCsv(data);
    expect(csv.startsWith('\ufeff序号,作品题目,作者姓名,职业/单位,作品链接,手机号码,通讯地址,作品简介,新就业群体,推荐单位,登记状态,问题')).toBe(true);
    expect(csv.split('\r\n').length).toBe(data.entries.length + 2);
    const rows = parseCsv(csv);
    const evil = rows.find((r) => r[1] === SCRIPT_TITLE)!;
    expect(evil[2]).toBe(`'${FORMULA}`);
    expect(evil.slice(6, 8)).toEqual([ADDRESS, '温州的清晨。']);
    expect(rows.find((r) => r[1] === '外卖小哥的一天')![8]).toBe('是');
    for (const row of rows.slice(1)) for (const cell of row) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
    const masked = renderEntriesCsv(data, { maskPhones: true });
    expect(masked).not.toContain(RAW_PHONE);
    expect(masked).not.toContain(ADDRESS);
  });
});
