import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES } from '../../src/console/routes.tsx';
import { httpLogin, PASSWORDS, rawGet, startConsoleFixture, HOSTILE_TITLE, UNKNOWN_UNIT, type ConsoleFixture } from './console-fixture.ts';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = path.resolve('test-artifacts');

interface Exported {
  entries: { id: number; title: string; status: string; problems: { code: string }[]; duplicateOf: number | null; receivedAt: string; phone: string | null; source: { messageId: number }; review?: {
    checked: { by: string } | null; decision: { decision: string; reason: string } | null;
    corrections: { field: string; value: string; extracted: unknown }[]; notes: { text: string; by: string }[] } }[];
  units: { name: string; counted: number; received: number }[];
  unknownUnits: { name: string }[];
}

let fx: ConsoleFixture;
let browser: Browser;

beforeAll(async () => {
  expect(existsSync(CHROMIUM), 'Debian chromium is needed: apt-get install -y --no-install-recommends chromium').toBe(true);
  fx = await startConsoleFixture();
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  mkdirSync(ARTIFACTS, { recursive: true });
}, 240_000);
afterAll(async () => {
  await browser?.close();
  await fx?.stop();
});

async function exported(): Promise<Exported> {
  const out = path.join(fx.dataDir, 'export.json');
  await fx.cli(['export', '--format', 'json', '--out', out]);
  return JSON.parse(readFileSync(out, 'utf8')) as Exported;
}
const entryByTitle = (data: Exported, title: string) => data.entries.find((e) => e.title === title && e.status !== 'superseded')!;

async function loggedIn(name: keyof typeof PASSWORDS, width = 1280): Promise<Page> {
  const context = await browser.newContext({ viewport: { width, height: 900 }, locale: 'zh-CN' });
  const page = await context.newPage();
  await page.goto(`${fx.url}/`);
  expect(new URL(page.url()).pathname).toBe('/login');
  await page.fill('input[name=name]', name);
  await page.fill('input[name=password]', PASSWORDS[name]);
  await Promise.all([page.waitForURL((u) => u.pathname === '/'), page.click('button[type=submit]')]);
  return page;
}

async function digestText(day: string): Promise<string> {
  await fx.cli(['digest', '--date', day]);
  return readFileSync(path.join(fx.dataDir, 'digests', `${day}.html`), 'utf8').replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
}

// Each test drives a browser or the CLI through many steps; on a shared 2-core machine that takes minutes, not seconds.
const SLOW = { timeout: 240_000 };

