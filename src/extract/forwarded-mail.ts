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

/** mailparser keeps an attached message/rfc822 as one opaque attachment, so it is parsed again here. Runs in a worker. */
export async function parseForwardedMail(bytes: Buffer): Promise<ForwardedMail> {
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
