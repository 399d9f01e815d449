import { simpleParser, type AddressObject } from 'mailparser';
import type { Address } from '../domain/address.ts';

/** A forwarded mail (an attached message/rfc822) taken apart: what extraction needs and nothing else. */
export interface ForwardedMail {
  from: Address | null;
  subject: string;
  text: string | null;
  html: string | null;
  attachments: Array<{ filename: string | null; contentType: string; inline: boolean; content: Uint8Array }>;
}

const HEADER_LINE = /^[\x21-\x39\x3b-\x7e]+:/;
const BASE64_LINE = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * The mail itself, when it arrives still in base64. RFC 2046 allows message/rfc822 only in 7bit, 8bit or binary,
 * yet Foxmail and Outlook send it base64-encoded, and an IMAP server then hands the part over as it is stored
 * (Dovecot does so even for FETCH BINARY): the bytes are base64 text, not a mail. Decoded only when every line
 * is base64 and what comes out starts with a header.
 */
export function unwrapBase64Mail(bytes: Buffer): Buffer {
  const head = bytes.subarray(0, 4096).toString('latin1');
  const lines = head.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
  if (lines.length === 0 || HEADER_LINE.test(lines[0]!) || !lines.every((l) => BASE64_LINE.test(l))) return bytes;
  const decoded = Buffer.from(bytes.toString('latin1').replace(/[^A-Za-z0-9+/]/g, ''), 'base64');
  return HEADER_LINE.test(decoded.subarray(0, 200).toString('latin1')) ? decoded : bytes;
}

/** mailparser keeps an attached message/rfc822 as one opaque attachment, so it is parsed again here. Runs in a worker. */
export async function parseForwardedMail(raw: Buffer): Promise<ForwardedMail> {
  const bytes = unwrapBase64Mail(raw);
  const parsed = await simpleParser(bytes, {
    skipImageLinks: true,
    skipTextLinks: true,
    skipTextToHtml: true,
    maxHtmlLengthToParse: 2 * 1024 * 1024,
  });
  const fromObj = parsed.from as AddressObject | undefined;
  const first = fromObj?.value.find((a) => a.address);
  return {
    from: first?.address ? { address: first.address.toLowerCase(), name: first.name ?? '' } : null,
    subject: parsed.subject ?? '',
    text: parsed.text ?? null,
    html: typeof parsed.html === 'string' ? parsed.html : null,
    attachments: parsed.attachments.slice(0, 100).map((a) => ({
      filename: a.filename ?? null,
      contentType: (a.contentType || 'application/octet-stream').toLowerCase(),
      inline: a.contentDisposition === 'inline' || a.related === true,
      content: new Uint8Array(a.content.buffer, a.content.byteOffset, a.content.byteLength),
    })),
  };
}