describe('the console in a browser', () => {
  it('an organizer logs in; every page renders in Chinese at 1280 and 390 px without sideways scrolling (screenshots in test-artifacts/)', SLOW, async () => {
    const data = await exported();
    const valid = entryByTitle(data, '楠溪江的夏天');
    const pages: [string, string, string][] = [
      ['overview', '/', '总览'], ['works', '/works', '作品'], ['works-search', '/works?q=1234', '作品'],
      ['work', `/works/${valid.id}`, '楠溪江的夏天'], ['mail-list', '/mail', '邮件'], ['mail', `/mail/${valid.source.messageId}`, '邮件'],
      ['units', '/units', '单位'], ['replies', '/replies', '回复'], ['users', '/users', '用户'],
    ];
    for (const width of [1280, 390]) {
      const page = await loggedIn('admin', width);
      for (const [name, url, heading] of pages) {
        const res = await page.goto(`${fx.url}${url}`);
        expect(res?.status(), url).toBe(200);
        expect(await page.locator('h1').innerText(), url).toContain(heading);
        expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN');
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        expect(overflow, `${url} scrolls sideways at ${width} px`).toBeLessThanOrEqual(0);
        await page.screenshot({ path: path.join(ARTIFACTS, `console-${name}-${width}px.png`), fullPage: true });
      }
      // The search by a phone's last four digits: 13800001234 (the hostile mail) and 0577-88961234 (a landline), nothing else.
      await page.goto(`${fx.url}/works?q=1234`);
      const phones = await page.locator('tbody td[data-label="手机"]').allInnerTexts();
      expect(phones.sort()).toEqual(['0577-88961234', '13800001234']);
      await page.context().close();
    }
  });

  it('the 问题类型 filter offers the organizers\' classes (contest.json problemClasses) and each code in Chinese; a class lists exactly the works with a problem of that class', SLOW, async () => {
    const contest = JSON.parse(readFileSync('config/contest.json', 'utf8')) as { problemClasses: Record<string, string> };
    const classOf = (code: string) => contest.problemClasses[code];
    const data = await exported();
    const page = await loggedIn('org');
    await page.goto(`${fx.url}/works`);
    const options = await page.locator('select[name=problem] option').allTextContents();
    expect(options.slice(0, 5)).toEqual(['全部', '类别：需投稿人补充', '类别：已登记，仅提示', '类别：无法参赛', '类别：转人工核对']);
    // No bare machine code is offered: every code reads as Chinese with its class beside it.
    for (const text of options.slice(5)) expect(text).toMatch(/^[^a-z]+（[^a-z]+）$/);
    let seen = 0;
    for (const [cls, text] of [['must_fix', '类别：需投稿人补充'], ['final', '类别：无法参赛'], ['organizers', '类别：转人工核对'], ['advice', '类别：已登记，仅提示']] as const) {
      await page.goto(`${fx.url}/works`);
      await page.selectOption('select[name=problem]', { label: text });
      await Promise.all([page.waitForURL((u) => u.searchParams.get('problem') === `class:${cls}`), page.click('form.filters button[type=submit]')]);
      const shown = (await page.locator('td[data-label="编号"]').allTextContents()).map((t) => Number(t.replace('#', ''))).sort((a, b) => a - b);
      const expected = data.entries
        .filter((e) => e.status !== 'superseded' && e.problems.some((p) => classOf(p.code) === cls))
        .map((e) => e.id).sort((a, b) => a - b);
      expect(shown, cls).toEqual(expected.slice(0, 50));
      seen += expected.length;
    }
    expect(seen, 'the demo has works with problems of several classes').toBeGreaterThan(3);
    await page.context().close();
  });

  it('mail whose fields and HTML carry <script>, onerror=, javascript: and remote loads renders inert: no dialog, no request leaves the page', SLOW, async () => {
    const data = await exported();
    const hostile = data.entries.find((e) => e.title === HOSTILE_TITLE)!;
    expect(hostile).toBeDefined();
    const page = await loggedIn('org');
    const dialogs: string[] = [];
    // Chromium reports a request the CSP blocks as issued, then failed (net::ERR_BLOCKED_BY_CSP): what must never
    // happen is one that is answered, and the canary hears every one that leaves.
    const answered: string[] = [];
    const blocked: string[] = [];
    page.on('dialog', (d) => { dialogs.push(d.message()); void d.dismiss(); });
    page.context().on('requestfinished', (r) => { if (!r.url().startsWith(fx.url)) answered.push(r.url()); });
    page.context().on('requestfailed', (r) => { if (!r.url().startsWith(fx.url)) blocked.push(`${r.url()} ${r.failure()?.errorText}`); });
    for (const url of [`/works/${hostile.id}`, `/mail/${hostile.source.messageId}`, '/works', '/mail', '/']) {
      await page.goto(`${fx.url}${url}`);
      await page.waitForLoadState('networkidle');
    }
    await page.goto(`${fx.url}/works/${hostile.id}`);
    await page.waitForTimeout(1500);
    // The frame holds the mail's HTML; clicking its javascript: link does nothing either.
    const frame = page.frameLocator('iframe.mail-html');
    await frame.locator('a').first().click({ timeout: 5_000 }).catch(() => undefined);
    await page.waitForTimeout(500);
    await page.screenshot({ path: path.join(ARTIFACTS, 'console-hostile-work-1280px.png'), fullPage: true });
    expect(dialogs).toEqual([]);
    expect(answered).toEqual([]);
    expect(fx.canaryHits).toEqual([]);
    for (const b of blocked) expect(b).toMatch(/ csp$|ERR_BLOCKED_BY_CSP/i);
    // The markup is shown as text where it was text.
    expect(await page.locator('h1').innerText()).toContain('<script>alert("title")</script>江心屿');
    expect(await page.locator('main').innerText()).toContain('<svg onload=alert(5)>');
    expect(await page.locator('main script, main img, main svg').count()).toBe(0);
    await page.context().close();
  });
});

