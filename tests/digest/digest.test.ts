import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { parse } from 'node-html-parser';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/clock.ts';
import { readDigestData } from '../../src/digest/collect-digest.ts';
import { unitState } from '../../src/digest/digest-model.ts';
import { renderDigest } from '../../src/digest/render-digest.ts';
import { runDigest } from '../../src/digest/send-digest.ts';
import { ENTRY_STATES } from '../../src/domain/entry-state.ts';
import { decide, markChecked, noteWork } from '../../src/review/review-work.ts';
import { listOutbox } from '../../src/store/outbox-repo.ts';
import { createMailer } from '../../src/transport/mailer.ts';
import { CONTEST, log, tempDb, type TempDb } from '../helpers/store-helpers.ts';
import { startSmtpSink, type SmtpSink } from '../setup/smtp-sink.ts';
import { buildDigestFixture, DAY, DIGEST_NOW, MASKED_PHONE, RAW_PHONE, SCRIPT_TITLE, type DigestFixture } from './digest-fixture.ts';

let t: TempDb;
let fixture: DigestFixture;
beforeEach(async () => {
  t = tempDb('ci-digest-');
  fixture = await buildDigestFixture(t.db);
});
afterEach(() => t.dispose());

const config = (dataDir: string, digestTo = ['organizer@wzwx.gov.cn']) => ({ contest: CONTEST, dataDir, mailFrom: 'bisaihuodong@126.com', digestTo });
const WEB = 'https://zmwz.example.cn/console';

