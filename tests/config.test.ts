import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';
import { isConfigError } from '../src/errors.ts';

function failure(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (err) {
    expect(isConfigError(err)).toBe(true);
    return (err as Error).message;
  }
  throw new Error('expected a configuration error');
}

// The folders these tests write go when the file is done (they were left in /tmp at every run).
const made: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'ci-config-'));
  made.push(dir);
  return dir;
}
afterAll(() => { for (const dir of made) rmSync(dir, { recursive: true, force: true }); });

describe('configuration', () => {
  it('runs with no environment at all: demo mode, 126.com defaults', () => {
    const c = loadConfig({});
    expect(c.imap).toBeNull();
    expect(c.contest.deadline).toBe('2024-09-25');
    expect(c.contest.units.length).toBeGreaterThan(30);
    expect(c.pollCron).toBe('*/5 * * * *');
    expect(c.parseHeapMb).toBe(64);
    expect(loadConfig({ PARSE_HEAP_MB: '160' }).parseHeapMb).toBe(160);
  });

  it('names the variable that is wrong', () => {
    expect(failure({ IMAP_PORT: 'abc' })).toMatch(/IMAP_PORT/);
    expect(failure({ IMAP_TLS: 'ssl' })).toMatch(/IMAP_TLS/);
    expect(failure({ IMAP_HOST: 'imap.126.com' })).toMatch(/IMAP_USER and IMAP_PASS/);
    expect(failure({ DIGEST_TO: 'organizer-at-example' })).toMatch(/DIGEST_TO/);
    expect(failure({ PARSE_HEAP_MB: '8' })).toMatch(/PARSE_HEAP_MB/);
  });

  it('reads secrets from NAME_FILE', () => {
    const dir = tempDir();
    const file = path.join(dir, 'pass');
    writeFileSync(file, 'authcode123\n');
    const c = loadConfig({ IMAP_HOST: 'imap.126.com', IMAP_USER: 'bisaihuodong@126.com', IMAP_PASS_FILE: file });
    expect(c.imap).toMatchObject({ host: 'imap.126.com', port: 993, tls: 'implicit', pass: 'authcode123', mailbox: 'INBOX' });
    expect(failure({ IMAP_HOST: 'h', IMAP_USER: 'u', IMAP_PASS_FILE: path.join(dir, 'missing') })).toMatch(/IMAP_PASS_FILE/);
  });

  it('names a bad value in the contest rules file', () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'contest.json'), JSON.stringify({ name: 'x', mailbox: 'not-an-email' }));
    const msg = failure({ CONFIG_DIR: dir });
    expect(msg).toMatch(/contest\.json/);
    expect(msg).toMatch(/mailbox/);
  });

  it('gives every problem code a class organizers can change, and refuses a code without one or an unknown class', () => {
    const c = loadConfig({});
    expect(c.contest.problemClasses).toMatchObject({ missing_field: 'must_fix', subject_format: 'advice', late: 'final', needs_person: 'organizers', unknown_unit: 'organizers' });
    expect(c.contest.replies).toMatchObject({ sendReceipts: true, receiptMaxAgeHours: 48 });
    expect(c.contest.judging).toEqual({ judges: 5, criteria: [{ label: '策划创意', max: 25 }, { label: '主题吻合度', max: 25 }, { label: '制作难度', max: 25 }, { label: '传播效果', max: 25 }] });
    const rules = JSON.parse(readFileSync(path.resolve('config/contest.json'), 'utf8')) as Record<string, Record<string, unknown>>;
    const write = (edit: (r: typeof rules) => void) => {
      const dir = tempDir();
      const copy = structuredClone(rules);
      edit(copy);
      writeFileSync(path.join(dir, 'contest.json'), JSON.stringify(copy));
      return dir;
    };
    // An organizer moves the subject's mismatch to "must fix", and names the judges.
    const moved = loadConfig({ CONFIG_DIR: write((r) => { r.problemClasses!.subject_mismatch = 'must_fix'; r.judging!.judges = ['王老师', '李老师']; }) });
    expect(moved.contest.problemClasses.subject_mismatch).toBe('must_fix');
    expect(moved.contest.judging.judges).toEqual(['王老师', '李老师']);
    expect(failure({ CONFIG_DIR: write((r) => { delete r.problemClasses!.late; }) })).toMatch(/problemClasses\.late/);
    expect(failure({ CONFIG_DIR: write((r) => { r.problemClasses!.late = 'ignore'; }) })).toMatch(/problemClasses\.late/);
    expect(failure({ CONFIG_DIR: write((r) => { r.judging!.judges = 0; }) })).toMatch(/judging\.judges/);
  });

  it('takes the CLI\'s language from LANG (en* → English, anything else Chinese) and the console\'s address from WEB_BASE_URL', () => {
    expect(loadConfig({}).lang).toBe('zh');
    expect(loadConfig({ LANG: 'en_US.UTF-8' }).lang).toBe('en');
    expect(loadConfig({ LANG: 'C.UTF-8' }).lang).toBe('zh');
    expect(loadConfig({ WEB_BASE_URL: 'https://zmwz.example.cn/console/' }).web.baseUrl).toBe('https://zmwz.example.cn/console');
    expect(failure({ WEB_BASE_URL: 'zmwz.example.cn' })).toMatch(/WEB_BASE_URL/);
  });
});
