import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { digestFor } from '../../src/commands/digest-command.ts';
import { localDay } from '../../src/domain/contest-calendar.ts';
import { buildStatus, statusExitCode } from '../../src/status/status-report.ts';
import { pollMailbox, retryMessages } from '../../src/pipeline/poll-mailbox.ts';
import { startDovecot, type DovecotHandle } from '../setup/dovecot.ts';
import { startProxy, type TcpProxy } from '../setup/tcp-proxy.ts';
import { countRows, makeTestApp, type TestApp } from '../helpers/test-app.ts';
import { coremailMessage } from '../helpers/mime.ts';

/**
 * A message no way of reading can get from the server is recorded `unfetchable` (from its envelope), shown to a
 * person and never answered, and read again at the next cycle; a UID lost below the position (by an older build)
 * is reported as a gap until `reconcile` takes it.
 */

let dovecot: DovecotHandle;
let proxy: TcpProxy;
let app: TestApp;
/** The UID whose body the "server" cannot serve: any FETCH of its sections or its source breaks the connection. */
let poisoned: number | null = null;
/** The UID whose structure the "server" cannot give: any FETCH of its BODYSTRUCTURE breaks the connection. */
let noStructure: number | null = null;

const form = (n: number): Buffer => coremailMessage({
  subject: `最美in温州+作品${n}+陈晓东`, messageId: `<poison-${n}@126.com>`,
  attachments: [{ filename: `登记表${n}.docx`, contentType: 'application/octet-stream', content: Buffer.from(`not a docx ${n}`) }],
});

function inSet(set: string, uid: number): boolean {
  return set.split(',').some((r) => {
    const [a, b] = r.split(':').map(Number);
    return b === undefined ? a === uid : uid >= Math.min(a!, b) && uid <= Math.max(a!, b);
  });
}

/** `UID FETCH <set> (… BINARY.PEEK[2] …)`, BODY.PEEK[1], BODY.PEEK[] (the source): not HEADER, not BODYSTRUCTURE. */
function fetchesBodyOf(line: string, uid: number): boolean {
  const m = /UID FETCH ([\d,:]+) (.*)$/i.exec(line);
  return !!m && /(BINARY|BODY)\.PEEK\[(\d|\])/i.test(m[2]!) && inSet(m[1]!, uid);
}

function fetchesStructureOf(line: string, uid: number): boolean {
  const m = /UID FETCH ([\d,:]+) (.*)$/i.exec(line);
  return !!m && /BODYSTRUCTURE/i.test(m[2]!) && inSet(m[1]!, uid);
}

const poll = (a: TestApp) => pollMailbox(() => a.openMailbox(), a.deps, a.clock, {
  batchSize: 10, maxAttempts: 3, partMaxBytes: a.config.partMaxBytes, reconnect: { maxWithoutProgress: 3, maxPerCycle: 50, backoffMs: [20] },
});

beforeAll(async () => {
  dovecot = await startDovecot({ netease: true });
  proxy = await startProxy({
    targetHost: dovecot.host, targetPort: dovecot.port,
    onCommand: (line) => ((poisoned !== null && fetchesBodyOf(line, poisoned)) || (noStructure !== null && fetchesStructureOf(line, noStructure)) ? 'reset' : 'pass'),
  });
  for (let i = 1; i <= 5; i++) await dovecot.appendMessage('INBOX', form(i));
});
afterAll(async () => {
  await proxy?.stop();
  await dovecot?.stop();
});
afterEach(() => {
  app?.dispose();
  poisoned = null;
  noStructure = null;
});

const env = () => ({ IMAP_HOST: '127.0.0.1', IMAP_PORT: String(proxy.port), IMAP_TLS: 'none', IMAP_USER: dovecot.user, IMAP_PASS: dovecot.pass, IMAP_TIMEOUT_MS: '5000' });

