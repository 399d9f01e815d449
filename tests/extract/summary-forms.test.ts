import ExcelJS from 'exceljs';
import { afterAll, describe, expect, it } from 'vitest';
import { extractMessage } from '../../src/extract/extract-message.ts';
import { htmlBlocks } from '../../src/extract/html-blocks.ts';
import { closeParsePool } from '../../src/extract/worker-pool.ts';
import { LUCHENG_ROWS, RUIAN_ROWS, WZRB_ROWS } from './expected.ts';
import { attachment, contest, message } from './helpers.ts';

afterAll(closeParsePool);

const read = (name: string) => extractMessage(message({ attachments: [attachment(name)] }), { contest });

describe('unit summary forms (附件2)', () => {
  it('sum-merged-header.xlsx: title row, header in three merged ranges, 作者\\n姓名, 备注 column, blank/total/note rows skipped', async () => {
    const result = await read('sum-merged-header.xlsx');
    expect(result).toEqual({
      forms: [{
        kind: 'summary', unit: '温州日报社', contact: '张明', contactPhone: '0577-88888888', rows: WZRB_ROWS,
        source: { filename: 'sum-merged-header.xlsx', partId: '2', format: 'xlsx' },
      }],
      problems: [],
      manualReview: [],
    });
  });

  it('sum-header-one-cell.xlsx: the header line in one merged cell, a 新就业群体 column, pre-numbered empty rows', async () => {
    const result = await read('sum-header-one-cell.xlsx');
    expect(result.forms).toEqual([{
      kind: 'summary', unit: '鹿城区委网信办', contact: '林巧巧', contactPhone: '13905771234',
      rows: LUCHENG_ROWS,
      source: { filename: 'sum-header-one-cell.xlsx', partId: '2', format: 'xlsx' },
    }]);
  });

  it('sum-header-spread.xlsx: header spread over cells with and without colons; hyperlink, rich-text, formula and number cells', async () => {
    const result = await read('sum-header-spread.xlsx');
    expect(result.forms).toEqual([{
      kind: 'summary', unit: '瑞安市融媒体中心', contact: '王海', contactPhone: '13706661234',
      rows: RUIAN_ROWS,
      source: { filename: 'sum-header-spread.xlsx', partId: '2', format: 'xlsx' },
    }]);
  });

  it('sum-table.docx: header line as a paragraph with （盖章）, 作者/姓名 in two paragraphs, a blank numbered row, a note after', async () => {
    const result = await read('sum-table.docx');
    expect(result.forms).toEqual([{
      kind: 'summary', unit: '温州市教育局', contact: '陈老师', contactPhone: '0577-88123456',
      rows: [
        { row: 2, index: '1', fields: { title: '书香温州', name: '李明、赵静', unit: '教师/温州中学', link: 'https://v.douyin.com/iRbK3mNp/', phone: '13705771111' } },
        { row: 3, index: '2', fields: { title: '校园里的非遗', name: '黄晓', unit: '教师/温州市实验小学', link: '7.89 复制打开抖音，看看【黄晓的作品】校园里的非遗 # 最美in温州 https://v.douyin.com/iRc7VbN2/ Mxm:/ 01/23 a@a.Go', phone: '13705772222' } },
        { row: 5, index: '4', fields: { title: '少年足球梦', name: '潘一帆', unit: '学生/温州市第二中学', link: 'https://v.douyin.com/iRd9QwEr/', phone: '13705773333' } },
      ],
      source: { filename: 'sum-table.docx', partId: '2', format: 'docx' },
    }]);
  });

  it('sum-gbk.csv: a GBK CSV from Chinese Excel, a quoted comma, no header line', async () => {
    const result = await read('sum-gbk.csv');
    expect(result.forms).toEqual([{
      kind: 'summary', unit: null, contact: null, contactPhone: null,
      rows: [
        { row: 2, index: '1', fields: { title: '洞头的海', name: '蔡小渔', unit: '渔民', link: 'https://v.douyin.com/iRh5Jk6L/', phone: '13587001234' } },
        { row: 3, index: '2', fields: { title: '半屏山,日出', name: '蔡小渔', unit: '渔民', link: 'https://v.douyin.com/iRm7No8P/', phone: '13587001234' } },
      ],
      source: { filename: 'sum-gbk.csv', partId: '2', format: 'csv' },
    }]);
  });

  it('reg-form.xlsx: a registration form in Excel — merged values, rich text, a hyperlink cell, a number phone; hidden sheet ignored', async () => {
    const result = await read('reg-form.xlsx');
    expect(result).toEqual({
      forms: [{
        kind: 'registration',
        fields: {
          name: '郑晓雨', occupation: '大学生', unit: '温州大学', title: '瓯江夜游', link: '点击观看 https://v.douyin.com/iRxYz789/',
          phone: '15988776655', address: '温州市茶山高教园区', intro: '乘船夜游瓯江，看两岸灯火。',
        },
        source: { filename: 'reg-form.xlsx', partId: '2', format: 'xlsx' },
      }],
      problems: [],
      manualReview: [],
    });
  });
});

