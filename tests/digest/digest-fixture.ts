import type { EntryDraft } from '../../src/domain/entry-draft.ts';
import { problem, type Problem } from '../../src/domain/problem.ts';
import { recordEntries } from '../../src/entries/record-entries.ts';
import type { Db } from '../../src/store/db.ts';
import { insertOutbox } from '../../src/store/outbox-repo.ts';
import { eml, storeMail } from '../helpers/store-helpers.ts';

/**
 * A mailbox as it stands on the evening of 2024-06-10 (Asia/Shanghai), with one mail of the 11th that the digest
 * of the 10th must not count. Every hostile value the digest must neutralize is in here: a <script> title, raw
 * phone numbers, a formula in a name.
 */

export const DAY = '2024-06-10';
/** 08:00 on the 11th in Wenzhou: when the morning digest of the 10th is made. */
export const DIGEST_NOW = new Date('2024-06-11T00:00:00Z');
export const RAW_PHONE = '13812345678';
export const MASKED_PHONE = '138****5678';
export const SCRIPT_TITLE = '<script>alert("x")</script>江心屿';

const at = (local: string) => new Date(`${local}+08:00`);
let linkSeq = 7300000000000000000n;
const link = () => `https://www.douyin.com/video/${(linkSeq += 1n).toString()}`;

function draft(o: Partial<EntryDraft> & { title: string }): EntryDraft {
  return {
    form: 'registration', authors: ['陈晓东'], occupation: '教师', unit: null, links: [link()], otherLinks: [], phone: '13900001111',
    address: '温州市鹿城区五马街1号', intro: '温州的清晨。', newEmployment: false, problems: [], sourceRow: null, recommender: null,
    forwardedFrom: null, source: { filename: '登记表.docx', partId: '2', format: 'docx' }, raw: {}, ...o,
  };
}

async function registration(db: Db, o: { from: string; subject: string; when: string; drafts: EntryDraft[]; problems?: Problem[] }): Promise<number> {
  const problems = [...(o.problems ?? []), ...o.drafts.flatMap((d) => d.problems)];
  const stored = await storeMail(db, eml({ from: o.from, subject: o.subject }), problems, { receivedAt: at(o.when) });
  db.transaction(() => recordEntries(db, {
    messageId: stored.id, sender: o.from, receivedAt: at(o.when), kind: 'individual', unitName: null, drafts: o.drafts,
  }, at(o.when))).immediate();
  return stored.id;
}

async function summary(db: Db, o: { from: string; unit: string | null; unitText: string; when: string; drafts: EntryDraft[]; problems?: Problem[] }): Promise<number> {
  const stored = await storeMail(db, eml({ from: o.from, subject: `最美in温州 推荐作品汇总 ${o.unitText}` }), o.problems ?? [], { receivedAt: at(o.when) });
  db.transaction(() => recordEntries(db, {
    messageId: stored.id, sender: o.from, receivedAt: at(o.when), kind: 'unit_summary', unitName: o.unit, unitText: o.unitText,
    drafts: o.drafts.map((d, i) => ({ ...d, form: 'summary', sourceRow: i + 1, recommender: o.unitText, address: null, intro: null })),
  }, at(o.when))).immediate();
  return stored.id;
}

export interface DigestFixture {
  waitingMessage: number;
  pdfMessage: number;
  scriptMessage: number;
  unfetchableMessage: number;
  lateMessage: number;
}

