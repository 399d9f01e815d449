import net from 'node:net';
import iconv from 'iconv-lite';
import { ImapFlow } from 'imapflow';
import { simpleParser } from 'mailparser';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeVideoMessage, VIDEO_FILENAME } from './setup/big-mail.ts';
import { NETEASE_CAPABILITIES, startDovecot, type DovecotHandle } from './setup/dovecot.ts';
import { startSmtpSink, type SmtpSink } from './setup/smtp-sink.ts';
import { startProxy, UNSAFE_LOGIN, type TcpProxy } from './setup/tcp-proxy.ts';

/** The harness everyone else's tests stand on: if these fail, look here first. */

const GBK_SUBJECT = '最美in温州+五马街的清晨+陈晓东';
const gbkMessage = Buffer.concat([
  Buffer.from(`From: =?GBK?B?${iconv.encode('陈晓东', 'gbk').toString('base64')}?= <chenxd1988@163.com>\r\n` +
    `To: bisaihuodong@126.com\r\nSubject: =?GBK?B?${iconv.encode(GBK_SUBJECT, 'gbk').toString('base64')}?=\r\n` +
    'Date: Mon, 15 Apr 2024 09:12:33 +0800\r\nMessage-ID: <harness-1@163.com>\r\nMIME-Version: 1.0\r\n' +
    'Content-Type: text/plain; charset=GBK\r\nContent-Transfer-Encoding: 8bit\r\n\r\n', 'latin1'),
  iconv.encode('您好！附件是参赛登记表。\r\n', 'gbk'),
]);

function client(port: number, d: DovecotHandle, extra: Partial<ConstructorParameters<typeof ImapFlow>[0]> = {}): ImapFlow {
  const c = new ImapFlow({ host: '127.0.0.1', port, secure: false, doSTARTTLS: false, auth: { user: d.user, pass: d.pass }, logger: false,
    connectionTimeout: 3_000, greetingTimeout: 2_000, socketTimeout: 10_000, ...extra });
  c.on('error', () => {});
  return c;
}

/** A bare IMAP session that never sends ID: imapflow always sends it when the server lists ID. */
function rawSession(port: number, lines: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1');
    let out = '';
    let i = 0;
    s.on('data', (d: Buffer) => {
      out += d.toString('latin1');
      // Send the next command once the previous one (or the greeting) was answered.
      const done = i === 0 ? /^\* OK/m.test(out) : new RegExp(`^t${i} (OK|NO|BAD)`, 'm').test(out);
      if (!done) return;
      if (i < lines.length) s.write(`t${i + 1} ${lines[i++]}\r\n`);
      else s.end();
    });
    s.on('end', () => resolve(out));
    s.on('error', reject);
  });
}

let dovecot: DovecotHandle;
beforeAll(async () => {
  dovecot = await startDovecot({ netease: true });
});
afterAll(async () => {
  await dovecot?.stop();
});

