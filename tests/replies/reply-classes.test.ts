import { readFileSync } from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import type { ParsedMail } from 'mailparser';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/clock.ts';
import { readExportData } from '../../src/exports/collect-exports.ts';
import { parseEml } from '../../src/mailbox/eml-folder-source.ts';
import { ingestMessage } from '../../src/pipeline/ingest-message.ts';
import { blankForm } from '../../src/replies/blank-form.ts';
import { deliverOutbox } from '../../src/replies/deliver-outbox.ts';
import { listOutbox } from '../../src/store/outbox-repo.ts';
import { createMailer } from '../../src/transport/mailer.ts';
import { eml, fillIn, LIMITS } from '../helpers/store-helpers.ts';
import { makeTestApp, type TestApp } from '../helpers/test-app.ts';
import { startSmtpSink, type SmtpSink } from '../setup/smtp-sink.ts';

/**
 * One test per class of reply, through the real pipeline (forms read in the parse worker, validated, recorded) and
 * a real SMTP server: the state comes first, then only what the class says; a resend request and the blank form
 * only where something must be fixed.
 */

const NOW = new Date('2024-06-10T03:00:00Z');
const AFTER_DEADLINE = new Date('2024-09-26T00:12:00Z'); // 08:12 on the 26th in Wenzhou
const RESEND = /重新发送|重新提交.*登记表|请修改后/;
const FORM_VALUES = ['陈晓东', '摄影记者', '温州日报社', '五马街的清晨', 'https://v.douyin.com/iRNBho6u/', '13857712345', '温州市鹿城区五马街88号', '清晨的五马街。'];

let sink: SmtpSink;
let app: TestApp;
beforeAll(async () => { sink = await startSmtpSink(); });
afterAll(async () => { await sink.stop(); });
afterEach(() => { app?.dispose(); sink.reset(); });

function start(now = NOW): TestApp {
  app = makeTestApp(sink.env(), { now: now.toISOString() });
  return app;
}

async function form(values = FORM_VALUES): Promise<Buffer> {
  return fillIn(await blankForm(), values);
}

/** A mail through the real use case at `when`; its reply sent to the SMTP server and read back. */
async function submit(raw: Buffer, when = NOW): Promise<{ status: string; codes: string[]; mail: ParsedMail | null }> {
  const msg = await parseEml(raw, { fallbackDate: when, limits: LIMITS, receivedAt: when });
  const outcome = await ingestMessage(msg, app.deps, { now: when });
  const before = sink.messages.length;
  const deps = { db: app.db, mailer: createMailer(app.config.smtp, app.config.dataDir), from: { name: app.config.contest.name, address: app.config.mailFrom }, log: app.log };
  await deliverOutbox(deps, fixedClock(when.toISOString()), { spacingMs: 0 });
  const mail = sink.messages.length > before ? await sink.messages.at(-1)!.parsed() : null;
  return { status: outcome.status, codes: outcome.problems.map((p) => p.code), mail };
}

const stateOf = (mail: ParsedMail) => /【登记状态】(.+)/.exec(mail.text ?? '')?.[1];
const docx = (name: string, content: Buffer) => ({ filename: name, content });

/** A unit's 推荐汇总表 as the notice's 附件2 lays it out, typed in Excel. */
async function summaryXlsx(unit: string, rows: [string, string, string, string, string][]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('Sheet1');
  ws.addRow(['第六届“最美 in 温州”抖音创意大赛推荐汇总表']);
  ws.addRow([`推荐单位：${unit}`, '', '', `联系人：张明`, `联系方式：0577-88888888`]);
  ws.addRow(['序号', '作品题目', '作者姓名', '职业/单位', '作品链接', '手机号码']);
  rows.forEach((r, i) => ws.addRow([i + 1, ...r]));
  return Buffer.from(await wb.xlsx.writeBuffer());
}