describe('security', () => {
  const sample = (p: string) => p.replace(/:(\w+)\{[^}]*\}\}?/g, '1').replace(/:(\w+)/g, '1');

  it('every route but the login page and our two static files refuses a request without a session (routes read from the server)', SLOW, async () => {
    const publicRoutes = ROUTES.filter((r) => r.access === 'public').map((r) => `${r.method} ${r.path}`).sort();
    expect(publicRoutes).toEqual(['GET /assets/console.css', 'GET /assets/console.js', 'GET /login', 'POST /login']);
    const guarded = ROUTES.filter((r) => r.access !== 'public');
    expect(guarded.length).toBeGreaterThan(15);
    for (const r of guarded) {
      const res = await fetch(`${fx.url}${sample(r.path)}`, {
        method: r.method, redirect: 'manual', headers: { origin: fx.url, 'content-type': 'application/x-www-form-urlencoded' },
        ...(r.method === 'POST' ? { body: 'checked=1&decision=excluded&reason=x&text=x&field=phone&value=1&alias=x&unit=x' } : {}),
      });
      const body = await res.text();
      if (r.method === 'GET') {
        expect(res.status, r.path).toBe(303);
        expect(res.headers.get('location'), r.path).toMatch(/^\/login\?next=/);
      } else {
        expect(res.status, r.path).toBe(401);
      }
      expect(body, r.path).not.toContain('楠溪江');
    }
    const audit = await exported();
    expect(audit.entries.every((e) => !e.review)).toBe(true);
  });

  it('answers with a strict CSP, frame denial and nosniff; the session cookie is HttpOnly and SameSite=Strict', SLOW, async () => {
    const login = await fetch(`${fx.url}/login`);
    expect(login.headers.get('content-security-policy')).toMatch(/default-src 'self'; script-src 'self'; style-src 'self'/);
    expect(login.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(login.headers.get('x-frame-options')).toBe('DENY');
    expect(login.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await login.text()).not.toMatch(/<script>|<style>| style=| on[a-z]+=/i);
    const page = await fetch(`${fx.url}/login`);
    const cookie = page.headers.getSetCookie().join('\n');
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
  });

  it('a POST without or with a wrong CSRF token, or from another origin, is refused and changes nothing', SLOW, async () => {
    const { cookie } = await httpLogin(fx.url, 'org', PASSWORDS.org);
    expect(cookie).not.toBe('');
    const id = entryByTitle(await exported(), '塘河人家').id;
    const post = (body: Record<string, string>, origin = fx.url) => fetch(`${fx.url}/works/${id}/note`, {
      method: 'POST', redirect: 'manual', headers: { cookie, origin, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(body).toString(),
    });
    expect((await post({ text: '无令牌' })).status).toBe(403);
    expect((await post({ text: '错令牌', _csrf: 'x'.repeat(43) })).status).toBe(403);
    const form = await (await fetch(`${fx.url}/works/${id}`, { headers: { cookie } })).text();
    const token = /name="_csrf" value="([^"]+)"/.exec(form)![1]!;
    expect((await post({ text: '别的网站', _csrf: token }, 'https://evil.example')).status).toBe(403);
    expect(entryByTitle(await exported(), '塘河人家').review).toBeUndefined();
    const ok = await post({ text: '有令牌的备注', _csrf: token });
    expect(ok.status).toBe(303);
    expect(entryByTitle(await exported(), '塘河人家').review?.notes.map((n) => n.text)).toEqual(['有令牌的备注']);
  });

  it('a viewer reads every page but cannot act, and sees no action form', SLOW, async () => {
    const { cookie } = await httpLogin(fx.url, 'viewer', PASSWORDS.viewer);
    const id = entryByTitle(await exported(), '三垟湿地的秋天').id;
    const page = await (await fetch(`${fx.url}/works/${id}`, { headers: { cookie } })).text();
    expect(page).toContain('三垟湿地的秋天');
    expect(page).not.toContain(`/works/${id}/check`);
    const token = /name="_csrf" value="([^"]+)"/.exec(page)![1]!;
    for (const [action, body] of [['check', { checked: '1' }], ['decision', { decision: 'excluded', reason: '只读用户' }], ['note', { text: 'x' }], ['correct', { field: 'phone', value: '1' }]] as const) {
      const res = await fetch(`${fx.url}/works/${id}/${action}`, {
        method: 'POST', redirect: 'manual', headers: { cookie, origin: fx.url, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ ...body, _csrf: token }).toString(),
      });
      expect(res.status, action).toBe(403);
    }
    expect((await fetch(`${fx.url}/users`, { headers: { cookie }, redirect: 'manual' })).status).toBe(403);
    expect(entryByTitle(await exported(), '三垟湿地的秋天').review).toBeUndefined();
  });

  it('the sixth wrong password locks the account, even against the right password', SLOW, async () => {
    for (let i = 1; i <= 5; i++) {
      const r = await httpLogin(fx.url, 'lockme', `wrong-${i}`);
      expect(r.status, `attempt ${i}`).toBe(401);
      expect(r.body).toContain('用户名或密码不正确');
    }
    const sixth = await httpLogin(fx.url, 'lockme', 'wrong-6');
    expect(sixth.status).toBe(423);
    expect(sixth.body).toContain('账户已锁定');
    const right = await httpLogin(fx.url, 'lockme', PASSWORDS.lockme);
    expect(right.status).toBe(423);
    expect(right.cookie).toBe('');
    const { stdout } = await fx.cli(['user', 'list']);
    expect(stdout).toMatch(/lockme.*已锁定至/);
  });

  it('a logged-out session cookie no longer works', SLOW, async () => {
    const { cookie } = await httpLogin(fx.url, 'leaver', PASSWORDS.leaver);
    expect((await fetch(`${fx.url}/works`, { headers: { cookie }, redirect: 'manual' })).status).toBe(200);
    const page = await (await fetch(`${fx.url}/works`, { headers: { cookie } })).text();
    const token = /name="_csrf" value="([^"]+)"/.exec(page)![1]!;
    const out = await fetch(`${fx.url}/logout`, {
      method: 'POST', redirect: 'manual', headers: { cookie, origin: fx.url, 'content-type': 'application/x-www-form-urlencoded' }, body: `_csrf=${token}`,
    });
    expect(out.status).toBe(303);
    const again = await fetch(`${fx.url}/works`, { headers: { cookie }, redirect: 'manual' });
    expect(again.status).toBe(303);
    expect(again.headers.get('location')).toMatch(/^\/login/);
  });

  it('attachments download as attachments with a safe name; ../ and encoded traversal give 404', SLOW, async () => {
    const { cookie } = await httpLogin(fx.url, 'viewer', PASSWORDS.viewer);
    const hostile = (await exported()).entries.find((e) => e.title === HOSTILE_TITLE)!;
    const m = hostile.source.messageId;
    const listing = await (await fetch(`${fx.url}/mail/${m}`, { headers: { cookie } })).text();
    const links = [...listing.matchAll(/href="(\/mail\/\d+\/attachments\/\d+)"/g)].map((x) => x[1]!);
    expect(links.length).toBe(2);
    for (const link of links) {
      const res = await fetch(`${fx.url}${link}`, { headers: { cookie } });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="[^"/\\\r\n]*"; filename\*=UTF-8''[^/\\]*$/);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('content-type')).toBe('application/octet-stream');
    }
    for (const bad of [
      `/mail/${m}/attachments/../../../etc/passwd`, `/mail/${m}/attachments/..%2f..%2fetc%2fpasswd`, `/mail/${m}/attachments/%2e%2e%2f%2e%2e%2fetc%2fpasswd`,
      `/mail/${m}/attachments/%252e%252e%252fetc`, `/mail/${m}/attachments/0%2f..%2f..`, `/mail/${m}/attachments/..%5c..%5cwin.ini`, `/mail/${m}/attachments/99`,
      `/mail/${m}/attachments/-1`, `/mail/..%2f${m}/attachments/0`,
    ]) {
      expect(await rawGet(fx.url, bad, cookie), bad).toBe(404);
    }
  });
});

