import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import path from 'node:path';
import { openImapSession } from '../../src/mailbox/imap/open-session.ts';
import { pollMailbox } from '../../src/pipeline/poll-mailbox.ts';
import { hasCode } from '../../src/errors.ts';
import { noteAttempt } from '../../src/store/attempts-repo.ts';
import { startDovecot, type DovecotHandle } from '../setup/dovecot.ts';
import { startProxy, type TcpProxy } from '../setup/tcp-proxy.ts';
import { countRows, makeTestApp, type TestApp } from '../helpers/test-app.ts';
import { coremailMessage } from '../helpers/mime.ts';

let dovecot: DovecotHandle;
let proxy: TcpProxy;
let app: TestApp;

const form = (n: number): Buffer => coremailMessage({
  subject: `最美in温州+作品${n}+陈晓东`,
  attachments: [{ filename: `登记表${n}.docx`, contentType: 'application/octet-stream', content: Buffer.alloc(200_000, n) }],
});

function newApp(): TestApp {
  return makeTestApp({ IMAP_HOST: '127.0.0.1', IMAP_PORT: String(proxy.port), IMAP_TLS: 'none', IMAP_USER: dovecot.user, IMAP_PASS: dovecot.pass, IMAP_TIMEOUT_MS: '3000' });
}
const open = (a: TestApp) => () => openImapSession(a.config.imap!, a.log, { limits: a.limits, version: 'test', supportEmail: 'x@126.com' });
const poll = (a: TestApp) => pollMailbox(open(a), a.deps, a.clock, { batchSize: 5, maxAttempts: 3, reconnect: { maxWithoutProgress: 3, maxPerCycle: 50, backoffMs: [100] } });

beforeAll(async () => {
  dovecot = await startDovecot();
  proxy = await startProxy({ targetHost: dovecot.host, targetPort: dovecot.port });
  for (let i = 1; i <= 8; i++) await dovecot.appendMessage('INBOX', form(i));
});
afterAll(async () => {
  await proxy?.stop();
  await dovecot?.stop();
});
afterEach(async () => {
  app?.dispose();
  await proxy.setMode('pass');
});

function assertAllOnce(a: TestApp): void {
  expect(countRows(a, 'SELECT count(*) AS n FROM messages')).toBe(8);
  expect(countRows(a, 'SELECT count(DISTINCT uid) AS n FROM messages')).toBe(8);
}

describe('network faults: the cycle fails cleanly and the next one takes everything once', () => {
  it('a refused connection', async () => {
    app = newApp();
    await proxy.setMode('refuse');
    const err = await poll(app).catch((e: unknown) => e);
    expect(hasCode(err, 'imap_unavailable')).toBe(true);
    await proxy.setMode('pass');
    expect((await poll(app)).fetched).toBe(8);
    assertAllOnce(app);
  });

  it('a connection reset in the middle of a download: the cycle reconnects and takes everything', async () => {
    app = newApp();
    // Enough for the greeting, login, listing and a few messages, then cut; every new connection is cut the same way.
    await proxy.setMode({ resetAfterServerBytes: 600_000 });
    const r = await poll(app);
    expect(r.reconnects).toBeGreaterThan(0);
    expect(proxy.stats.resets).toBeGreaterThan(0);
    assertAllOnce(app);
    expect(countRows(app, 'SELECT last_uid AS n FROM mailbox_state')).toBe(8);
    // A message whose reads kept being cut may have been set down as unfetchable: the next cycle reads it again.
    await proxy.setMode('pass');
    const next = await poll(app);
    expect(next.retried).toBe(r.unfetchable);
    expect(countRows(app, "SELECT count(*) AS n FROM messages WHERE status = 'unfetchable'")).toBe(0);
    assertAllOnce(app);
  });

  it('a connection that breaks again at once: the cycle gives up, keeps what it has, and the next takes the rest', async () => {
    app = newApp();
    // Each connection gets through login and the listing, and breaks during the first download.
    await proxy.setMode({ resetAfterServerBytes: 20_000 });
    const err = await poll(app).catch((e: unknown) => e);
    expect(hasCode(err, 'imap_unavailable') || hasCode(err, 'timeout')).toBe(true);
    const partial = countRows(app, 'SELECT count(*) AS n FROM messages');
    expect(partial).toBeLessThan(8);
    // The mark never passes a message that is not recorded.
    const mark = countRows(app, 'SELECT last_uid AS n FROM mailbox_state');
    expect(countRows(app, 'SELECT count(*) AS n FROM messages WHERE uid <= ?', mark)).toBe(mark);
    await proxy.setMode('pass');
    const rest = await poll(app);
    expect(rest.fetched).toBe(8 - partial);
    assertAllOnce(app);
  });

  it('a server that accepts and never answers', async () => {
    app = newApp();
    await proxy.setMode('stall');
    const started = Date.now();
    const err = await poll(app).catch((e: unknown) => e);
    expect(hasCode(err, 'timeout') || hasCode(err, 'imap_unavailable')).toBe(true);
    expect(Date.now() - started).toBeLessThan(20_000);
    await proxy.setMode('pass');
    await poll(app);
    assertAllOnce(app);
  });
});

