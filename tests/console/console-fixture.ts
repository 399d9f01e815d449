import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { buildMail } from '../../fixtures/scripts/eml/clients.ts';
import { CONTEST, DOCX, XLSX } from '../../fixtures/scripts/eml/kit.ts';
import { registrationDocx, summaryXlsx } from '../../fixtures/scripts/eml/office.ts';
import { startDovecot, type DovecotHandle } from '../setup/dovecot.ts';
import { freePort } from '../setup/net-util.ts';

/**
 * A console on a database filled by the real pipeline: the demo mailbox and three mails made here (hostile markup,
 * an unknown unit's summary, an attachment with a path for a name) APPENDed into a private Dovecot, read by
 * `contest-intake poll --once`, accounts made with `contest-intake user add`, and the console run as `contest-intake
 * serve`, all through the bin as deployed. A loopback canary server counts every request that reaches it.
 */

const run = promisify(execFile);
export const BIN = path.resolve('bin/contest-intake.js');
export const PASSWORDS = { org: 'organizer-pass-1', viewer: 'viewer-pass-01', admin: 'admin-pass-001', lockme: 'lockme-pass-01', leaver: 'leaver-pass-01' };
export const HOSTILE_TITLE = '<script>alert("title")</script>江心屿';
export const UNKNOWN_UNIT = '温州市摄影家协会';

export interface ConsoleFixture {
  url: string;
  dataDir: string;
  env: Record<string, string>;
  canaryHits: string[];
  canaryUrl: string;
  cli(args: string[]): Promise<{ stdout: string; stderr: string }>;
  stop(): Promise<void>;
}

function hostileMail(canary: string): Buffer {
  const html = `<p>作品见附件。</p><script>alert('script')</script><img src="${canary}/remote.png" onerror="alert('onerror')">
<img src="x" onerror="alert('onerror2')"><a href="javascript:alert('js')">点我</a><meta http-equiv="refresh" content="0;url=${canary}/refresh">
<link rel="stylesheet" href="${canary}/style.css"><div style="background:url(${canary}/bg.png)">背景</div><iframe src="${canary}/frame"></iframe>
<object data="${canary}/object"></object><form action="${canary}/form"><input name="q" autofocus onfocus="alert('focus')"></form>`;
  return Buffer.from(html);
}

async function extraMails(canary: string): Promise<Buffer[]> {
  const date = new Date('2024-06-12T03:10:00Z');
  const hostile = buildMail({
    client: 'coremail', from: { name: '<img src=x onerror=alert("name")>', address: 'evil@163.com' }, to: [CONTEST], date,
    subject: `最美in温州+${HOSTILE_TITLE}+<b onmouseover=alert(1)>王五</b>`,
    text: '作品见附件。<script>alert("text")</script>', html: hostileMail(canary).toString('utf8'),
    attachments: [
      { filename: '参赛登记表.docx', contentType: DOCX, content: await registrationDocx({
        name: '王五<img src=x onerror=alert(3)>', occupation: '摄影师', unit: '个人', title: HOSTILE_TITLE,
        link: 'javascript:alert(4)//https://v.douyin.com/iEvil01/', phone: '13800001234', address: '<svg onload=alert(5)>温州市鹿城区', intro: '<iframe src=javascript:alert(6)>',
      }) },
      { filename: '../../etc/密码".txt', contentType: 'text/plain', content: Buffer.from('not a passwd file') },
    ],
  });
  const unknownUnit = buildMail({
    client: 'foxmail', from: { name: '市摄影家协会', address: 'wzsy@163.com' }, to: [CONTEST], date: new Date('2024-06-13T02:00:00Z'),
    subject: `最美in温州+推荐作品汇总+${UNKNOWN_UNIT}`, text: '您好，附件是我们协会推荐的作品汇总表。',
    attachments: [{ filename: '推荐汇总表.xlsx', contentType: XLSX, content: await summaryXlsx({
      unit: UNKNOWN_UNIT, contact: '赵敏', contactPhone: '13957700001',
      rows: [
        { title: '雁荡秋色', author: '赵敏', occupationUnit: `摄影师/${UNKNOWN_UNIT}`, link: 'https://v.douyin.com/iSyxh01/', phone: '13957700011' },
        { title: '瓯江晨雾', author: '钱进', occupationUnit: `摄影师/${UNKNOWN_UNIT}`, link: 'https://v.douyin.com/iSyxh02/', phone: '13957700012' },
      ],
    }) }],
  });
  return [hostile, unknownUnit];
}

