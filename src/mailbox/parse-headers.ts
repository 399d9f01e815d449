import { createHash } from 'node:crypto';
import iconv from 'iconv-lite';
import { simpleParser, type AddressObject } from 'mailparser';
import type { Address } from '../domain/address.ts';
import { utf8OrGb18030 } from '../domain/text-decoding.ts';
import type { MessageHeaders } from './incoming-message.ts';

/**
 * Some Chinese clients put raw 8-bit GBK in headers instead of RFC 2047 words. When the block is not valid
 * UTF-8, GB18030 (a superset of GBK and GB2312) is by far the likeliest charset of a mail sent to this contest.
 */
export function headerBlockToText(raw: Buffer): string {
  return utf8OrGb18030(raw);
}

/** The bytes up to and including the blank line that ends the header block. */
export function splitHeaderBlock(source: Buffer): Buffer {
  const crlf = source.indexOf('\r\n\r\n');
  const lf = source.indexOf('\n\n');
  const candidates = [crlf >= 0 ? crlf + 4 : -1, lf >= 0 ? lf + 2 : -1].filter((n) => n >= 0);
  if (candidates.length === 0) return source;
  return source.subarray(0, Math.min(...candidates));
}

export function contentHashOf(rawHeaders: Buffer, size: number): string {
  return createHash('sha256').update(rawHeaders).update(`\0${size}`).digest('hex');
}

function firstAddress(value: AddressObject | AddressObject[] | undefined): Address | null {
  const list = allAddresses(value);
  return list[0] ?? null;
}

function allAddresses(value: AddressObject | AddressObject[] | undefined): Address[] {
  if (!value) return [];
  const objects = Array.isArray(value) ? value : [value];
  const out: Address[] = [];
  for (const obj of objects) {
    for (const a of obj.value) {
      if (a.address) out.push({ address: a.address.toLowerCase(), name: a.name ?? '' });
      for (const g of a.group ?? []) if (g.address) out.push({ address: g.address.toLowerCase(), name: g.name ?? '' });
    }
  }
  return out;
}

// ── caps ─────────────────────────────────────────────────────────────────────────────────────────────────
// A sender can put a megabyte on one header line or ten thousand lines in the header block, and the fields that
// matter (From, Subject, Reply-To) after them. The block is cut into fields; each is capped, the first
// MAX_FIELDS are kept in order, and the fields the service reads are kept wherever they stand.

/** One field, unfolded, at most this many characters: a Subject or a References chain fits easily. */
const MAX_FIELD_CHARS = 16 * 1024;
const MAX_FIELDS = 500;
/** The other fields stop here; the ones the service reads are always kept (each capped). */
const MAX_OTHER_CHARS = 192 * 1024;
const SUBJECT_MAX_CHARS = 2_000;
const READ_FIELDS = new Set(['from', 'sender', 'reply-to', 'to', 'cc', 'subject', 'date', 'message-id', 'in-reply-to', 'references',
  'content-type', 'content-transfer-encoding', 'mime-version', 'auto-submitted', 'precedence', 'return-path', 'x-autoreply',
  'x-autorespond', 'x-auto-response-suppress']);

interface Field {
  name: string;
  text: string;
}

/** The header block as fields (a field is a line and its folded continuations), without the blank line. */
function fieldsOf(block: string): Field[] {
  const fields: Field[] = [];
  let current: string[] | null = null;
  let length = 0;
  const close = () => {
    if (!current) return;
    const text = current.join('\r\n');
    const colon = text.indexOf(':');
    fields.push({ name: colon > 0 ? text.slice(0, colon).trim().toLowerCase() : '', text });
    current = null;
  };
  for (const line of block.split(/\r\n|\n|\r/)) {
    if (!line) continue;
    if (current && (line[0] === ' ' || line[0] === '\t')) {
      if (length < MAX_FIELD_CHARS) current.push(line.slice(0, MAX_FIELD_CHARS - length));
      length += line.length;
      continue;
    }
    close();
    current = [line.slice(0, MAX_FIELD_CHARS)];
    length = line.length;
  }
  close();
  return fields;
}

/** What mailparser is given: the fields worth reading, capped, in their original order. */
export function boundedHeaderBlock(block: string): string {
  const kept: Field[] = [];
  const seen = new Set<string>();
  let other = 0;
  for (const f of fieldsOf(block)) {
    if (!f.name) continue;
    const read = READ_FIELDS.has(f.name) || f.name.startsWith('list-');
    if (read && !seen.has(f.name)) {
      seen.add(f.name);
      kept.push(f);
    } else if (!read && kept.length < MAX_FIELDS && other + f.text.length <= MAX_OTHER_CHARS) {
      other += f.text.length;
      kept.push(f);
    }
  }
  return kept.map((f) => f.text).join('\r\n');
}