describe('actions, each in the audit log and in what the export and the digest say', () => {
  async function workbookRows(file: string): Promise<Map<string, string[]>> {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(file);
    const sheet = wb.getWorksheet('作品')!;
    const rows = new Map<string, string[]>();
    sheet.eachRow((row, n) => {
      if (n <= 3) return; // the title, its line and the header
      const values = (row.values as unknown[]).slice(1).map((v) => (v && typeof v === 'object' && 'text' in v ? String((v as { text: string }).text) : String(v ?? '')));
      rows.set(values[1]!, values);
    });
    return rows;
  }
  const validFigure = (text: string) => Number(/已登记作品 (\d+)/.exec(text)![1]);

  it('accept a late work, exclude one, mark a work checked, correct a phone, add a note', SLOW, async () => {
    const before = await exported();
    const late = entryByTitle(before, '寒露时节的洞头渔港');
    const day = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date(late.receivedAt));
    const hostile = before.entries.find((e) => e.title === HOSTILE_TITLE)!;
    const digest0 = await digestText(day);
    expect(digest0).toMatch(/寒露时节的洞头渔港》 无法参赛/);
    expect(digest0).not.toMatch(/组织者已排除 [1-9]/);

    const page = await loggedIn('org');
    const submit = async (id: number, form: string, fill: Record<string, string>, button = 'button[type=submit]') => {
      await page.goto(`${fx.url}/works/${id}`);
      const f = page.locator(`form[action="/works/${id}/${form}"]`).first();
      for (const [name, value] of Object.entries(fill)) {
        const field = f.locator(`[name=${name}]`);
        if ((await field.evaluate((el) => el.tagName)) === 'SELECT') await field.selectOption(value);
        else await field.fill(value);
      }
      await Promise.all([page.waitForURL((u) => u.searchParams.has('done')), f.locator(button).click()]);
      expect(await page.locator('.notice').innerText()).toMatch(/已/);
    };
    await submit(late.id, 'decision', { reason: '邮局延误，组委会同意接收' }, 'button[value=accepted]');
    const digest1 = await digestText(day);
    expect(validFigure(digest1)).toBe(validFigure(digest0) + 1);
    expect(digest1).toMatch(/寒露时节的洞头渔港》 已登记/);

    const excluded = entryByTitle(before, '一江两岸');
    await submit(excluded.id, 'decision', { reason: '作者申请撤回' }, 'button[value=excluded]');
    await submit(hostile.id, 'check', {});
    const phoneless = entryByTitle(before, '洞头海岛的日出');
    await submit(phoneless.id, 'correct', { field: 'phone', value: '13812345678' });
    const noted = entryByTitle(before, '瓯窑的火');
    await submit(noted.id, 'note', { text: '已电话联系作者，简介会删短后重发' });

    const digest2 = await digestText(day);
    // accepted +1, excluded −1, and the phone put in by hand registers the work that lacked only its phone: +1.
    expect(validFigure(digest2)).toBe(validFigure(digest0) + 1);
    expect(digest0).not.toMatch(/洞头海岛的日出》 已登记/);
    expect(digest2).toMatch(/组织者已排除 1/);
    // The hostile mail's only problem is advice about its subject (registered): it needed nobody before it was checked
    // either. (A checked work leaving 需要人工处理 is tested on the digest's own fixture, tests/digest.)
    const forPerson = (text: string) => Number(/需要人工处理（ (\d+) ）/.exec(text)![1]);
    expect(forPerson(digest2)).toBe(forPerson(digest0));
    // The note shows beside the work in the digest's list of works waiting for their sender.
    expect(digest2).toContain('备注：已电话联系作者，简介会删短后重发');

    const after = await exported();
    const review = (id: number) => after.entries.find((e) => e.id === id)!.review!;
    expect(review(late.id).decision).toMatchObject({ decision: 'accepted', reason: '邮局延误，组委会同意接收' });
    expect(review(excluded.id).decision).toMatchObject({ decision: 'excluded', reason: '作者申请撤回' });
    expect(review(hostile.id).checked).toMatchObject({ by: 'org' });
    expect(review(phoneless.id).corrections).toEqual([expect.objectContaining({ field: 'phone', value: '13812345678', extracted: null })]);
    expect(review(noted.id).notes).toEqual([expect.objectContaining({ text: '已电话联系作者，简介会删短后重发', by: 'org' })]);

    const xlsx = path.join(fx.dataDir, 'export.xlsx');
    await fx.cli(['export', '--format', 'xlsx', '--out', xlsx]);
    const rows = await workbookRows(xlsx);
    expect(rows.get('寒露时节的洞头渔港')![10]).toBe('已登记');
    expect(rows.get('寒露时节的洞头渔港')![15]).toContain('人工接受：邮局延误，组委会同意接收（org）');
    expect(rows.get('一江两岸')![10]).toBe('组织者已排除');
    expect(rows.get('洞头海岛的日出')![5]).toBe('13812345678');
    expect(rows.get('瓯窑的火')![15]).toContain('备注：已电话联系作者');

    // The work's page shows who did what, before → after.
    await page.goto(`${fx.url}/works/${phoneless.id}`);
    const audit = await page.locator('table').last().innerText();
    expect(audit).toContain('org');
    expect(audit).toContain('更正字段：手机号码');
    expect(audit).toContain('13812345678');
    expect(await page.locator('.corrected').innerText()).toContain('原值：（空）');
    // The missing phone was the work's only problem: it stands no more, and the page says what answered it.
    expect(await page.locator('main').innerText()).toContain('没有问题。');
    expect(await page.locator('.settled').innerText()).toContain('缺少“手机号码”');
    await page.screenshot({ path: path.join(ARTIFACTS, 'console-work-actions-1280px.png'), fullPage: true });
    await page.context().close();
  });

  it('an unknown spelling mapped to a unit on 单位 (alias + reprocess) makes its works count for that unit', SLOW, async () => {
    const before = await exported();
    expect(before.unknownUnits.map((u) => u.name)).toContain(UNKNOWN_UNIT);
    const counted = before.units.find((u) => u.name === '温州日报')!.counted;
    const page = await loggedIn('org');
    await page.goto(`${fx.url}/units`);
    const row = page.locator('tr', { hasText: UNKNOWN_UNIT });
    await row.locator('select[name=unit]').selectOption('温州日报');
    await Promise.all([page.waitForURL((u) => u.searchParams.get('done') === 'mapped'), row.locator('button').click()]);
    const after = await exported();
    expect(after.unknownUnits.map((u) => u.name)).not.toContain(UNKNOWN_UNIT);
    expect(after.units.find((u) => u.name === '温州日报')!.counted).toBe(counted + 2);
    const { stdout } = await fx.cli(['units', 'alias', 'list']);
    expect(stdout).toContain(`${UNKNOWN_UNIT}\t→ 温州日报`);
    await page.context().close();
  });

  it('a reply whose delivery is unknown is resent from 回复, as replies --resend does, and recorded', SLOW, async () => {
    const { default: Database } = await import('better-sqlite3');
    const db = new Database(path.join(fx.dataDir, 'contest-intake.db'));
    // What a worker killed between "sending" and "sent" leaves (the crash-safety suite makes it for real).
    const row = db.prepare("SELECT id FROM outbox WHERE kind = 'reply' ORDER BY id LIMIT 1").get() as { id: number };
    db.prepare("UPDATE outbox SET status = 'unknown', last_error_code = 'interrupted', last_error = 'the process stopped while sending' WHERE id = ?").run(row.id);
    db.close();
    const day = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
    expect(await digestText(day)).toContain('发送过程中断');

    const page = await loggedIn('org');
    page.on('dialog', (d) => void d.accept());
    await page.goto(`${fx.url}/replies/${row.id}`);
    await Promise.all([page.waitForURL((u) => u.searchParams.get('done') === 'resent'), page.locator(`form[action="/replies/${row.id}/resend"] button`).click()]);
    expect(await page.locator('main').innerText()).toContain('已回复');
    expect(await page.locator('main').innerText()).toMatch(/org：重新发送（unknown → sent）/);
    expect(await digestText(day)).not.toContain('发送过程中断');
    const { stdout } = await fx.cli(['replies', '--json']);
    expect((JSON.parse(stdout) as { id: number; status: string }[]).find((r) => r.id === row.id)!.status).toBe('sent');
    await page.context().close();
  });

  it('the 作品 list\'s current view downloads as the export\'s workbook, with the view\'s works only', SLOW, async () => {
    const { cookie } = await httpLogin(fx.url, 'viewer', PASSWORDS.viewer);
    const list = await (await fetch(`${fx.url}/works?unit=${encodeURIComponent('鹿城区网信办')}`, { headers: { cookie } })).text();
    const shown = [...list.matchAll(/<td data-label="编号">#(\d+)<\/td>/g)].length;
    expect(shown).toBe(10);
    const res = await fetch(`${fx.url}/works.xlsx?unit=${encodeURIComponent('鹿城区网信办')}`, { headers: { cookie } });
    expect(res.headers.get('content-disposition')).toMatch(/^attachment;/);
    const file = path.join(fx.dataDir, 'view.xlsx');
    (await import('node:fs')).writeFileSync(file, Buffer.from(await res.arrayBuffer()));
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(file);
    expect(wb.worksheets.map((s) => s.name)).toEqual(['作品', '评分-评委1', '评分-评委2', '评分-评委3', '评分-评委4', '评分-评委5', '评审汇总', '组织奖', '单位进度', '邮件']);
    expect(wb.getWorksheet('作品')!.rowCount - 3).toBe(10);
  });
});