describe('faults inside the service', () => {
  it('a locked database fails the cycle cleanly; the next cycle takes everything', async () => {
    app = newApp();
    const other = new Database(path.join(app.dataDir, 'contest-intake.db'));
    other.pragma('busy_timeout = 0');
    other.exec('BEGIN EXCLUSIVE');
    app.db.pragma('busy_timeout = 100');
    const err = await poll(app).catch((e: unknown) => e);
    expect(hasCode(err, 'db_unavailable')).toBe(true);
    other.exec('ROLLBACK');
    other.close();
    await poll(app);
    assertAllOnce(app);
  });

  it('a message whose processing throws is recorded as an error and the others flow on', async () => {
    app = newApp();
    const real = app.deps.extract;
    app.deps.extract = async (msg) => {
      if (msg.headers.subject.includes('作品3+')) throw new Error('parser bug');
      return real(msg);
    };
    const r = await poll(app);
    expect(r).toMatchObject({ fetched: 7, failed: 1 });
    const bad = app.db.prepare("SELECT subject, status, error FROM messages WHERE status = 'error'").get();
    expect(bad).toEqual({ subject: '最美in温州+作品3+陈晓东', status: 'error', error: 'parser bug' });
    assertAllOnce(app);
  });

  it('a message that was started three times without finishing is quarantined, not tried again', async () => {
    app = newApp();
    const box = await dovecot.status('INBOX');
    const uid = 2;
    // Three earlier runs died on this message (the worker was killed while parsing it).
    for (let i = 0; i < 3; i++) noteAttempt(app.db, { mailbox: 'INBOX', uidValidity: Number(box.uidValidity), uid }, 'processing', new Date());
    let touched = false;
    const real = app.deps.extract;
    app.deps.extract = async (msg) => {
      if (msg.origin.uid === uid) touched = true;
      return real(msg);
    };
    const r = await poll(app);
    expect(r).toMatchObject({ fetched: 7, quarantined: 1, retried: 0 });
    expect(touched).toBe(false);
    expect(app.db.prepare('SELECT status FROM messages WHERE uid = ?').get(uid)).toEqual({ status: 'quarantined' });
    assertAllOnce(app);

    // The next cycle tries it again, alone: it is read this time, under the same record.
    const id = countRows(app, 'SELECT id AS n FROM messages WHERE uid = ?', uid);
    const next = await poll(app);
    expect(next).toMatchObject({ retried: 1, recovered: 1 });
    expect(touched).toBe(true);
    const sibling = app.db.prepare('SELECT status FROM messages WHERE uid = 1').get() as { status: string };
    expect(sibling.status).not.toBe('quarantined');
    expect(app.db.prepare('SELECT id, status FROM messages WHERE uid = ?').get(uid)).toEqual({ id, status: sibling.status });
    // Tried once: the next cycle leaves it alone.
    expect(await poll(app)).toMatchObject({ retried: 0 });
    assertAllOnce(app);
  });
});
