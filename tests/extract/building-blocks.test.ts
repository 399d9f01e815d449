import type ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { htmlBlocks } from '../../src/extract/html-blocks.ts';
import { identifyDocument } from '../../src/extract/identify-document.ts';
import { formLabels, normalizeLabel } from '../../src/extract/label-match.ts';
import { scanLabeled } from '../../src/extract/labeled-text.ts';
import { ole2StreamNames } from '../../src/extract/ole2-directory.ts';
import { cellValueText } from '../../src/extract/xlsx-content.ts';
import { DEFAULT_ZIP_LIMITS, inspectZip } from '../../src/extract/zip-guard.ts';
import { contest, fixture } from './helpers.ts';

const labels = formLabels(contest);

describe('label matching', () => {
  it('normalizes the spellings one label comes in', () => {
    expect(['姓　　名', '姓名：', ' 姓 名 : ', '*姓名', '姓名（必填）', '【姓名】'].map(normalizeLabel)).toEqual(['姓名', '姓名', '姓名', '姓名', '姓名', '姓名']);
    expect(normalizeLabel('作品简介\n（200字以内）')).toBe('作品简介');
    expect(normalizeLabel('作者\n姓名')).toBe('作者姓名');
  });

  it('maps synonyms from config/contest.json to fields, numbered copies included', () => {
    expect(['链接地址', '作品链接', '抖音链接', '职业／单位', '作者\n姓名', '作品链接2', '备注'].map((t) => labels.columns.keyOf(t)))
      .toEqual(['link', 'link', 'link', 'unit', 'name', 'link', null]);
    expect(labels.fields.keyOf('手机号码：')).toBe('phone');
  });

  it('scans label：value pairs in free text, longest label first, values up to the next label', () => {
    const found = scanLabeled('推荐单位：温州日报社联系人：张明　联系方式：0577-88888888', labels.header);
    expect(found.map((s) => [s.key, s.value])).toEqual([['unit', '温州日报社'], ['contact', '张明'], ['contactPhone', '0577-88888888']]);
    expect(scanLabeled('请通过我们的单位网站了解', labels.fields)).toEqual([]);
  });
});

describe('HTML tables → grid', () => {
  it('rebuilds rowspan and colspan where mammoth dropped the continuation cells', () => {
    const [block] = htmlBlocks('<table><tr><td rowspan="2">简介</td><td colspan="2">A</td></tr><tr><td>B</td><td>C</td></tr></table>');
    expect(block?.kind === 'table' && block.table.rows.map((r) => r.cells.map((c) => `${c.text}#${c.id}`))).toEqual([
      ['简介#1', 'A#2', 'A#2'],
      ['简介#1', 'B#3', 'C#4'],
    ]);
  });
});

describe('zip guard and OLE2 directory', () => {
  it('lists a good .docx without inflating it', async () => {
    const verdict = await inspectZip(fixture('reg-word-4col.docx'), DEFAULT_ZIP_LIMITS);
    expect(verdict.ok && verdict.entries.map((e) => e.name)).toContain('word/document.xml');
  });

  it('refuses a zip cut short', async () => {
    expect(await inspectZip(fixture('truncated.docx'))).toMatchObject({ ok: false, reason: 'truncated' });
  });

  it('reads the stream names of real LibreOffice .doc and .xls files and of an encrypted container', () => {
    expect(ole2StreamNames(fixture('reg-legacy.doc'))).toContain('WordDocument');
    expect(ole2StreamNames(fixture('sum-legacy.xls'))).toContain('Workbook');
    expect(ole2StreamNames(fixture('encrypted.docx'))).toEqual(['Root Entry', 'EncryptionInfo', 'EncryptedPackage']);
  });

  it('identifies documents by content whatever their names say', async () => {
    const kinds = await Promise.all([
      ['reg-really-docx.pdf', 'pdf'], ['img-named.docx', 'docx'], ['sum-legacy.et', 'et'], ['reg-legacy.wps', 'wps'], ['reg-form.xlsx', 'xlsx'], ['fwd-registration.eml', ''],
    ].map(async ([name, ext]) => (await identifyDocument(fixture(name!), ext!, 'application/octet-stream', DEFAULT_ZIP_LIMITS)).kind));
    expect(kinds).toEqual(['docx', 'image', 'xls', 'doc', 'xlsx', 'eml']);
  });
});

describe('spreadsheet cell values', () => {
  it('reads text out of every kind of exceljs value', () => {
    expect([
      13857712345,
      { richText: [{ text: '塘河' }, { text: '夜色' }] },
      { text: '点击观看', hyperlink: 'https://v.douyin.com/iRkM2nB4/' },
      { formula: 'HYPERLINK("https://v.douyin.com/iRkM2nB4/","点击观看")', result: '点击观看' },
      { formula: 'ROW()-2', result: 1 },
      new Date(Date.UTC(2024, 4, 6)),
      { error: '#N/A' },
    ].map((v) => cellValueText(v as ExcelJS.CellValue))).toEqual([
      '13857712345', '塘河夜色', '点击观看 https://v.douyin.com/iRkM2nB4/', '点击观看 https://v.douyin.com/iRkM2nB4/', '1', '2024-05-06', '',
    ]);
  });
});
