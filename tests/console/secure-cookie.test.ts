import { afterEach, describe, expect, it } from 'vitest';
import { addUser } from '../../src/accounts/manage-users.ts';
import { createConsoleHandler, safeFilename } from '../../src/console/http-adapter.ts';
import { makeTestApp, type TestApp } from '../helpers/test-app.ts';

/** The cookie's Secure flag and name follow HTTPS: WEB_BASE_URL https://…, or X-Forwarded-Proto from a trusted proxy only. */

let app: TestApp;
afterEach(() => app?.dispose());

async function login(env: Record<string, string>, headers: Record<string, string> = {}): Promise<{ page: string[]; session: string[]; hsts: string | null }> {
  app = makeTestApp(env);
  await addUser(app.db, { name: 'org', role: 'organizer', password: 'organizer-pass-1', by: 'test' }, new Date());
  const hono = createConsoleHandler(app);
  const page = await hono.request('http://console.test/login', { headers });
  const cookies = page.headers.getSetCookie();
  const token = /name="_csrf" value="([^"]+)"/.exec(await page.text())![1]!;
  const res = await hono.request('http://console.test/login', {
    method: 'POST', headers: { ...headers, cookie: cookies.map((c) => c.split(';')[0]).join('; '), 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: token, name: 'org', password: 'organizer-pass-1' }).toString(),
  });
  expect(res.status).toBe(303);
  return { page: cookies, session: res.headers.getSetCookie().filter((c) => /ci_session=[^;]/.test(c)), hsts: res.headers.get('strict-transport-security') };
}

describe('the session cookie behind HTTPS', () => {
  it('plain HTTP on loopback: HttpOnly, SameSite=Strict, not Secure', async () => {
    const r = await login({});
    expect(r.session).toHaveLength(1);
    expect(r.session[0]).toMatch(/^ci_session=.*HttpOnly; SameSite=Strict$/);
    expect(r.session[0]).not.toMatch(/Secure/);
    expect(r.hsts).toBeNull();
  });

  it('WEB_BASE_URL https://…: Secure, __Host- prefixed, HSTS', async () => {
    const r = await login({ WEB_BASE_URL: 'https://zmwz.example.cn' });
    expect(r.session[0]).toMatch(/^__Host-ci_session=.*; Path=\/; HttpOnly; Secure; SameSite=Strict$/);
    expect(r.page.join('\n')).toMatch(/ci_login=.*Secure/);
    expect(r.hsts).toMatch(/max-age=/);
  });

  it('X-Forwarded-Proto: https counts only when WEB_TRUST_PROXY is set', async () => {
    const trusted = await login({ WEB_TRUST_PROXY: 'true' }, { 'x-forwarded-proto': 'https' });
    expect(trusted.session[0]).toMatch(/^__Host-ci_session=.*Secure/);
    app.dispose();
    const untrusted = await login({}, { 'x-forwarded-proto': 'https' });
    expect(untrusted.session[0]).toMatch(/^ci_session=/);
    expect(untrusted.session[0]).not.toMatch(/Secure/);
  });

  it('a download\'s file name keeps no path, quote or line break', () => {
    expect(safeFilename('../../etc/密码".txt')).toEqual({ ascii: '___.txt', utf8: encodeURIComponent('密码_.txt') });
    expect(safeFilename('..\\..\\boot.ini\r\nX-Evil: 1')).toEqual({ ascii: 'boot.ini__X-Evil_ 1', utf8: encodeURIComponent('boot.ini__X-Evil_ 1') });
    expect(safeFilename('...')).toMatchObject({ ascii: '_' });
  });
});
