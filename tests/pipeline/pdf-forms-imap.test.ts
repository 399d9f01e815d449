import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LONG_SUMMARY_ROWS, LONG_SUMMARY_UNIT } from '../../fixtures/scripts/documents/pdf-forms.ts';
import { fixedClock } from '../../src/clock.ts';
import { openImapSession } from '../../src/mailbox/imap/open-session.ts';
import { deliverOutbox } from '../../src/replies/deliver-outbox.ts';
import { createMailer } from '../../src/transport/mailer.ts';
import { pollMailbox } from '../../src/pipeline/poll-mailbox.ts';
import { listEntries, type StoredEntry } from '../../src/store/entries-repo.ts';
import { makeTestApp, type TestApp } from '../helpers/test-app.ts';
import { startDovecot, type DovecotHandle } from '../setup/dovecot.ts';
import { startSmtpSink, type SmtpSink } from '../setup/smtp-sink.ts';
import { startProxy, type TcpProxy } from '../setup/tcp-proxy.ts';

/**
 * The PDF mails of fixtures/mail (fixtures/scripts/eml/pdf-cases.ts) through the real service: APPENDed into a
 * Dovecot with NetEase's profile behind the "Unsafe Login" proxy, one poll, the PDFs read in the parse worker,
 * validated and recorded; the reply to the scan delivered to a real SMTP server. Expected values come from the
 * generator's record (cases.json) and the documents' own generator, not from the code.
 */

interface Case {
  file: string;
  date: string;
  form: Record<string, string> | null;
  summary: { unit: string; contact: string; contactPhone: string; recommendedBy?: string; rows: { title: string; author: string; occupationUnit: string; link: string; phone: string }[] } | null;
  status?: string;
}
const cases = (JSON.parse(readFileSync('fixtures/mail/cases.json', 'utf8')) as Case[]).filter((c) => /pdf/.test(c.file));
const byFile = (f: string) => cases.find((c) => c.file === f)!;
const NOW = '2024-07-03T02:00:00Z';
const flat = (s: string | null) => (s ?? '').replace(/\s+/g, '');
const names = (s: string) => s.split(/[、，,]/).map((x) => x.trim()).filter(Boolean);

let dovecot: DovecotHandle;
let proxy: TcpProxy;
let sink: SmtpSink;
let app: TestApp;
let uids: Map<string, number>;

function messageOf(file: string): { id: number; status: string; kind: string; problems: string } {
  return app.db.prepare('SELECT id, status, kind, problems FROM messages WHERE uid = ?').get(uids.get(file)) as { id: number; status: string; kind: string; problems: string };
}
const entriesOf = (file: string): StoredEntry[] => listEntries(app.db, { messageId: messageOf(file).id, includeSuperseded: true });

beforeAll(async () => {
  expect(cases.map((c) => c.file).sort()).toEqual(['coremail-pdf-long-summary.eml', 'iphone-scanned-pdf.eml', 'outlook-pdf-summary.eml', 'qq-pdf-registration.eml']);
  dovecot = await startDovecot({ netease: true });
  proxy = await startProxy({ targetHost: dovecot.host, targetPort: dovecot.port, mode: 'netease' });
  sink = await startSmtpSink();
  uids = new Map();
  for (const [i, c] of cases.entries()) {
    await dovecot.appendMessage('INBOX', readFileSync(path.join('fixtures/mail', c.file)), { internalDate: new Date(c.date) });
    uids.set(c.file, i + 1);
  }
  app = makeTestApp({
    IMAP_HOST: '127.0.0.1', IMAP_PORT: String(proxy.port), IMAP_TLS: 'none', IMAP_USER: dovecot.user, IMAP_PASS: dovecot.pass, ...sink.env(),
  }, { now: NOW });
  const open = () => openImapSession(app.config.imap!, app.log, { limits: app.limits, version: 'test', supportEmail: 'bisaihuodong@126.com' });
  const polled = await pollMailbox(open, app.deps, app.clock, { batchSize: 10, maxAttempts: 3 });
  expect(polled).toMatchObject({ listed: 4, fetched: 4 });
}, 120_000);

