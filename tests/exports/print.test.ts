import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadContest } from '../../src/config.ts';
import { readExportData, readUnitExport } from '../../src/exports/collect-exports.ts';
import type { ExportData } from '../../src/exports/export-data.ts';
import { renderUnitXlsx, renderXlsx } from '../../src/exports/xlsx-export.ts';
import { extractMessage } from '../../src/extract/extract-message.ts';
import { closeParsePool } from '../../src/extract/worker-pool.ts';
import { buildDigestFixture, DIGEST_NOW } from '../digest/digest-fixture.ts';
import { CONTEST, tempDb, type TempDb } from '../helpers/store-helpers.ts';
import { printToPdf, type PrintedPage } from './libreoffice.ts';

/**
 * The workbooks printed as the organizers print them: through real LibreOffice to PDF. Every page is A4 landscape,
 * and every page carries its sheet's first and last column headers (the header row repeats on every page, so a
 * sheet whose columns spilled onto a second page across would have a page without its first column). The page
 * counts and the PDFs are kept in test-artifacts/.
 */

const ARTIFACTS = path.resolve('test-artifacts');
const A4_LANDSCAPE = { width: 841.89, height: 595.3 };

/** Each sheet's first and last column headers, as pdftotext reads them (a wrapped header gives its first line). */
const EDGES: Record<string, [string, string]> = {
  作品: ['序号', '核对与备注'],
  '评分-评委1': ['序号', '评语'],
  评审汇总: ['序号', '奖项'],
  组织奖: ['序号', '联系方式'],
  单位进度: ['单位', '联系方式'],
  邮件: ['编号', '自动回复'],
  推荐汇总表: ['序号', '需补充的内容'],
};

let t: TempDb;
let work: string;
let data: ExportData;
const counts: Record<string, { pages: number; bySheet: Record<string, number> }> = {};

beforeAll(async () => {
  t = tempDb('ci-print-');
  await buildDigestFixture(t.db);
  data = readExportData(t.db, CONTEST, DIGEST_NOW);
  work = mkdtempSync(path.join(tmpdir(), 'ci-print-'));
  mkdirSync(ARTIFACTS, { recursive: true });
});
afterAll(async () => {
  writeFileSync(path.join(ARTIFACTS, 'workbook-pages.json'), `${JSON.stringify(counts, null, 2)}\n`);
  t.dispose();
  rmSync(work, { recursive: true, force: true });
  await closeParsePool();
});

/** The sheet a page belongs to, from its footer: "<sheet>  第 N 页，共 M 页". */
function sheetOf(page: PrintedPage): string {
  const m = /(\S+)\s+第\s*\d+\s*页/.exec(page.text.trim().split('\n').at(-1) ?? '');
  return m?.[1] ?? '?';
}

async function print(name: string, bytes: Buffer): Promise<PrintedPage[]> {
  const file = path.join(work, `${name}.xlsx`);
  writeFileSync(file, bytes);
  const { pdf, pages } = await printToPdf(work, file);
  copyFileSync(pdf, path.join(ARTIFACTS, `${name}.pdf`));
  const bySheet: Record<string, number> = {};
  for (const p of pages) bySheet[sheetOf(p)] = (bySheet[sheetOf(p)] ?? 0) + 1;
  counts[name] = { pages: pages.length, bySheet };
  return pages;
}

function expectFitted(pages: PrintedPage[]): void {
  for (const [i, p] of pages.entries()) {
    expect({ width: p.width, height: p.height }, `page ${i + 1}`).toEqual({ width: expect.closeTo(A4_LANDSCAPE.width, 0), height: expect.closeTo(A4_LANDSCAPE.height, 0) });
    const sheet = sheetOf(p);
    const [first, last] = EDGES[sheet.startsWith('评分-') ? '评分-评委1' : sheet] ?? [];
    expect(first, `page ${i + 1}: sheet "${sheet}" has a footer`).toBeDefined();
    expect(p.text, `page ${i + 1} (${sheet}) holds its first column`).toContain(first);
    expect(p.text, `page ${i + 1} (${sheet}) holds its last column`).toContain(last);
  }
}

describe('the organizers\' workbook, printed', () => {
  it('every sheet on A4 landscape, one page wide, the header row on every page', async () => {
    const pages = await print('workbook-digest-fixture', await renderXlsx(data));
    expectFitted(pages);
    expect(Object.keys(counts['workbook-digest-fixture']!.bySheet).sort()).toEqual(
      ['作品', '评分-评委1', '评分-评委2', '评分-评委3', '评分-评委4', '评分-评委5', '评审汇总', '组织奖', '单位进度', '邮件'].sort());
  });

  it('a contest-sized list of works runs over many pages, still one page wide, the header repeated on each', async () => {
    // 240 works: the fixture's, again and again, as a busy September gives them.
    const entries = Array.from({ length: 240 }, (_, i) => ({ ...data.entries[i % data.entries.length]!, id: 1000 + i }));
    const pages = await print('workbook-240-works', await renderXlsx({ ...data, entries }));
    expectFitted(pages);
    expect(counts['workbook-240-works']!.bySheet['作品']).toBeGreaterThan(3);
  });
});

describe('one unit\'s works in the layout of 附件2 (export --unit)', () => {
  it('prints on A4 landscape and reads back, through the project\'s own form reader, as that unit\'s summary', async () => {
    const unit = readUnitExport(t.db, CONTEST, '温州日报', DIGEST_NOW);
    expect(unit.entries.map((e) => e.title)).toEqual(['瓯江夜色', '南塘风貌', '江心屿晨光', '五马街', '楠溪江']);
    const bytes = await renderUnitXlsx(unit);
    expectFitted(await print('unit-温州日报', bytes));

    const read = await extractMessage({
      origin: { mailbox: 'INBOX', uidValidity: 1, uid: 1 }, receivedAt: DIGEST_NOW, size: bytes.length, rawHeaders: Buffer.alloc(0),
      headers: { messageId: '<x@y>', subject: '推荐汇总表', from: { address: 'wzrb@126.com', name: '' }, replyTo: null, sender: null, to: [], date: null,
        inReplyTo: null, references: [], raw: new Map(), contentType: 'multipart/mixed' },
      text: null, html: null, contentHash: 'x',
      attachments: [{ partId: '2', filename: '推荐汇总表.xlsx', contentType: 'application/octet-stream', size: bytes.length, inline: false, content: bytes }],
    }, { contest: loadContest(path.resolve('config')) });
    const form = read.forms[0]!;
    expect(form.kind).toBe('summary');
    if (form.kind !== 'summary') return;
    expect(form.unit).toBe('温州日报');
    expect(form.rows.map((r) => [r.fields.title, r.fields.link])).toEqual(unit.entries.map((e) => [e.title, e.link]));
  });
});
