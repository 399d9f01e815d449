import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { logIn, LOCK_MINUTES, MAX_FAILED_LOGINS, sessionOf, SESSION_IDLE_HOURS, logOut, csrfMatches, mayAct } from '../../src/accounts/login.ts';
import { addUser, changePassword, removeUser } from '../../src/accounts/manage-users.ts';
import { generatePassword, hashPassword, passwordProblem, verifyPassword } from '../../src/accounts/password.ts';
import { loadConfig } from '../../src/config.ts';
import { isUsageError } from '../../src/errors.ts';
import { makeTestApp, type TestApp } from '../helpers/test-app.ts';

const run = promisify(execFile);
const BIN = path.resolve('bin/contest-intake.js');
const T0 = new Date('2024-06-10T02:00:00Z');
const later = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);

let app: TestApp;
beforeEach(() => { app = makeTestApp(); });
afterEach(() => app.dispose());

describe('passwords', () => {
  it('scrypt with a salt per password; the right one verifies, a wrong one does not', async () => {
    const a = await hashPassword('correct horse battery');
    const b = await hashPassword('correct horse battery');
    expect(a).toMatch(/^scrypt\$16384\$8\$1\$[A-Za-z0-9+/=]{24}\$[A-Za-z0-9+/=]{44}$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword('correct horse battery', a)).toBe(true);
    expect(await verifyPassword('correct horse batterY', a)).toBe(false);
    expect(await verifyPassword('x', 'md5$whatever')).toBe(false);
    expect(passwordProblem('short')).toMatch(/至少 10 个字符/);
    expect(passwordProblem(generatePassword())).toBeNull();
  });
});

describe('logging in', () => {
  beforeEach(async () => { await addUser(app.db, { name: 'zhang', role: 'organizer', password: 'zhang-pass-01', by: 'test' }, T0); });

  it(`forgives ${MAX_FAILED_LOGINS} wrong passwords; the next locks the account for ${LOCK_MINUTES} minutes, then a new count starts`, async () => {
    for (let i = 0; i < MAX_FAILED_LOGINS; i++) expect(await logIn(app.db, 'zhang', 'nope', later(i))).toEqual({ ok: false, reason: 'bad_credentials' });
    const locked = await logIn(app.db, 'zhang', 'nope', later(5));
    expect(locked).toMatchObject({ ok: false, reason: 'locked', lockedUntil: later(5 + LOCK_MINUTES).toISOString() });
    expect(await logIn(app.db, 'zhang', 'zhang-pass-01', later(6))).toMatchObject({ ok: false, reason: 'locked' });
    expect(await logIn(app.db, 'zhang', 'zhang-pass-01', later(6 + LOCK_MINUTES))).toMatchObject({ ok: true });
    const actions = (app.db.prepare("SELECT action FROM audit_log WHERE user_name = 'zhang' ORDER BY id").all() as { action: string }[]).map((r) => r.action);
    expect(actions).toEqual(['login_failed', 'login_failed', 'login_failed', 'login_failed', 'login_failed', 'account_locked', 'login_refused_locked', 'login']);
  });

  it('a good login resets the count; an unknown name is refused like a wrong password', async () => {
    for (let i = 0; i < MAX_FAILED_LOGINS; i++) await logIn(app.db, 'zhang', 'nope', T0);
    expect(await logIn(app.db, 'zhang', 'zhang-pass-01', T0)).toMatchObject({ ok: true });
    expect(await logIn(app.db, 'zhang', 'nope', T0)).toMatchObject({ reason: 'bad_credentials' });
    expect(await logIn(app.db, 'nobody', 'zhang-pass-01', T0)).toEqual({ ok: false, reason: 'bad_credentials' });
  });

  it('sessions live in the database: only the token\'s hash is stored; idle, logged out, password changed or user removed ends them', async () => {
    const r = await logIn(app.db, 'zhang', 'zhang-pass-01', T0);
    if (!r.ok) throw new Error('login failed');
    const stored = app.db.prepare('SELECT token_hash FROM sessions').all() as { token_hash: string }[];
    expect(stored.map((s) => s.token_hash)).not.toContain(r.token);
    expect(sessionOf(app.db, r.token, later(60))?.userName).toBe('zhang');
    expect(sessionOf(app.db, r.token, later(60 + SESSION_IDLE_HOURS * 60 + 1))).toBeNull();
    expect(csrfMatches(r.session, r.session.csrfToken)).toBe(true);
    expect(csrfMatches(r.session, `${r.session.csrfToken.slice(0, -1)}x`)).toBe(false);

    const second = await logIn(app.db, 'zhang', 'zhang-pass-01', T0);
    if (!second.ok) throw new Error('login failed');
    logOut(app.db, second.session, later(1));
    expect(sessionOf(app.db, second.token, later(2))).toBeNull();

    const third = await logIn(app.db, 'zhang', 'zhang-pass-01', T0);
    await changePassword(app.db, { name: 'zhang', password: 'zhang-pass-02', by: 'test' }, later(1));
    expect(sessionOf(app.db, third.ok ? third.token : '', later(2))).toBeNull();
    const fourth = await logIn(app.db, 'zhang', 'zhang-pass-02', later(3));
    expect(removeUser(app.db, { name: 'zhang', by: 'test' }, later(4))).toBe(true);
    expect(sessionOf(app.db, fourth.ok ? fourth.token : '', later(5))).toBeNull();
  });

  it('viewers read, organizers act, admins manage', () => {
    expect([mayAct('viewer', 'viewer'), mayAct('viewer', 'organizer'), mayAct('organizer', 'organizer'), mayAct('organizer', 'admin'), mayAct('admin', 'organizer')])
      .toEqual([true, false, true, false, true]);
  });

  it('refuses a second user of the same name, a bad name and a short password, with a Chinese message', async () => {
    for (const input of [{ name: 'ZHANG', password: 'long-enough-1' }, { name: 'a b', password: 'long-enough-1' }, { name: 'li', password: 'short' }]) {
      const err = await addUser(app.db, { ...input, role: 'viewer', by: 'test' }, T0).catch((e: unknown) => e);
      expect(isUsageError(err), JSON.stringify(input)).toBe(true);
      expect((err as Error).message).toMatch(/[\u4e00-\u9fff]/);
    }
  });
});

