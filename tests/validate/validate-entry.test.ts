import { describe, expect, it } from 'vitest';
import { parseSubject } from '../../src/classify/subject.ts';
import { loadContest, type ContestConfig } from '../../src/config.ts';
import type { EntryDraft } from '../../src/domain/entry-draft.ts';
import type { ExtractedRegistration, ExtractedSummary, FormFields } from '../../src/extract/form-types.ts';
import { validateForms, validateRegistration, validateSummary, type ValidationContext } from '../../src/validate/validate-entry.ts';

const contest = loadContest('config');
const SHARE = '7.89 复制打开抖音，看看【陈晓东的作品】五马街的清晨 # 最美in温州 https://v.douyin.com/iRNBxYkq/ Mxm:/ 01/23 a@a.Go';
const INTRO = '清晨六点的五马街，早餐铺升起第一缕热气，环卫工人扫过青石板，外卖骑手穿过骑楼。镜头跟随一位老温州人走完这条百年老街，记录城市苏醒的样子。';

function registration(over: FormFields = {}): ExtractedRegistration {
  return {
    kind: 'registration',
    fields: {
      name: '陈晓东', occupation: '外卖骑手', unit: '美团外卖鹿城站点', title: '《五马街的清晨》', link: SHARE,
      phone: '138-5771-2345', address: '浙江省温州市鹿城区五马街道解放街 88 号', intro: INTRO, ...over,
    },
    source: { filename: '第六届最美in温州参赛登记表.docx', partId: '2', format: 'docx' },
  };
}

function ctx(over: Partial<ValidationContext> = {}, subject = '最美in温州+五马街的清晨+陈晓东'): ValidationContext {
  return { contest, subject: parseSubject(subject, contest.subject), receivedAt: new Date('2024-05-10T02:00:00Z'), kind: 'individual', ...over };
}

const codes = (d: EntryDraft): string[] => d.problems.map((p) => `${p.code}:${p.field ?? ''}`);