describe('must fix: the work is not registered until a corrected mail arrives', () => {
  it('states 未登记，需补充, names the missing phone number, asks for a resend with the right subject and attaches the blank form', async () => {
    start();
    const values = [...FORM_VALUES];
    values[5] = '';
    const { status, mail } = await submit(eml({ attachments: [docx('参赛登记表.docx', await form(values))] }));
    expect(status).toBe('problems');
    expect(stateOf(mail!)).toBe('未登记，需补充');
    expect(mail!.text).toContain('【手机号码】');
    expect(mail!.text).toMatch(RESEND);
    expect(mail!.text).toContain('最美in温州+五马街的清晨+陈晓东');
    expect(mail!.attachments.map((a) => a.filename)).toEqual([expect.stringMatching(/参赛登记表\.docx$/)]);
    expect(listOutbox(app.db)[0]).toMatchObject({ kind: 'reply', reason: 'must_fix' });
  });
});

describe('advice: registered; how to do it next time, and nothing asked', () => {
  it('a complete form under a subject without the creator\'s name is registered, told the right subject, not asked to resend', async () => {
    start();
    const { status, codes, mail } = await submit(eml({ subject: '最美in温州+五马街的清晨', attachments: [docx('参赛登记表.docx', await form())] }));
    expect({ status, codes }).toEqual({ status: 'problems', codes: ['subject_format'] });
    expect(stateOf(mail!)).toBe('已登记');
    expect(mail!.text).toContain('《五马街的清晨》');
    expect(mail!.text).toContain('今后发送邮件时，标题请写为');
    expect(mail!.text).toContain('最美in温州+五马街的清晨+陈晓东');
    expect(mail!.text).not.toMatch(RESEND);
    expect(mail!.attachments).toHaveLength(0);
    // The work is registered in the organizers' workbook too.
    expect(readExportData(app.db, app.config.contest, NOW).entries.map((e) => e.state)).toEqual(['registered']);
  });
});

describe('final: nothing can fix it', () => {
  it('a form that arrives after the deadline gets a polite notice with the contact: no resend request, no form', async () => {
    start(AFTER_DEADLINE);
    const { codes, mail } = await submit(eml({ attachments: [docx('参赛登记表.docx', await form())] }), AFTER_DEADLINE);
    expect(codes).toEqual(['late']);
    expect(stateOf(mail!)).toBe('无法参赛');
    expect(mail!.text).toContain('2024年9月26日 08:12');
    expect(mail!.text).toContain('温正祥');
    expect(mail!.text).toContain('0577-88096549');
    expect(mail!.text).not.toMatch(RESEND);
    expect(mail!.text).not.toContain('作品征集截止日期为');
    expect(mail!.attachments).toHaveLength(0);
    expect(readExportData(app.db, app.config.contest, AFTER_DEADLINE).entries.map((e) => e.state)).toEqual(['ineligible']);
  });

  it('a late mail that lacks something is still told it is too late, not asked to fix it', async () => {
    start(AFTER_DEADLINE);
    const values = [...FORM_VALUES];
    values[4] = '';
    const { codes, mail } = await submit(eml({ attachments: [docx('参赛登记表.docx', await form(values))] }), AFTER_DEADLINE);
    expect(codes.sort()).toEqual(['late', 'missing_field']);
    expect(stateOf(mail!)).toBe('无法参赛');
    expect(mail!.text).not.toMatch(RESEND);
    expect(mail!.text).not.toContain('链接地址');
    expect(mail!.attachments).toHaveLength(0);
  });
});