describe('the user command and the console settings', () => {
  it('user add reads the password from a pipe, list shows roles and sessions, remove deletes', async () => {
    const env = { PATH: process.env.PATH ?? '', DATA_DIR: app.dataDir, LOG_LEVEL: 'warn' };
    const add = run(process.execPath, [BIN, 'user', 'add', 'wang', '--role', 'viewer'], { env });
    add.child.stdin!.end('wang-pass-001\n');
    expect((await add).stdout).toContain('已添加用户 wang（viewer）');
    expect((await run(process.execPath, [BIN, 'user', 'list'], { env })).stdout).toMatch(/^wang\tviewer \(只读\)\t0 个会话$/m);
    const bad = await run(process.execPath, [BIN, 'user', 'add', 'li', '--role', 'boss', '--password-file', '/dev/null'], { env }).catch((e: { code: number; stderr: string }) => e);
    expect(bad).toMatchObject({ code: 2 });
    expect((bad as { stderr: string }).stderr).toMatch(/--role/);
    expect((await run(process.execPath, [BIN, 'user', 'remove', 'wang'], { env })).stdout).toContain('已删除用户 wang');
  });

  it('WEB_HOST is loopback by default; a bad WEB_PORT or WEB_BASE_URL is named', () => {
    const base = { DATA_DIR: app.dataDir, CONFIG_DIR: 'config' };
    expect(loadConfig(base).web).toEqual({ host: '127.0.0.1', port: null, baseUrl: null, trustProxy: false });
    expect(loadConfig({ ...base, WEB_PORT: '8080', WEB_BASE_URL: 'https://zmwz.example.cn/', WEB_TRUST_PROXY: 'true' }).web)
      .toEqual({ host: '127.0.0.1', port: 8080, baseUrl: 'https://zmwz.example.cn', trustProxy: true });
    expect(() => loadConfig({ ...base, WEB_PORT: '80000' })).toThrow(/WEB_PORT/);
    expect(() => loadConfig({ ...base, WEB_BASE_URL: 'ftp://x' })).toThrow(/WEB_BASE_URL/);
  });
});
