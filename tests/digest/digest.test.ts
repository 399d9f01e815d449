import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import ExcelJS from 'exceljs';
import { parse } from 'node-html-parser';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/clock.ts';
import { readDigestData } from '../../src/digest/collect-digest.ts';
import type { DigestData } from '../../src/digest/digest-data.ts';
import { unitState } from '../../src/digest/digest-view.ts';
import { renderDigest } from '../../src/digest/render-digest.ts';
import { runDigest } from '../../src/digest/send-digest.ts';
import { listOutbox } from '../../src/store/outbox-repo.ts';
import { createMailer } from '../../src/transport/mailer.ts';
import { CONTEST, log, tempDb, type TempDb } from '../helpers/store-helpers.ts';
import { startSmtpSink, type SmtpSink } from '../setup/smtp-sink.ts';
import { buildDigestFixture, DAY, DIGEST_NOW, MASKED_PHONE, RAW_PHONE, SCRIPT_TITLE, type DigestFixture } from './digest-fixture.ts';

const run = promisify(execFile);
const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = path.resolve('test-artifacts');

let t: TempDb;
let fixture: DigestFixture;
beforeEach(async () => {
  t = tempDb('ci-digest-');
  fixture = await buildDigestFixture(t.db);
});
afterEach(() => t.dispose());

const config = (dataDir: string, digestTo = ['organizer@wzwx.gov.cn']) => ({ contest: CONTEST, dataDir, mailFrom: 'bisaihuodong@126.com', digestTo });

