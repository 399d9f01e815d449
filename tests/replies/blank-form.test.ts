import mammoth from 'mammoth';
import { describe, expect, it } from 'vitest';
import { docxContent } from '../../src/extract/docx-content.ts';
import { formsFromContent } from '../../src/extract/forms-from-content.ts';
import { formLabels } from '../../src/extract/label-match.ts';
import { blankForm, buildBlankForm } from '../../src/replies/blank-form.ts';
import { CONTEST, fillIn } from '../helpers/store-helpers.ts';

describe('the blank registration form (附件1)', () => {
  it('is a .docx with the notice\'s title, rows and footnote, the same bytes every time', async () => {
    const bytes = await blankForm();
    expect(bytes.equals(await buildBlankForm())).toBe(true);
    expect(await blankForm()).toBe(bytes); // cached
    const { value, messages } = await mammoth.convertToHtml({ buffer: bytes });
    expect(messages).toEqual([]);
    expect(value).toContain('第六届“最美 in 温州”抖音创意大赛参赛登记表');
    expect(value).toContain('注：请完整填写此表发送至 bisaihuodong@126.com 邮箱。');
    const rows = [...value.matchAll(/<tr>(.*?)<\/tr>/g)].map((m) => [...m[1]!.matchAll(/<strong>(.*?)<\/strong>/g)].map((x) => x[1]));
    expect(rows).toEqual([['姓名', '职业'], ['单位'], ['作品题目'], ['链接地址'], ['手机号码', '通讯地址'], ['作品简介（200 字以内）']]);
  });

  it('once filled in, is read back by the project\'s own form reader', async () => {
    const filled = await fillIn(await blankForm(), [
      '陈晓东', '教师', '温州市第二中学', '五马街的清晨', 'https://v.douyin.com/iRNBho6u/', '13812345678', '温州市鹿城区五马街1号', '清晨的五马街。',
    ]);
    const forms = formsFromContent(await docxContent(filled), formLabels(CONTEST), { filename: '登记表.docx', partId: '2', format: 'docx' });
    expect(forms).toHaveLength(1);
    expect(forms[0]).toMatchObject({
      kind: 'registration',
      fields: {
        name: '陈晓东', occupation: '教师', unit: '温州市第二中学', title: '五马街的清晨', link: 'https://v.douyin.com/iRNBho6u/',
        phone: '13812345678', address: '温州市鹿城区五马街1号', intro: '清晨的五马街。',
      },
    });
  });
});
