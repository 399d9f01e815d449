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
    expect(polled.stdout).toMatch(/2 new/);
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
    expect(polled.stderr).toMatch(/\[imap_auth\].*授权码/);
    expect(polled.stderr + polled.stdout).not.toContain('not-the-code');
    const status = await cli(['status'], env);
    expect(status.code).toBe(3);
    expect(status.stdout).toMatch(/auth_failed/);
    rmSync(dir, { recursive: true, force: true });
  });

  it('names a bad setting and exits 2', async () => {
    const r = await cli(['status'], { DATA_DIR: dataDir, IMAP_TLS: 'ssl' });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/IMAP_TLS/);
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