describe('Dovecot', () => {
  it('starts with the NetEase capability profile', async () => {
    const c = client(dovecot.port, dovecot);
    await c.connect();
    try {
      const caps = [...c.capabilities.keys()];
      expect(caps).toEqual(expect.arrayContaining(NETEASE_CAPABILITIES.split(' ')));
      for (const missing of ['IDLE', 'MOVE', 'CONDSTORE']) expect(caps).not.toContain(missing);
    } finally {
      await c.logout();
    }
  });

  it('APPEND and fetch round-trip a GBK message byte for byte, with its INTERNALDATE', async () => {
    const internalDate = new Date('2024-04-15T01:12:40Z');
    const { uid, uidValidity } = await dovecot.appendMessage('INBOX', gbkMessage, { internalDate, flags: ['\\Seen'] });
    expect(uidValidity).toBeGreaterThan(0n);
    const c = client(dovecot.port, dovecot);
    await c.connect();
    const lock = await c.getMailboxLock('INBOX');
    try {
      const msg = await c.fetchOne(String(uid), { source: true, internalDate: true, flags: true }, { uid: true });
      expect(msg && msg.source?.equals(gbkMessage)).toBe(true);
      expect(msg && new Date(msg.internalDate!).toISOString()).toBe(internalDate.toISOString());
      expect(msg && [...(msg.flags ?? [])]).toContain('\\Seen');
      expect((await simpleParser(msg ? msg.source! : Buffer.alloc(0))).subject).toBe(GBK_SUBJECT);
    } finally {
      lock.release();
      await c.logout();
    }
  });

  it('expunges one UID, and resets INBOX to a new UIDVALIDITY with UIDs from 1', async () => {
    const a = await dovecot.appendMessage('INBOX', gbkMessage);
    await dovecot.expunge('INBOX', a.uid);
    const before = await dovecot.status('INBOX');
    const { uidValidity } = await dovecot.resetMailbox('INBOX');
    expect(uidValidity).not.toBe(before.uidValidity);
    const after = await dovecot.appendMessage('INBOX', gbkMessage);
    expect(after.uid).toBe(1);
    expect(after.uidValidity).toBe(uidValidity);
  });

  it('creates and deletes mailboxes (a non-INBOX reset changes UIDVALIDITY too)', async () => {
    await dovecot.createMailbox('归档');
    const first = await dovecot.appendMessage('归档', gbkMessage);
    const { uidValidity } = await dovecot.resetMailbox('归档');
    expect(uidValidity).not.toBe(first.uidValidity);
    await dovecot.deleteMailbox('归档');
    await expect(dovecot.status('归档')).rejects.toThrow(/STATUS/);
  });

  it('wipes its index cache and keeps the mail across a restart', async () => {
    await dovecot.appendMessage('INBOX', gbkMessage);
    expect(await dovecot.wipeCache()).toBeGreaterThanOrEqual(0);
    const before = await dovecot.status('INBOX');
    await dovecot.restart();
    expect(await dovecot.status('INBOX')).toEqual(before);
  });

  it('a second instance in the same file gets its own port and folder', async () => {
    const other = await startDovecot({ user: 'other@example.test', pass: 'pw' });
    try {
      expect(other.port).not.toBe(dovecot.port);
      expect(other.dir).not.toBe(dovecot.dir);
      expect((await other.status('INBOX')).messages).toBe(0);
    } finally {
      await other.stop();
    }
  });

  it('takes a message with a 5 MB video and reports the part sizes in BODYSTRUCTURE', async () => {
    const raw = await makeVideoMessage(5 * 1024 * 1024);
    const { uid } = await dovecot.appendMessage('INBOX', raw);
    const c = client(dovecot.port, dovecot);
    await c.connect();
    const lock = await c.getMailboxLock('INBOX');
    try {
      const msg = await c.fetchOne(String(uid), { bodyStructure: true, size: true }, { uid: true });
      expect(msg && msg.size).toBe(raw.length);
      const parts = msg ? msg.bodyStructure?.childNodes ?? [] : [];
      const video = parts.find((p) => p.type === 'video/mp4');
      expect(video?.dispositionParameters?.filename).toBe(VIDEO_FILENAME);
      expect(video?.size).toBeGreaterThan(5 * 1024 * 1024 * 4 / 3);
    } finally {
      lock.release();
      await c.logout();
    }
  });
});

describe('TCP proxy', () => {
  let proxy: TcpProxy;
  beforeAll(async () => {
    proxy = await startProxy({ targetHost: dovecot.host, targetPort: dovecot.port, mode: 'netease' });
  });
  afterAll(async () => {
    await proxy?.stop();
  });

  it('NetEase mode: SELECT without ID is refused "Unsafe Login", with ID it works', async () => {
    const without = await rawSession(proxy.port, [`LOGIN ${dovecot.user} ${dovecot.pass}`, 'SELECT INBOX', 'LOGOUT']);
    expect(without).toContain(`t2 ${UNSAFE_LOGIN}`);
    const withId = await rawSession(proxy.port, ['ID ("name" "raw")', `LOGIN ${dovecot.user} ${dovecot.pass}`, 'SELECT INBOX', 'LOGOUT']);
    expect(withId).toMatch(/^t3 OK/m);

    const c = client(proxy.port, dovecot, { clientInfo: { name: 'contest-intake', version: '0.1.0' } });
    await c.connect();
    try {
      const box = await c.mailboxOpen('INBOX', { readOnly: true });
      expect(box.exists).toBeGreaterThanOrEqual(0);
    } finally {
      await c.logout();
    }
    expect(proxy.stats.refusedSelects).toBe(1);
  });

  it('NetEase mode: imapflow against a server without ID (so it sends none) is refused', async () => {
    await dovecot.setCapabilities('IMAP4rev1 LITERAL+ UIDPLUS XLIST SPECIAL-USE');
    const c = client(proxy.port, dovecot);
    try {
      await c.connect();
      expect(c.capabilities.has('ID')).toBe(false);
      await expect(c.mailboxOpen('INBOX')).rejects.toMatchObject({ responseText: expect.stringContaining('Unsafe Login') });
    } finally {
      await c.logout().catch(() => c.close());
      await dovecot.setCapabilities(NETEASE_CAPABILITIES);
    }
  });

  it('counts bytes in each direction', async () => {
    await proxy.setMode('pass');
    const { uid } = await dovecot.appendMessage('INBOX', gbkMessage);
    proxy.resetStats();
    const c = client(proxy.port, dovecot);
    await c.connect();
    const lock = await c.getMailboxLock('INBOX');
    try {
      await c.fetchOne(String(uid), { source: true }, { uid: true });
    } finally {
      lock.release();
      await c.logout();
    }
    expect(proxy.stats.connections).toBe(1);
    expect(proxy.stats.serverToClient).toBeGreaterThan(gbkMessage.length);
    expect(proxy.stats.serverToClient).toBeLessThan(gbkMessage.length + 8_000);
    expect(proxy.stats.clientToServer).toBeGreaterThan(50);
  });

  it('refuses, stalls and resets on demand, then passes again', async () => {
    await proxy.setMode('refuse');
    await expect(client(proxy.port, dovecot).connect()).rejects.toMatchObject({ code: expect.stringMatching(/ECONNREFUSED|ETIMEDOUT|NoConnection/) });

    await proxy.setMode('stall');
    const t0 = Date.now();
    await expect(client(proxy.port, dovecot, { greetingTimeout: 500 }).connect()).rejects.toThrow();
    expect(Date.now() - t0).toBeLessThan(5_000);

    const raw = await makeVideoMessage(512 * 1024);
    const { uid } = await dovecot.appendMessage('INBOX', raw);
    await proxy.setMode({ resetAfterServerBytes: 100_000 });
    proxy.resetStats();
    const c = client(proxy.port, dovecot);
    await c.connect();
    const lock = await c.getMailboxLock('INBOX');
    await expect(c.fetchOne(String(uid), { source: true }, { uid: true })).rejects.toThrow();
    lock.release();
    c.close();
    expect(proxy.stats.resets).toBe(1);
    expect(proxy.stats.serverToClient).toBeLessThanOrEqual(100_000);

    await proxy.setMode('pass');
    const ok = client(proxy.port, dovecot);
    await ok.connect();
    await ok.logout();
  });
});