describe('a message the server will not give', () => {
  it('is recorded unfetchable from its envelope, for a person, never answered; the rest flows; the next cycle reads it', async () => {
    app = makeTestApp(env());
    poisoned = 3;
    const r = await poll(app);
    expect(r).toMatchObject({ fetched: 4, unfetchable: 1, gaps: 0 });
    expect(r.reconnects).toBeGreaterThanOrEqual(2);
    expect(proxy.stats.faults.command).toBeGreaterThanOrEqual(2);
    const row = app.db.prepare('SELECT id, status, subject, from_address AS sender, error FROM messages WHERE uid = 3').get() as { id: number; status: string; subject: string; sender: string; error: string };
    expect(row).toMatchObject({ status: 'unfetchable', subject: '最美in温州+作品3+陈晓东', sender: 'chenxd@126.com' });
    expect(row.error).toMatch(/the server would not give this message's content: .*the connection broke/);
    expect(countRows(app, 'SELECT last_uid AS n FROM mailbox_state')).toBe(5);
    expect(countRows(app, 'SELECT count(*) AS n FROM outbox WHERE message_id = ?', row.id)).toBe(0);

    // What the organizers see: status counts it, the digest lists it among what needs a person.
    const status = buildStatus(app.db, { mode: 'imap', now: app.clock(), staleAfterMinutes: 30 });
    expect(status.messages.byStatus.unfetchable).toBe(1);
    expect(statusExitCode(status.health)).toBe(0);
    const arrived = (app.db.prepare('SELECT received_at AS at FROM messages WHERE id = ?').get(row.id) as { at: string }).at;
    const digest = await digestFor(app, localDay(new Date(arrived), app.config.contest.timezone), false);
    expect(readFileSync(digest.htmlFile, 'utf8')).toContain('邮件内容无法从邮箱服务器取回');

    // The server serves it again: the next cycle reads it alone, into the same record.
    poisoned = null;
    const next = await poll(app);
    expect(next).toMatchObject({ retried: 1, recovered: 1, unfetchable: 0 });
    const after = app.db.prepare('SELECT id, status FROM messages WHERE uid = 3').get() as { id: number; status: string };
    expect(after.id).toBe(row.id);
    expect(after.status).toBe((app.db.prepare('SELECT status FROM messages WHERE uid = 1').get() as { status: string }).status);
  });

  it('`reprocess --id` reads an unfetchable message again from the mailbox at once', async () => {
    app = makeTestApp(env());
    poisoned = 4;
    await poll(app);
    const id = countRows(app, "SELECT id AS n FROM messages WHERE uid = 4 AND status = 'unfetchable'");
    expect(id).toBeGreaterThan(0);
    poisoned = null;
    const r = await retryMessages(() => app.openMailbox(), app.deps, app.clock, { batchSize: 1, maxAttempts: 3, ids: [id] });
    expect(r).toMatchObject({ retried: 1, recovered: 1 });
    expect(countRows(app, "SELECT count(*) AS n FROM messages WHERE status = 'unfetchable'")).toBe(0);
  });
});

describe('a message whose structure the server cannot give', () => {
  it('is described from its envelope and read from its whole source: recorded like the others, not unfetchable', async () => {
    app = makeTestApp(env());
    noStructure = 2;
    const r = await poll(app);
    expect(r).toMatchObject({ fetched: 5, unfetchable: 0 });
    expect(proxy.stats.faults.command).toBeGreaterThanOrEqual(1);
    const sibling = (app.db.prepare('SELECT status FROM messages WHERE uid = 1').get() as { status: string }).status;
    expect(app.db.prepare('SELECT status, subject FROM messages WHERE uid = 2').get()).toEqual({ status: sibling, subject: '最美in温州+作品2+陈晓东' });
    expect(countRows(app, "SELECT count(*) AS n FROM attachments a JOIN messages m ON m.id = a.message_id WHERE m.uid = 2 AND a.filename = '登记表2.docx' AND a.downloaded = 1")).toBe(1);
  });
});

describe('gaps below the position', () => {
  it('a UID the mailbox has below the mark and the record does not is reported, makes status fail, and reconcile takes it', async () => {
    app = makeTestApp(env());
    await poll(app);
    expect(countRows(app, 'SELECT count(*) AS n FROM messages')).toBe(5);
    // What an older build did: the position moved past a message that was never recorded.
    app.db.prepare('DELETE FROM messages WHERE uid = 2').run();
    const seen = await poll(app);
    expect(seen).toMatchObject({ fetched: 0, gaps: 1 });
    const status = buildStatus(app.db, { mode: 'imap', now: app.clock(), staleAfterMinutes: 30 });
    expect(status.gaps).toBe(1);
    expect(status.health).toBe('failing');
    expect(statusExitCode(status.health)).toBe(1);

    const fixed = await pollMailbox(() => app.openMailbox(), app.deps, app.clock, { batchSize: 10, maxAttempts: 3, mode: 'reconcile' });
    expect(fixed).toMatchObject({ listed: 1, fetched: 1, gaps: 0 });
    expect(countRows(app, 'SELECT count(*) AS n FROM messages WHERE uid = 2')).toBe(1);
    expect(buildStatus(app.db, { mode: 'imap', now: app.clock(), staleAfterMinutes: 30 }).health).toBe('ok');
    expect(countRows(app, 'SELECT last_uid AS n FROM mailbox_state')).toBe(5);
  });
});
