import { ImapFlow } from 'imapflow';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ImapSession } from '../../src/mailbox/imap/imap-session.ts';
import { openImapSession } from '../../src/mailbox/imap/open-session.ts';
import { pollMailbox } from '../../src/pipeline/poll-mailbox.ts';
import { hasCode } from '../../src/errors.ts';
import { startDovecot, type DovecotHandle } from '../setup/dovecot.ts';
import { startProxy, type TcpProxy } from '../setup/tcp-proxy.ts';
import { countRows, makeTestApp, type TestApp } from '../helpers/test-app.ts';
import { coremailMessage, videoMessage } from '../helpers/mime.ts';

const FORM = Buffer.from('PK\u0003\u0004 not really a docx, but named like one', 'latin1');

function registration(title: string, creator: string): Buffer {
  return coremailMessage({
    subject: `最美in温州+${title}+${creator}`,
    attachments: [{ filename: `${title}参赛登记表.docx`, contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', content: FORM }],
  });
}

let dovecot: DovecotHandle;
let proxy: TcpProxy;
let app: TestApp;

function imapEnv(port = proxy.port, extra: Record<string, string> = {}): Record<string, string> {
  return { IMAP_HOST: '127.0.0.1', IMAP_PORT: String(port), IMAP_TLS: 'none', IMAP_USER: dovecot.user, IMAP_PASS: dovecot.pass, IMAP_TIMEOUT_MS: '15000', ...extra };
}

function opener(a: TestApp) {
  return () => openImapSession(a.config.imap!, a.log, { limits: a.limits, version: 'test', supportEmail: 'bisaihuodong@126.com' });
}

const poll = (a: TestApp, extra: Partial<Parameters<typeof pollMailbox>[3]> = {}, open = opener(a)) =>
  pollMailbox(open, a.deps, a.clock, { batchSize: 2, maxAttempts: 3, ...extra });

beforeAll(async () => {
  // NetEase's profile: no IDLE, MOVE or CONDSTORE, and SELECT refused until the client sent ID.
  dovecot = await startDovecot({ netease: true });
  proxy = await startProxy({ targetHost: dovecot.host, targetPort: dovecot.port, mode: 'netease' });
});
afterAll(async () => {
  await proxy?.stop();
  await dovecot?.stop();
});
afterEach(async () => {
  app?.dispose();
  await dovecot.resetMailbox('INBOX');
  proxy.resetStats();
});

describe('IMAP ingestion against a real Dovecot with NetEase capabilities, behind a NetEase-like proxy', () => {
  it('ingests every message once; a second poll fetches nothing old', async () => {
    for (const [t, c] of [['五马街的清晨', '陈晓东'], ['瓯江夜色', '林巧巧'], ['雁荡秋色', '王志明']] as const) {
      await dovecot.appendMessage('INBOX', registration(t, c));
    }
    app = makeTestApp(imapEnv());
    const first = await poll(app);
    expect(first).toMatchObject({ listed: 3, fetched: 3, known: 0 });
    expect(proxy.stats.refusedSelects).toBe(0);
    expect(countRows(app, "SELECT count(*) AS n FROM messages WHERE kind = 'individual'")).toBe(3);

    await dovecot.appendMessage('INBOX', registration('江心屿', '赵敏'));
    const second = await poll(app);
    expect(second).toMatchObject({ listed: 1, fetched: 1, known: 0 });
    const third = await poll(app);
    expect(third).toMatchObject({ listed: 0, fetched: 0 });
    expect(countRows(app, 'SELECT count(*) AS n FROM messages')).toBe(4);
    const rows = app.db.prepare('SELECT subject, uid FROM messages ORDER BY uid').all() as { subject: string; uid: number }[];
    expect(rows.map((r) => r.subject)).toEqual(['最美in温州+五马街的清晨+陈晓东', '最美in温州+瓯江夜色+林巧巧', '最美in温州+雁荡秋色+王志明', '最美in温州+江心屿+赵敏']);
  });

  it('decodes GBK subjects and RFC 2231 file names and archives the form', async () => {
    await dovecot.appendMessage('INBOX', registration('南塘风貌', '周杰'));
    app = makeTestApp(imapEnv());
    await poll(app);
    const att = app.db.prepare('SELECT filename, downloaded, sha256 FROM attachments').get() as { filename: string; downloaded: number; sha256: string };
    expect(att.filename).toBe('南塘风貌参赛登记表.docx');
    expect(att.downloaded).toBe(1);
    expect(app.archive.get(att.sha256).equals(FORM)).toBe(true);
  });

  it('resumes after a stop half-way without doubling anything', async () => {
    for (let i = 1; i <= 6; i++) await dovecot.appendMessage('INBOX', registration(`作品${i}`, '陈晓东'));
    app = makeTestApp(imapEnv());
    const abort = new AbortController();
    const first = await poll(app, { signal: abort.signal, onProgress: (done) => { if (done === 3) abort.abort(); } });
    expect(first.fetched).toBe(3);
    expect(first.stopped).toBe(true);
    const rest = await poll(app);
    expect(rest).toMatchObject({ listed: 3, fetched: 3 });
    expect(countRows(app, 'SELECT count(*) AS n FROM messages')).toBe(6);
    expect(countRows(app, 'SELECT count(DISTINCT uid) AS n FROM messages')).toBe(6);
  });

  it('after a UIDVALIDITY reset recognizes what it has and takes only the new mail', async () => {
    const mails = [registration('老城记忆', '陈晓东'), registration('塘河夜景', '林巧巧')];
    for (const m of mails) await dovecot.appendMessage('INBOX', m);
    app = makeTestApp(imapEnv());
    await poll(app);
    const before = app.db.prepare('SELECT uid_validity AS v FROM messages LIMIT 1').get() as { v: number };

    const { uidValidity } = await dovecot.resetMailbox('INBOX');
    for (const m of mails) await dovecot.appendMessage('INBOX', m);
    await dovecot.appendMessage('INBOX', registration('楠溪江', '王志明'));
    proxy.resetStats();
    const after = await poll(app);
    expect(after).toMatchObject({ uidValidityChanged: true, known: 2, fetched: 1 });
    expect(countRows(app, 'SELECT count(*) AS n FROM messages')).toBe(3);
    expect(Number(uidValidity)).not.toBe(before.v);
    expect(countRows(app, 'SELECT count(*) AS n FROM messages WHERE uid_validity = ?', Number(uidValidity))).toBe(3);
  });

  it('skips a message expunged between listing and download, and takes the rest', async () => {
    await dovecot.appendMessage('INBOX', registration('甲', '陈晓东'));
    const { uid: doomed } = await dovecot.appendMessage('INBOX', registration('乙', '林巧巧'));
    await dovecot.appendMessage('INBOX', registration('丙', '王志明'));
    app = makeTestApp(imapEnv());
    let expunged = false;
    const open = async (): Promise<ImapSession> => {
      const s = await opener(app)();
      const describe = s.describe;
      s.describe = async (uids) => {
        const listed = await describe(uids);
        // Another client (the organizer in webmail) deletes it after we listed it, before its parts are read.
        if (!expunged && listed.some((l) => l.uid === doomed)) {
          expunged = true;
          await dovecot.expunge('INBOX', doomed);
        }
        return listed;
      };
      return s;
    };
    const r = await poll(app, {}, open);
    expect(r).toMatchObject({ listed: 3, fetched: 2, vanished: 1 });
    const again = await poll(app);
    expect(again.listed).toBe(0);
  });

  it('records a 60 MB video by name and size without downloading it', async () => {
    const big = 60 * 1024 * 1024;
    await dovecot.appendMessage('INBOX', videoMessage('最美in温州+五马街的清晨+陈晓东', big, [
      { filename: '参赛登记表.docx', contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', content: FORM },
    ]));
    app = makeTestApp(imapEnv());
    proxy.resetStats();
    await poll(app);
    const video = app.db.prepare("SELECT filename, size, downloaded, skipped FROM attachments WHERE content_type = 'video/mp4'").get() as
      { filename: string; size: number; downloaded: number; skipped: string };
    expect(video).toMatchObject({ filename: '五马街的清晨.mp4', downloaded: 0, skipped: 'not_a_form' });
    expect(video.size).toBeGreaterThan(big);
    // Structure, headers, body and the small form only: a few kilobytes, not 80 MB of base64.
    expect(proxy.stats.serverToClient).toBeLessThan(256 * 1024);
    console.log(`bytes read from the server for the 60 MB video message: ${proxy.stats.serverToClient}`);
  });

  it('changes nothing in the mailbox by default, and sets only the configured keyword when asked', async () => {
    await dovecot.appendMessage('INBOX', registration('白鹿洲', '陈晓东'));
    await dovecot.appendMessage('INBOX', registration('瓯柑园', '林巧巧'), { flags: ['\\Seen'] });
    const flagsNow = async (): Promise<string[][]> => {
      const c = new ImapFlow({ host: dovecot.host, port: dovecot.port, secure: false, doSTARTTLS: false, auth: { user: dovecot.user, pass: dovecot.pass }, logger: false });
      await c.connect();
      const lock = await c.getMailboxLock('INBOX', { readOnly: true });
      const out: string[][] = [];
      try {
        for await (const m of c.fetch('1:*', { uid: true, flags: true })) out.push([...(m.flags ?? [])].filter((f) => f !== '\\Recent').sort());
      } finally {
        lock.release();
        await c.logout();
      }
      return out;
    };
    const before = await flagsNow();
    app = makeTestApp(imapEnv());
    await poll(app);
    // Read in webmail or not, each message keeps exactly the flags it had: nothing becomes \Seen.
    expect(await flagsNow()).toEqual(before);
    expect(before).toEqual([[], ['\\Seen']]);
    app.dispose();

    await dovecot.appendMessage('INBOX', registration('石桅岩', '王志明'));
    app = makeTestApp(imapEnv(proxy.port, { IMAP_PROCESSED_FLAG: '$ContestIntake' }));
    await poll(app);
    expect(await flagsNow()).toEqual([['$ContestIntake'], ['$ContestIntake', '\\Seen'], ['$ContestIntake']]);
  });

  it('fails clearly on a wrong password and records it for status', async () => {
    app = makeTestApp(imapEnv(proxy.port, { IMAP_PASS: 'wrong-code' }));
    const err = await poll(app).catch((e: unknown) => e);
    expect(hasCode(err, 'imap_auth')).toBe(true);
    const run = app.db.prepare('SELECT status, error_code AS code FROM poll_runs ORDER BY id DESC LIMIT 1').get();
    expect(run).toEqual({ status: 'failed', code: 'imap_auth' });
    expect(JSON.stringify(app.db.prepare('SELECT * FROM poll_runs').all())).not.toContain('wrong-code');
  });
});
