import type Database from 'better-sqlite3';
import libmime from 'libmime';
import type { HostileCase } from '../../fixtures/scripts/make-hostile.ts';
import type { SinkMessage } from '../setup/smtp-sink.ts';
import type { Appended } from './corpus-run.ts';

/**
 * What the run left behind, held against each case's expectation. Every check returns the list of what is wrong,
 * each line naming the case (id and seed), so one failing assertion shows every bad case at once.
 */

export interface MessageRow {
  id: number;
  uid: number;
  kind: string;
  status: string;
  problems: string;
  error: string | null;
  from_address: string | null;
}

export function rowsByUid(db: Database.Database): Map<number, MessageRow & { entries: number }> {
  const rows = db.prepare(`SELECT m.id, m.uid, m.kind, m.status, m.problems, m.error, m.from_address,
      (SELECT count(*) FROM entries e WHERE e.message_id = m.id) AS entries FROM messages m WHERE m.uid IS NOT NULL`).all() as Array<MessageRow & { entries: number }>;
  return new Map(rows.map((r) => [r.uid, r]));
}

export const codesOf = (row: MessageRow): string[] => (JSON.parse(row.problems) as Array<{ code: string }>).map((p) => p.code);

const label = (c: HostileCase) => `${c.id} (seed ${c.seed})`;

export function caseFailures(cases: Appended[], rows: Map<number, MessageRow & { entries: number }>): string[] {
  const out: string[] = [];
  for (const { c, uid } of cases) {
    const row = rows.get(uid);
    if (!row) {
      out.push(`${label(c)}: UID ${uid} was not recorded`);
      continue;
    }
    const codes = codesOf(row);
    const e = c.expect;
    const said = `status ${row.status}, kind ${row.kind}, problems [${codes.join(', ')}], entries ${row.entries}${row.error ? `, error ${row.error.slice(0, 120)}` : ''}`;
    if (!e.statuses.includes(row.status as never)) out.push(`${label(c)}: ${said}; expected status ${e.statuses.join('|')}`);
    for (const p of e.problems ?? []) if (!codes.includes(p)) out.push(`${label(c)}: ${said}; expected problem ${p}`);
    if (e.anyProblem && !e.anyProblem.some((p) => codes.includes(p))) out.push(`${label(c)}: ${said}; expected one of ${e.anyProblem.join('|')}`);
    if (e.kind && row.kind !== e.kind) out.push(`${label(c)}: ${said}; expected kind ${e.kind}`);
    if (e.minEntries !== undefined && row.entries < e.minEntries) out.push(`${label(c)}: ${said}; expected at least ${e.minEntries} entries`);
  }
  return out;
}

/** The header block of a sent mail, unfolded: [name (lower case), value]. */
export function headerFields(raw: Buffer): Array<[string, string]> {
  const text = raw.subarray(0, raw.indexOf('\r\n\r\n')).toString('latin1');
  const fields: Array<[string, string]> = [];
  for (const line of text.split('\r\n')) {
    if (/^[ \t]/.test(line) && fields.length) fields[fields.length - 1]![1] += line;
    else {
      const colon = line.indexOf(':');
      fields.push([line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()]);
    }
  }
  return fields;
}

const REPLY_HEADERS = new Set(['from', 'to', 'subject', 'message-id', 'date', 'in-reply-to', 'references', 'auto-submitted',
  'x-auto-response-suppress', 'mime-version', 'content-type', 'content-transfer-encoding']);

/** Each delivered mail: one envelope recipient, that recipient in To and nowhere else, only our own headers. */
export function replyFailures(sent: SinkMessage[], cases: Appended[]): string[] {
  const senders = new Set(cases.map(({ c }) => c.from.toLowerCase()));
  const victims = new Set(cases.flatMap(({ c }) => c.victims.map((v) => v.toLowerCase())));
  const out: string[] = [];
  for (const m of sent) {
    const to = m.envelope.to.map((a) => a.toLowerCase());
    const fields = headerFields(m.raw);
    const where = `mail to ${to.join(',')} (${fields.find(([n]) => n === 'subject')?.[1].slice(0, 60)})`;
    if (to.length !== 1) out.push(`${where}: ${to.length} envelope recipients`);
    for (const a of to) {
      if (!senders.has(a)) out.push(`${where}: ${a} did not send any mail`);
      if (victims.has(a) || a.endsWith('evil.example')) out.push(`${where}: sent to a victim ${a}`);
    }
    for (const [name, value] of fields) {
      if (!REPLY_HEADERS.has(name)) out.push(`${where}: header ${name}: ${value.slice(0, 80)}`);
      // Decoded, a value may quote hostile text (the subject does), but never holds a line break: no header can
      // hide in it for a client that decodes before it splits. Addresses and ids must not mention a victim at all.
      const decoded = libmime.decodeWords(value.replace(/\r\n[ \t]+/g, ' '));
      if (/[\r\n\u2028\u2029]/.test(decoded)) out.push(`${where}: ${name} decodes to more than one line`);
      if (name !== 'subject' && /evil\.example|victim/i.test(decoded)) out.push(`${where}: ${name} carries ${decoded.slice(0, 120)}`);
    }
    const toHeaders = fields.filter(([n]) => n === 'to');
    if (toHeaders.length !== 1 || toHeaders[0]![1].toLowerCase() !== to[0]) out.push(`${where}: To header ${toHeaders.map(([, v]) => v).join(' | ')}`);
  }
  return out;
}

/** Cases whose expectation says nobody may be answered got no mail. */
export function unansweredFailures(sent: SinkMessage[], cases: Appended[]): string[] {
  const recipients = new Set(sent.flatMap((m) => m.envelope.to.map((a) => a.toLowerCase())));
  return cases.filter(({ c }) => c.expect.replyTo === null && recipients.has(c.from.toLowerCase()))
    .map(({ c }) => `${label(c)}: ${c.from} was answered, though its Reply-To named several addresses`);
}

/** Markup that would run or fetch in a mail program or browser. */
export function liveMarkup(html: string): string[] {
  const found: string[] = [];
  const tags = html.match(/<[a-z][^>]*>/gi) ?? [];
  for (const tag of tags) {
    if (/^<(script|iframe|frame|object|embed|svg|math|style|link|base|form|input|button|a|img|video|audio|source)\b/i.test(tag) && !/^<img\b/i.test(tag)) found.push(tag);
    if (/^<meta\b/i.test(tag) && /http-equiv/i.test(tag)) found.push(tag);
    if (/\son[a-z]+\s*=/i.test(tag)) found.push(tag);
    if (/^<img\b/i.test(tag) && /\bsrc\s*=\s*["']?\s*(https?:|\/\/)/i.test(tag)) found.push(tag);
    if (/(href|src)\s*=\s*["']?\s*(javascript|data|vbscript):/i.test(tag)) found.push(tag);
  }
  return found;
}