describe('the digest of a fixed day', () => {
  it('lists the day\'s new works with their state, and totals that add up: every state counted', () => {
    const data = readDigestData(t.db, CONTEST, DAY);
    // The 10th: 3 unit summaries, 5 registrations (one about a PDF form, one the server would not give), 1 bounce, 1 advert.
    expect(data.day).toMatchObject({ messages: 10, byKind: { unit_summary: 3, individual: 5, automated: 1, not_contest: 1 }, entries: 8, registered: 5 });
    const work = (title: string) => data.newWorks.find((w) => w.title === title)!;
    expect(data.newWorks).toHaveLength(8);
    expect(work('五马街')).toMatchObject({ unit: '温州日报', state: 'registered', link: expect.stringMatching(/^https:\/\/www\.douyin\.com\/video\//) });
    expect(work('塘河人家')).toMatchObject({ unit: null, authors: ['张三'], state: 'needs_fix' });
    expect(work('雁荡秋色')).toMatchObject({ state: 'duplicate' });
    // Up to the end of the 10th: 12 versions of works, each in exactly one state; the 11th's mail is not counted.
    expect(data.totals.entries).toBe(12);
    expect(Object.keys(data.totals.byState).sort()).toEqual([...ENTRY_STATES].sort());
    expect(Object.values(data.totals.byState).reduce((a, b) => a + b, 0)).toBe(data.totals.entries);
    expect(data.totals.byState).toMatchObject({ registered: 9, needs_fix: 2, duplicate: 1, ineligible: 0, superseded: 0 });
    expect(data.totals.messages).toBe(Object.values(data.totals.byKind).reduce((a, b) => a + b, 0));
  });

  it('says what to do about each item that needs a person, and leaves advice and late works out of the waiting list', () => {
    const data = readDigestData(t.db, CONTEST, DAY);
    const item = (id: number) => data.needsPerson.find((p) => p.messageId === id)!;
    expect(data.needsPerson.map((p) => p.messageId).sort((a, b) => a - b)).toHaveLength(4);
    expect(item(fixture.pdfMessage).reasons[0]!.todo).toMatch(/附件/);
    expect(item(fixture.unfetchableMessage).reasons[0]).toMatchObject({
      text: expect.stringContaining('邮件内容无法从邮箱服务器取回'), todo: expect.stringContaining(`reprocess --id ${fixture.unfetchableMessage}`),
    });
    expect(data.needsPerson.flatMap((p) => p.reasons).some((r) => /units alias add "温州某某协会"/.test(r.todo))).toBe(true);
    expect(data.needsPerson.flatMap((p) => p.reasons).some((r) => r.text.includes('重复报送'))).toBe(true);
    // Without the console's address, no link: the message id says where to look.
    expect(data.needsPerson.every((p) => p.link === null)).toBe(true);
    expect(data.waiting.map((w) => w.messageId).sort()).toEqual([fixture.waitingMessage, fixture.scriptMessage].sort());

    // After the deadline: the late work is counted as 无法参赛, and nobody waits for it to be fixed.
    const later = readDigestData(t.db, CONTEST, '2024-09-26');
    expect(later.newWorks).toEqual([expect.objectContaining({ title: '秋日瓯江', state: 'ineligible' })]);
    expect(later.totals.byState.ineligible).toBe(1);
    expect(later.waiting.map((w) => w.messageId)).not.toContain(fixture.lateMessage);
    expect(later.needsPerson.map((p) => p.messageId)).not.toContain(fixture.lateMessage);
  });

  it('follows the organizers\' decisions in the console: a checked work needs nobody, an excluded one is counted as such, a note travels', () => {
    const before = readDigestData(t.db, CONTEST, DAY);
    const duplicate = before.needsPerson.find((p) => p.reasons.some((r) => r.text.includes('重复报送')))!;
    markChecked(t.db, duplicate.entryId!, true, '赵六', DIGEST_NOW);
    const waiting = before.waiting.find((w) => w.messageId === fixture.waitingMessage)!;
    noteWork(t.db, waiting.entryId!, '已电话联系作者', '赵六', DIGEST_NOW);
    const registered = before.newWorks.find((w) => w.title === '楠溪江')!;
    decide(t.db, registered.entryId, 'excluded', '作者申请撤回', '赵六', DIGEST_NOW);
    const after = readDigestData(t.db, CONTEST, DAY);
    expect(after.needsPerson.map((p) => p.messageId)).not.toContain(duplicate.messageId);
    expect(after.needsPerson).toHaveLength(before.needsPerson.length - 1);
    expect(after.waiting.find((w) => w.messageId === fixture.waitingMessage)!.problems).toContain('备注：已电话联系作者');
    expect(after.totals.byState).toMatchObject({ excluded: 1, registered: before.totals.byState.registered - 1 });
    expect(Object.values(after.totals.byState).reduce((a, b) => a + b, 0)).toBe(after.totals.entries);
    expect(after.newWorks.find((w) => w.title === '楠溪江')!.state).toBe('excluded');
  });

  it('links each item to the console\'s page when WEB_BASE_URL is set: the work\'s own, or the mail\'s', () => {
    const data = readDigestData(t.db, CONTEST, DAY, { webBaseUrl: `${WEB}/` });
    const duplicate = data.needsPerson.find((p) => p.reasons.some((r) => r.text.includes('重复报送')))!;
    expect(duplicate.link).toBe(`${WEB}/works/${duplicate.entryId}`);
    expect(data.needsPerson.find((p) => p.messageId === fixture.pdfMessage)!.link).toBe(`${WEB}/messages/${fixture.pdfMessage}`);
    const { html, text } = renderDigest(data, DIGEST_NOW);
    const hrefs = parse(html).querySelectorAll('a').map((a) => a.getAttribute('href'));
    expect(hrefs.length).toBe(data.needsPerson.length);
    for (const href of hrefs) expect(href).toMatch(new RegExp(`^${WEB}/(works|messages)/\\d+$`));
    expect(text).toContain(`${WEB}/messages/${fixture.pdfMessage}`);
    // Without it, the message id.
    expect(renderDigest(readDigestData(t.db, CONTEST, DAY), DIGEST_NOW).text).toContain(`在 contest-intake 中为邮件 #${fixture.pdfMessage}`);
  });

  it('orders the units: behind first, then met, then the silent ones on one line with their count; each with its contact', () => {
    const data = readDigestData(t.db, CONTEST, DAY);
    const unit = (name: string) => data.units.find((u) => u.name === name)!;
    expect(unitState(unit('温州日报'))).toBe('met');
    expect(unitState(unit('鹿城区网信办'))).toBe('behind');
    expect(unit('鹿城区网信办').newEmployment).toEqual({ quota: 3, before: '2024-06-30', counted: 1, met: false });
    expect(unitState(unit('温州晚报'))).toBe('silent');
    // The contact of the unit's summary form (推荐单位 / 联系人 / 联系方式), masked in the mail.
    expect(unit('鹿城区网信办').contact).toEqual({ name: '林巧巧', phone: '13905771234' });
    const { html, text } = renderDigest(data, DIGEST_NOW);
    const section = html.slice(html.indexOf('定向征集单位进度'), html.indexOf('新就业群体短视频')).replace(/<span style="white-space:nowrap">([^<]*)<\/span>/g, '$1');
    expect(section.indexOf('鹿城区网信办')).toBeLessThan(section.indexOf('温州日报'));
    expect(section).toContain('林巧巧 139****1234');
    expect(section).not.toContain('13905771234');
    expect(section).toContain('未报送 34 个单位：');
    // Two rows with a state badge (鹿城区网信办, 温州日报): the silent ones are not rows.
    expect(section.match(/display:inline-block;padding:1px 6px/g)).toHaveLength(2);
    expect(text).toMatch(/鹿城区网信办 · 联系人：林巧巧 139\*\*\*\*1234：2\/10 未达标/);
    expect(unit('温州日报').contact).toBeNull();
    expect(html).toContain('联系人：—');
  });

  it('renders every section, masks every phone number and escapes everything from mail', () => {
    const rendered = renderDigest(readDigestData(t.db, CONTEST, DAY), DIGEST_NOW);
    const { subject, text } = rendered;
    // Figures are kept on one line by a span of their own: read the HTML without them.
    const html = rendered.html.replace(/<span style="white-space:nowrap">([^<]*)<\/span>/g, '$1');
    expect(subject).toBe('第六届“最美 in 温州”抖音创意大赛 每日简报 2024-06-10：新邮件 10 封，新作品 8 件，4 项待人工处理');
    for (const title of ['需要人工处理（4）', '当日新作品（8）', '定向征集单位进度', '新就业群体短视频', '等待投稿人补充（2）', '未识别的推荐单位', '当日收件', '累计',
      '超出回复限额的发件人', '回复发送异常']) {
      expect(html).toContain(title);
      expect(text).toContain(title.replace(/（.*$/, ''));
    }
    expect(text).toContain('截至当日，距征集截止还有 107 天');
    expect(html).toContain('未达标 1 个 · 已达标 1 个 · 未报送 34 个');
    expect(text).toContain('作品记录按状态分列，合计 12 条');
    for (const legend of ['已登记：', '无法参赛：', '已合并（同一作品的另一渠道）：', '已被新版本替代：']) expect(text).toContain(legend);
    expect(html).toContain('flood@qq.com');
    expect(html).toContain('发送过程中断（可能已送达）');

    for (const out of [html, text, subject]) expect(out).not.toContain(RAW_PHONE);
    expect(html).toContain(`手机 ${MASKED_PHONE}`);
    expect(html).toContain(`${MASKED_PHONE}@163.com`);
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;江心屿');
    expect(text).toContain(SCRIPT_TITLE);

    const doc = parse(html);
    expect(doc.querySelectorAll('script, img, iframe, object, embed, link, style, form, input, svg, a')).toHaveLength(0);
    for (const el of doc.querySelectorAll('*')) {
      for (const name of Object.keys(el.attributes)) {
        expect(name.toLowerCase()).not.toMatch(/^on|^src$|^href$|^background$/);
      }
    }
    expect(html).not.toMatch(/url\(/i);
    // Gmail clips HTML mail beyond 102 KB: the digest of 36 units and a few dozen items stays well under.
    expect(Buffer.byteLength(html)).toBeLessThan(80_000);
  });

  it('made again for an earlier day, counts days and deadlines from that day, not from today', () => {
    const months = new Date('2024-12-01T00:00:00Z');
    const { text } = renderDigest(readDigestData(t.db, CONTEST, DAY), months);
    expect(text).toContain('截至当日，距征集截止还有 107 天');
    expect(text).toContain('距截止 107 天');
    expect(text).toContain('（截至当日还有 20 天）');
    expect(text).not.toContain('已逾期未完成');
    expect(text).toContain('生成于 2024-12-01 08:00');
    const after = renderDigest(readDigestData(t.db, CONTEST, '2024-07-01'), months).text;
    expect(after).toContain('已逾期未完成');
    expect(after).toContain('截至当日，距征集截止还有 86 天');
  });
});

describe('the digest\'s two parts', () => {
  it('say the same: every heading, note, list item, badge and reference of the HTML is in the plain text', () => {
    const { html, text } = renderDigest(readDigestData(t.db, CONTEST, DAY, { webBaseUrl: WEB }), DIGEST_NOW);
    const pieces = parse(html).querySelectorAll('h2, li, td > p, span, a').map((e) => e.text.trim()).filter(Boolean);
    expect(pieces.length).toBeGreaterThan(60);
    for (const piece of pieces) expect(text, piece).toContain(piece);
  });
});

describe('making and sending the digest', () => {
  let sink: SmtpSink;
  beforeAll(async () => { sink = await startSmtpSink(); });
  afterAll(async () => { await sink.stop(); });

  it('writes DATA_DIR/digests/<day>.html and .xlsx, and mails it once per day with the workbook attached', async () => {
    const mailer = createMailer({ host: sink.host, port: sink.port, tls: 'none', user: sink.user, pass: sink.pass }, t.dir);
    const deps = { db: t.db, config: config(t.dir), mailer, log };
    const first = await runDigest(deps, { date: DAY, now: DIGEST_NOW, send: true, clock: fixedClock(DIGEST_NOW.toISOString()) });
    expect(first).toMatchObject({ queued: 'new', htmlFile: path.join(t.dir, 'digests', '2024-06-10.html') });
    expect(first.delivery?.sent).toEqual([first.outboxId]);
    expect(statSync(first.htmlFile).mode & 0o777).toBe(0o600);
    expect(readFileSync(first.htmlFile, 'utf8')).toContain('每日简报');
    expect(existsSync(first.xlsxFile)).toBe(true);

    // The worker restarts the same morning: same day, nothing sent again.
    const again = await runDigest(deps, { date: DAY, now: new Date(DIGEST_NOW.getTime() + 600_000), send: true });
    expect(again).toMatchObject({ queued: 'existing', outboxId: first.outboxId, delivery: null });
    expect(sink.messages).toHaveLength(1);
    expect(listOutbox(t.db, { kind: 'digest' })).toHaveLength(1);

    const mail = await sink.messages[0]!.parsed();
    expect(sink.messages[0]!.envelope.to).toEqual(['organizer@wzwx.gov.cn']);
    expect(mail.subject).toContain('每日简报 2024-06-10');
    expect(mail.headers.get('auto-submitted')).toBe('auto-generated');
    expect(mail.html).toContain('定向征集单位进度');
    expect(sink.messages[0]!.raw.toString('latin1')).not.toContain(RAW_PHONE);
    const xlsx = mail.attachments.find((a) => a.filename?.endsWith('.xlsx'))!;
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.content as unknown as ArrayBuffer);
    expect(wb.worksheets.map((s) => s.name)).toEqual(['作品', '评分-评委1', '评分-评委2', '评分-评委3', '评分-评委4', '评分-评委5', '评审汇总', '组织奖', '单位进度', '邮件']);
    // The attachment travels by mail: phone numbers masked there too.
    const phones = wb.getWorksheet('作品')!.getColumn(6).values.filter((v): v is string => typeof v === 'string');
    expect(phones).toContain(MASKED_PHONE);
    expect(phones).not.toContain(RAW_PHONE);
  });

  it('writes the digest without sending when asked only to make it, or when nobody is configured to get it', async () => {
    const deps = { db: t.db, config: config(t.dir, []), mailer: createMailer(null, t.dir), log };
    expect((await runDigest(deps, { date: DAY, now: DIGEST_NOW, send: false })).queued).toBe('not_requested');
    expect((await runDigest(deps, { date: DAY, now: DIGEST_NOW, send: true })).queued).toBe('no_recipients');
    expect(listOutbox(t.db)).toHaveLength(3); // only the fixture's rows
    expect(readdirSync(path.join(t.dir, 'digests')).sort()).toEqual(['2024-06-10.html', '2024-06-10.xlsx']);
  });

  it('links to the console when WEB_BASE_URL is set', async () => {
    const deps = { db: t.db, config: { ...config(t.dir, []), web: { baseUrl: WEB } }, mailer: createMailer(null, t.dir), log };
    const run = await runDigest(deps, { date: DAY, now: DIGEST_NOW, send: false });
    expect(readFileSync(run.htmlFile, 'utf8')).toContain(`href="${WEB}/messages/${fixture.unfetchableMessage}"`);
  });
});
