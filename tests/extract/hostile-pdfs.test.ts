import { afterAll, describe, expect, it } from 'vitest';
import * as pdf from '../../fixtures/scripts/hostile/pdf-documents.ts';
import { extractMessage } from '../../src/extract/extract-message.ts';
import { closeParsePool } from '../../src/extract/worker-pool.ts';
import { contest, message, timed } from './helpers.ts';

/**
 * Hostile PDFs (built by the hostile corpus generator, fixtures/scripts/hostile/pdf-documents.ts) through the
 * parse worker with its real limits: each costs one problem within the time box, or is read when its form is
 * still there; the worker survives for the next document.
 */

afterAll(closeParsePool);

const TIME_BOX_MS = 8_000;
const FORM = {
  name: '陈晓东', occupation: '摄影记者', unit: '温州日报社', title: '五马街的清晨', link: 'https://v.douyin.com/iRNBxYkq/',
  phone: '13857712345', address: '温州市鹿城区五马街88号', intro: '清晨六点的五马街，老字号陆续开门。',
};

/** The parse worker's own wall-clock limit (extractMessage's default): what bounds the heaviest file in any case. */
const PARSE_LIMIT_MS = 20_000;

async function readPdf(content: Buffer, timeBoxMs = TIME_BOX_MS) {
  const a = { partId: '2', filename: '参赛登记表.pdf', contentType: 'application/pdf', size: content.length, inline: false, content };
  const { value, ms } = await timed(() => extractMessage(message({ attachments: [a] }), { contest }));
  expect(ms).toBeLessThan(timeBoxMs);
  return value;
}

const fieldsOf = (r: Awaited<ReturnType<typeof readPdf>>) => r.forms.map((f) => (f.kind === 'registration' ? f.fields : f.kind));
const codes = (r: Awaited<ReturnType<typeof readPdf>>) => r.problems.map((p) => [p.code, p.detail]);

describe('hostile PDFs', () => {
  it('a form whose font is only named (STSong-Light, UniGB-UCS2-H): read through the CJK maps shipped with pdfjs, nothing fetched', async () => {
    const result = await readPdf(pdf.formPdf(FORM));
    expect(result.problems).toEqual([]);
    expect(fieldsOf(result)).toEqual([FORM]);
  });

  it('a broken cross-reference table: pdfjs rebuilds it by scanning, and the form is read', async () => {
    const result = await readPdf(pdf.brokenXrefPdf(FORM));
    expect(fieldsOf(result)).toEqual([FORM]);
  });

  it('a stream bomb (300 MB of spaces in 300 KB) is refused before pdfjs unpacks it', async () => {
    const result = await readPdf(await pdf.streamBombPdf(300));
    expect(codes(result)).toEqual([['unreadable_attachment', 'pdf too_large: a stream unpacks to more than 25165824 bytes']]);
    expect(result.manualReview.map((m) => m.reason)).toEqual(['too_large']);
  });

  it('arrays nested 100,000 deep run the parser out of stack: the file cannot be opened, the worker lives on', async () => {
    const result = await readPdf(pdf.deepNestingPdf(FORM, 100_000));
    expect(codes(result)).toEqual([['unreadable_attachment', 'pdf: Maximum call stack size exceeded']]);
    const after = await readPdf(pdf.formPdf(FORM));
    expect(fieldsOf(after)).toEqual([FORM]);
  });

  it('5,000 pages: the first 100 are read, no form among them: a person looks at it', async () => {
    const result = await readPdf(pdf.manyPagesPdf(5_000));
    expect(codes(result)).toEqual([['needs_person', 'pdf']]);
    expect(result.problems[0]!.message).toContain('为 PDF 文件，但系统未能从中读出参赛登记表');
  });

  it('20,000 strokes over the form: no grid is rebuilt from a drawing, the form is read from its lines of text', async () => {
    const result = await readPdf(pdf.manyStrokesPdf(FORM, 20_000));
    expect(fieldsOf(result)).toEqual([FORM]);
  });

  it('30,000 and 200,000 runs of text on a page: no form, or too large for the heap; within the parse time limit', { timeout: 60_000 }, async () => {
    expect(codes(await readPdf(pdf.manyTextPiecesPdf(30_000), PARSE_LIMIT_MS))).toEqual([['needs_person', 'pdf']]);
    expect(codes(await readPdf(pdf.manyTextPiecesPdf(200_000), PARSE_LIMIT_MS))).toEqual([['unreadable_attachment', expect.stringMatching(/^pdf too_large: ERR_WORKER_OUT_OF_MEMORY/)]]);
  });

  it('a time box too short for a long summary stops the worker; the next PDF is read by a fresh one', async () => {
    const a = { partId: '2', filename: 'x.pdf', contentType: 'application/pdf', size: 0, inline: false, content: pdf.manyPagesPdf(20_000) };
    const result = await extractMessage(message({ attachments: [a] }), { contest, timeoutMs: 300 });
    expect(codes(result)).toEqual([['unreadable_attachment', 'pdf timeout: no answer within 300 ms']]);
    expect(fieldsOf(await readPdf(pdf.formPdf(FORM)))).toEqual([FORM]);
  });
});
