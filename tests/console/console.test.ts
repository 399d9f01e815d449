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
  entries: { id: number; title: string; status: string; phone: string | null; source: { messageId: number }; review?: {
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

describe('the console in a browser', () => {
  it('an organizer logs in; every page renders in Chinese at 1280 and 390 px without sideways scrolling (screenshots in test-artifacts/)', async () => {
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

  it('mail whose fields and HTML carry <script>, onerror=, javascript: and remote loads renders inert: no dialog, no request leaves the page', async () => {
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

  it('every route but the login page and our two static files refuses a request without a session (routes read from the server)', async () => {
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

  it('answers with a strict CSP, frame denial and nosniff; the session cookie is HttpOnly and SameSite=Strict', async () => {
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

  it('a POST without or with a wrong CSRF token, or from another origin, is refused and changes nothing', async () => {
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

  it('a viewer reads every page but cannot act, and sees no action form', async () => {
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

  it('the sixth wrong password locks the account, even against the right password', async () => {
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

  it('a logged-out session cookie no longer works', async () => {
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

  it('attachments download as attachments with a safe name; ../ and encoded traversal give 404', async () => {
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