describe('registration form validation', () => {
  it('a complete form gives a clean draft with normalized values', () => {
    const d = validateRegistration(registration(), ctx());
    expect(d.problems).toEqual([]);
    expect(d).toMatchObject({
      form: 'registration', title: '五马街的清晨', authors: ['陈晓东'], occupation: '外卖骑手', unit: '美团外卖鹿城站点',
      links: ['https://v.douyin.com/iRNBxYkq/'], otherLinks: [], phone: '13857712345', newEmployment: true, sourceRow: null,
      recommender: null, forwardedFrom: null,
    });
    expect(d.raw.link).toBe(SHARE);
  });

  it('missing_field: a required field is missing, with the sentence the submitter reads', () => {
    const d = validateRegistration(registration({ phone: '' }), ctx());
    expect(d.problems).toEqual([{ code: 'missing_field', field: 'phone', message: '登记表缺少“手机号码”，请补充后重新发送。', actor: 'submitter' }]);
  });

  it('missing_field: a placeholder such as 无 or / is no value', () => {
    const d = validateRegistration(registration({ link: '无', name: ' / ' }), ctx());
    expect(codes(d)).toEqual(['missing_field:name', 'missing_field:link']);
  });

  it('missing_field: fields the config adds are required too', () => {
    const strict: ContestConfig = { ...contest, requiredFields: [...contest.requiredFields, 'address'] };
    expect(codes(validateRegistration(registration({ address: undefined }), ctx({ contest: strict })))).toEqual(['missing_field:address']);
    expect(codes(validateRegistration(registration({ address: undefined }), ctx()))).toEqual([]);
  });

  it('link_not_douyin: a Kuaishou link, named in the sentence', () => {
    const d = validateRegistration(registration({ link: 'https://v.kuaishou.com/JxYz12 复制此消息，打开【快手】直接观看！' }), ctx());
    expect(codes(d)).toEqual(['link_not_douyin:link']);
    expect(d.problems[0]!.message).toContain('快手');
    expect(d.links).toEqual([]);
    expect(d.otherLinks).toEqual(['https://v.kuaishou.com/JxYz12']);
  });

  it('link_not_douyin: a 126 large-attachment download link is not the work', () => {
    const d = validateRegistration(registration({ link: 'https://mail.126.com/large-attachment-download/?p=X1Y2Z3' }), ctx());
    expect(codes(d)).toEqual(['link_not_douyin:link']);
    expect(d.problems[0]!.message).toContain('超大附件');
  });

  it('link_not_douyin: text without any link', () => {
    const d = validateRegistration(registration({ link: '已发布在抖音，账号：温州陈晓东' }), ctx());
    expect(codes(d)).toEqual(['link_not_douyin:link']);
  });

  it('intro_too_long: 201 characters with an emoji fails, 200 passes (code points, not UTF-16 units or bytes)', () => {
    const intro200 = `${'瓯'.repeat(198)}🌊！`;
    expect([...intro200].length).toBe(200);
    expect(intro200.length).toBe(201);
    expect(codes(validateRegistration(registration({ intro: `  ${intro200}\n` }), ctx()))).toEqual([]);
    const d = validateRegistration(registration({ intro: `${intro200}🏮` }), ctx());
    expect(codes(d)).toEqual(['intro_too_long:intro']);
    expect(d.problems[0]!.message).toContain('201 字');
  });

  it('too_many_authors: 6 authors split on 、，; 和 and spaces', () => {
    const d = validateRegistration(registration({ name: '陈晓东、林小雨，王建国;赵明 钱多多和孙丽丽' }), ctx());
    expect(d.authors).toEqual(['陈晓东', '林小雨', '王建国', '赵明', '钱多多', '孙丽丽']);
    expect(codes(d)).toEqual(['too_many_authors:name']);
    expect(codes(validateRegistration(registration({ name: '陈晓东、林小雨、王建国、赵明、钱多多' }), ctx()))).toEqual([]);
  });

  it('too_many_authors: 和 inside a name does not split it', () => {
    expect(validateRegistration(registration({ name: '王和平' }), ctx({}, '最美in温州+五马街的清晨+王和平')).authors).toEqual(['王和平']);
  });

  it('too_many_pieces: a group of 7 links fails, 6 pass', () => {
    const links = (n: number): string => Array.from({ length: n }, (_, i) => `${i + 1}. https://v.douyin.com/grp00${i + 1}/`).join('\n');
    const six = validateRegistration(registration({ link: links(6) }), ctx());
    expect(six.problems).toEqual([]);
    expect(six.links).toHaveLength(6);
    const seven = validateRegistration(registration({ link: links(7) }), ctx());
    expect(codes(seven)).toEqual(['too_many_pieces:link']);
  });

  it('invalid_phone: landline and mobile pass, a short number fails', () => {
    expect(validateRegistration(registration({ phone: '（0577）8809 6549' }), ctx()).phone).toBe('0577-88096549');
    expect(validateRegistration(registration({ phone: '+86 138 5771 2345' }), ctx()).phone).toBe('13857712345');
    const d = validateRegistration(registration({ phone: '1385771234' }), ctx());
    expect(codes(d)).toEqual(['invalid_phone:phone']);
    expect(d.phone).toBe('1385771234');
  });

  it('late: one second after 2024-09-25 23:59:59 in Asia/Shanghai', () => {
    expect(codes(validateRegistration(registration(), ctx({ receivedAt: new Date('2024-09-25T15:59:59Z') })))).toEqual([]);
    const d = validateRegistration(registration(), ctx({ receivedAt: new Date('2024-09-25T16:00:00Z') }));
    expect(codes(d)).toEqual(['late:']);
    expect(d.problems[0]!.message).toContain('2024年9月26日 00:00');
  });

  it('late: the day ends in the configured zone, not the server’s', () => {
    const utc: ContestConfig = { ...contest, timezone: 'UTC' };
    expect(codes(validateRegistration(registration(), ctx({ contest: utc, receivedAt: new Date('2024-09-25T16:00:00Z') })))).toEqual([]);
    expect(codes(validateRegistration(registration(), ctx({ contest: utc, receivedAt: new Date('2024-09-26T00:00:00Z') })))).toEqual(['late:']);
  });

  it('subject_mismatch: tolerant of quotes, spaces, punctuation, prefixes and one creator among several authors', () => {
    const form = registration({ name: '陈晓东、林小雨', title: '五马街的清晨！' });
    for (const subject of ['回复：最美 in 温州＋“五马街 的清晨”＋陈晓东', '最美IN温州+《五马街的清晨》+林小雨、陈晓东', 'Fw: 最美in温州+五马街的清晨+ 陈晓东 ']) {
      expect(codes(validateRegistration(form, ctx({}, subject))), subject).toEqual([]);
    }
  });

  it('subject_mismatch: a subject that shortens the title, or a form that adds a subtitle, still matches', () => {
    expect(codes(validateRegistration(registration({ title: '五马街的清晨——温州老街记忆' }), ctx()))).toEqual([]);
    expect(codes(validateRegistration(registration({ title: '清晨' }), ctx()))).toEqual([]);
  });

  it('subject_mismatch: another title or a creator who is not on the form', () => {
    const title = validateRegistration(registration(), ctx({}, '最美in温州+瓯江夜色+陈晓东'));
    expect(codes(title)).toEqual(['subject_mismatch:title']);
    expect(title.problems[0]!.message).toContain('“瓯江夜色”');
    expect(codes(validateRegistration(registration(), ctx({}, '最美in温州+五马街的清晨+王五')))).toEqual(['subject_mismatch:name']);
  });

  it('subject_mismatch is not raised where the subject says nothing about the form', () => {
    // No tag (classification reports subject_format), no creator, a unit's mail, or no subject at all.
    expect(codes(validateRegistration(registration(), ctx({}, '参赛作品')))).toEqual([]);
    expect(codes(validateRegistration(registration(), ctx({}, '最美in温州+五马街的清晨')))).toEqual([]);
    expect(codes(validateRegistration(registration(), ctx({ kind: 'unit_summary' }, '最美in温州+鹿城区推荐作品+鹿城区委网信办')))).toEqual([]);
    expect(codes(validateRegistration(registration(), ctx({ subject: null })))).toEqual([]);
  });

  it('collects every problem of a bad form at once', () => {
    const d = validateRegistration(registration({ phone: '', link: 'https://b23.tv/AbCdEf', name: '甲一、乙二、丙三、丁四、戊五、己六' }),
      ctx({ receivedAt: new Date('2024-09-26T01:00:00Z') }, '最美in温州+瓯江夜色+甲一'));
    expect(codes(d)).toEqual(['missing_field:phone', 'link_not_douyin:link', 'too_many_authors:name', 'late:', 'subject_mismatch:title']);
  });

  it('new employment: keywords in title, intro or occupation', () => {
    const plain = { occupation: '教师', unit: '温州市第二中学', intro: '记录温州老街的清晨。', title: '五马街的清晨' };
    expect(validateRegistration(registration(plain), ctx()).newEmployment).toBe(false);
    expect(validateRegistration(registration({ ...plain, title: '快递小哥的一天' }), ctx({}, '最美in温州+快递小哥的一天+陈晓东')).newEmployment).toBe(true);
    expect(validateRegistration(registration({ ...plain, intro: '跟拍一位网约车司机的夜班。' }), ctx()).newEmployment).toBe(true);
    expect(validateRegistration(registration({ ...plain, occupation: '网络主播' }), ctx()).newEmployment).toBe(true);
    // The official name of delivery riders, from the configured keywords.
    expect(validateRegistration(registration({ ...plain, occupation: '网约配送员' }), ctx()).newEmployment).toBe(true);
  });
});

