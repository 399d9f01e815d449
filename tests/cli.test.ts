import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDovecot, type DovecotHandle } from './setup/dovecot.ts';
import { coremailMessage } from './helpers/mime.ts';

const run = promisify(execFile);
const BIN = path.resolve('bin/contest-intake.js');

async function cli(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run(process.execPath, [BIN, ...args], { env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn', ...env }, timeout: 60_000 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: typeof e.code === 'number' ? e.code : 1, stdout: e.stdout, stderr: e.stderr };
  }
}

let dovecot: DovecotHandle;
let dataDir: string;

beforeAll(async () => {
  dovecot = await startDovecot();
  dataDir = mkdtempSync(path.join(tmpdir(), 'ci-cli-'));
});
afterAll(async () => {
  await dovecot?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('the contest-intake command, as an operator uses it', () => {
  it('poll --once, status --json and export --format json against a real IMAP server', async () => {
    await dovecot.appendMessage('INBOX', coremailMessage({ subject: '最美in温州+五马街的清晨+陈晓东' }));
    await dovecot.appendMessage('INBOX', coremailMessage({ subject: '自动回复：您好', headers: { 'Auto-Submitted': 'auto-replied' } }));
    const env = { DATA_DIR: dataDir, IMAP_HOST: '127.0.0.1', IMAP_PORT: String(dovecot.port), IMAP_TLS: 'none', IMAP_USER: dovecot.user, IMAP_PASS: dovecot.pass };

    const polled = await cli(['poll', '--once'], env);
    expect(polled.stderr).toBe('');
    expect(polled.stdout).toMatch(/收信：新收 2 封/);
    expect(polled.code).toBe(0);

    const status = await cli(['status', '--json'], env);
    expect(status.code).toBe(0);
    const s = JSON.parse(status.stdout) as { health: string; messages: { byKind: Record<string, number> }; positions: { lastUid: number }[] };
    expect(s.health).toBe('ok');
    expect(s.messages.byKind).toEqual({ individual: 1, automated: 1 });
    expect(s.positions[0]!.lastUid).toBe(2);

    const out = path.join(dataDir, 'export.json');
    const exported = await cli(['export', '--format', 'json', '--out', out], env);
    expect(exported.code).toBe(0);
    const data = JSON.parse(readFileSync(out, 'utf8')) as { messages: { subject: string; kind: string; status: string }[] };
    expect(data.messages.map((m) => [m.subject, m.kind, m.status])).toEqual([
      ['最美in温州+五马街的清晨+陈晓东', 'individual', expect.stringMatching(/ok|problems|needs_person/)],
      ['自动回复：您好', 'automated', 'ignored'],
    ]);
  });

  it('a wrong password is a clear fatal error, and status says so with its own exit code', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ci-cli-auth-'));
    const env = { DATA_DIR: dir, IMAP_HOST: '127.0.0.1', IMAP_PORT: String(dovecot.port), IMAP_TLS: 'none', IMAP_USER: dovecot.user, IMAP_PASS: 'not-the-code' };
    const polled = await cli(['poll', '--once'], env);
    expect(polled.code).toBe(3);
    expect(polled.stderr).toMatch(/^contest-intake 出错（imap_auth）：邮箱服务器拒绝登录：.*授权码/);
    expect((await cli(['poll', '--once', '--lang', 'en'], env)).stderr).toMatch(/^contest-intake: \[imap_auth\] the mail server refused the login/);
    expect(polled.stderr + polled.stdout).not.toContain('not-the-code');
    const status = await cli(['status'], env);
    expect(status.code).toBe(3);
    expect(status.stdout).toMatch(/运行状态：登录被拒/);
    expect(status.stdout).toContain('请重新生成授权码');
    rmSync(dir, { recursive: true, force: true });
  });

  it('names a bad setting and exits 2', async () => {
    const r = await cli(['status'], { DATA_DIR: dataDir, IMAP_TLS: 'ssl' });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/IMAP_TLS/);
  });
});

describe('the operators\' language', () => {
  let demo: string;
  beforeAll(async () => {
    demo = mkdtempSync(path.join(tmpdir(), 'ci-cli-demo-'));
    // The demo, as `npm start` runs it with no configuration: the replies are written as files.
    const started = await cli(['run'], { DATA_DIR: demo });
    expect(started.stdout).toMatch(/演示：新收 22 封，此前已收 0 封，失败 0 封，共 22 个文件。/);
    expect(started.stdout).toMatch(/回复：\d+ 封已写入文件/);
  });
  afterAll(() => rmSync(demo, { recursive: true, force: true }));

  it('is Chinese by default, English with --lang en or LANG=en*, and shows times in Asia/Shanghai', async () => {
    const zh = await cli(['status'], { DATA_DIR: demo });
    expect(zh.stdout).toMatch(/^contest-intake 运行状态：正常（模式：演示）/);
    expect(zh.stdout).toMatch(/按状态：.*材料完整 \d+/);
    expect(zh.stdout).not.toMatch(/\d{4}-\d\d-\d\dT\d\d:/); // no UTC ISO strings
    expect(zh.stdout).toMatch(/上次成功：\d{4}-\d\d-\d\d \d\d:\d\d/);
    for (const en of [await cli(['status', '--lang', 'en'], { DATA_DIR: demo }), await cli(['status'], { DATA_DIR: demo, LANG: 'en_US.UTF-8' })]) {
      expect(en.stdout).toMatch(/^contest-intake status: ok {2}\(mode: demo\)/);
      expect(en.stdout).toMatch(/by status: {6}.*ok \d+/);
    }
    expect((await cli(['status'], { DATA_DIR: demo, LANG: 'zh_CN.UTF-8' })).stdout).toMatch(/^contest-intake 运行状态/);
    const units = await cli(['units'], { DATA_DIR: demo });
    expect(units.stdout).toMatch(/鹿城区网信办\s+县（市、区）网信部门\s+10\/10 已达标/);
    const usage = await cli(['units', 'alias', 'add', '某写法', '不存在的单位'], { DATA_DIR: demo });
    expect({ code: usage.code, stderr: usage.stderr }).toMatchObject({ code: 2, stderr: expect.stringMatching(/^“不存在的单位”不在单位名单中/) });
    const bad = await cli(['export', '--bogus'], { DATA_DIR: demo });
    expect(bad.code).toBe(2);
  });

  it('replies says 已写入文件 when no SMTP server is configured, 已发送 only when one took the mail', async () => {
    const listed = await cli(['replies'], { DATA_DIR: demo });
    expect(listed.stdout).toMatch(/回执\s+已写入文件/);
    expect(listed.stdout).not.toContain('已回复');
    const resent = await cli(['replies', '--resend', '1'], { DATA_DIR: demo });
    expect(resent.stdout).toMatch(/^发件箱 #1：已写入文件（\d{4}-\d\d-\d\d \d\d:\d\d）/);
  });

  it('digest --date makes that day\'s digest and says where', async () => {
    const r = await cli(['digest', '--date', '2024-06-20'], { DATA_DIR: demo });
    expect(r.stdout).toMatch(/^2024-06-20 的每日简报：.*2024-06-20\.html，.*2024-06-20\.xlsx/);
    const html = readFileSync(path.join(demo, 'digests', '2024-06-20.html'), 'utf8').replace(/<span style="white-space:nowrap">([^<]*)<\/span>/g, '$1');
    expect(html).toContain('截至当日，距征集截止还有 97 天');
    expect((await cli(['digest', '--date', '6月20日'], { DATA_DIR: demo })).stderr).toMatch(/--date 需要 YYYY-MM-DD 格式的日期/);
  });

  it('export --unit writes one unit\'s works in the layout of 附件2; an unknown unit is named with the list', async () => {
    const out = path.join(demo, '鹿城.xlsx');
    const r = await cli(['export', '--unit', '鹿城区委网信办', '--format', 'xlsx', '--out', out], { DATA_DIR: demo });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/已写入 .*鹿城\.xlsx（鹿城区网信办，10 件作品）/);
    const { default: ExcelJS } = await import('exceljs');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(out);
    const sheet = wb.worksheets[0]!;
    expect(sheet.getCell('A1').value).toBe('第六届“最美 in 温州”抖音创意大赛推荐汇总表');
    expect(String(sheet.getCell('A2').value)).toMatch(/^推荐单位：鹿城区网信办　　联系人：.+　　联系方式：/);
    expect((sheet.getRow(3).values as unknown[]).slice(1, 7)).toEqual(['序号', '作品题目', '作者姓名', '职业/单位', '作品链接', '手机号码']);
    expect(sheet.getCell('B4').value).toBe('骑手眼中的五马街');
    const unknown = await cli(['export', '--unit', '温州某某协会', '--format', 'xlsx', '--out', out], { DATA_DIR: demo });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/“温州某某协会”不在单位名单中，也不是已添加的别名；名单中的单位有：温州日报、/);
  });
});

describe('backup', () => {
  it('writes a consistent, private copy of the database that opens with the same messages', async () => {
    const env = { DATA_DIR: dataDir };
    const out = path.join(dataDir, 'copy', 'backup.db');
    const r = await cli(['backup', '--out', out], env);
    expect(r.code).toBe(0);
    const { default: Database } = await import('better-sqlite3');
    const copy = new Database(out, { readonly: true });
    const live = new Database(path.join(dataDir, 'contest-intake.db'), { readonly: true });
    const q = 'SELECT count(*) AS n FROM messages';
    expect(copy.prepare(q).get()).toEqual(live.prepare(q).get());
    expect((copy.prepare(q).get() as { n: number }).n).toBeGreaterThan(0);
    copy.close();
    live.close();
    const { statSync } = await import('node:fs');
    expect(statSync(out).mode & 0o777).toBe(0o600);
  });
});
