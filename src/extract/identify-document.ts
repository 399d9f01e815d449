import { identifyOle2, oldOfficeFile } from './legacy-office.ts';
import { OLE2_MAGIC, ole2Summary, type Ole2Summary } from './ole2-directory.ts';
import { inspectZip, readZipEntry, type ZipLimits, type ZipRejection } from './zip-guard.ts';

/** What the bytes really are; an attachment's name and content type may both lie. */
export type Identified =
  | { kind: 'docx' | 'xlsx' | 'odt' | 'ods' | 'doc' | 'xls' | 'rtf' | 'csv' | 'eml' | 'text' | 'html' | 'pdf' | 'encrypted' }
  /** Word's "single file web page" (.mht, often sent as .doc) and its Word 2003 XML, both often named .doc. */
  | { kind: 'mht' | 'word_xml' }
  /** A plain zip archive that passed the zip guard. */
  | { kind: 'archive' }
  | { kind: 'image'; type: string }
  | { kind: 'zip_refused'; reason: ZipRejection; detail: string }
  | { kind: 'corrupt'; detail: string }
  | { kind: 'unknown'; what: string };

const MAGIC: Array<[number[] | string, string, number?]> = [
  [[0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'image:png'],
  [[0xff, 0xd8, 0xff], 'image:jpeg'],
  ['GIF87a', 'image:gif'], ['GIF89a', 'image:gif'],
  ['BM', 'image:bmp'],
  [[0x49, 0x49, 0x2a, 0x00], 'image:tiff'], [[0x4d, 0x4d, 0x00, 0x2a], 'image:tiff'],
  ['Rar!', 'rar'], [[0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c], '7z'], [[0x1f, 0x8b], 'gzip'],
  ['{\\rtf', 'rtf'],
  ['ftypheic', 'image:heic', 4], ['ftypheix', 'image:heic', 4], ['ftypmif1', 'image:heic', 4],
  ['ftyp', 'video', 4],
  [[0x1a, 0x45, 0xdf, 0xa3], 'video'],
  ['%!PS', 'postscript'],
];

function startsWith(bytes: Buffer, magic: Buffer | number[] | string, at = 0): boolean {
  const m = typeof magic === 'string' ? Buffer.from(magic, 'latin1') : Buffer.isBuffer(magic) ? magic : Buffer.from(magic);
  return bytes.length >= at + m.length && bytes.subarray(at, at + m.length).equals(m);
}

function looksLikeText(head: Buffer): boolean {
  if (head.includes(0)) return head[0] === 0xff && head[1] === 0xfe; // UTF-16LE CSV from Excel
  let control = 0;
  for (const b of head) if (b < 0x09 || (b > 0x0d && b < 0x20 && b !== 0x1b)) control++;
  return control <= head.length / 100;
}

const HEADER_LINE = /^(received|from|to|subject|date|message-id|mime-version|return-path|content-type|x-[\w-]+|delivered-to|reply-to):/im;

export async function identifyDocument(bytes: Buffer, ext: string, contentType: string, zipLimits: ZipLimits): Promise<Identified> {
  if (bytes.length === 0) return { kind: 'corrupt', detail: 'empty file' };
  const head = bytes.subarray(0, 8192);
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04]) || startsWith(bytes, [0x50, 0x4b, 0x05, 0x06])) {
    const verdict = await inspectZip(bytes, zipLimits);
    if (!verdict.ok) return { kind: 'zip_refused', reason: verdict.reason, detail: verdict.detail };
    const names = new Set(verdict.entries.map((e) => e.name));
    if (names.has('word/document.xml') || [...names].some((n) => /^word\/document\d*\.xml$/.test(n))) return { kind: 'docx' };
    if (names.has('xl/workbook.xml')) return { kind: 'xlsx' };
    if (names.has('mimetype') && names.has('content.xml')) {
      const mime = (await readZipEntry(bytes, 'mimetype').catch(() => null)) ?? '';
      if (mime.includes('opendocument.text')) return { kind: 'odt' };
      if (mime.includes('opendocument.spreadsheet')) return { kind: 'ods' };
      return { kind: 'unknown', what: mime.trim() || 'opendocument' };
    }
    if ([...names].some((n) => n.startsWith('ppt/'))) return { kind: 'unknown', what: 'pptx' };
    return { kind: 'archive' };
  }
  if (startsWith(bytes, OLE2_MAGIC)) {
    let ole: Ole2Summary;
    try {
      ole = ole2Summary(bytes);
    } catch (err) {
      return { kind: 'corrupt', detail: `OLE2: ${(err as Error).message}` };
    }
    return identifyOle2(ole, ext);
  }
  const legacy = oldOfficeFile(bytes);
  if (legacy) return { kind: legacy };
  const pdfAt = head.indexOf('%PDF-');
  if (pdfAt >= 0 && pdfAt < 1024) return { kind: 'pdf' };
  if (startsWith(bytes, 'RIFF') && startsWith(bytes, 'WEBP', 8)) return { kind: 'image', type: 'webp' };
  for (const [magic, what, at] of MAGIC) {
    if (!startsWith(bytes, magic, at ?? 0)) continue;
    if (what.startsWith('image:')) return { kind: 'image', type: what.slice(6) };
    if (what === 'rtf') return { kind: 'rtf' };
    return { kind: 'unknown', what };
  }
  if (looksLikeText(head)) {
    const text = head.toString('latin1');
    const mailLike = contentType === 'message/rfc822' || ext === 'eml' || HEADER_LINE.test(text.split(/\r?\n/, 1)[0] ?? '');
    if (mailLike && contentType !== 'message/rfc822' && ext !== 'eml' && /^content-type:\s*multipart\/related/im.test(text)) return { kind: 'mht' };
    if (mailLike) return { kind: 'eml' };
    if (/<\?mso-application\s+progid="Word\.Document"\?>|<w:wordDocument\b/.test(text)) return { kind: 'word_xml' };
    if (ext === 'csv' || contentType === 'text/csv') return { kind: 'csv' };
    if (ext === 'htm' || ext === 'html' || contentType === 'text/html' || /^\s*<(!doctype|html|table|div|body)/i.test(text)) return { kind: 'html' };
    return { kind: 'text' };
  }
  return { kind: 'unknown', what: ext || contentType || 'binary' };
}
