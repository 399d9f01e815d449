import { randomBytes } from 'node:crypto';
import iconv from 'iconv-lite';

/** RFC 2047 B-encoding in a given charset, as Coremail and Foxmail write Chinese subjects. */
export function encodeWord(text: string, charset = 'GBK'): string {
  return `=?${charset}?B?${iconv.encode(text, charset).toString('base64')}?=`;
}

/** RFC 2231 parameter in GBK, as NetEase webmail writes Chinese attachment names. */
export function rfc2231(name: string, charset = 'GBK'): string {
  const bytes = iconv.encode(name, charset);
  return `${charset}''${[...bytes].map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join('')}`;
}

function wrap64(buf: Buffer): string {
  return buf.toString('base64').replace(/.{76}/g, '$&\r\n');
}

export interface SimpleMail {
  from?: string;
  subject: string;
  messageId?: string;
  date?: string;
  text?: string;
  headers?: Record<string, string>;
  attachments?: { filename: string; contentType: string; content: Buffer }[];
}

/** A Coremail-shaped multipart message: GBK text, base64 attachments with RFC 2231 names. */
export function coremailMessage(m: SimpleMail): Buffer {
  const boundary = `----=_Part_${randomBytes(6).toString('hex')}`;
  const head = [
    `From: ${m.from ?? `${encodeWord('陈晓东')} <chenxd@126.com>`}`,
    'To: bisaihuodong@126.com',
    `Subject: ${encodeWord(m.subject)}`,
    `Date: ${m.date ?? 'Mon, 10 Jun 2024 10:00:00 +0800 (CST)'}`,
    `Message-ID: ${m.messageId ?? `<${randomBytes(8).toString('hex')}.coremail@126.com>`}`,
    'X-Mailer: Coremail Webmail Server Version XT5.0.13 build 20230322(6a4e6dd9)',
    'MIME-Version: 1.0',
    ...Object.entries(m.headers ?? {}).map(([k, v]) => `${k}: ${v}`),
    `Content-Type: multipart/mixed; boundary="${boundary}"`,
  ];
  const parts: string[] = [
    `--${boundary}\r\nContent-Type: text/plain; charset=GBK\r\nContent-Transfer-Encoding: base64\r\n\r\n${wrap64(iconv.encode(m.text ?? '您好，附件是参赛登记表，请查收。', 'GBK'))}\r\n`,
  ];
  for (const a of m.attachments ?? []) {
    parts.push(`--${boundary}\r\nContent-Type: ${a.contentType}; name="${encodeWord(a.filename)}"\r\nContent-Transfer-Encoding: base64\r\n`
      + `Content-Disposition: attachment; filename*=${rfc2231(a.filename)}\r\n\r\n${wrap64(a.content)}\r\n`);
  }
  return Buffer.from(`${head.join('\r\n')}\r\n\r\n${parts.join('')}--${boundary}--\r\n`, 'latin1');
}

/** A message carrying a video of `bytes` bytes, made at test time (never committed). */
export function videoMessage(subject: string, bytes: number, extra: SimpleMail['attachments'] = []): Buffer {
  const video = Buffer.alloc(bytes, 0x41);
  video.write('\x00\x00\x00\x18ftypmp42', 0, 'latin1');
  return coremailMessage({ subject, attachments: [...extra, { filename: '五马街的清晨.mp4', contentType: 'video/mp4', content: video }] });
}
