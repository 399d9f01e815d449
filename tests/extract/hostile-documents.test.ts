import { afterAll, describe, expect, it } from 'vitest';
import { extractMessage, type ExtractOptions } from '../../src/extract/extract-message.ts';
import { closeParsePool } from '../../src/extract/worker-pool.ts';
import { attachment, contest, message, timed } from './helpers.ts';

afterAll(closeParsePool);

/** Every hostile file must cost one problem within this time, and leave the service (this process) standing. */
const TIME_BOX_MS = 5_000;

async function readHostile(name: string, opts: Partial<ExtractOptions> = {}, timeBoxMs = TIME_BOX_MS) {
  const { value, ms } = await timed(() => extractMessage(message({ attachments: [attachment(name)] }), { contest, ...opts }));
  expect(ms).toBeLessThan(timeBoxMs);
  expect(value.forms).toEqual([]);
  return value;
}

const codes = (r: Awaited<ReturnType<typeof readHostile>>) => r.problems.map((p) => [p.code, p.actor, p.detail]);

describe('hostile documents', () => {
  it('bomb-one-entry.docx: one 60 MB entry is refused from the central directory, nothing inflated', async () => {
    const result = await readHostile('bomb-one-entry.docx');
    expect(codes(result)).toEqual([['unreadable_attachment', 'submitter', 'zip too_large: word/document.xml: 62914560 bytes > 52428800']]);
    expect(result.problems[0]!.message).toBe('附件《bomb-one-entry.docx》内容过大或结构异常，无法读取，请将登记表另存为 .docx 格式（不含图片）后重新发送。');
    expect(result.manualReview).toEqual([{ partId: '2', filename: 'bomb-one-entry.docx', reason: 'too_large' }]);
  });

  it('bomb-many-entries.xlsx: ten thousand entries are refused by count', async () => {
    const result = await readHostile('bomb-many-entries.xlsx');
    expect(codes(result)).toEqual([['unreadable_attachment', 'submitter', 'zip too_many_entries: 10001 entries > 2000']]);
  });

  it('bomb-lying-size.docx: an entry inflating past its declared 2 KB is stopped at 2 KB', async () => {
    const result = await readHostile('bomb-lying-size.docx');
    expect(result.problems.map((p) => [p.code, p.detail])).toEqual([['unreadable_attachment', 'docx too_large: word/document.xml: inflates past its declared 2048 bytes']]);
  });

  it('bomb-overlap.docx: fifty entries sharing one entry\'s data are refused as overlapping', async () => {
    const result = await readHostile('bomb-overlap.docx');
    expect(result.problems.map((p) => [p.code, p.detail?.startsWith('zip overlap:')])).toEqual([['unreadable_attachment', true]]);
  });

  it('truncated.docx: a .docx cut short is unreadable, with a sentence asking for a new .docx', async () => {
    const result = await readHostile('truncated.docx');
    expect(result.problems.map((p) => [p.code, p.message])).toEqual([
      ['unreadable_attachment', '附件《truncated.docx》无法打开，文件可能已损坏或不完整，请重新保存为 .docx 格式后再次发送。'],
    ]);
    expect(result.manualReview).toEqual([{ partId: '2', filename: 'truncated.docx', reason: 'unreadable' }]);
  });

  it('encrypted.docx: an OLE2 container with EncryptedPackage is a password-protected file', async () => {
    const result = await readHostile('encrypted.docx');
    expect(result.problems).toEqual([{
      code: 'unreadable_attachment', field: 'attachment', actor: 'submitter', detail: 'encrypted',
      message: '附件《encrypted.docx》设置了打开密码，无法读取，请取消密码后以 .docx 格式重新发送。',
    }]);
    expect(result.manualReview).toEqual([{ partId: '2', filename: 'encrypted.docx', reason: 'encrypted' }]);
  });

  it('xml-entity-bomb.docx: billion laughs and an external entity are neither expanded nor fetched', async () => {
    const result = await readHostile('xml-entity-bomb.docx');
    expect(result.problems.map((p) => [p.code, /entity not found/.test(p.detail ?? '')])).toEqual([['unreadable_attachment', true]]);
    expect(JSON.stringify(result)).not.toMatch(/root:|哈哈哈哈哈哈哈哈哈哈哈/);
  });

  it('img-named.docx: a PNG named .docx is read as the picture it is and left to a person', async () => {
    const result = await readHostile('img-named.docx');
    expect(result.problems).toEqual([{
      code: 'needs_person', field: 'attachment', actor: 'organizer', detail: 'image',
      message: '附件《img-named.docx》为图片，系统无法读取其中的文字，将由工作人员人工核对，需要一些时间；用 Word 填写参赛登记表（.docx）后发送，可以更快完成登记。',
    }]);
    expect(result.manualReview).toEqual([{ partId: '2', filename: 'img-named.docx', reason: 'image' }]);
  });

  it('huge-table.docx: a parse running past its time box is stopped (worker terminated) and reported', async () => {
    const result = await readHostile('huge-table.docx', { timeoutMs: 400 });
    expect(result.problems.map((p) => [p.code, p.detail])).toEqual([['unreadable_attachment', 'docx timeout: no answer within 400 ms']]);
  });

  it('huge-table.docx: a parse running out of its heap cap kills only its worker', async () => {
    // The wall-clock limit is set far above the time it takes to fill 16 MB, so only the heap cap can stop it.
    const result = await readHostile('huge-table.docx', { heapMb: 16, timeoutMs: 30_000 }, 30_000);
    expect(result.problems.map((p) => [p.code, p.detail?.startsWith('docx too_large: ERR_WORKER_OUT_OF_MEMORY')])).toEqual([['unreadable_attachment', true]]);
  });

  it('after all of the above, the workers still read a good form', async () => {
    const result = await extractMessage(message({ attachments: [attachment('reg-word-2col.docx')] }), { contest });
    expect(result.forms.map((f) => f.kind === 'registration' && f.fields.name)).toEqual(['林巧巧']);
  });

  it('a hostile file next to a good form costs only its own problem', async () => {
    const result = await extractMessage(message({ attachments: [
      attachment('bomb-one-entry.docx', { partId: '2' }), attachment('reg-word-4col.docx', { partId: '3' }), attachment('truncated.docx', { partId: '4' }),
    ] }), { contest });
    expect(result.forms.map((f) => [f.source.partId, f.kind === 'registration' && f.fields.name])).toEqual([['3', '陈晓东']]);
    expect(result.problems.map((p) => [p.code, p.message.split('，')[0]])).toEqual([
      ['unreadable_attachment', '附件《bomb-one-entry.docx》内容过大或结构异常'],
      ['unreadable_attachment', '附件《truncated.docx》无法打开'],
    ]);
  });
});
