import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
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

const run = promisify(execFile);
const FORMULA = '=HYPERLINK("http://evil.example","点我")';

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

/** Every sheet of a workbook as CSV rows, through real LibreOffice (7.2+ writes one file per sheet with -1). */
async function libreOfficeSheets(file: string): Promise<Record<string, string[][]>> {
  const out = path.join(work, `out-${path.basename(file, '.xlsx')}`);
  const { stderr } = await run('soffice', [
    '--headless', '--norestore', `-env:UserInstallation=file://${path.join(work, 'profile')}`,
    '--convert-to', 'csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1', '--outdir', out, file,
  ], { timeout: 120_000 });
  expect(stderr).not.toMatch(/error/i);
  const sheets: Record<string, string[][]> = {};
  for (const name of readdirSync(out)) {
    const sheet = /-([^-]+)\.csv$/.exec(name)![1]!;
    sheets[sheet] = parseCsv(readFileSync(path.join(out, name), 'utf8'));
  }
  return sheets;
}

function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  const s = text.replace(/^\ufeff/, '');
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (quoted) {
      if (c === '"' && s[i + 1] === '"') { cell += '"'; i++; } else if (c === '"') quoted = false; else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(cell); cell = ''; } else if (c === '\n' || c === '\r') {
      if (c === '\r' && s[i + 1] === '\n') i++;
      row.push(cell); rows.push(row); row = []; cell = '';
    } else cell += c;
  }
  if (cell || row.length) { row.push(cell); rows.push(row); }
  return rows;
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
  it('has the four sheets, the notice columns, a live link, neutralized formulas and the judging sheet', async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await renderXlsx(data) as unknown as ArrayBuffer);
    expect(wb.worksheets.map((s) => s.name)).toEqual(['作品', '评审', '单位进度', '邮件']);
    const works = wb.getWorksheet('作品')!;
    expect((works.getRow(1).values as unknown[]).slice(1, 9)).toEqual(['序号', '作品题目', '作者姓名', '职业/单位', '作品链接', '手机号码', '状态', '问题']);
    const rows = works.getSheetValues().slice(2) as unknown[][];
    const evil = rows.find((r) => r[2] === SCRIPT_TITLE)!;
    expect(evil[3]).toBe(`'${FORMULA}`);
    expect(evil[6]).toBe(RAW_PHONE); // the organizers' own export keeps phone numbers
    expect(evil[5]).toMatchObject({ hyperlink: expect.stringMatching(/^https:\/\/www\.douyin\.com\/video\//) });
    // Nothing from mail is a formula anywhere in the workbook.
    for (const sheet of wb.worksheets) {
      sheet.eachRow((row) => row.eachCell((cell) => {
        if (cell.type === ExcelJS.ValueType.Formula) expect(sheet.name).toBe('评审');
      }));
    }
    const judging = wb.getWorksheet('评审')!;
    expect((judging.getRow(1).values as unknown[]).slice(7, 13)).toEqual(['策划创意', '主题吻合度', '制作难度', '传播效果', '总分', '奖项']);
    expect(judging.getCell('K2').formula).toBe('IF(COUNT(G2:J2)=0,"",SUM(G2:J2))');
    const valid = data.entries.filter((e) => e.status === 'valid').length;
    expect(judging.actualRowCount).toBeGreaterThanOrEqual(valid + 1);
    expect(['N2', 'O2', 'N3', 'O3', 'N4', 'O4', 'N5', 'O5'].map((c) => judging.getCell(c).value)).toEqual(['一等奖', 3, '二等奖', 6, '三等奖', 9, '优秀奖', 50]);
    // The spreadsheet recomputes the totals on open (the formulas are written without a cached result).
    const book = await (await JSZip.loadAsync(await renderXlsx(data))).file('xl/workbook.xml')!.async('string');
    expect(book).toMatch(/<calcPr [^>]*fullCalcOnLoad="1"/);
  });

  it('opens in real LibreOffice without error, values intact, formulas computed, injected formulas inert', async () => {
    // The judges' work: score the first work and give it a first prize, as they would in Excel.
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await renderXlsx(data) as unknown as ArrayBuffer);
    const judging = wb.getWorksheet('评审')!;
    judging.getCell('G2').value = 20;
    judging.getCell('H2').value = 21;
    judging.getCell('I2').value = 18;
    judging.getCell('J2').value = 25;
    judging.getCell('L2').value = '一等奖';
    const file = path.join(work, 'scored.xlsx');
    await wb.xlsx.writeFile(file);
    const plain = path.join(work, 'export.xlsx');
    writeFileSync(plain, await renderXlsx(data));

    const sheets = await libreOfficeSheets(plain);
    expect(Object.keys(sheets).sort()).toEqual(['作品', '单位进度', '评审', '邮件'].sort());
    const works = sheets['作品']!;
    expect(works[0]!.slice(0, 6)).toEqual(['序号', '作品题目', '作者姓名', '职业/单位', '作品链接', '手机号码']);
    expect(works).toHaveLength(data.entries.length + 1);
    const evil = works.find((r) => r[1] === SCRIPT_TITLE)!;
    expect(evil[2]).toBe(`'${FORMULA}`); // shown as text, never evaluated to "点我"
    expect(evil[4]).toMatch(/^https:\/\/www\.douyin\.com\/video\/\d+$/);
    expect(sheets['单位进度']!.find((r) => r[0] === '温州日报')!.slice(2, 7)).toEqual(['5', '5', '5', '100%', '已达标']);
    expect(sheets['邮件']!).toHaveLength(data.messages.length + 1);

    const scored = (await libreOfficeSheets(file))['评审']!;
    expect(scored[1]!.slice(6, 12)).toEqual(['20', '21', '18', '25', '84', '一等奖']);
    expect(scored[2]![10]).toBe(''); // no scores yet: no total
    expect(scored.find((r) => r[13] === '一等奖')!.slice(13, 17)).toEqual(['一等奖', '3', '1', '2']);
    expect(scored.find((r) => r[13] === '合计')![14]).toBe('68');
  });

  it('masks phone numbers when it travels with the digest', async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await renderXlsx(data, { maskPhones: true }) as unknown as ArrayBuffer);
    const all: string[] = [];
    for (const sheet of wb.worksheets) sheet.eachRow((row) => row.eachCell((cell) => { all.push(cell.text); }));
    expect(all.join('\n')).not.toContain(RAW_PHONE);
    expect(all).toContain(MASKED_PHONE);
  });
});

describe('the CSV export', () => {
  it('is UTF-8 with a BOM, CRLF, quoted where needed, and neutralized', () => {
    const csv = renderEntriesCsv(data);
    expect(csv.startsWith('\ufeff序号,作品题目,作者姓名,职业/单位,作品链接,手机号码,状态,问题')).toBe(true);
    expect(csv.split('\r\n').length).toBe(data.entries.length + 2);
    const rows = parseCsv(csv);
    const evil = rows.find((r) => r[1] === SCRIPT_TITLE)!;
    expect(evil[2]).toBe(`'${FORMULA}`);
    for (const row of rows.slice(1)) for (const cell of row) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
    expect(renderEntriesCsv(data, { maskPhones: true })).not.toContain(RAW_PHONE);
  });
});
