import { createHash } from 'node:crypto';
import iconv from 'iconv-lite';
import { simpleParser, type AddressObject } from 'mailparser';
import type { Address, MessageHeaders } from './incoming-message.ts';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Some Chinese clients put raw 8-bit GBK in headers instead of RFC 2047 words. When the block is not valid
 * UTF-8, GB18030 (a superset of GBK and GB2312) is by far the likeliest charset of a mail sent to this contest.
 */
export function headerBlockToText(raw: Buffer): string {
  try {
    return utf8.decode(raw);
  } catch {
    return iconv.decode(raw, 'gb18030');
  }
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

/** Caps keep a megabyte header line or ten thousand headers from costing more than they are worth. */
const MAX_HEADER_BYTES = 256 * 1024;

export async function parseHeaders(rawHeaders: Buffer): Promise<MessageHeaders> {
  const clipped = rawHeaders.length > MAX_HEADER_BYTES ? rawHeaders.subarray(0, MAX_HEADER_BYTES) : rawHeaders;
  const text = headerBlockToText(clipped).replace(/(\r?\n)*$/, '');
  const parsed = await simpleParser(`${text}\r\n\r\n`, { skipHtmlToText: true, skipTextToHtml: true, skipImageLinks: true, maxHtmlLengthToParse: 0 });
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
    subject: parsed.subject ?? '',
    from: firstAddress(parsed.from),
    replyTo: firstAddress(parsed.replyTo),
    sender: firstAddress(parsed.headers.get('sender') as AddressObject | undefined),
    to: [...allAddresses(parsed.to), ...allAddresses(parsed.cc)],
    date: parsed.date && !Number.isNaN(parsed.date.getTime()) ? parsed.date : null,
    inReplyTo: parsed.inReplyTo ?? null,
    references: refs ? (Array.isArray(refs) ? refs : [refs]) : [],
    raw,
    contentType: typeof contentType === 'object' && contentType && 'value' in contentType ? String(contentType.value).toLowerCase() : 'text/plain',
  };
}
