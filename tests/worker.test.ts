import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backoffMinutes } from '../src/schedule/worker.ts';
import { startDovecot, type DovecotHandle } from './setup/dovecot.ts';
import { coremailMessage } from './helpers/mime.ts';

let dovecot: DovecotHandle;
let dataDir: string;

beforeAll(async () => {
  dovecot = await startDovecot();
  dataDir = mkdtempSync(path.join(tmpdir(), 'ci-worker-'));
});
afterAll(async () => {
  await dovecot?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

function count(): number {
  const file = path.join(dataDir, 'contest-intake.db');
  if (!existsSync(file)) return 0;
  const db = new Database(file, { readonly: true });
  try {
    return (db.prepare('SELECT count(*) AS n FROM messages').get() as { n: number }).n;
  } catch {
    return 0;
  } finally {
    db.close();
  }
}

async function waitFor(cond: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (cond()) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('condition not met in time');
}

describe('the unattended worker (contest-intake run)', () => {
  it('polls at start, then on its schedule, and stops cleanly on SIGTERM', async () => {
    await dovecot.appendMessage('INBOX', coremailMessage({ subject: '最美in温州+五马街的清晨+陈晓东' }));
    const child = spawn(process.execPath, [path.resolve('bin/contest-intake.js'), 'run'], {
      env: {
        PATH: process.env.PATH ?? '', DATA_DIR: dataDir, LOG_LEVEL: 'info',
        IMAP_HOST: '127.0.0.1', IMAP_PORT: String(dovecot.port), IMAP_TLS: 'none', IMAP_USER: dovecot.user, IMAP_PASS: dovecot.pass,
        // node-cron's six-field form: every 2 seconds, so the test sees a scheduled poll quickly.
        POLL_CRON: '*/2 * * * * *',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { out += d.toString(); });
    try {
      await waitFor(() => count() === 1, 30_000);
      await dovecot.appendMessage('INBOX', coremailMessage({ subject: '最美in温州+瓯江夜色+林巧巧' }));
      await waitFor(() => count() === 2, 30_000).catch((err: unknown) => { throw new Error(`${String(err)}\n${out}`); });
      expect(readFileSync(path.join(dataDir, 'heartbeat'), 'utf8')).toMatch(/^\d{4}-\d\d-\d\dT.* poll\n$/);
    } finally {
      child.kill('SIGTERM');
    }
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    expect(code, out).toBe(0);
    expect(out).not.toMatch(/"level":50/);
    expect(out).toMatch(/worker stopped/);
    // Never two polls at once: each poll run starts after the previous one finished.
    const db = new Database(path.join(dataDir, 'contest-intake.db'), { readonly: true });
    const runs = db.prepare("SELECT started_at AS s, finished_at AS f FROM poll_runs WHERE status != 'running' ORDER BY id").all() as { s: string; f: string }[];
    db.close();
    for (let i = 1; i < runs.length; i++) expect(runs[i]!.s >= runs[i - 1]!.f).toBe(true);
  });
});

describe('backoff after failures', () => {
  it('doubles up to an hour, and waits at least 30 minutes after a refused login', () => {
    expect([0, 1, 2, 3, 7, 12].map((n) => backoffMinutes(n, false))).toEqual([0, 1, 2, 4, 60, 60]);
    expect(backoffMinutes(1, true)).toBe(30);
  });
});
