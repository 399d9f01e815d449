import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/clock.ts';
import { parseEml } from '../../src/mailbox/eml-folder-source.ts';
import { ingestMessage } from '../../src/pipeline/ingest-message.ts';
import { blankForm } from '../../src/replies/blank-form.ts';
import { deliverOutbox } from '../../src/replies/deliver-outbox.ts';
import { createMailer } from '../../src/transport/mailer.ts';
import { eml, fillIn, LIMITS } from '../helpers/store-helpers.ts';
import { makeTestApp, type TestApp } from '../helpers/test-app.ts';
import { startSmtpSink, type SmtpSink } from '../setup/smtp-sink.ts';

/**
 * "Done when: a submitter whose form lacks a phone number gets exactly one clear reply that names the phone
 * number." The real pipeline (extraction in the parse worker, validation, entries) reads a filled-in copy of our
 * own blank form, then the reply is recorded and sent as the lead wires it.
 */

const NOW = new Date('2024-06-10T03:00:00Z');
let sink: SmtpSink;
let app: TestApp;
beforeAll(async () => {
  sink = await startSmtpSink();
  app = makeTestApp(sink.env(), { now: NOW.toISOString() });
});
afterAll(async () => {
  app.dispose();
  await sink.stop();
});

/** Through the real use case, which records the reply intent in the message's own transaction. */
async function submit(phone: string, messageId: string): Promise<{ status: string; codes: string[]; replies: number }> {
  const form = await fillIn(await blankForm(), ['陈晓东', '摄影记者', '温州日报社', '五马街的清晨', 'https://v.douyin.com/iRNBho6u/', phone, '温州市鹿城区五马街88号', '清晨的五马街。']);
  const msg = await parseEml(eml({ messageId, attachments: [{ filename: '参赛登记表.docx', content: form }] }), { fallbackDate: NOW, limits: LIMITS, receivedAt: NOW });
  const outcome = await ingestMessage(msg, app.deps, { now: NOW });
  const { n } = app.db.prepare("SELECT count(*) AS n FROM outbox WHERE message_id = ? AND status = 'pending'").get(outcome.id) as { n: number };
  return { status: outcome.status, codes: outcome.problems.map((p) => p.code), replies: n };
}

describe('a form without a phone number, end to end', () => {
  it('gets exactly one clear reply naming the phone number; the same form again gets none; the fixed form none', async () => {
    const first = await submit('', '<first@126.com>');
    expect(first).toEqual({ status: 'problems', codes: ['missing_field'], replies: 1 });
    // The same form again (a new Message-ID, same attachment): no second reply.
    expect(await submit('', '<again@126.com>')).toMatchObject({ replies: 0 });
    // Fixed: complete, and receipts are off by default.
    expect(await submit('13857712345', '<fixed@126.com>')).toEqual({ status: 'ok', codes: [], replies: 0 });

    const deps = { db: app.db, mailer: createMailer(app.config.smtp, app.config.dataDir), from: { name: app.config.contest.name, address: app.config.mailFrom }, log: app.log };
    const report = await deliverOutbox(deps, fixedClock(NOW.toISOString()), { spacingMs: 0 });
    expect(report.sent).toHaveLength(1);
    expect(sink.messages).toHaveLength(1);
    const mail = await sink.messages[0]!.parsed();
    expect(sink.messages[0]!.envelope.to).toEqual(['chenxd@126.com']);
    expect(mail.inReplyTo).toBe('<first@126.com>');
    expect(mail.text).toContain('【手机号码】');
    expect(mail.text).toMatch(/缺少“手机号码”/);
    expect(mail.text).not.toContain('【链接地址');
    expect(mail.attachments.map((a) => a.filename)).toEqual([expect.stringMatching(/参赛登记表\.docx$/)]);
  });
});