describe('SMTP sink', () => {
  let sink: SmtpSink;
  beforeAll(async () => {
    sink = await startSmtpSink();
  });
  afterAll(async () => {
    await sink?.stop();
  });
  const transport = (pass = sink.pass) => nodemailer.createTransport({ host: sink.host, port: sink.port, secure: false, ignoreTLS: true, auth: { user: sink.user, pass } });
  const mail = { from: 'bisaihuodong@126.com', to: 'chenxd1988@163.com', subject: 'Re: 最美in温州+五马街的清晨+陈晓东', text: '您好，已收到您的作品。',
    headers: { 'Auto-Submitted': 'auto-replied' } };

  it('receives a nodemailer message with AUTH and keeps envelope and bytes', async () => {
    await transport().sendMail(mail);
    const [m] = await sink.waitForMessages(1);
    expect(m!.envelope).toEqual({ from: 'bisaihuodong@126.com', to: ['chenxd1988@163.com'] });
    expect(m!.user).toBe(sink.user);
    const parsed = await m!.parsed();
    expect(parsed.subject).toBe(mail.subject);
    expect(parsed.text?.trim()).toBe(mail.text);
    expect(parsed.headers.get('auto-submitted')).toBe('auto-replied');
  });

  it('refuses a wrong password with 535', async () => {
    await expect(transport('wrong').sendMail(mail)).rejects.toMatchObject({ responseCode: 535 });
    expect(sink.events.at(-1)).toMatchObject({ phase: 'auth', code: 535 });
  });

  it('answers 451 MI:SFQ to the next MAIL FROM when told, then accepts again', async () => {
    sink.reset();
    sink.failNext({ code: 451, message: 'MI:SFQ Session frequency limited' });
    await expect(transport().sendMail(mail)).rejects.toMatchObject({ responseCode: 451, response: expect.stringContaining('MI:SFQ') });
    await transport().sendMail(mail);
    expect(sink.messages).toHaveLength(1);
    expect(sink.events.filter((e) => e.phase === 'mail').map((e) => e.code)).toEqual([451, 250]);
  });

  it('can fail the next RCPT (550) or DATA (DT:SPM) instead', async () => {
    sink.reset();
    sink.failNext({ code: 550, message: 'RP:QRC recipient limit', count: 1 });
    await expect(transport().sendMail(mail)).rejects.toMatchObject({ responseCode: 550 });
    sink.failNext({ code: 554, message: 'DT:SPM looks like spam' });
    await expect(transport().sendMail(mail)).rejects.toMatchObject({ responseCode: 554 });
    expect(sink.messages).toHaveLength(0);
  });
});