// ── lying charsets ───────────────────────────────────────────────────────────────────────────────────────

const ENCODED_WORD = /=\?([^?\s]{1,40})\?([bBqQ])\?([^?\s]*)\?=/g;

function wordBytes(encoding: string, data: string): Buffer {
  if (encoding.toUpperCase() === 'B') return Buffer.from(data, 'base64');
  return Buffer.from(data.replace(/_/g, ' ').replace(/=([0-9A-Fa-f]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1');
}

/**
 * RFC 2047 words decoded by what their bytes are when the label lies: "UTF-8" over GBK bytes (or an unknown
 * charset) is decoded as UTF-8 if the bytes are valid UTF-8, else as GB18030. Adjacent words are joined first,
 * so a character split over two words survives.
 */
export function decodeLyingWords(value: string): string {
  const joined = value.replace(/\?=\s+=\?/g, '?==?');
  return joined.replace(ENCODED_WORD, (whole, charset: string, encoding: string, data: string) => {
    const bytes = wordBytes(encoding, data);
    const cs = charset.split('*')[0]!.toLowerCase();
    if (!['utf-8', 'utf8'].includes(cs) && iconv.encodingExists(cs)) return iconv.decode(bytes, cs);
    return utf8OrGb18030(bytes);
  });
}

/** Subject as mailparser decoded it, unless that left replacement characters a truthful charset would not. */
function subjectOf(parsedSubject: string | undefined, block: string): string {
  let subject = parsedSubject ?? '';
  if (subject.includes('\ufffd') || /=\?[^?]*\?[bBqQ]\?/.test(subject)) {
    const raw = fieldsOf(block).find((f) => f.name === 'subject')?.text ?? '';
    const value = raw.slice(raw.indexOf(':') + 1).replace(/\r\n[ \t]/g, ' ').trim();
    const redecoded = decodeLyingWords(value);
    if (redecoded && !redecoded.includes('\ufffd')) subject = redecoded;
  }
  return subject.length > SUBJECT_MAX_CHARS ? subject.slice(0, SUBJECT_MAX_CHARS) : subject;
}

/**
 * A Reply-To naming several addresses (or a group) is not one address to answer: it is kept as the list, which
 * the reply policy refuses, rather than silently narrowed to its first address.
 */
function replyToOf(value: AddressObject | AddressObject[] | undefined): Address | null {
  const list = allAddresses(value);
  if (list.length <= 1) return list[0] ?? null;
  return { address: list.map((a) => a.address).join(', '), name: '' };
}

const EMPTY_HEADERS: MessageHeaders = {
  messageId: null, subject: '', from: null, replyTo: null, sender: null, to: [], date: null, inReplyTo: null, references: [],
  raw: new Map(), contentType: 'text/plain',
};

export async function parseHeaders(rawHeaders: Buffer): Promise<MessageHeaders> {
  const block = boundedHeaderBlock(headerBlockToText(rawHeaders));
  let parsed: Awaited<ReturnType<typeof simpleParser>>;
  try {
    // The block is already bounded above; mailparser's own per-line cost (64 bytes a line) must not refuse it.
    parsed = await simpleParser(`${block}\r\n\r\n`, {
      skipHtmlToText: true, skipTextToHtml: true, skipImageLinks: true, maxHtmlLengthToParse: 0, maxHeadSize: 8 * 1024 * 1024,
    });
  } catch {
    // Whatever a header block holds, the message is still recorded: with what could be read, or nothing.
    return { ...EMPTY_HEADERS, raw: new Map() };
  }
  const raw = new Map<string, string[]>();
  for (const line of parsed.headerLines) {
    const list = raw.get(line.key) ?? [];
    const colon = line.line.indexOf(':');
    list.push(colon >= 0 ? line.line.slice(colon + 1).trim() : line.line);
    raw.set(line.key, list);
  }
  const refs = parsed.references;
  const contentType = parsed.headers.get('content-type');
  return {
    messageId: parsed.messageId ?? null,
    subject: subjectOf(parsed.subject, block),
    from: firstAddress(parsed.from),
    replyTo: replyToOf(parsed.replyTo),
    sender: firstAddress(parsed.headers.get('sender') as AddressObject | undefined),
    to: [...allAddresses(parsed.to), ...allAddresses(parsed.cc)],
    date: parsed.date && !Number.isNaN(parsed.date.getTime()) ? parsed.date : null,
    inReplyTo: parsed.inReplyTo ?? null,
    references: refs ? (Array.isArray(refs) ? refs : [refs]) : [],
    raw,
    contentType: typeof contentType === 'object' && contentType && 'value' in contentType ? String(contentType.value).toLowerCase() : 'text/plain',
  };
}
