import { afterAll, describe, expect, it } from 'vitest';
import { extractMessage } from '../../src/extract/extract-message.ts';
import { closeParsePool } from '../../src/extract/worker-pool.ts';
import { CHEN, JI, LIN, WANG } from './expected.ts';
import { attachment, contest, message } from './helpers.ts';

afterAll(closeParsePool);

const read = (name: string) => extractMessage(message({ attachments: [attachment(name)] }), { contest });

describe('registration forms (附件1) in .docx', () => {
  it('reg-word-4col.docx: the notice layout, gridSpan and vMerge rebuilt, words split over runs', async () => {
    const result = await read('reg-word-4col.docx');
    expect(result).toEqual({
      forms: [{ kind: 'registration', fields: CHEN, source: { filename: 'reg-word-4col.docx', partId: '2', format: 'docx' } }],
      problems: [],
      manualReview: [],
    });
  });

  it('reg-word-2col.docx: two columns, labels ending in ：, the link a hyperlink, the hint on its own line', async () => {
    const result = await read('reg-word-2col.docx');
    expect(result.problems).toEqual([]);
    expect(result.forms).toEqual([{ kind: 'registration', fields: LIN, source: { filename: 'reg-word-2col.docx', partId: '2', format: 'docx' } }]);
  });

  it('reg-inline-cells.docx: label and value in one cell, two fields in one cell, a value in the next cell', async () => {
    const result = await read('reg-inline-cells.docx');
    expect(result.forms.map((f) => f.kind === 'registration' && f.fields)).toEqual([{
      name: '张伟',
      occupation: '快递员',
      unit: '顺丰速运温州分公司',
      title: '楠溪江上的竹筏',
      link: '3.05 复制打开抖音，看看【张伟的作品】楠溪江上的竹筏 # 最美in温州 # 永嘉 https://v.douyin.com/iRTs9kLm/ 11/08 u@F.vS kPx:/',
      phone: '13600001111',
      address: '温州市永嘉县上塘镇',
      intro: '竹筏顺流而下，两岸青山倒映江中。',
    }]);
  });

  it('reg-values-below.docx: a row of labels with the values in the row below, twice — a form, not a summary', async () => {
    const result = await read('reg-values-below.docx');
    expect(result.forms).toEqual([{
      kind: 'registration',
      fields: {
        name: '吴丽娜', occupation: '导游', unit: '雁荡山旅游集团', title: '雁荡山的云',
        link: 'https://v.douyin.com/iRw5GhJk/', phone: '13567788990', address: '乐清市雁荡镇', intro: '云海翻涌，奇峰时隐时现。',
      },
      source: { filename: 'reg-values-below.docx', partId: '2', format: 'docx' },
    }]);
  });

  it('reg-wps-style.docx: WPS labels (姓  名 + ： in its own run), the link as a HYPERLINK field, a tab in a value', async () => {
    const result = await read('reg-wps-style.docx');
    expect(result.forms.map((f) => f.kind === 'registration' && f.fields)).toEqual([WANG]);
  });

  it('reg-lines-no-table.docx: the form typed as lines, the introduction running over two paragraphs', async () => {
    const result = await read('reg-lines-no-table.docx');
    expect(result.forms.map((f) => f.kind === 'registration' && f.fields)).toEqual([{
      name: '郑小雨',
      occupation: '大学生',
      unit: '温州大学',
      title: '瓯江夜游',
      link: 'https://v.douyin.com/iRxYz789/',
      phone: '15988776655',
      address: '温州市茶山高教园区',
      intro: '乘船夜游瓯江，看两岸灯火。\n江心屿在夜色中格外安静。',
    }]);
  });

  it('reg-two-forms.docx: one form split over two tables is joined; a second form for a second work stays apart', async () => {
    const result = await read('reg-two-forms.docx');
    expect(result.forms.map((f) => f.kind === 'registration' && f.fields)).toEqual([
      { name: '周敏', occupation: '自由职业', unit: '无', title: '江心屿的日落', link: 'https://v.douyin.com/iRsUn5et/', phone: '13957798765' },
      { name: '周敏', title: '南塘夜市', link: 'https://v.douyin.com/iRnT8sYq/', phone: '13957798765' },
    ]);
  });

  it('reg-libreoffice.docx: a .docx written by LibreOffice reads like the Word original', async () => {
    const result = await read('reg-libreoffice.docx');
    expect(result.problems).toEqual([]);
    expect(result.forms.map((f) => f.kind === 'registration' && f.fields)).toEqual([CHEN]);
  });

  it('reg-really-docx.pdf: a .docx sent under a .pdf name is read as the .docx it is', async () => {
    const result = await read('reg-really-docx.pdf');
    expect(result.manualReview).toEqual([]);
    expect(result.forms).toEqual([{ kind: 'registration', fields: LIN, source: { filename: 'reg-really-docx.pdf', partId: '2', format: 'docx' } }]);
  });

  it('reg-web-page.doc: Word’s "web page" (GB2312 HTML) saved under a .doc name is read as HTML', async () => {
    const result = await read('reg-web-page.doc');
    expect(result).toEqual({
      forms: [{ kind: 'registration', fields: JI, source: { filename: 'reg-web-page.doc', partId: '2', format: 'body-html' } }],
      problems: [],
      manualReview: [],
    });
  });

  it('reg-single-file-page.doc: Word’s "single file web page" (MIME, quoted-printable GB2312) under a .doc name', async () => {
    const result = await read('reg-single-file-page.doc');
    expect(result.forms).toEqual([{ kind: 'registration', fields: JI, source: { filename: 'reg-single-file-page.doc', partId: '2', format: 'body-html' } }]);
    expect(result.forms[0]!.source.forwardedFrom).toBeUndefined();
  });
});
