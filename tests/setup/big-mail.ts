import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { buildMail, type Person } from '../../fixtures/scripts/eml/clients.ts';
import { CONTEST } from '../../fixtures/scripts/eml/kit.ts';
import { registrationDocx, type RegistrationForm } from '../../fixtures/scripts/eml/office.ts';
import { ZHOU } from '../../fixtures/scripts/eml/people.ts';

/**
 * A registration with a real-sized video attachment, made at test time (never committed): an iPhone Mail message
 * with the form (.docx) and a fake MP4 of `sizeBytes`, base64 in 76-column lines as clients send it. The service
 * must record the video by name, type and size and never download it; the form must still be read.
 */

export interface VideoMessageOptions {
  subject?: string;
  from?: Person;
  date?: Date;
  /** Attach the registration form (default true). */
  withForm?: boolean;
  form?: RegistrationForm;
  videoFilename?: string;
  videoType?: string;
}

export const VIDEO_FILENAME = '最美in温州-南塘街灯会.mp4';
export const FORM_FILENAME = '参赛登记表-周婷.docx';

const RAW_CHUNK = 57 * 1024; // 57 bytes → one 76-character base64 line

/** The message in pieces: head (headers, text, form, video part headers), the video's base64, tail. */
export async function* videoMessageChunks(sizeBytes: number, opts: VideoMessageOptions = {}): AsyncGenerator<Buffer> {
  const form = opts.form ?? ZHOU;
  const videoFilename = opts.videoFilename ?? VIDEO_FILENAME;
  const skeleton = buildMail({
    client: 'iphone', from: opts.from ?? { name: form.name, address: 'zhouting_wzu@icloud.com' }, to: [CONTEST],
    subject: opts.subject ?? `最美in温州+${form.title}+${form.name}`, date: opts.date ?? new Date('2024-05-03T12:15:42Z'),
    text: `您好！登记表和视频原片都在附件里。\n${form.link}\n${form.name}`,
    attachments: [
      ...(opts.withForm === false ? [] : [{ filename: FORM_FILENAME, contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', content: await registrationDocx(form) }]),
      { filename: videoFilename, contentType: opts.videoType ?? 'video/mp4', content: Buffer.alloc(0) },
    ],
  });
  // The empty video body sits right after its part headers: split there and stream the content in between.
  const at = skeleton.indexOf('\r\n\r\n', skeleton.indexOf(`Content-Type: ${opts.videoType ?? 'video/mp4'}`)) + 4;
  yield skeleton.subarray(0, at);
  let left = sizeBytes;
  let first = true;
  while (left > 0) {
    const n = Math.min(RAW_CHUNK, left);
    const raw = randomBytes(n);
    if (first) {
      // Make it look like an MP4 to anyone who sniffs the first bytes.
      Buffer.from('\0\0\0\x20ftypisom\0\0\x02\0isomiso2avc1mp41', 'latin1').copy(raw, 0, 0, Math.min(32, n));
      first = false;
    }
    left -= n;
    const b64 = raw.toString('base64');
    const lines: string[] = [];
    for (let i = 0; i < b64.length; i += 76) lines.push(b64.slice(i, i + 76));
    // Every line ends with CRLF except the very last, whose CRLF belongs to the boundary that follows.
    yield Buffer.from(lines.join('\r\n') + (left > 0 ? '\r\n' : ''), 'latin1');
  }
  yield skeleton.subarray(at);
}

/** The whole message in memory (a 60 MB video makes an ~81 MB message), ready for `appendMessage`. */
export async function makeVideoMessage(sizeBytes: number, opts: VideoMessageOptions = {}): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of videoMessageChunks(sizeBytes, opts)) parts.push(c);
  return Buffer.concat(parts);
}

/** The same, streamed to a file (for .eml folder imports) without holding it in memory. Returns its size. */
export async function writeVideoMessage(file: string, sizeBytes: number, opts: VideoMessageOptions = {}): Promise<number> {
  const out = createWriteStream(file);
  let size = 0;
  for await (const c of videoMessageChunks(sizeBytes, opts)) {
    size += c.length;
    if (!out.write(c)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return size;
}