describe('a summary longer than the row cap', () => {
  const HEADER = ['序号', '作品题目', '作者姓名', '职业/单位', '作品链接', '手机号码'];
  const row = (i: number) => [String(i), `瓯江夜色${i}`, `林${i}`, '温州日报社', `https://www.douyin.com/video/7${String(i).padStart(18, '0')}`, '13905771234'];

  async function xlsx(rows: number, formattedBeyond = 0): Promise<Buffer> {
    const wb = new ExcelJS.Workbook();
    const sheet = wb.addWorksheet('汇总表');
    sheet.addRow(['推荐单位：温州日报社']);
    sheet.addRow(HEADER);
    for (let i = 1; i <= rows; i++) sheet.addRow(row(i));
    // Borders drawn far below the table (Excel users do): rows that exist but hold no value.
    for (let r = rows + 3; r <= rows + 2 + formattedBeyond; r++) sheet.getCell(r, 1).border = { top: { style: 'thin' } };
    return Buffer.from(await wb.xlsx.writeBuffer());
  }
  const readBytes = (name: string, content: Buffer) => extractMessage(message({ attachments: [{ ...attachment('sum-merged-header.xlsx'), filename: name, content, size: content.length }] }), { contest });

  it('.xlsx: the rows it read, and a problem naming the file and the cap instead of silence', async () => {
    const result = await readBytes('推荐汇总表.xlsx', await xlsx(2_100));
    const summary = result.forms[0]!;
    if (summary.kind !== 'summary') throw new Error('expected a summary form');
    // The sheet's rows 3–2000 hold works 1–1998; the rest were not read.
    expect(summary.rows.map((r) => r.fields.title)).toEqual(Array.from({ length: 1_998 }, (_, i) => `瓯江夜色${i + 1}`));
    expect(result.problems.map((p) => [p.code, p.message])).toEqual([
      ['form_truncated', expect.stringMatching(/^附件《推荐汇总表\.xlsx》中的汇总表超过 2000 行，只读取了前 2000 行/)],
    ]);
  });

  it('.xlsx: rows that only carry formatting past the cap are not counted as left out', async () => {
    const result = await readBytes('推荐汇总表.xlsx', await xlsx(50, 3_000));
    expect(result.forms[0]!.kind === 'summary' && result.forms[0]!.rows.length).toBe(50);
    expect(result.problems).toEqual([]);
  });

  it('.csv: the same notice', async () => {
    const csv = [HEADER, ...Array.from({ length: 2_100 }, (_, i) => row(i + 1))].map((r) => r.join(',')).join('\r\n');
    const result = await readBytes('汇总.csv', Buffer.from(csv, 'utf8'));
    expect(result.problems.map((p) => p.code)).toEqual(['form_truncated']);
    const short = await readBytes('汇总.csv', Buffer.from(csv.split('\r\n').slice(0, 30).join('\r\n'), 'utf8'));
    expect(short.problems).toEqual([]);
  });

  it('Word tables (read as HTML): the table says it was clipped', () => {
    const html = `<table>${[HEADER, ...Array.from({ length: 2_100 }, (_, i) => row(i + 1))].map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('')}</table>`;
    const [block] = htmlBlocks(html);
    expect(block?.kind === 'table' && [block.table.rows.length, block.table.clipped]).toEqual([2_000, true]);
    const [small] = htmlBlocks(html.split('</tr>').slice(0, 20).join('</tr>') + '</tr></table>');
    expect(small?.kind === 'table' && [small.table.rows.length, small.table.clipped ?? false]).toEqual([20, false]);
  });
});