describe('unit summary form validation', () => {
  function summary(rows: { row: number; fields: FormFields; newEmployment?: string }[]): ExtractedSummary {
    return {
      kind: 'summary', unit: '中共鹿城区委网信办', contact: '李主任', contactPhone: '0577-88123456', rows,
      source: { filename: '鹿城区推荐汇总表.xlsx', partId: '2', format: 'xlsx' },
    };
  }
  const row = (n: number, over: FormFields = {}): FormFields => ({
    title: `江心屿的四季（${n}）`, name: '周婷', unit: '鹿城区融媒体中心记者', link: `https://v.douyin.com/lc000${n}/`, phone: '13905770001', ...over,
  });
  const unitCtx = ctx({ kind: 'unit_summary' }, '鹿城区委网信办推荐汇总表');

  it('one draft per row, blank rows skipped, the 推荐单位 kept as written', () => {
    const drafts = validateSummary(summary([
      { row: 3, fields: row(1) }, { row: 4, fields: {} }, { row: 5, fields: { title: ' ', link: '' } }, { row: 6, fields: row(2) },
    ]), unitCtx);
    expect(drafts.map((d) => [d.sourceRow, d.title, d.links[0], d.recommender, d.problems.length])).toEqual([
      [3, '江心屿的四季（1）', 'https://v.douyin.com/lc0001/', '中共鹿城区委网信办', 0],
      [6, '江心屿的四季（2）', 'https://v.douyin.com/lc0002/', '中共鹿城区委网信办', 0],
    ]);
  });

  it('names the row in the sentence and the summary form’s own column labels', () => {
    const [d] = validateSummary(summary([{ row: 3, fields: row(1, { phone: undefined, link: 'https://www.kuaishou.com/short-video/3x' }) }]), unitCtx);
    expect(d!.problems.map((p) => p.message)).toEqual([
      '推荐汇总表第 3 行《江心屿的四季（1）》缺少“手机号码”，请补充后重新发送。',
      expect.stringMatching(/^推荐汇总表第 3 行《江心屿的四季（1）》的“作品链接”是快手的链接/),
    ]);
  });

  it('does not require address or introduction, which the summary form has no column for', () => {
    const strict: ContestConfig = { ...contest, requiredFields: [...contest.requiredFields, 'address', 'intro', 'occupation'] };
    expect(validateSummary(summary([{ row: 3, fields: row(1) }]), ctx({ contest: strict, kind: 'unit_summary' }))[0]!.problems).toEqual([]);
  });

  it('new employment: the unit’s column wins over keywords', () => {
    const drafts = validateSummary(summary([
      { row: 3, fields: row(1), newEmployment: '是' },
      { row: 4, fields: row(2), newEmployment: '√' },
      { row: 5, fields: row(3, { title: '外卖骑手眼中的鹿城' }), newEmployment: '否' },
      { row: 6, fields: row(4, { unit: '顺丰快递员' }) },
      { row: 7, fields: row(5), newEmployment: '外卖骑手' },
      { row: 8, fields: row(6) },
    ]), unitCtx);
    expect(drafts.map((d) => d.newEmployment)).toEqual([true, true, false, true, true, false]);
  });

  it('late applies to every row of a late summary', () => {
    const drafts = validateSummary(summary([{ row: 3, fields: row(1) }, { row: 4, fields: row(2) }]),
      ctx({ kind: 'unit_summary', receivedAt: new Date('2024-09-25T16:00:01Z') }));
    expect(drafts.map(codes)).toEqual([['late:'], ['late:']]);
  });
});

describe('several forms in one mail', () => {
  it('holds the subject against the form it names only', () => {
    const forms = [
      registration({ title: '瓯江夜色', name: '林小雨', link: 'https://v.douyin.com/ojyese1/' }),
      registration(),
    ];
    const drafts = validateForms(forms, ctx());
    expect(drafts.map(codes)).toEqual([[], []]);
  });

  it('holds it against all of them when it names none', () => {
    const forms = [
      registration({ title: '瓯江夜色', name: '林小雨', link: 'https://v.douyin.com/ojyese1/' }),
      registration({ title: '南塘夜市' }),
    ];
    expect(validateForms(forms, ctx()).map(codes)).toEqual([['subject_mismatch:title', 'subject_mismatch:name'], ['subject_mismatch:title']]);
  });
});