describe('with the organizers: a person will look', () => {
  it('a scanned PDF form: 转人工核对, the file named, nothing asked of the submitter; the Word form offered, not asked for', async () => {
    start();
    const scan = readFileSync(path.resolve('fixtures/documents/scan.pdf'));
    const { status, mail } = await submit(eml({ attachments: [{ filename: '登记表.pdf', content: scan }] }));
    expect(status).toBe('needs_person');
    expect(stateOf(mail!)).toBe('转人工核对');
    expect(mail!.text).toContain('登记表.pdf');
    expect(mail!.text).toContain('将由工作人员人工核对');
    expect(mail!.text).toContain('您无需重新提交材料');
    expect(mail!.text).toContain('不另发也没有关系');
    expect(mail!.text).not.toMatch(RESEND);
    expect(mail!.attachments.map((a) => a.filename)).toEqual([expect.stringMatching(/参赛登记表\.docx$/)]);
  });

  it('a unit the list does not know: its works are registered, the unit is checked by a person, nothing asked', async () => {
    start();
    const xlsx = await summaryXlsx('温州某某文化协会', [['江心屿的日落', '周敏', '记者/温州某某文化协会', 'https://v.douyin.com/iRTs9kLm/', '13857700001']]);
    const { status, mail } = await submit(eml({ from: 'xiehui@163.com', subject: '最美in温州 推荐作品汇总表', attachments: [{ filename: '推荐汇总表.xlsx', content: xlsx }] }));
    expect(status).toBe('needs_person');
    expect(stateOf(mail!)).toBe('已登记');
    expect(mail!.text).toContain('推荐单位“温州某某文化协会”需由工作人员核对确认');
    expect(mail!.text).not.toContain('请主办方');
    expect(mail!.text).not.toMatch(RESEND);
    expect(mail!.attachments).toHaveLength(0);
  });

  it('a message the server would not give is never answered (unfetchable: recorded from its envelope)', async () => {
    start();
    const { recordUnprocessable } = await import('../../src/pipeline/ingest-message.ts');
    const msg = await parseEml(eml(), { fallbackDate: NOW, limits: LIMITS, receivedAt: NOW });
    recordUnprocessable(msg, app.deps, NOW, 'unfetchable', 'BODY[2] broke the connection twice');
    expect(listOutbox(app.db)).toEqual([]);
  });
});

describe('receipts: a complete work is confirmed once', () => {
  it('states 已登记 with the title, what was recorded and the link; the same work again gets no second receipt', async () => {
    start();
    const { status, mail } = await submit(eml({ attachments: [docx('参赛登记表.docx', await form())] }));
    expect(status).toBe('ok');
    expect(stateOf(mail!)).toBe('已登记');
    for (const part of ['《五马街的清晨》', '作者：陈晓东', '职业/单位：摄影记者/温州日报社', '链接：https://v.douyin.com/iRNBho6u/']) expect(mail!.text).toContain(part);
    expect(mail!.text).not.toMatch(RESEND);
    expect(mail!.attachments).toHaveLength(0);
    expect(mail!.headers.get('auto-submitted')).toBe('auto-replied');
    // The same work with a reworded introduction: recorded as the new version, confirmed already.
    const again = [...FORM_VALUES];
    again[7] = '清晨六点的五马街。';
    const second = await submit(eml({ attachments: [docx('参赛登记表.docx', await form(again))] }));
    expect(second).toMatchObject({ status: 'ok', mail: null });
    expect(listOutbox(app.db, { kind: 'receipt' })).toHaveLength(1);
  });

  it('a unit\'s summary with one row to fix: the count of each state, only that row\'s problem, no registration form for a unit', async () => {
    start();
    const xlsx = await summaryXlsx('温州日报社', [
      ['江心屿的日落', '周敏', '记者/温州日报社', 'https://v.douyin.com/iRTs9kLm/', '13857700001'],
      ['南塘风貌', '郑一鸣', '编辑/温州日报社', 'https://v.douyin.com/iRAbC123/', ''],
    ]);
    const { mail } = await submit(eml({ from: 'wzrb@163.com', subject: '最美in温州 温州日报社推荐汇总表', attachments: [{ filename: '推荐汇总表.xlsx', content: xlsx }] }));
    expect(stateOf(mail!)).toBe('已登记 1 件；未登记，需补充 1 件');
    expect(mail!.text).toContain('其余作品已登记');
    expect(mail!.text).toMatch(/缺少“手机号码”.*第5行/);
    expect(mail!.text).toMatch(RESEND);
    expect(mail!.attachments).toHaveLength(0);
  });
});
