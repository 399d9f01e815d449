import { spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/clock.ts';
import { problem } from '../../src/domain/problem.ts';
import { AppError } from '../../src/errors.ts';
import { deliverOutbox, resendOutbox, retryDelayMs } from '../../src/replies/deliver-outbox.ts';
import { formatOutboxList, outboxListItems } from '../../src/replies/outbox-report.ts';
import { openDatabase } from '../../src/store/db.ts';
import { claimForSending, getOutbox, listOutbox } from '../../src/store/outbox-repo.ts';
import { createMailer, toSmtpError } from '../../src/transport/mailer.ts';
import { CONTEST, eml, ingestAndEnqueue, log, tempDb, type TempDb } from '../helpers/store-helpers.ts';
import { startSmtpSink, type SmtpSink } from '../setup/smtp-sink.ts';

const CRASHER = path.join(path.dirname(fileURLToPath(import.meta.url)), 'crash-deliverer.ts');
const NOW = new Date('2024-06-10T03:00:00Z');
const at = (minutes: number) => fixedClock(new Date(NOW.getTime() + minutes * 60_000).toISOString());
const noPhone = problem('missing_field', '登记表缺少“手机号码”，请补充后重新发送。', { field: 'phone' });

let sink: SmtpSink;
let t: TempDb;
beforeAll(async () => { sink = await startSmtpSink(); });
afterAll(async () => { await sink.stop(); });
afterEach(() => { sink.reset(); t?.dispose(); });

function deps(pass = sink.pass) {
  const mailer = createMailer({ host: sink.host, port: sink.port, tls: 'none', user: sink.user, pass }, t.dir);
  return { db: t.db, mailer, from: { name: CONTEST.name, address: 'bisaihuodong@126.com' }, log };
}

async function enqueue(from = 'chenxd@126.com'): Promise<number> {
  const { outboxId } = await ingestAndEnqueue(t.db, eml({ from }), [noPhone], NOW);
  return outboxId!;
}

describe('SMTP answers', () => {
  it('451 MI:SFQ: the row waits at least 15 minutes, the batch stops, and a later run sends it once', async () => {
    t = tempDb();
    const a = await enqueue('a@qq.com');
    const b = await enqueue('b@qq.com');
    sink.failNext({ code: 451, message: 'MI:SFQ Session frequency limited' });

    const first = await deliverOutbox(deps(), at(0), { spacingMs: 0 });
    expect(first).toMatchObject({ sent: [], retrying: [a], stoppedBy: 'smtp_throttled' });
    const row = getOutbox(t.db, a)!;
    expect(row).toMatchObject({ status: 'pending', attempts: 1, lastErrorCode: 'smtp_throttled' });
    expect(new Date(row.nextAttemptAt!).getTime() - NOW.getTime()).toBeGreaterThanOrEqual(15 * 60_000);
    expect(getOutbox(t.db, b)!.attempts).toBe(0); // not tried against a server that just said "too fast"

    const early = await deliverOutbox(deps(), at(5), { spacingMs: 0 });
    expect(early.sent).toEqual([b]);
    expect(sink.events.filter((e) => e.phase === 'mail')).toHaveLength(2); // no tight retry loop on a

    const later = await deliverOutbox(deps(), at(16), { spacingMs: 0 });
    expect(later.sent).toEqual([a]);
    expect(sink.messages.map((m) => m.envelope.to[0]).sort()).toEqual(['a@qq.com', 'b@qq.com']);
    expect(getOutbox(t.db, a)).toMatchObject({ status: 'sent', attempts: 2 });
  });

  it('535: smtp_auth, nothing sent, the row kept for after the 授权码 is fixed', async () => {
    t = tempDb();
    const id = await enqueue();
    const report = await deliverOutbox(deps('wrong-code'), at(0), { spacingMs: 0 });
    expect(report.stoppedBy).toBe('smtp_auth');
    const row = getOutbox(t.db, id)!;
    expect(row).toMatchObject({ status: 'pending', lastErrorCode: 'smtp_auth' });
    expect(new Date(row.nextAttemptAt!).getTime() - NOW.getTime()).toBeGreaterThanOrEqual(30 * 60_000);
    expect(sink.messages).toHaveLength(0);
    const ok = await deliverOutbox(deps(), at(31), { spacingMs: 0 });
    expect(ok.sent).toEqual([id]);
  });

  it('5xx: the row fails for good and the next row still goes', async () => {
    t = tempDb();
    const a = await enqueue('gone@qq.com');
    const b = await enqueue('here@qq.com');
    sink.failNext({ code: 550, message: 'RP:UNF User not found', phase: 'rcpt' });
    const report = await deliverOutbox(deps(), at(0), { spacingMs: 0 });
    expect(report).toMatchObject({ failed: [a], sent: [b], stoppedBy: null });
    expect(getOutbox(t.db, a)).toMatchObject({ status: 'failed', lastErrorCode: 'smtp_rejected' });
  });

  it('maps SMTP answers to error codes', () => {
    expect(toSmtpError({ responseCode: 535, response: '535 Error: authentication failed' }).code).toBe('smtp_auth');
    expect(toSmtpError({ code: 'EAUTH', message: 'Invalid login' }).code).toBe('smtp_auth');
    expect(toSmtpError({ responseCode: 451, response: '451 MI:SFQ' }).code).toBe('smtp_throttled');
    expect(toSmtpError({ responseCode: 421, response: '421 too many connections' }).code).toBe('smtp_throttled');
    expect(toSmtpError({ responseCode: 554, response: '554 DT:SPM' }).code).toBe('smtp_rejected');
    expect(toSmtpError({ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED' }).code).toBe('smtp_unavailable');
    expect(toSmtpError({ code: 'ETIMEDOUT', message: 'Greeting never received' }).code).toBe('smtp_unavailable');
    expect(retryDelayMs(1, new AppError('smtp_throttled', 'SMTP 451: MI:SFQ'))).toBe(15 * 60_000);
    expect(retryDelayMs(1, new AppError('smtp_unavailable', 'reset'))).toBe(60_000);
    expect(retryDelayMs(3, new AppError('smtp_unavailable', 'reset'))).toBe(4 * 60_000);
    expect(retryDelayMs(30, new AppError('smtp_unavailable', 'reset'))).toBe(6 * 60 * 60_000);
  });

  it('an unreachable server: smtp_unavailable, retried with backoff', async () => {
    t = tempDb();
    const id = await enqueue();
    const dead = { ...deps(), mailer: createMailer({ host: '127.0.0.1', port: 1, tls: 'none' }, t.dir, { connectionTimeoutMs: 2_000 }) };
    const report = await deliverOutbox(dead, at(0), { spacingMs: 0 });
    expect(report.stoppedBy).toBe('smtp_unavailable');
    expect(getOutbox(t.db, id)).toMatchObject({ status: 'pending', lastErrorCode: 'smtp_unavailable', attempts: 1 });
  });
});

describe('a crash between sending and recording', () => {
  it('is reconciled on restart without a second copy (at most once), and a person can resend the same bytes', async () => {
    t = tempDb();
    const id = await enqueue();
    t.db.close();
    // A real crash: a child process delivers, and is SIGKILLed right after the server accepted the mail, before
    // it could record 'sent'.
    // (Asynchronously: the sink lives in this process and must keep answering.)
    const child = spawn(process.execPath, ['--import', 'tsx', CRASHER, t.dir, sink.host, String(sink.port), sink.user, sink.pass, NOW.toISOString()],
      { stdio: ['ignore', 'ignore', 'pipe'], timeout: 30_000 });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => { stderr += c.toString(); });
    const [, signal] = await once(child, 'exit') as [number | null, string | null];
    expect(signal, stderr).toBe('SIGKILL');
    t.db = openDatabase(t.dir);
    expect(getOutbox(t.db, id)!.status).toBe('sending');
    expect(sink.messages).toHaveLength(1);

    // Restart soon after: the row is still within its lease, so it is neither sent nor judged yet.
    const soon = await deliverOutbox(deps(), at(1), { spacingMs: 0 });
    expect(soon).toMatchObject({ sent: [], interrupted: [] });
    // Later: judged interrupted, marked unknown, never sent again by itself.
    const restart = await deliverOutbox(deps(), at(20), { spacingMs: 0 });
    expect(restart).toMatchObject({ sent: [], interrupted: [id] });
    expect(getOutbox(t.db, id)).toMatchObject({ status: 'unknown', lastErrorCode: 'interrupted' });
    await deliverOutbox(deps(), at(60), { spacingMs: 0 });
    expect(sink.messages).toHaveLength(1);

    // replies: the row is listed with what to do about it.
    const listed = formatOutboxList(listOutbox(t.db), 'Asia/Shanghai');
    expect(listed).toContain(`#${id}`);
    expect(listed).toContain('发送状态不明');
    expect(listed).toContain('replies --resend ID');
    expect(outboxListItems(listOutbox(t.db))[0]).toMatchObject({ id, status: 'unknown', error: expect.stringMatching(/^interrupted/) });

    // replies --resend ID: by hand, the stored bytes, the same Message-ID.
    const resent = await resendOutbox(deps(), id, at(61));
    expect(resent.status).toBe('sent');
    expect(sink.messages).toHaveLength(2);
    expect(Buffer.compare(sink.messages[0]!.raw, sink.messages[1]!.raw)).toBe(0);
  });

  it('two deliverers running at once send each row once', async () => {
    t = tempDb();
    const ids = [await enqueue('a@qq.com'), await enqueue('b@qq.com'), await enqueue('c@qq.com')];
    const [r1, r2] = await Promise.all([deliverOutbox(deps(), at(0), { spacingMs: 0 }), deliverOutbox(deps(), at(0), { spacingMs: 0 })]);
    expect([...r1.sent, ...r2.sent].sort()).toEqual(ids);
    expect(sink.messages).toHaveLength(3);
  });

  it('a row claimed by a live process is left alone', async () => {
    t = tempDb();
    const id = await enqueue();
    expect(claimForSending(t.db, id, NOW)).toBe(true);
    const report = await deliverOutbox(deps(), at(2), { spacingMs: 0 });
    expect(report).toMatchObject({ sent: [], interrupted: [] });
    await expect(resendOutbox(deps(), id, at(2))).rejects.toThrow(/being sent/);
  });
});
