import { afterAll, describe, expect, it } from 'vitest';
import { extractMessage } from '../../src/extract/extract-message.ts';
import { closeParsePool } from '../../src/extract/worker-pool.ts';
import { CHEN, LIN, WZRB_ROWS } from './expected.ts';
import { attachment, contest, fixture, message } from './helpers.ts';

afterAll(closeParsePool);

const TYPED = [
  '您好！以下是我的参赛信息：',
  '',
  '姓名：陈晓东',
  '职业：摄影记者',
  '单位：温州日报社',
  '作品题目：五马街的清晨',
  '链接地址：7.89 复制打开抖音，看看【陈晓东的作品】五马街的清晨 # 最美in温州 https://v.douyin.com/iRNBxYkq/ Mxm:/ 01/23 a@a.Go',
  '手机号码：13857712345',
  '通讯地址：温州市鹿城区五马街88号',
  '作品简介：清晨六点的五马街，老字号陆续开门，早点摊升起第一缕热气。',
  '镜头记录下温州人一天的开始。',
  '',
  '谢谢！',
  '陈晓东',
].join('\r\n');

describe('forms typed into the mail body', () => {
  it('label：value lines in the text body, the introduction over two lines, a greeting and signature around', async () => {
    const result = await extractMessage(message({ text: TYPED }), { contest });
    expect(result).toEqual({
      forms: [{ kind: 'registration', fields: CHEN, source: { filename: null, partId: null, format: 'body-text' } }],
      problems: [],
      manualReview: [],
    });
  });

  it('several fields on one line, half-width colons, numbered lines', async () => {
    const text = '1. 姓名: 林巧巧，职业: 外卖骑手\n2. 作品题目: 骑行温州的一天\n3. 链接: https://v.douyin.com/iRPq3cLd/\n4. 手机: 13905771234';
    const result = await extractMessage(message({ text }), { contest });
    expect(result.forms.map((f) => f.kind === 'registration' && f.fields)).toEqual([{
      name: '林巧巧', occupation: '外卖骑手', title: '骑行温州的一天', link: 'https://v.douyin.com/iRPq3cLd/', phone: '13905771234',
    }]);
  });

  it('a Word table pasted into an HTML-only mail (with a 1x1 layout table around it)', async () => {
    const html = `<html><body><table width="100%"><tr><td><p>老师您好，报名表如下：</p>
      <table border="1"><tr><td>姓&nbsp;&nbsp;名</td><td>吴丽娜</td><td>职&nbsp;&nbsp;业</td><td>导游</td></tr>
      <tr><td>作品题目</td><td colspan="3">雁荡山的云</td></tr>
      <tr><td>链接地址</td><td colspan="3"><a href="https://v.douyin.com/iRw5GhJk/">点击观看</a></td></tr>
      <tr><td>手机号码</td><td>13567788990</td><td>通讯地址</td><td></td></tr></table></td></tr></table></body></html>`;
    const result = await extractMessage(message({ html }), { contest });
    expect(result.forms).toEqual([{
      kind: 'registration',
      fields: { name: '吴丽娜', occupation: '导游', title: '雁荡山的云', link: '点击观看 https://v.douyin.com/iRw5GhJk/', phone: '13567788990' },
      source: { filename: null, partId: null, format: 'body-html' },
    }]);
  });

  it('a reply quoting an older form: the sender\'s own lines win over the quoted ones', async () => {
    const text = '姓名：陈晓东\n作品题目：五马街的清晨（修改版）\n链接地址：https://v.douyin.com/iRNBxYkq/\n\n在 2024-05-06 10:21:33，"陈晓东" <chenxd@qq.com> 写道：\n> 姓名：陈晓东\n> 作品题目：五马街的清晨\n';
    const result = await extractMessage(message({ text }), { contest });
    expect(result.forms.map((f) => f.kind === 'registration' && f.fields)).toEqual([{ name: '陈晓东', title: '五马街的清晨（修改版）', link: 'https://v.douyin.com/iRNBxYkq/' }]);
  });

  it('a mail with neither a form attached nor one typed in is no_form', async () => {
    const result = await extractMessage(message({ text: '您好，视频已发布，请查收。' }), { contest });
    expect(result).toEqual({
      forms: [],
      problems: [{ code: 'no_form', field: 'attachment', actor: 'submitter', message: '邮件中未找到参赛登记表，请填写附件1《参赛登记表》，并以 .docx 格式作为附件发送。' }],
      manualReview: [],
    });
  });

  it('reg-blank-template.docx: the template sent back unfilled is an empty registration form (validation lists what is missing)', async () => {
    const result = await extractMessage(message({ attachments: [attachment('reg-blank-template.docx')] }), { contest });
    expect(result).toEqual({
      forms: [{ kind: 'registration', fields: {}, source: { filename: 'reg-blank-template.docx', partId: '2', format: 'docx' } }],
      problems: [],
      manualReview: [],
    });
  });

  it('reg-blank-template.docx with the form typed into the mail: the typed form replaces the empty one', async () => {
    const result = await extractMessage(message({ text: TYPED, attachments: [attachment('reg-blank-template.docx')] }), { contest });
    expect(result.forms).toEqual([{ kind: 'registration', fields: CHEN, source: { filename: null, partId: null, format: 'body-text' } }]);
  });

  it('the body is not read when an attachment holds a filled-in form', async () => {
    const result = await extractMessage(message({ text: '姓名：别人\n作品题目：别的作品\n', attachments: [attachment('reg-word-4col.docx')] }), { contest });
    expect(result.forms.map((f) => [f.source.format, f.kind === 'registration' && f.fields.name])).toEqual([['docx', '陈晓东']]);
  });
});