describe('the digest of a fixed day', () => {
  it('counts the day and the totals, and sorts units into met, behind and silent', () => {
    const data = readDigestData(t.db, CONTEST, DAY);
    // The 10th: 3 unit summaries, 4 registrations (one about the PDF form), 1 bounce, 1 advert; the 11th's mail is not counted.
    expect(data.day).toMatchObject({ messages: 9, byKind: { unit_summary: 3, individual: 4, automated: 1, not_contest: 1 }, entries: 8 });
    expect(data.totals).toMatchObject({ messages: 11, entries: 12, withProblems: 2, duplicates: 1 });
    const unit = (name: string) => data.units.find((u) => u.name === name)!;
    expect(unit('温州日报')).toMatchObject({ counted: 5, quota: 5 });
    expect(unitState(unit('温州日报'))).toBe('met');
    expect(unitState(unit('鹿城区网信办'))).toBe('behind');
    expect(unit('鹿城区网信办').newEmployment).toEqual({ quota: 3, before: '2024-06-30', counted: 1, met: false });
    expect(unitState(unit('温州晚报'))).toBe('silent');
    expect(data.unknownUnits.map((u) => u.name)).toEqual(['温州某某协会']);
    expect(data.waiting.map((w) => w.messageId)).toContain(fixture.waitingMessage);
    expect(data.needsPerson.map((p) => p.messageId)).toContain(fixture.pdfMessage);
    expect(data.needsPerson.some((p) => p.reasons.some((r) => r.includes('重复报送')))).toBe(true);
    expect(data.capped).toEqual([{ address: 'flood@qq.com', count: 2, reasons: ['sender_cap'] }]);
    expect(data.delivery.issues.map((i) => i.status)).toEqual(['unknown']);
  });

  it('renders every section, masks every phone number and escapes everything from mail', () => {
    const { subject, html, text } = renderDigest(readDigestData(t.db, CONTEST, DAY), DIGEST_NOW);
    expect(subject).toBe('第六届“最美 in 温州”抖音创意大赛 每日简报 2024-06-10：新邮件 9 封，新作品 8 件，3 项待人工处理');
    for (const title of ['当日收件', '累计', '定向征集单位进度', '新就业群体短视频', '未识别的推荐单位', '需要人工处理（3）', '等待投稿人补充（2）',
      '超出回复限额的发件人', '回复发送异常']) {
      expect(html).toContain(title);
      expect(text).toContain(title.replace(/（.*$/, ''));
    }
    expect(html).toContain('距征集截止还有 106 天');
    expect(html).toContain('已达标 1 个 · 未达标 1 个 · 未报送 34 个');
    expect(html).toContain('flood@qq.com');
    expect(html).toContain('发送过程中断（可能已送达）');

    for (const out of [html, text, subject]) expect(out).not.toContain(RAW_PHONE);
    expect(html).toContain(`手机 ${MASKED_PHONE}`);
    expect(html).toContain(`${MASKED_PHONE}@163.com`);
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;江心屿');
    expect(text).toContain(SCRIPT_TITLE);

    const doc = parse(html);
    expect(doc.querySelectorAll('script, img, iframe, object, embed, link, style, form, input, svg')).toHaveLength(0);
    for (const el of doc.querySelectorAll('*')) {
      for (const name of Object.keys(el.attributes)) {
        expect(name.toLowerCase()).not.toMatch(/^on|^src$|^href$|^background$/);
      }
    }
    expect(html).not.toMatch(/url\(/i);
    // Gmail clips HTML mail beyond 102 KB: the digest of 36 units and a few dozen items stays well under.
    expect(Buffer.byteLength(html)).toBeLessThan(80_000);
  });
});

describe('the digest\'s two parts', () => {
  it('say the same: every heading, note, list item, badge and reference of the HTML is in the plain text', () => {
    const { html, text } = renderDigest(readDigestData(t.db, CONTEST, DAY), DIGEST_NOW);
    const pieces = parse(html).querySelectorAll('h2, li, td > p, span').map((e) => e.text.trim()).filter(Boolean);
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
    expect(wb.worksheets.map((s) => s.name)).toEqual(['作品', '评审', '单位进度', '邮件']);
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
});

describe('the digest in a real browser', () => {
  const chrome = async (args: string[], profile: string) => run(CHROMIUM, [
    '--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update',
    '--disable-sync', `--user-data-dir=${profile}`, ...args,
  ], { timeout: 60_000, maxBuffer: 32 * 1024 * 1024 });

  it('lays out on a 420 px phone screen without horizontal overflow (screenshot kept in test-artifacts/)', async () => {
    expect(existsSync(CHROMIUM), 'Debian chromium is needed: apt-get install -y --no-install-recommends chromium').toBe(true);
    const data: DigestData = readDigestData(t.db, CONTEST, DAY);
    // The worst a sender can do to the layout: one unbroken 400-character title and a 200-character address.
    data.waiting.unshift({ ...data.waiting[0]!, title: 'W'.repeat(400), sender: `${'x'.repeat(200)}@example.com`, problems: ['长'.repeat(300)] });
    const { html } = renderDigest(data, DIGEST_NOW);
    const work = mkdtempSync(path.join(tmpdir(), 'ci-chromium-'));
    try {
      const page = path.join(work, 'digest.html');
      writeFileSync(page, html);
      mkdirSync(ARTIFACTS, { recursive: true });
      const shot = path.join(ARTIFACTS, 'digest-2024-06-10-420px.png');
      rmSync(shot, { force: true });
      await chrome(['--window-size=420,1600', '--hide-scrollbars', `--screenshot=${shot}`, `file://${page}`], path.join(work, 'p1'));
      const png = readFileSync(shot);
      expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
      expect(png.readUInt32BE(16)).toBe(420); // IHDR width
      expect(png.length).toBeGreaterThan(20_000); // a rendered page, not a blank one

      // Headless --dump-dom will not go below a 500 px window, so the digest is laid out in a 420 px box and
      // every element's right edge is measured. The probe script is the test's; the digest has none.
      const probe = html.replace(/<body([^>]*)>/, '<body$1><div id="phone" style="width:420px">')
        .replace('</body>', `</div><script>
          const box = document.getElementById('phone');
          const right = Math.max(...[...box.querySelectorAll('*')].map((el) => el.getBoundingClientRect().right));
          document.body.setAttribute('data-layout', JSON.stringify({ right, scroll: box.scrollWidth }));
        </script></body>`);
      writeFileSync(page, probe);
      const { stdout } = await chrome(['--window-size=800,1600', '--dump-dom', `file://${page}`], path.join(work, 'p2'));
      const layout = JSON.parse(parse(stdout).querySelector('body')!.getAttribute('data-layout')!) as { right: number; scroll: number };
      expect(layout.scroll).toBeLessThanOrEqual(420);
      expect(layout.right).toBeLessThanOrEqual(420.5);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
});
