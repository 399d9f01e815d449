import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import JSZip from 'jszip';
import { classifyMessage, type Classification } from '../../src/classify/classify-message.ts';
import { loadContest, type ContestConfig } from '../../src/config.ts';
import type { MessageStatus } from '../../src/domain/message-kind.ts';
import type { Problem } from '../../src/domain/problem.ts';
import { silentLogger } from '../../src/logger.ts';
import { parseEml } from '../../src/mailbox/eml-folder-source.ts';
import type { IncomingMessage } from '../../src/mailbox/incoming-message.ts';
import { planLimitsFor } from '../../src/mailbox/message-parts.ts';
import { enqueueReply, receivedMailOf, type EnqueueResult } from '../../src/replies/enqueue-reply.ts';
import { openDatabase, type Db } from '../../src/store/db.ts';
import { insertMessage } from '../../src/store/messages-repo.ts';
import { messageRecord } from '../../src/pipeline/message-record.ts';

export const CONTEST: ContestConfig = loadContest(path.resolve('config'));
export const OWN = ['bisaihuodong@126.com'];
export const log = silentLogger();

export interface TempDb {
  db: Db;
  dir: string;
  dispose(): void;
}

export function tempDb(prefix = 'ci-out-'): TempDb {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  const db = openDatabase(dir);
  return { db, dir, dispose: () => { if (db.open) db.close(); rmSync(dir, { recursive: true, force: true }); } };
}

export interface EmlOptions {
  from?: string;
  replyTo?: string;
  subject?: string;
  messageId?: string;
  references?: string;
  date?: string;
  headers?: Record<string, string>;
  contentType?: string;
  text?: string;
  attachments?: { filename: string; content: Buffer }[];
}

const b64 = (s: string) => `=?UTF-8?B?${Buffer.from(s, 'utf8').toString('base64')}?=`;

/** A plain, well-formed mail as a client would send it; the subject goes through RFC 2047 (so it may carry CRLF). */
export function eml(o: EmlOptions = {}): Buffer {
  const boundary = `b${randomBytes(6).toString('hex')}`;
  const head = [
    `From: ${o.from ?? `${b64('陈晓东')} <chenxd@126.com>`}`,
    ...(o.replyTo ? [`Reply-To: ${o.replyTo}`] : []),
    'To: bisaihuodong@126.com',
    `Subject: ${b64(o.subject ?? '最美in温州+五马街的清晨+陈晓东')}`,
    `Date: ${o.date ?? 'Mon, 10 Jun 2024 10:00:00 +0800'}`,
    `Message-ID: ${o.messageId ?? `<${randomBytes(8).toString('hex')}@126.com>`}`,
    ...(o.references ? [`References: ${o.references}`] : []),
    'MIME-Version: 1.0',
    ...Object.entries(o.headers ?? {}).map(([k, v]) => `${k}: ${v}`),
  ];
  if (o.contentType) {
    return Buffer.from(`${head.join('\r\n')}\r\nContent-Type: ${o.contentType}\r\n\r\n${o.text ?? ''}\r\n`);
  }
  const parts = [`--${boundary}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n${Buffer.from(o.text ?? '您好，附件是参赛登记表。').toString('base64')}\r\n`];
  for (const a of o.attachments ?? [{ filename: '参赛登记表.docx', content: Buffer.from(`form ${randomBytes(4).toString('hex')}`) }]) {
    parts.push(`--${boundary}\r\nContent-Type: application/vnd.openxmlformats-officedocument.wordprocessingml.document; name="${b64(a.filename)}"\r\n`
      + `Content-Disposition: attachment; filename="${b64(a.filename)}"\r\nContent-Transfer-Encoding: base64\r\n\r\n${a.content.toString('base64')}\r\n`);
  }
  return Buffer.from(`${head.join('\r\n')}\r\nContent-Type: multipart/mixed; boundary="${boundary}"\r\n\r\n${parts.join('')}--${boundary}--\r\n`);
}

export const LIMITS = planLimitsFor(25 * 1024 * 1024);

export interface Stored {
  id: number;
  msg: IncomingMessage;
  classification: Classification;
}

