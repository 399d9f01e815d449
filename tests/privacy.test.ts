import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDovecot, type DovecotHandle } from './setup/dovecot.ts';

const run = promisify(execFile);
const BIN = path.resolve('bin/contest-intake.js');

/** Every phone number and postal address the demo's forms carry, as the fixtures' generator wrote them. */
function personalData(): { phones: string[]; addresses: string[] } {
  const cases = JSON.parse(readFileSync('fixtures/demo-mailbox/cases.json', 'utf8')) as
    { form: { phone?: string; address?: string } | null; summary: { rows?: { phone?: string }[]; contactPhone?: string } | null }[];
  const phones = new Set<string>();
  const addresses = new Set<string>();
  for (const c of cases) {
    if (c.form?.phone) phones.add(c.form.phone);
    if (c.form?.address) addresses.add(c.form.address);
    for (const r of c.summary?.rows ?? []) if (r.phone) phones.add(r.phone);
  }
  return { phones: [...phones], addresses: [...addresses] };
}

let dovecot: DovecotHandle;
let dir: string;
let logs = '';

beforeAll(async () => {
  dovecot = await startDovecot({ pass: 'Sq9-authcode-never-logged' });
  dir = mkdtempSync(path.join(tmpdir(), 'ci-privacy-'));
  const demo = await run(process.execPath, [BIN, 'run'], {
    env: { PATH: process.env.PATH ?? '', DATA_DIR: dir, LOG_LEVEL: 'trace', DIGEST_TO: 'organizer@example.cn' }, timeout: 120_000,
  });
  logs += demo.stdout + demo.stderr;
  // The same demo mail, read over IMAP at the most verbose level, with a password to leak.
  for (const f of readdirSync('fixtures/demo-mailbox').filter((n) => n.endsWith('.eml'))) {
    await dovecot.appendMessage('INBOX', readFileSync(path.join('fixtures/demo-mailbox', f)));
  }
  const imap = { IMAP_HOST: '127.0.0.1', IMAP_PORT: String(dovecot.port), IMAP_TLS: 'none', IMAP_USER: dovecot.user, IMAP_PASS: dovecot.pass };
  const polled = await run(process.execPath, [BIN, 'poll', '--once'], {
    env: { PATH: process.env.PATH ?? '', DATA_DIR: path.join(dir, 'imap'), LOG_LEVEL: 'trace', ...imap }, timeout: 120_000,
  });
  logs += polled.stdout + polled.stderr;
  const wrong = await run(process.execPath, [BIN, 'poll', '--once'], {
    env: { PATH: process.env.PATH ?? '', DATA_DIR: path.join(dir, 'imap2'), LOG_LEVEL: 'trace', ...imap, IMAP_PASS: 'Wrong-code-never-logged' }, timeout: 120_000,
  }).catch((e: { stdout: string; stderr: string }) => e);
  logs += wrong.stdout + wrong.stderr;
}, 240_000);

afterAll(async () => {
  await dovecot?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('personal data and secrets stay out of logs and digests', () => {
  const { phones, addresses } = personalData();

  it('the fixtures do carry personal data (so the greps below mean something)', () => {
    expect(phones.length).toBeGreaterThan(10);
    expect(addresses.length).toBeGreaterThan(5);
    expect(logs).toMatch(/message recorded/);
  });

  it('no phone number, postal address or password in the logs, at trace level', () => {
    const digits = logs.replace(/[-\s]/g, '');
    for (const p of phones) expect(digits, p).not.toContain(p.replace(/[-\s]/g, ''));
    for (const a of addresses) expect(logs, a).not.toContain(a);
    expect(logs).not.toContain('Sq9-authcode-never-logged');
    expect(logs).not.toContain('Wrong-code-never-logged');
  });

  it('no phone number or postal address in the digest, its workbook copy, or the digest mail', () => {
    const digests = path.join(dir, 'digests');
    const html = readdirSync(digests).filter((f) => f.endsWith('.html')).map((f) => readFileSync(path.join(digests, f), 'utf8')).join('\n');
    expect(html).toMatch(/定向征集单位进度/);
    const digits = html.replace(/[-\s]/g, '');
    for (const p of phones) expect(digits, p).not.toContain(p.replace(/[-\s]/g, ''));
    for (const a of addresses) expect(html, a).not.toContain(a);
    // A masked number is there: the organizers still see that one was given.
    expect(html).toMatch(/1\d{2}\*{4}\d{4}/);
  });
});
