import { readdirSync } from 'node:fs';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { writeDocx, type Block, type Cell } from '../../fixtures/scripts/documents/docx-writer.ts';
import { docxContent, docxMammothContent, docxStreamContent, DOCX_STREAM_ABOVE_BYTES } from '../../src/extract/docx-content.ts';
import { xlsxContent, xlsxWorkbookContent, XLSX_STREAM_ABOVE_BYTES } from '../../src/extract/xlsx-content.ts';
import { xlsxStreamContent } from '../../src/extract/xlsx-stream.ts';
import { zipEntrySizes } from '../../src/extract/zip-guard.ts';
import { fixture } from './helpers.ts';

/**
 * The streaming readers (issue 14 §8: large Word and Excel files read within the parse worker's heap) give exactly
 * what mammoth and exceljs give: on every fixture those libraries read, and on large documents built to carry what
 * forms carry (merged cells, links, fields, text boxes' neighbours, dates, formulas, rich text, hidden sheets).
 */

const documents = readdirSync('fixtures/documents');

async function both<T>(a: () => Promise<T>, b: () => Promise<T>): Promise<[T | string, T | string]> {
  const settle = (f: () => Promise<T>) => f().catch((e: Error) => `error: ${e.name}`);
  return [await settle(a), await settle(b)];
}

describe('docx: the stream reader and mammoth agree', () => {
  for (const name of documents.filter((f) => /\.docx$/.test(f) && !/^(bomb|truncated|encrypted|img-named|xml-entity)/.test(f))) {
    it(name, async () => {
      const bytes = fixture(name);
      const [library, stream] = await both(() => docxMammothContent(bytes), () => docxStreamContent(bytes));
      if (typeof library === 'string') expect(name).toBe('reg-no-styles.docx'); // mammoth's TypeError, which LibreOffice repairs
      else expect(stream).toEqual(library);
    });
  }

  it('a 60-page document (the form, then its shooting script) is streamed, with the same result', async () => {
    const cell = (paras: Cell['paras'], over: Partial<Cell> = {}): Cell => ({ paras, ...over });
    const blocks: Block[] = [{
      widths: [1500, 2600, 1500, 2600],
      rows: [
        [cell('姓　　名'), cell('金晓光'), cell('职　　业'), cell('导演')],
        [cell('链接地址'), cell([{ runs: [{ t: 'https://v.douyin.com/iRcN8mL2/', href: 'https://v.douyin.com/iRcN8mL2/' }] }], { span: 3 })],
        [cell('作品简介', { vMerge: 'restart' }), cell(['从凌晨出海', '到傍晚收网'], { span: 3, vMerge: 'restart' })],
        [cell([], { vMerge: 'continue' }), cell([], { span: 3, vMerge: 'continue' })],
      ],
    }];
    for (let i = 0; i < 2500; i++) blocks.push({ runs: [{ t: `镜头${i}：`, bold: true }, { t: '渔船出港，海面起雾。', eastAsia: '宋体' }, { t: '', tab: true }, { t: `第${i}段`, field: `https://v.douyin.com/x${i}/` }, { t: '', br: true }, '收网。'] });
    const bytes = writeDocx(blocks);
    expect((await zipEntrySizes(bytes)).get('word/document.xml')).toBeGreaterThan(DOCX_STREAM_ABOVE_BYTES);
    const [library, streamed] = [await docxMammothContent(bytes), await docxContent(bytes)];
    expect(streamed).toEqual(library);
  });
});

describe('xlsx: the stream reader and exceljs agree', () => {
  for (const name of documents.filter((f) => /\.xls[xm]$/.test(f) && !/^bomb/.test(f))) {
    it(name, async () => {
      const bytes = fixture(name);
      const [library, stream] = await both(() => xlsxWorkbookContent(bytes), () => xlsxStreamContent(bytes));
      // exceljs trips over the .NET SDK's x: prefixes and Excel's <br> in a comment drawing; LibreOffice repairs both.
      if (typeof library === 'string') expect(['sum-prefixed-xml.xlsx', 'sum-comment-br.xlsx']).toContain(name);
      else expect(stream).toEqual(library);
    });
  }

  it('a large workbook (merges, links, dates, formulas, rich text, a hidden sheet, 2,500 rows) is streamed, with the same result', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('汇总表');
    ws.mergeCells('A1:F1');
    ws.getCell('A1').value = '推荐单位：苍南县委网信办　联系人：陈敏　联系方式：0577-64781234';
    ws.getRow(2).values = ['序号', '作品题目', '作者姓名', '职业/单位', '作品链接', '手机号码', '报送日期', '备注'];
    for (let r = 3; r < 2503; r++) {
      ws.getRow(r).values = [
        { formula: 'ROW()-2', result: r - 2 }, { richText: [{ text: `作品${r}` }, { text: '（组合）', font: { bold: true } }] }, `作者${r % 97}、作者${r % 89}`,
        `职业${r % 13}/单位${r % 31}`, r % 3 ? { text: '点击观看', hyperlink: `https://v.douyin.com/iR${r}x/` } : `https://v.douyin.com/iR${r}a/、https://v.douyin.com/iR${r}b/`,
        13900000000 + r, new Date(Date.UTC(2024, 5, 1 + (r % 28))), r % 7 ? null : true,
      ];
    }
    ws.mergeCells('H10:H12');
    ws.getCell('G3').numFmt = 'yyyy"年"m"月"d"日"';
    const hidden = wb.addWorksheet('下拉选项');
    hidden.state = 'hidden';
    for (let r = 1; r < 400; r++) hidden.getRow(r).values = [`选项${r}`];
    const bytes = Buffer.from(await wb.xlsx.writeBuffer());
    let sheetBytes = 0;
    for (const [n, size] of await zipEntrySizes(bytes)) if (/^xl\/(worksheets\/|sharedStrings)/.test(n)) sheetBytes += size;
    expect(sheetBytes).toBeGreaterThan(XLSX_STREAM_ABOVE_BYTES);
    const [library, streamed] = [await xlsxWorkbookContent(bytes), await xlsxContent(bytes)];
    expect(streamed).toEqual(library);
  });
});
