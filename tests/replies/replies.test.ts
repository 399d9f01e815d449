import { statSync, readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import mammoth from 'mammoth';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { robotReason } from '../../src/classify/robots.ts';
import { fixedClock } from '../../src/clock.ts';
import { problem } from '../../src/domain/problem.ts';
import type { MessageHeaders } from '../../src/mailbox/incoming-message.ts';
import { deliverOutbox } from '../../src/replies/deliver-outbox.ts';
import { buildReply, replyRecipient, replySubject } from '../../src/replies/reply-message.ts';
import { cappedSenders, getOutbox, listOutbox } from '../../src/store/outbox-repo.ts';
import { createMailer } from '../../src/transport/mailer.ts';
import { CONTEST, eml, ingestAndEnqueue, log, tempDb, type TempDb } from '../helpers/store-helpers.ts';
import { startSmtpSink, type SmtpSink } from '../setup/smtp-sink.ts';

const NOW = new Date('2024-06-10T03:00:00Z'); // 11:00 in Wenzhou
const clock = fixedClock(NOW.toISOString());
const noPhone = problem('missing_field', '登记表缺少“手机号码”，请补充后重新发送。', { field: 'phone' });
const noLink = problem('missing_field', '登记表缺少“链接地址”，请补充后重新发送。', { field: 'link' });
const longIntro = problem('intro_too_long', '登记表的“作品简介”有 260 字，超过 200 字的限制，请精简后重新发送。', { field: 'intro' });

let sink: SmtpSink;
let t: TempDb;
beforeAll(async () => { sink = await startSmtpSink(); });
afterAll(async () => { await sink.stop(); });
afterEach(() => { sink.reset(); t?.dispose(); });

/** The headers of a plain mail from `from`: only its address can make it a robot's. */
function robotHeaders(from: string): MessageHeaders {
  return {
    messageId: '<x@y>', subject: '', from: { address: from, name: '' }, replyTo: null, sender: null, to: [], date: null,
    inReplyTo: null, references: [], raw: new Map(), contentType: 'multipart/mixed',
  };
}

function deps(db = t.db) {
  const mailer = createMailer({ host: sink.host, port: sink.port, tls: 'none', user: sink.user, pass: sink.pass }, t.dir);
  return { db, mailer, from: { name: CONTEST.name, address: 'bisaihuodong@126.com' }, log };
}

describe('a reply to a form that lacks the phone number', () => {
  it('goes to the submitter, threaded and marked auto-replied, names the phone number and carries the blank form', async () => {
    t = tempDb();
    const original = eml({ messageId: '<orig-1@126.com>', references: '<earlier@qq.com>' });
    const { decision, outboxId } = await ingestAndEnqueue(t.db, original, [noPhone], NOW, { receivedAt: new Date('2024-06-10T02:00:00Z') });
    expect(decision).toEqual({ send: true, reason: 'reply' });
    expect(outboxId).not.toBeNull();

    const report = await deliverOutbox(deps(), clock, { spacingMs: 0 });
    expect(report.sent).toEqual([outboxId]);
    const [got] = await sink.waitForMessages(1);
    expect(got!.envelope).toEqual({ from: 'bisaihuodong@126.com', to: ['chenxd@126.com'] });

    const mail = await got!.parsed();
    expect(mail.subject).toBe('Re: 最美in温州+五马街的清晨+陈晓东');
    expect(mail.inReplyTo).toBe('<orig-1@126.com>');
    expect(mail.references).toEqual(['<earlier@qq.com>', '<orig-1@126.com>']);
    expect(mail.headers.get('auto-submitted')).toBe('auto-replied');
    expect(mail.headers.get('x-auto-response-suppress')).toBe('All');
    expect(mail.messageId).toBe(getOutbox(t.db, outboxId!)!.mailMessageId);

    const text = mail.text!;
    expect(text).toContain('【手机号码】');
    expect(text).toContain('登记表缺少“手机号码”');
    expect(text).toContain('2024年6月10日 10:00'); // received time in Asia/Shanghai
    expect(text).toContain('《五马街的清晨》');
    expect(text).toContain('最美in温州+五马街的清晨+陈晓东');
    expect(text).toContain('温正祥');
    expect(text).toContain('0577-88096549');
    expect(mail.html).toContain('手机号码');

    expect(mail.attachments).toHaveLength(1);
    const form = mail.attachments[0]!;
    expect(form.filename).toMatch(/参赛登记表\.docx$/);
    const read = await mammoth.extractRawText({ buffer: form.content });
    for (const label of ['第六届“最美 in 温州”抖音创意大赛参赛登记表', '姓名', '职业', '单位', '作品题目', '链接地址', '手机号码', '通讯地址', '作品简介（200 字以内）', '注：请完整填写此表发送至 bisaihuodong@126.com 邮箱。']) {
      expect(read.value).toContain(label);
    }

    // What went over the wire is what the outbox stored: a resend would be byte-identical.
    expect(Buffer.compare(getOutbox(t.db, outboxId!)!.raw!, got!.raw)).toBe(0);
    expect(getOutbox(t.db, outboxId!)!.status).toBe('sent');
  });

  it('answers Reply-To rather than From', async () => {
    t = tempDb();
    await ingestAndEnqueue(t.db, eml({ replyTo: 'chen.personal@qq.com' }), [noPhone], NOW);
    await deliverOutbox(deps(), clock, { spacingMs: 0 });
    const [got] = await sink.waitForMessages(1);
    expect(got!.envelope.to).toEqual(['chen.personal@qq.com']);
  });

  it('keeps CRLF in the original subject from adding a header or a recipient', async () => {
    t = tempDb();
    const subject = '最美in温州+夜色\r\nBcc: victim@example.com\r\nX-Evil: 1+张三';
    // A Reply-To naming a second address is no recipient at all: that mail gets no reply.
    const two = await ingestAndEnqueue(t.db, eml({ subject, replyTo: 'chenxd@126.com, victim@example.com' }), [noPhone], NOW);
    expect(two.decision.send).toBe(false);
    await ingestAndEnqueue(t.db, eml({ subject, replyTo: 'chenxd@126.com' }), [noPhone], NOW);
    await deliverOutbox(deps(), clock, { spacingMs: 0 });
    const [got] = await sink.waitForMessages(1);
    expect(sink.messages).toHaveLength(1);
    expect(got!.envelope.to).toEqual(['chenxd@126.com']);
    const head = got!.raw.toString('latin1').split('\r\n\r\n')[0]!;
    expect(head).not.toMatch(/^bcc:/im);
    expect(head).not.toMatch(/^x-evil:/im);
    const mail = await got!.parsed();
    expect(mail.subject).toBe('Re: 最美in温州+夜色 Bcc: victim@example.com X-Evil: 1+张三');
    expect(mail.bcc).toBeUndefined();
  });

  it('sends a receipt for a complete submission only when receipts are switched on', async () => {
    t = tempDb();
    const off = await ingestAndEnqueue(t.db, eml(), [], NOW);
    expect(off.decision).toEqual({ send: false, reason: 'nothing_to_say' });
    const on = await ingestAndEnqueue(t.db, eml(), [], NOW, { contest: { ...CONTEST, replies: { ...CONTEST.replies, sendReceipts: true } } });
    expect(on.decision).toEqual({ send: true, reason: 'receipt' });
    await deliverOutbox(deps(), clock, { spacingMs: 0 });
    const mail = await (await sink.waitForMessages(1))[0]!.parsed();
    expect(mail.text).toContain('已收到，材料完整');
    expect(mail.attachments).toHaveLength(0);
    expect(mail.headers.get('auto-submitted')).toBe('auto-replied');
  });

  it('writes .eml files (0600) when no SMTP server is configured', async () => {
    t = tempDb();
    const { outboxId } = await ingestAndEnqueue(t.db, eml(), [noPhone], NOW);
    const report = await deliverOutbox({ ...deps(), mailer: createMailer(null, t.dir) }, clock);
    expect(report.sent).toEqual([outboxId]);
    const file = path.join(t.dir, 'outbox', `${outboxId}.eml`);
    expect(existsSync(file)).toBe(true);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const mail = await simpleParser(readFileSync(file));
    expect(mail.text).toContain('手机号码');
    expect(getOutbox(t.db, outboxId!)).toMatchObject({ status: 'sent', deliveredVia: file });
    expect(sink.messages).toHaveLength(0);
  });
});

describe('who is never answered', () => {
  const robots: [string, Parameters<typeof eml>[0]][] = [
    ['Auto-Submitted: auto-replied', { headers: { 'Auto-Submitted': 'auto-replied' } }],
    ['Precedence: bulk', { headers: { Precedence: 'bulk' } }],
    ['Precedence: junk', { headers: { Precedence: 'junk' } }],
    ['a mailing list (List-Id)', { headers: { 'List-Id': '<news.example.com>' } }],
    ['a delivery report', { from: 'MAILER-DAEMON@126.com', subject: '系统退信', contentType: 'multipart/report; report-type=delivery-status; boundary="x"' }],
    ['a null Return-Path', { headers: { 'Return-Path': '<>' } }],
    ['postmaster', { from: 'postmaster@qq.com' }],
    ['a noreply sender', { from: 'noreply@douyin.com' }],
    ['our own address', { from: 'bisaihuodong@126.com' }],
  ];
  for (const [name, options] of robots) {
    it(`does not answer ${name}`, async () => {
      t = tempDb();
      const { decision, outboxId } = await ingestAndEnqueue(t.db, eml(options), [noPhone], NOW);
      expect(decision.send).toBe(false);
      expect(decision.reason).toBe('automated');
      expect(outboxId).toBeNull();
    });
  }

  it('does not answer mail that is not about the contest', async () => {
    t = tempDb();
    const { decision } = await ingestAndEnqueue(t.db, eml({ subject: '发票', attachments: [] }), [], NOW);
    expect(decision).toEqual({ send: false, reason: 'not_contest' });
  });

  it('does not answer a Reply-To that points at our own mailbox', async () => {
    t = tempDb();
    const { decision } = await ingestAndEnqueue(t.db, eml({ replyTo: 'bisaihuodong@126.com' }), [noPhone], NOW);
    expect(decision).toEqual({ send: false, reason: 'own_address' });
  });

  it('refuses anything that is not one plain address', () => {
    expect(replyRecipient({ from: 'a@b.com, c@d.com', replyTo: null })).toEqual({ ok: false, reason: 'invalid_address' });
    expect(replyRecipient({ from: 'a@b.com\r\nBcc: c@d.com', replyTo: null })).toEqual({ ok: false, reason: 'invalid_address' });
    expect(replyRecipient({ from: '"陈" <a@b.com>', replyTo: null })).toEqual({ ok: false, reason: 'invalid_address' });
    expect(replyRecipient({ from: 'a@[127.0.0.1]', replyTo: null })).toEqual({ ok: false, reason: 'invalid_address' });
    expect(replyRecipient({ from: 'ok@qq.com', replyTo: 'broken@' })).toEqual({ ok: false, reason: 'invalid_address' });
    expect(replyRecipient({ from: 'ok@qq.com', replyTo: 'no-reply@x.cn' })).toEqual({ ok: false, reason: 'robot_address' });
    expect(replyRecipient({ from: 'Chen.XD@QQ.com', replyTo: null })).toEqual({ ok: true, address: 'chen.xd@qq.com' });
    expect(() => buildReply({ from: null, replyTo: null, subject: '', messageId: null, references: [], receivedAt: NOW, kind: 'individual', title: null, creators: [] },
      [noPhone], CONTEST, 'a@b.com, c@d.com', 'reply')).toThrow();
  });

  it('never answers an address the classifier knows as a robot (one rule for both)', () => {
    for (const robot of ['notifications@github.com', 'Notification@douyin.com', 'notifications+abc@x.cn', 'bounce+srs=x@mail.x.cn', 'bounces-123@x.org']) {
      expect(replyRecipient({ from: 'ok@qq.com', replyTo: robot }), robot).toEqual({ ok: false, reason: 'robot_address' });
      expect(replyRecipient({ from: robot, replyTo: null }), robot).toEqual({ ok: false, reason: 'robot_address' });
      expect(robotReason(robotHeaders(robot), '最美in温州+作品+张三'), robot).toMatch(/^robot sender/);
    }
  });

  it('makes a one-line subject of whatever came in', () => {
    expect(replySubject('Re: RE：最美in温州+\u202e夜色\u0000+张三')).toBe('Re: 最美in温州+ 夜色 +张三');
    expect(replySubject('')).toBe('Re: （无标题）');
    expect([...replySubject('长'.repeat(500))].length).toBeLessThanOrEqual(124);
  });
});

describe('one reply per problem set, and the caps', () => {
  it('gives a resubmission with the same problems nothing, a different set a new reply naming what is still missing', async () => {
    t = tempDb();
    const first = await ingestAndEnqueue(t.db, eml(), [noPhone, noLink], NOW);
    expect(first.decision.send).toBe(true);
    const same = await ingestAndEnqueue(t.db, eml(), [noLink, noPhone], NOW);
    expect(same.decision).toEqual({ send: false, reason: 'already_answered' });
    const better = await ingestAndEnqueue(t.db, eml(), [noPhone], NOW);
    expect(better.decision).toEqual({ send: true, reason: 'reply' });

    await deliverOutbox(deps(), clock, { spacingMs: 0 });
    const got = await sink.waitForMessages(2);
    expect(got).toHaveLength(2);
    const second = await got[1]!.parsed();
    expect(second.text).toContain('手机号码');
    expect(second.text).not.toContain('链接地址（抖音作品链接）');
  });

  it('gives an exact resend of an answered message nothing', async () => {
    t = tempDb();
    const form = { filename: '参赛登记表.docx', content: Buffer.from('the same form bytes') };
    const first = await ingestAndEnqueue(t.db, eml({ attachments: [form] }), [noPhone], NOW);
    expect(first.decision.send).toBe(true);
    // Rules changed in between (a new problem found on reprocess): still the same content, still no second mail.
    const again = await ingestAndEnqueue(t.db, eml({ attachments: [form] }), [noPhone, longIntro], NOW);
    expect(again.decision).toEqual({ send: false, reason: 'exact_resend' });
  });

  it('caps replies per sender per day and reports the capped sender; the next day the sender is answered again', async () => {
    t = tempDb();
    const titles = ['一', '二', '三', '四', '五'];
    const decisions = [];
    for (const title of titles) {
      decisions.push((await ingestAndEnqueue(t.db, eml({ subject: `最美in温州+${title}+陈晓东` }), [noPhone], NOW)).decision);
    }
    expect(decisions.filter((d) => d.send)).toHaveLength(CONTEST.replies.perSenderPerDay);
    expect(decisions.at(-1)).toEqual({ send: false, reason: 'sender_cap', capped: 'chenxd@126.com' });
    expect(cappedSenders(t.db, '2024-06-10')).toEqual([{ address: 'chenxd@126.com', count: 2, reasons: ['sender_cap'] }]);
    expect(listOutbox(t.db, { status: 'capped' })).toHaveLength(2);

    const tomorrow = new Date('2024-06-11T01:00:00Z');
    const next = await ingestAndEnqueue(t.db, eml({ subject: '最美in温州+四+陈晓东' }), [noPhone], tomorrow);
    expect(next.decision).toEqual({ send: true, reason: 'reply' });

    await deliverOutbox(deps(), fixedClock(tomorrow.toISOString()), { spacingMs: 0 });
    expect(sink.messages).toHaveLength(CONTEST.replies.perSenderPerDay + 1);
  });

  it('caps replies per day for everybody', async () => {
    t = tempDb();
    const contest = { ...CONTEST, replies: { ...CONTEST.replies, perDay: 3 } };
    const decisions = [];
    for (const who of ['a', 'b', 'c', 'd']) {
      decisions.push((await ingestAndEnqueue(t.db, eml({ from: `${who}@163.com` }), [noPhone], NOW, { contest })).decision);
    }
    expect(decisions.map((d) => d.reason)).toEqual(['reply', 'reply', 'reply', 'daily_cap']);
    expect(cappedSenders(t.db, '2024-06-10').map((c) => c.address)).toEqual(['d@163.com']);
  });
});
