import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { hasCode } from '../../src/errors.ts';
import { silentLogger } from '../../src/logger.ts';
import { openImapSession } from '../../src/mailbox/imap/open-session.ts';
import { pollMailbox } from '../../src/pipeline/poll-mailbox.ts';
import { startDovecot, type DovecotHandle } from '../setup/dovecot.ts';
import { coremailMessage } from '../helpers/mime.ts';

const MESSAGES = 12;
let dovecot: DovecotHandle;
let root: string;
let mnt: string;

beforeAll(async () => {
  dovecot = await startDovecot();
  root = mkdtempSync(path.join(tmpdir(), 'ci-diskfull-'));
  mnt = path.join(root, 'data');
  mkdirSync(mnt);
  // A real small filesystem for DATA_DIR: tests run as root, as CI does.
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=3m', 'tmpfs', mnt]);
  for (let i = 1; i <= MESSAGES; i++) {
    await dovecot.appendMessage('INBOX', coremailMessage({
      subject: `最美in温州+作品${i}+陈晓东`,
      attachments: [{ filename: `登记表${i}.docx`, contentType: 'application/octet-stream', content: randomBytes(400_000) }],
    }));
  }
}, 120_000);

afterAll(async () => {
  try { execFileSync('umount', [mnt]); } catch { /* not mounted */ }
  rmSync(root, { recursive: true, force: true });
  await dovecot?.stop();
});

describe('a full disk', () => {
  it('fails the cycle cleanly, records nothing as broken, and the next cycle after space is freed takes everything once', async () => {
    const config = loadConfig({ DATA_DIR: mnt, IMAP_HOST: '127.0.0.1', IMAP_PORT: String(dovecot.port), IMAP_TLS: 'none', IMAP_USER: dovecot.user, IMAP_PASS: dovecot.pass });
    const app = createApp(config, silentLogger());
    const open = () => openImapSession(config.imap!, app.log, { limits: app.limits, version: 'test', supportEmail: 'x@126.com' });
    const poll = () => pollMailbox(open, app.deps, app.clock, { batchSize: 5, maxAttempts: 3 });
    try {
      const err = await poll().catch((e: unknown) => e);
      expect(hasCode(err, 'db_unavailable'), String((err as Error).stack)).toBe(true);
      const partial = (app.db.prepare('SELECT count(*) AS n FROM messages').get() as { n: number }).n;
      expect(partial).toBeLessThan(MESSAGES);
      expect((app.db.prepare("SELECT count(*) AS n FROM messages WHERE status IN ('error', 'quarantined')").get() as { n: number }).n).toBe(0);

      execFileSync('mount', ['-o', 'remount,size=64m', mnt]);
      const r = await poll();
      expect(r.fetched).toBe(MESSAGES - partial);
      const all = app.db.prepare('SELECT count(*) AS n, count(DISTINCT uid) AS u FROM messages').get();
      expect(all).toEqual({ n: MESSAGES, u: MESSAGES });
    } finally {
      app.close();
    }
  });
});