export async function buildDigestFixture(db: Db): Promise<DigestFixture> {
  // The 9th: 温州日报 sends three works; an individual sends one.
  await summary(db, { from: 'wzrb@126.com', unit: '温州日报', unitText: '温州日报', when: '2024-06-09T09:00:00',
    drafts: [draft({ title: '瓯江夜色' }), draft({ title: '南塘风貌' }), draft({ title: '江心屿晨光' })] });
  const dupLink = link();
  await registration(db, { from: 'lin@qq.com', subject: '最美in温州+雁荡秋色+林巧巧', when: '2024-06-09T20:00:00',
    drafts: [draft({ title: '雁荡秋色', authors: ['林巧巧'], links: [dupLink], phone: RAW_PHONE })] });

  // The 10th.
  await summary(db, { from: 'wzrb@126.com', unit: '温州日报', unitText: '温州日报', when: '2024-06-10T09:00:00',
    drafts: [draft({ title: '五马街' }), draft({ title: '楠溪江' })] });
  await summary(db, { from: 'lcwx@126.com', unit: '鹿城区网信办', unitText: '鹿城区委网信办', when: '2024-06-10T10:00:00',
    drafts: [draft({ title: '外卖小哥的一天', newEmployment: true, occupation: '外卖骑手' }), draft({ title: '鹿城夜景' })]
      .map((d) => ({ ...d, contact: { name: '林巧巧', phone: '13905771234' } })) });
  await summary(db, { from: 'x@163.com', unit: null, unitText: '温州某某协会', when: '2024-06-10T10:30:00',
    drafts: [draft({ title: '协会作品' })],
    problems: [problem('unknown_unit', '推荐单位“温州某某协会”不在定向征集单位名单中，请主办方确认后添加单位别名并重新处理。', { field: 'unit', actor: 'organizer', detail: '温州某某协会' })] });
  const noPhone = problem('missing_field', `登记表缺少“手机号码”，请补充后重新发送（原填写：${RAW_PHONE.slice(0, 5)}）。`, { field: 'phone' });
  const waitingMessage = await registration(db, { from: 'zhang@163.com', subject: '最美in温州+塘河人家+张三', when: '2024-06-10T11:00:00',
    drafts: [draft({ title: '塘河人家', authors: ['张三'], phone: null, problems: [noPhone] })] });
  const scriptMessage = await registration(db, { from: `${RAW_PHONE}@163.com`, subject: `最美in温州+${SCRIPT_TITLE}+=HYPERLINK("http://x")`, when: '2024-06-10T12:00:00',
    drafts: [draft({ title: SCRIPT_TITLE, authors: ['=HYPERLINK("http://evil.example","点我")'], phone: RAW_PHONE,
      problems: [problem('intro_too_long', '登记表的“作品简介”有 260 字，超过 200 字的限制，请精简后重新发送。<img src=x onerror=alert(1)>', { field: 'intro' })] })] });
  // The same Douyin work as 林巧巧's, from someone else: a duplicate for a person to look at.
  await registration(db, { from: 'wang@qq.com', subject: '最美in温州+雁荡秋色+王五', when: '2024-06-10T13:00:00',
    drafts: [draft({ title: '雁荡秋色', authors: ['王五'], links: [dupLink] })] });
  const pdfMessage = (await storeMail(db, eml({ from: 'li@qq.com', subject: '最美in温州+瑞安老街+李四' }),
    [problem('needs_person', '“登记表.pdf”为 PDF 文件，将由工作人员人工核对；如方便，请另发一份 .docx 格式的参赛登记表。', { field: 'attachment', actor: 'organizer', detail: 'pdf' })],
    { receivedAt: at('2024-06-10T14:00:00') })).id;
  await storeMail(db, eml({ from: 'MAILER-DAEMON@126.com', subject: '系统退信', headers: { 'Auto-Submitted': 'auto-replied' } }), [], { receivedAt: at('2024-06-10T15:00:00') });
  // A mail the server would not give: recorded from its envelope, for a person.
  const unfetchableMessage = (await storeMail(db, eml({ from: 'zhao@qq.com', subject: '最美in温州+飞云江+赵七' }), [],
    { receivedAt: at('2024-06-10T15:30:00'), status: 'unfetchable' })).id;
  await storeMail(db, eml({ from: 'ads@shop.com', subject: '优惠券', attachments: [] }), [], { receivedAt: at('2024-06-10T16:00:00') });

  // The 11th (after the reported day).
  await registration(db, { from: 'late@qq.com', subject: '最美in温州+明日+赵六', when: '2024-06-11T07:00:00', drafts: [draft({ title: '明日' })] });
  // The day after the deadline: a complete form that cannot take part.
  const tooLate = problem('late', '很抱歉，邮件于 2024年9月26日 09:00 送达，已超过征集截止时间（2024年9月25日 24:00），作品无法参加本届评选。如有疑问，请联系主办方。');
  const lateMessage = await registration(db, { from: 'qian@163.com', subject: '最美in温州+秋日瓯江+钱八', when: '2024-09-26T09:00:00',
    drafts: [draft({ title: '秋日瓯江', authors: ['钱八'], problems: [tooLate] })] });

  // The outbox: a sender held back by the cap on the 10th, and a reply whose fate is unknown.
  const base = { kind: 'reply' as const, messageId: null, fingerprint: null, day: DAY, mailDate: at('2024-06-10T12:00:00'), subject: 'Re: x', payload: '{}', raw: null };
  for (const n of [1, 2]) {
    insertOutbox(db, { ...base, recipients: ['flood@qq.com'], recipient: 'flood@qq.com', dedupeKey: null, intentKey: `k${n}`,
      mailMessageId: `<cap${n}@126.com>`, status: 'capped', reason: 'sender_cap' }, at('2024-06-10T12:00:00'));
  }
  const unknown = insertOutbox(db, { ...base, recipients: ['zhang@163.com'], recipient: 'zhang@163.com', dedupeKey: 'reply:unknown',
    intentKey: 'reply:unknown', mailMessageId: '<unk@126.com>', status: 'pending', reason: 'reply' }, at('2024-06-10T12:00:00'))!;
  db.prepare("UPDATE outbox SET status = 'unknown', message_id = ?, last_error_code = 'interrupted', last_error = 'the process stopped while sending' WHERE id = ?").run(waitingMessage, unknown);
  return { waitingMessage, pdfMessage, scriptMessage, unfetchableMessage, lateMessage };
}
