import { describe, expect, it } from 'vitest';
import { mayHoldForm, planParts, type StructureNode } from '../../src/mailbox/message-parts.ts';

const limits = { partMaxBytes: 25 * 1024 * 1024, forwardedWholeMaxBytes: 10 * 1024 * 1024, maxParts: 200 };

const mixed = (children: StructureNode[]): StructureNode => ({ type: 'multipart/mixed', childNodes: children });

describe('planParts', () => {
  it('downloads the body text and the form, and only describes the video', () => {
    const plan = planParts(mixed([
      { part: '1', type: 'multipart/alternative', childNodes: [
        { part: '1.1', type: 'text/plain', size: 300 },
        { part: '1.2', type: 'text/html', size: 900 },
      ] },
      { part: '2', type: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', disposition: 'attachment', dispositionParameters: { filename: '参赛登记表.docx' }, size: 40_000 },
      { part: '3', type: 'video/mp4', disposition: 'attachment', dispositionParameters: { filename: '五马街.mp4' }, size: 60 * 1024 * 1024 },
    ]), limits);
    expect(plan.map((p) => [p.part, p.role, p.download, p.skipped ?? null])).toEqual([
      ['1.1', 'text', true, null],
      ['1.2', 'html', true, null],
      ['2', 'form', true, null],
      ['3', 'other', false, 'not_a_form'],
    ]);
  });

  it('never downloads a part above the size cap, even a .docx', () => {
    const plan = planParts(mixed([
      { part: '1', type: 'text/plain', size: 10 },
      { part: '2', type: 'application/octet-stream', dispositionParameters: { filename: 'huge.docx' }, disposition: 'attachment', size: 30 * 1024 * 1024 },
    ]), limits);
    expect(plan[1]).toMatchObject({ role: 'form', download: false, skipped: 'too_large' });
  });

  it('downloads a small forwarded mail whole and looks inside a big one', () => {
    const fwdSmall = planParts(mixed([{ part: '2', type: 'message/rfc822', size: 50_000, childNodes: [] }]), limits);
    expect(fwdSmall[0]).toMatchObject({ role: 'forwarded', download: true });
    const fwdBig = planParts(mixed([{ part: '2', type: 'message/rfc822', size: 70 * 1024 * 1024, childNodes: [
      { part: '2', type: 'multipart/mixed', childNodes: [
        { part: '2.1', type: 'text/plain', size: 100 },
        { part: '2.2', type: 'application/msword', dispositionParameters: { filename: '登记表.doc' }, disposition: 'attachment', size: 30_000 },
        { part: '2.3', type: 'video/quicktime', dispositionParameters: { filename: 'a.mov' }, disposition: 'attachment', size: 69 * 1024 * 1024 },
      ] },
    ] }]), limits);
    expect(fwdBig.map((p) => [p.part, p.download, p.forwardedIn])).toEqual([['2.1', false, '2'], ['2.2', true, '2'], ['2.3', false, '2']]);
  });

  it('stops planning after the part cap, with one row standing for the rest', () => {
    const many = mixed(Array.from({ length: 5000 }, (_, i) => ({ part: String(i + 1), type: 'image/png', dispositionParameters: { filename: `${i}.png` }, disposition: 'attachment', size: 10 })));
    const plan = planParts(many, { ...limits, maxParts: 3 });
    expect(plan.filter((p) => p.download).map((p) => p.part)).toEqual(['1', '2', '3']);
    expect(plan.map((p) => p.skipped ?? null)).toEqual([null, null, null, 'too_many_parts']);
  });
});

describe('mayHoldForm', () => {
  it('trusts the extension over the declared type', () => {
    expect(mayHoldForm('application/octet-stream', '登记表.wps')).toBe(true);
    expect(mayHoldForm('application/octet-stream', '作品.MP4')).toBe(false);
    expect(mayHoldForm('application/vnd.ms-excel', null)).toBe(true);
    expect(mayHoldForm('video/mp4', null)).toBe(false);
  });
});

describe('issue 14: forwarded mails and macro-enabled files in the plan', () => {
  it('gives the parts of a forwarded mail too big to take whole the sender its envelope names', () => {
    const plan = planParts(mixed([{ part: '2', type: 'message/rfc822', size: 16 * 1024 * 1024,
      envelope: { from: [{ name: '郑渔', address: 'ZhengYu_DT@iCloud.com' }] }, childNodes: [
        { part: '2', type: 'multipart/mixed', childNodes: [
          { part: '2.1', type: 'text/plain', size: 100 },
          { part: '2.2', type: 'application/octet-stream', dispositionParameters: { filename: '参赛登记表.docx' }, disposition: 'attachment', size: 9_000 },
          { part: '2.3', type: 'video/quicktime', dispositionParameters: { filename: 'IMG_3301.MOV' }, disposition: 'attachment', size: 16 * 1024 * 1024 },
        ] },
      ] }]), limits);
    expect(plan.filter((p) => p.download).map((p) => [p.part, p.forwardedIn, p.forwardedFrom])).toEqual([['2.2', '2', { address: 'zhengyu_dt@icloud.com', name: '郑渔' }]]);
  });

  it('a forwarded part whose envelope names nobody is still marked forwarded (sender null), and a top-level part is not', () => {
    const plan = planParts(mixed([
      { part: '1', type: 'text/plain', size: 10 },
      { part: '2', type: 'message/rfc822', size: 16 * 1024 * 1024, envelope: {}, childNodes: [
        { part: '2', type: 'application/msword', dispositionParameters: { filename: 'a.doc' }, disposition: 'attachment', size: 9_000 },
      ] },
    ]), limits);
    expect(plan.map((p) => [p.part, 'forwardedFrom' in p ? p.forwardedFrom : 'absent'])).toEqual([['1', 'absent'], ['2', null]]);
  });

  it('downloads .docm, .xlsm and their templates, by name or by type', () => {
    for (const name of ['参赛登记表.docm', '模板.dotm', '汇总表.xlsm', '汇总表.xltx', '汇总表.xltm']) expect(mayHoldForm('application/octet-stream', name), name).toBe(true);
    expect(mayHoldForm('application/vnd.ms-word.document.macroEnabled.12', null)).toBe(true);
    expect(mayHoldForm('application/vnd.ms-excel.sheet.macroEnabled.12', null)).toBe(true);
  });
});