/**
 * Parses and classifies a mail as the ingest use case does (no extraction: the forms' problems are given), and
 * returns the insert to run inside the caller's transaction.
 */
export async function prepareMail(db: Db, raw: Buffer, problems: Problem[], opts: { contest?: ContestConfig; receivedAt?: Date; status?: MessageStatus } = {}) {
  const contest = opts.contest ?? CONTEST;
  const msg = await parseEml(raw, { fallbackDate: new Date(), limits: LIMITS, ...(opts.receivedAt ? { receivedAt: opts.receivedAt } : {}) });
  const classification = classifyMessage(msg, contest, OWN);
  const all = [...classification.problems, ...problems];
  const submission = classification.kind === 'individual' || classification.kind === 'unit_summary';
  const status: MessageStatus = opts.status
    ?? (!submission ? 'ignored' : all.some((p) => p.actor === 'organizer') ? 'needs_person' : all.length ? 'problems' : 'ok');
  return {
    msg,
    classification,
    status,
    problems: all,
    insert(): Stored {
      const keys = new Map<string, string>();
      for (const a of msg.attachments) if (a.content) keys.set(a.partId, createHash('sha256').update(a.content).digest('hex'));
      const id = insertMessage(db, messageRecord(msg, {
        headers: createHash('sha256').update(msg.rawHeaders).digest('hex'),
        text: msg.text ? createHash('sha256').update(msg.text).digest('hex') : null, html: null, attachments: keys,
      }, classification, { status, problems: all }), msg.receivedAt);
      return { id, msg, classification };
    },
  };
}

export async function storeMail(db: Db, raw: Buffer, problems: Problem[], opts: { contest?: ContestConfig; receivedAt?: Date; status?: MessageStatus } = {}): Promise<Stored> {
  return (await prepareMail(db, raw, problems, opts)).insert();
}

/** Store + enqueueReply inside one transaction, as the lead wires it into the ingest use case. */
export async function ingestAndEnqueue(db: Db, raw: Buffer, problems: Problem[], now: Date, opts: { contest?: ContestConfig; receivedAt?: Date } = {}): Promise<EnqueueResult & { stored: Stored }> {
  const contest = opts.contest ?? CONTEST;
  const prepared = await prepareMail(db, raw, problems, opts);
  return db.transaction(() => {
    const stored = prepared.insert();
    const kind = stored.classification.kind === 'unit_summary' ? 'unit_summary' : 'individual';
    const result = enqueueReply(db, {
      messageId: stored.id, classification: stored.classification, status: prepared.status, problems: prepared.problems,
      mail: receivedMailOf(stored.msg, stored.classification.subject, kind),
    }, { contest, mailFrom: 'bisaihuodong@126.com', ownAddresses: OWN }, now);
    return { ...result, stored };
  }).immediate();
}

/** Types values into the form's empty cells, in reading order, as a submitter would in Word. */
export async function fillIn(form: Buffer, values: string[]): Promise<Buffer> {
  const zip = await JSZip.loadAsync(form);
  let xml = await zip.file('word/document.xml')!.async('string');
  const empty = /<w:tc>((?:(?!<\/w:tc>).)*?)<w:p><w:pPr>((?:(?!<\/w:p>).)*?)<\/w:pPr><\/w:p><\/w:tc>/;
  for (const v of values) {
    if (!empty.test(xml)) throw new Error('the form has fewer empty cells than values');
    xml = xml.replace(empty, (_m, tcPr: string, pPr: string) => `<w:tc>${tcPr}<w:p><w:pPr>${pPr}</w:pPr><w:r><w:t>${v}</w:t></w:r></w:p></w:tc>`);
  }
  // Fixed dates on every entry: the same values give the same bytes (an exact resend is recognized by its content).
  const out = new JSZip();
  for (const [name, entry] of Object.entries(zip.files)) {
    if (entry.dir) continue;
    out.file(name, name === 'word/document.xml' ? xml : await entry.async('nodebuffer'), { date: new Date('2024-04-03T00:00:00Z'), createFolders: false });
  }
  return out.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
}