export async function startConsoleFixture(): Promise<ConsoleFixture> {
  const canaryHits: string[] = [];
  const canary = http.createServer((req, res) => { canaryHits.push(`${req.method} ${req.url}`); res.end('canary'); });
  await new Promise<void>((resolve) => canary.listen(0, '127.0.0.1', resolve));
  const canaryUrl = `http://127.0.0.1:${(canary.address() as AddressInfo).port}`;

  const dovecot: DovecotHandle = await startDovecot();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'ci-console-'));
  // Arrival (INTERNALDATE) as the mail's own Date: the contest's deadline is judged by it.
  const append = (raw: Buffer) => dovecot.appendMessage('INBOX', raw, { internalDate: new Date(/^Date: (.+)$/im.exec(raw.toString('latin1'))![1]!.trim()) });
  for (const f of readdirSync('fixtures/demo-mailbox').filter((n) => n.endsWith('.eml')).sort()) {
    await append(readFileSync(path.join('fixtures/demo-mailbox', f)));
  }
  for (const raw of await extraMails(canaryUrl)) await append(raw);
  const port = await freePort();
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn', DATA_DIR: dataDir, WEB_PORT: String(port),
    IMAP_HOST: '127.0.0.1', IMAP_PORT: String(dovecot.port), IMAP_TLS: 'none', IMAP_USER: dovecot.user, IMAP_PASS: dovecot.pass,
  };
  const cli = (args: string[]) => run(process.execPath, [BIN, ...args], { env, timeout: 120_000, maxBuffer: 64 * 1024 * 1024 });
  await cli(['poll', '--once']);
  const roles = { org: 'organizer', viewer: 'viewer', admin: 'admin', lockme: 'organizer', leaver: 'viewer' } as const;
  for (const [name, role] of Object.entries(roles)) {
    const file = path.join(dataDir, `${name}.pw`);
    writeFileSync(file, `${PASSWORDS[name as keyof typeof PASSWORDS]}\n`, { mode: 0o600 });
    await cli(['user', 'add', name, '--role', role, '--password-file', file]);
    rmSync(file);
  }
  const server: ChildProcess = spawn(process.execPath, [BIN, 'serve'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the console did not start:\n${output}`)), 60_000);
    const onData = (d: Buffer) => {
      output += d.toString();
      if (output.includes('管理页面：http://')) { clearTimeout(timer); resolve(); }
    };
    server.stdout!.on('data', onData);
    server.stderr!.on('data', onData);
    server.once('exit', (code) => { clearTimeout(timer); reject(new Error(`the console exited (${code}):\n${output}`)); });
  });
  server.removeAllListeners('exit');
  return {
    url: `http://127.0.0.1:${port}`, dataDir, env, canaryHits, canaryUrl, cli,
    async stop() {
      server.kill('SIGTERM');
      await new Promise((resolve) => server.once('exit', resolve));
      await new Promise<void>((resolve) => canary.close(() => resolve()));
      await dovecot.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Logs in over plain HTTP as a browser would (the login form's token and cookie), returning the session cookie. */
export async function httpLogin(url: string, name: string, password: string): Promise<{ cookie: string; status: number; body: string }> {
  const page = await fetch(`${url}/login`);
  const loginCookie = page.headers.getSetCookie().map((c) => c.split(';')[0]!).join('; ');
  const token = /name="_csrf" value="([^"]+)"/.exec(await page.text())![1]!;
  const res = await fetch(`${url}/login`, {
    method: 'POST', redirect: 'manual', headers: { cookie: loginCookie, origin: url, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: token, name, password }).toString(),
  });
  const session = res.headers.getSetCookie().map((c) => c.split(';')[0]!).find((c) => c.startsWith('ci_session=') && c !== 'ci_session=') ?? '';
  return { cookie: session, status: res.status, body: await res.text() };
}

/** A raw GET whose path is sent exactly as written (fetch would normalize `../`). */
export function rawGet(url: string, rawPath: string, cookie: string): Promise<number> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: u.hostname, port: u.port, path: rawPath, method: 'GET', headers: { cookie } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}
