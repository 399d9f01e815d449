import { afterAll, describe, expect, it } from 'vitest';
import { extractMessage } from '../../src/extract/extract-message.ts';
import { areaOf } from '../../src/extract/structure-guard.ts';
import { closeParsePool } from '../../src/extract/worker-pool.ts';
import type { MessageAttachment } from '../../src/mailbox/incoming-message.ts';
import * as doc from '../../fixtures/scripts/hostile/documents.ts';
import { Rng } from '../../fixtures/scripts/hostile/kit.ts';
import { attachment, contest, message, timed } from '../extract/helpers.ts';

/**
 * Documents whose bytes pass the zip guard but whose structure would unfold past a worker's heap or time box
 * (and cost the process hundreds of MB meanwhile) are refused from their XML, counted as it inflates.
 */

afterAll(closeParsePool);

const named = (filename: string, content: Buffer): MessageAttachment => ({ partId: '2', filename, contentType: 'application/octet-stream', size: content.length, inline: false, content });

async function refused(a: MessageAttachment) {
  const { value, ms } = await timed(() => extractMessage(message({ attachments: [a] }), { contest }));
  expect(value.forms).toEqual([]);
  // Generous for a loaded 2-core machine: unguarded, these run a worker into its 20 s time box or its heap cap.
  expect(ms).toBeLessThan(10_000);
  return value.problems.map((p) => [p.code, p.detail]);
}

describe('structure guard', () => {
  const rng = new Rng(1);

  it('a table of 100,000 rows is refused by what it holds (two paragraphs a row), before mammoth reads it', async () => {
    expect(await refused(named('t.docx', doc.docxManyRows(rng, 100_000)))).toEqual([['unreadable_attachment', 'docx too_large: more than 10000 paragraphs']]);
  });

  it('tables nested 2,000 deep are refused by their depth', async () => {
    expect(await refused(named('t.docx', doc.docxDeepTables(2000)))).toEqual([['unreadable_attachment', 'docx too_large: tables nested more than 32 deep']]);
  });

  it('a sheet of a million rows is refused after ten thousand, streaming: never inflated whole', async () => {
    expect(await refused(named('s.xlsx', doc.xlsxMillionRows()))).toEqual([['unreadable_attachment', 'xlsx too_large: more than 10000 rows']]);
  });

  it('one merge over the whole sheet is refused by the cells it covers', async () => {
    expect(await refused(named('s.xlsx', doc.xlsxWholeSheetMerge()))).toEqual([['unreadable_attachment', 'xlsx too_large: merged cells A1:XFD1048576 make more than 100000 cells']]);
  });

  it('real forms and summaries are far below every limit and still read', async () => {
    const result = await extractMessage(message({ attachments: [attachment('reg-word-4col.docx'), attachment('sum-merged-header.xlsx', { partId: '3' })] }), { contest });
    expect(result.problems).toEqual([]);
    expect(result.forms.map((f) => f.kind)).toEqual(['registration', 'summary']);
  });

  it('counts merged areas the way a sheet does', () => {
    expect([areaOf('A1:B2'), areaOf('A1'), areaOf('$A$1:$C$10'), areaOf('A1:XFD1048576'), areaOf('junk')]).toEqual([4, 1, 30, 16384 * 1048576, 1]);
  });
});
