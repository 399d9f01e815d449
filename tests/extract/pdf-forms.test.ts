import { afterAll, describe, expect, it } from 'vitest';
import { LONG_SUMMARY_ROWS, LONG_SUMMARY_UNIT } from '../../fixtures/scripts/documents/pdf-forms.ts';
import { extractMessage } from '../../src/extract/extract-message.ts';
import type { ExtractedForm, FormFields } from '../../src/extract/form-types.ts';
import { closeParsePool } from '../../src/extract/worker-pool.ts';
import { readLinkField } from '../../src/validate/douyin-link.ts';
import { CHEN, LIN } from './expected.ts';
import { attachment, contest, message } from './helpers.ts';

/**
 * The Word forms of fixtures/documents saved as PDF by LibreOffice (make-documents.ts), read back through the
 * parse worker. A PDF keeps glyphs and their places, not the typed spaces: the small gap Word and LibreOffice
 * put between Chinese and Latin text cannot be told from a typed space, so free text (a share text, an address,
 * an introduction) is compared without its spaces, and its Douyin link exactly.
 */

afterAll(closeParsePool);

const read = (name: string) => extractMessage(message({ attachments: [attachment(name)] }), { contest });
const flat = (s: string | undefined) => (s ?? '').replace(/\s+/g, '');
const links = (s: string | undefined) => readLinkField(s ?? '', contest.douyinHosts).works;

function expectFields(got: FormFields, want: FormFields): void {
  expect(Object.keys(got).sort()).toEqual(Object.keys(want).sort());
  for (const key of ['name', 'occupation', 'unit', 'title', 'phone'] as const) expect(got[key], key).toBe(want[key]);
  for (const key of ['link', 'address', 'intro'] as const) expect(flat(got[key]), key).toBe(flat(want[key]));
  expect(links(got.link)).toEqual(links(want.link));
  expect(links(got.link)).toHaveLength(1);
}

function only(forms: ExtractedForm[], kind: 'registration'): FormFields;
function only(forms: ExtractedForm[], kind: 'summary'): Extract<ExtractedForm, { kind: 'summary' }>;
function only(forms: ExtractedForm[], kind: ExtractedForm['kind']) {
  expect(forms.map((f) => f.kind)).toEqual([kind]);
  const f = forms[0]!;
  return f.kind === 'registration' ? f.fields : f;
}

describe('PDF forms with a text layer', () => {
  it('reg-word-4col.pdf: the 4-column Word form (merged value cells, a wrapped share text, a two-paragraph intro)', async () => {
    const result = await read('reg-word-4col.pdf');
    expect(result.problems).toEqual([]);
    expect(result.forms[0]?.source).toEqual({ filename: 'reg-word-4col.pdf', partId: '2', format: 'pdf' });
    const fields = only(result.forms, 'registration');
    expectFields(fields, CHEN);
    // The paragraph break Word kept inside the intro cell is still there; the wrapped lines are not.
    expect(fields.intro).toBe(CHEN.intro);
  });

  it('reg-word-2col.pdf: labels with colons, values in the next column, a two-line label', async () => {
    const result = await read('reg-word-2col.pdf');
    expect(result.problems).toEqual([]);
    expectFields(only(result.forms, 'registration'), LIN);
  });

  it('reg-values-below.pdf: a row of labels, the values in the row below, a link wrapped in a narrow cell', async () => {
    const result = await read('reg-values-below.pdf');
    expectFields(only(result.forms, 'registration'), {
      name: '吴丽娜', occupation: '导游', unit: '雁荡山旅游集团', title: '雁荡山的云',
      link: 'https://v.douyin.com/iRw5GhJk/', phone: '13567788990', address: '乐清市雁荡镇', intro: '云海翻涌，奇峰时隐时现。',
    });
  });

  it('sum-table.pdf: a unit summary, its 推荐单位 line wrapped outside the table, phones wrapped in their cells', async () => {
    const result = await read('sum-table.pdf');
    const summary = only(result.forms, 'summary');
    expect([summary.unit, summary.contact, summary.contactPhone]).toEqual(['温州市教育局', '陈老师', '0577-88123456']);
    expect(summary.rows.map((r) => [r.row, r.fields.title, r.fields.name, r.fields.unit, r.fields.phone, links(r.fields.link)])).toEqual([
      [2, '书香温州', '李明、赵静', '教师/温州中学', '13705771111', ['https://v.douyin.com/iRbK3mNp/']],
      [3, '校园里的非遗', '黄晓', '教师/温州市实验小学', '13705772222', ['https://v.douyin.com/iRc7VbN2/']],
      [5, '少年足球梦', '潘一帆', '学生/温州市第二中学', '13705773333', ['https://v.douyin.com/iRd9QwEr/']],
    ]);
    expect(summary.clipped).toBeUndefined();
  });

  it('sum-long.pdf: an 80-row summary over four pages is one table, a row broken by the page joined again', async () => {
    const result = await read('sum-long.pdf');
    const summary = only(result.forms, 'summary');
    expect([summary.unit, summary.contact, summary.contactPhone]).toEqual([LONG_SUMMARY_UNIT.unit, LONG_SUMMARY_UNIT.contact, LONG_SUMMARY_UNIT.contactPhone]);
    expect(summary.rows.map((r) => [r.fields.title, r.fields.name, r.fields.unit, r.fields.link, r.fields.phone]))
      .toEqual(LONG_SUMMARY_ROWS.map((r) => [r.title, r.author, r.unit, r.link, r.phone]));
  });

  it('scan-form.pdf: a scan saved as PDF has no text: kept for a person, the sender told a Word form is quicker', async () => {
    const result = await read('scan-form.pdf');
    expect(result.forms).toEqual([]);
    expect(result.problems).toEqual([{
      code: 'needs_person', field: 'attachment', actor: 'organizer', detail: 'pdf_scan',
      message: '附件《scan-form.pdf》是扫描件（PDF 中没有可以读取的文字），将由工作人员人工核对，需要一些时间；用 Word 填写参赛登记表（.docx）后发送，可以更快完成登记。',
    }]);
    expect(result.manualReview).toEqual([{ partId: '2', filename: 'scan-form.pdf', reason: 'pdf' }]);
  });
});