describe('forwarded mails', () => {
  it('fwd-registration.eml: a Foxmail mail (GBK, RFC 2231 name) attached as message/rfc822, its sender kept', async () => {
    const result = await extractMessage(message({ attachments: [attachment('fwd-registration.eml', { contentType: 'message/rfc822', filename: null })] }), { contest });
    expect(result).toEqual({
      forms: [{
        kind: 'registration', fields: CHEN,
        source: { filename: '参赛登记表-陈晓东.docx', partId: '2.1', format: 'docx', forwardedFrom: { address: 'chenxd@qq.com', name: '陈晓东' }, forwardedSubject: '最美in温州+五马街的清晨+陈晓东' },
      }],
      problems: [],
      manualReview: [],
    });
  });

  it('fwd-nested-3.eml: forwarded three times over, read to the bottom; the form\'s own sender is kept', async () => {
    const result = await extractMessage(message({ attachments: [attachment('fwd-nested-3.eml')] }), { contest });
    expect(result.forms.map((f) => [f.source.partId, f.source.forwardedFrom?.address, f.kind === 'registration' && f.fields.title])).toEqual([
      ['2.1.1.1', 'chenxd@qq.com', '五马街的清晨'],
    ]);
  });

  it('fwd-nested-3.eml: nesting past maxDepth stops with a problem, not a stack of parsers', async () => {
    const result = await extractMessage(message({ attachments: [attachment('fwd-nested-3.eml')] }), { contest, maxDepth: 2 });
    expect(result.forms).toEqual([]);
    expect(result.problems.map((p) => [p.code, p.detail])).toEqual([['unreadable_attachment', 'forward depth > 2']]);
  });

  it('a part the mailbox already lifted out of a forwarded mail keeps that mail\'s sender', async () => {
    const from = { address: 'linqq@163.com', name: '林巧巧' };
    const result = await extractMessage(message({ attachments: [attachment('reg-word-2col.docx', { partId: '3.2', forwardedFrom: from })] }), { contest });
    expect(result.forms.map((f) => f.source)).toEqual([{ filename: 'reg-word-2col.docx', partId: '3.2', format: 'docx', forwardedFrom: from }]);
  });
});

describe('archives', () => {
  it('forms-in-archive.zip: the form and the summary inside a .zip (GBK names, a video, __MACOSX) are read', async () => {
    const result = await extractMessage(message({ attachments: [attachment('forms-in-archive.zip')] }), { contest });
    expect(result).toEqual({
      forms: [
        { kind: 'registration', fields: LIN, source: { filename: 'forms-in-archive.zip/参赛登记表.docx', partId: '2#1', format: 'docx' } },
        { kind: 'summary', unit: '温州日报社', contact: '张明', contactPhone: '0577-88888888', rows: WZRB_ROWS,
          source: { filename: 'forms-in-archive.zip/推荐汇总表.xlsx', partId: '2#2', format: 'xlsx' } },
      ],
      problems: [],
      manualReview: [],
    });
  });
});