afterAll(async () => {
  app?.dispose();
  await sink?.stop();
  await proxy?.stop();
  await dovecot?.stop();
});

describe('PDF forms over IMAP, through the real pipeline', () => {
  it('qq-pdf-registration.eml: every field of the PDF registration form is recorded, and nothing is asked of the sender', () => {
    const c = byFile('qq-pdf-registration.eml');
    const m = messageOf(c.file);
    expect([m.kind, m.status, JSON.parse(m.problems)]).toEqual(['individual', 'ok', []]);
    const [e, ...more] = entriesOf(c.file);
    expect(more).toEqual([]);
    expect([e!.title, e!.authors, e!.occupation, e!.unit, e!.phone, e!.links]).toEqual([c.form!.title, [c.form!.name], c.form!.occupation, c.form!.unit, c.form!.phone, [c.form!.link]]);
    // The PDF keeps no typed spaces between Chinese and Latin text: compared without spaces.
    expect(flat(e!.address)).toBe(flat(c.form!.address!));
    expect(flat(e!.intro)).toBe(flat(c.form!.intro!));
    expect([e!.status, e!.problems]).toEqual(['valid', []]);
  });

  for (const file of ['outlook-pdf-summary.eml', 'coremail-pdf-long-summary.eml']) {
    it(`${file}: the unit and every row of the PDF summary, credited to the unit`, () => {
      const c = byFile(file);
      const m = messageOf(file);
      expect([m.kind, m.status]).toEqual(['unit_summary', 'ok']);
      const entries = entriesOf(file);
      const rows = (e: StoredEntry) => [e.title, e.authors, e.unit, e.links, e.phone, e.recommendedByUnit, e.creditedUnit, e.status, e.form];
      expect(entries.map(rows)).toEqual(c.summary!.rows.map((r) => [r.title, names(r.author), r.occupationUnit, [r.link], r.phone, c.summary!.recommendedBy, c.summary!.recommendedBy, 'valid', 'summary']));
      expect(entries.every((e) => e.recommenderText === c.summary!.unit)).toBe(true);
    });
  }

  it('coremail-pdf-long-summary.eml: the 80 works, as the document generator wrote them', () => {
    const entries = entriesOf('coremail-pdf-long-summary.eml');
    expect(entries).toHaveLength(80);
    expect(entries.map((e) => e.links[0])).toEqual(LONG_SUMMARY_ROWS.map((r) => r.link));
    expect(entries[0]!.recommenderText).toBe(LONG_SUMMARY_UNIT.unit);
  });

  it('iphone-scanned-pdf.eml: a scan stays with the organizers, and the reply says a person will look and a Word form is quicker', async () => {
    const c = byFile('iphone-scanned-pdf.eml');
    const m = messageOf(c.file);
    expect([m.kind, m.status]).toEqual(['individual', c.status]);
    expect(JSON.parse(m.problems).map((p: { code: string; detail: string }) => [p.code, p.detail])).toEqual([['needs_person', 'pdf_scan']]);
    expect(entriesOf(c.file)).toEqual([]);

    const deps = { db: app.db, mailer: createMailer(app.config.smtp, app.config.dataDir), from: { name: app.config.contest.name, address: app.config.mailFrom }, log: app.log };
    await deliverOutbox(deps, fixedClock(NOW), { spacingMs: 0 });
    const replies = sink.messages.filter((s) => s.envelope.to.includes('wuxy_oujiang@icloud.com'));
    expect(replies).toHaveLength(1);
    const mail = await replies[0]!.parsed();
    expect(mail.text).toContain('【需要工作人员人工核对】');
    expect(mail.text).toContain('附件《扫描全能王 2024-06-03 07.29.pdf》是扫描件（PDF 中没有可以读取的文字），将由工作人员人工核对，需要一些时间；用 Word 填写参赛登记表（.docx）后发送，可以更快完成登记。');
    expect(mail.text).toContain('本邮件附有空白的《参赛登记表》（附件1，Word 格式）');
    expect(mail.attachments.map((a) => a.filename)).toEqual([expect.stringMatching(/参赛登记表\.docx$/)]);
    // The registration and the complete summaries get no reply (receipts are off by default).
    expect(sink.messages).toHaveLength(1);
  });
});
