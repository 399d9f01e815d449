import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDovecot, type DovecotHandle } from '../setup/dovecot.ts';
import { startSmtpSink, type SmtpSink } from '../setup/smtp-sink.ts';
import { coremailMessage } from '../helpers/mime.ts';

const MESSAGES = 300;
const KILLS = 20;

let dovecot: DovecotHandle;
let sink: SmtpSink;
let dataDir: string;

beforeAll(async () => {
  dovecot = await startDovecot();
  sink = await startSmtpSink();
  dataDir = mkdtempSync(path.join(tmpdir(), 'ci-crash-'));
  for (let i = 1; i <= MESSAGES; i++) {
    await dovecot.appendMessage('INBOX', coremailMessage({
      subject: `最美in温州+作品${i}+陈晓东`,
      attachments: [{ filename: `登记表${i}.docx`, contentType: 'application/octet-stream', content: Buffer.alloc(20_000 + i, i % 251) }],
    }));
  }
}, 180_000);
afterAll(async () => {
  await dovecot?.stop();
  await sink?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

function pollProcess(): ReturnType<typeof spawn> {
  return spawn(process.execPath, [path.resolve('bin/contest-intake.js'), 'poll', '--once'], {
    env: {
      PATH: process.env.PATH ?? '', DATA_DIR: dataDir, LOG_LEVEL: 'error', POLL_BATCH: '25',
      IMAP_HOST: '127.0.0.1', IMAP_PORT: String(dovecot.port), IMAP_TLS: 'none', IMAP_USER: dovecot.user, IMAP_PASS: dovecot.pass,
      // Each of these forms is unreadable, so every message asks for a reply (capped per sender): kills land in sending too.
      ...sink.env(),
    },
    stdio: 'ignore',
  });
}

function counts(): { messages: number; uids: number; hashes: number } {
  if (!existsSync(path.join(dataDir, 'contest-intake.db'))) return { messages: 0, uids: 0, hashes: 0 };
  const db = new Database(path.join(dataDir, 'contest-intake.db'), { readonly: true });
  try {
    const ready = db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'messages'").get() as { n: number };
    if (ready.n === 0) return { messages: 0, uids: 0, hashes: 0 };
    return db.prepare('SELECT count(*) AS messages, count(DISTINCT uid) AS uids, count(DISTINCT content_hash) AS hashes FROM messages').get() as
      { messages: number; uids: number; hashes: number };
  } finally {
    db.close();
  }
}

describe('crash safety', () => {
  it(`SIGKILLed ${KILLS} times at random moments while ingesting ${MESSAGES} messages, it records each exactly once`, async () => {
    // A seeded sequence of kill delays, so a failure can be replayed.
    let seed = 20240925;
    const random = (): number => { seed = (seed * 1103515245 + 12345) % 2 ** 31; return seed / 2 ** 31; };
    let killed = 0;
    const progress: number[] = [];
    for (let i = 0; i < KILLS; i++) {
      const before = counts().messages;
      const child = pollProcess();
      let exited = false;
      const done = new Promise<void>((resolve) => child.on('exit', () => { exited = true; resolve(); }));
      // Wait until this run has recorded something (start-up time varies from machine to machine), then kill it a
      // random moment later: inside a download, a parse or a transaction.
      while (!exited && counts().messages === before) await new Promise((r) => setTimeout(r, 20));
      if (!exited) {
        await new Promise((r) => setTimeout(r, Math.floor(random() * 250)));
        if (child.kill('SIGKILL')) killed++;
      }
      await done;
      progress.push(counts().messages);
    }
    const final = pollProcess();
    const code = await new Promise<number | null>((resolve) => final.on('exit', (c) => resolve(c)));
    expect(code).toBe(0);
    expect(killed).toBeGreaterThanOrEqual(KILLS / 2);
    // The kills really landed in the middle of the ingestion, several times.
    expect(progress.filter((n) => n > 0 && n < MESSAGES).length, progress.join(',')).toBeGreaterThanOrEqual(3);
    expect(counts()).toEqual({ messages: MESSAGES, uids: MESSAGES, hashes: MESSAGES });

    // No reply twice: at most one outbox row per message, and the SMTP server got each sent row exactly once.
    const db = new Database(path.join(dataDir, 'contest-intake.db'), { readonly: true });
    const perMessage = db.prepare("SELECT count(*) AS n FROM outbox WHERE kind = 'reply' GROUP BY message_id HAVING n > 1").all();
    const sent = (db.prepare("SELECT count(*) AS n FROM outbox WHERE status = 'sent'").get() as { n: number }).n;
    const rows = (db.prepare("SELECT count(*) AS n FROM outbox WHERE kind = 'reply' AND status != 'capped'").get() as { n: number }).n;
    db.close();
    expect(perMessage).toEqual([]);
    expect(rows).toBeGreaterThan(0);
    const ids = await Promise.all(sink.messages.map(async (m) => (await m.parsed()).messageId));
    expect(new Set(ids).size).toBe(ids.length);
    expect(sink.messages.length).toBeLessThanOrEqual(rows);
    expect(sink.messages.length).toBeGreaterThanOrEqual(sent);
  }, 300_000);
});