describe('attachments that are not forms', () => {
  it('scan.pdf: kept for a person, even next to a readable form', async () => {
    const result = await extractMessage(message({ attachments: [attachment('scan.pdf', { partId: '2' }), attachment('reg-word-4col.docx', { partId: '3' })] }), { contest });
    expect(result.forms).toHaveLength(1);
    expect(result.problems).toEqual([{
      code: 'needs_person', field: 'attachment', actor: 'organizer', detail: 'pdf_scan',
      message: '附件《scan.pdf》是扫描件（PDF 中没有可以读取的文字），将由工作人员人工核对，需要一些时间；用 Word 填写参赛登记表（.docx）后发送，可以更快完成登记。',
    }]);
    expect(result.manualReview).toEqual([{ partId: '2', filename: 'scan.pdf', reason: 'pdf' }]);
  });

  it('screenshot.png next to a readable form is a cover picture: no problem; alone it goes to a person', async () => {
    const withForm = await extractMessage(message({ attachments: [attachment('screenshot.png', { partId: '2' }), attachment('reg-word-4col.docx', { partId: '3' })] }), { contest });
    expect([withForm.forms.length, withForm.problems, withForm.manualReview]).toEqual([1, [], []]);
    const alone = await extractMessage(message({ attachments: [attachment('screenshot.png')] }), { contest });
    expect(alone.problems.map((p) => [p.code, p.actor])).toEqual([['needs_person', 'organizer']]);
    expect(alone.manualReview).toEqual([{ partId: '2', filename: 'screenshot.png', reason: 'image' }]);
  });

  it('an inline picture of an HTML body is part of the letter, not an attachment', async () => {
    const result = await extractMessage(message({ text: TYPED, attachments: [attachment('screenshot.png', { inline: true, contentType: 'image/png', filename: 'image001.png' })] }), { contest });
    expect([result.forms.length, result.problems, result.manualReview]).toEqual([1, [], []]);
  });

  it('a format nobody can read (a RAR archive) is unsupported_format naming the file', async () => {
    const rar = Buffer.concat([Buffer.from('Rar!\x1a\x07\x01\x00', 'latin1'), Buffer.alloc(64)]);
    const result = await extractMessage(message({ attachments: [{ ...attachment('scan.pdf'), filename: '作品资料.rar', content: rar, size: rar.length }] }), { contest });
    expect(result.problems).toEqual([{
      code: 'unsupported_format', field: 'attachment', actor: 'submitter', detail: 'rar',
      message: '附件《作品资料.rar》的文件格式无法识别，请将登记表另存为 .docx（Word）或 .xlsx（Excel）格式后重新发送。',
    }]);
  });

  it('a form part too large to download is reported; a video only described is not', async () => {
    const result = await extractMessage(message({ attachments: [
      { partId: '2', filename: '登记表.docx', contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', size: 40e6, inline: false, content: null, skipped: 'too_large' },
      { partId: '3', filename: '五马街的清晨.mp4', contentType: 'video/mp4', size: 300e6, inline: false, content: null, skipped: 'not_a_form' },
      attachment('reg-word-2col.docx', { partId: '4' }),
    ] }), { contest });
    expect(result.forms).toHaveLength(1);
    expect(result.problems.map((p) => [p.code, p.detail])).toEqual([['unreadable_attachment', 'not downloaded: part too large']]);
    expect(result.manualReview).toEqual([{ partId: '2', filename: '登记表.docx', reason: 'too_large' }]);
  });

  it('a file name with direction overrides and control characters is shown cleaned in the sentence', async () => {
    const result = await extractMessage(message({ attachments: [{ ...attachment('truncated.docx'), filename: 'evil\u202Excod.\u0007docx' }] }), { contest });
    expect(result.problems[0]!.message).toBe('附件《evilxcod.docx》无法打开，文件可能已损坏或不完整，请重新保存为 .docx 格式后再次发送。');
  });

  it('fixture bytes are not modified by reading them', () => {
    expect(fixture('reg-word-4col.docx').subarray(0, 2).toString('latin1')).toBe('PK');
  });
});
