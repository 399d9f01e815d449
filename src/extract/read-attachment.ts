import type { FormSource } from '../domain/form-source.ts';
import { extensionOf } from '../mailbox/message-parts.ts';
import * as issue from './attachment-problems.ts';
import type { ExtractedForm } from './form-types.ts';
import type { ForwardedMail } from './forwarded-mail.ts';
import { identifyDocument } from './identify-document.ts';
import type { LabelConfig } from './label-match.ts';
import { convertWithLibreOffice, type ConvertSource, type ConvertTarget, type LibreOfficeOptions } from './legacy-convert.ts';
import type { ParseReply } from './parse-task.ts';
import type { ParsePool } from './worker-pool.ts';
import { inspectZip, type ZipLimits } from './zip-guard.ts';

export interface ReadContext {
  labels: LabelConfig;
  /** Set while reading the files inside an archive: archives inside it are not opened. */
  inArchive?: boolean;
  pool: ParsePool;
  timeoutMs: number;
  zipLimits: ZipLimits;
  libreOffice: LibreOfficeOptions;
}

export interface AttachmentInput {
  partId: string | null;
  filename: string | null;
  contentType: string;
  content: Buffer;
}

export interface AttachmentOutcome {
  forms: ExtractedForm[];
  issues: issue.AttachmentIssue[];
  /** Set for an attached message/rfc822: the caller extracts it like a mail of its own. */
  forwarded?: ForwardedMail;
}

const fail = (i: issue.AttachmentIssue): AttachmentOutcome => ({ forms: [], issues: [i] });
const TEXT_FILE_MAX = 500_000;

/** A worker's failure as the sentence for the sender: a parser error is a broken file, a limit is a hostile one. */
function failed(reply: ParseReply, ref: issue.AttachmentRef, what: string): AttachmentOutcome {
  if (reply.ok) return fail(issue.unreadable(ref, `${what}: unexpected reply`));
  return fail(reply.reason === 'unreadable' ? issue.unreadable(ref, `${what}: ${reply.detail}`) : issue.tooLarge(ref, `${what} ${reply.reason}: ${reply.detail}`));
}

/** Parses an OOXML file in a worker; one that mammoth or exceljs trips over gets one LibreOffice round trip. */
async function readOoxml(kind: 'docx' | 'xlsx', bytes: Buffer, ref: issue.AttachmentRef, source: FormSource, ctx: ReadContext, roundTrip: boolean): Promise<AttachmentOutcome> {
  // Bytes from the sender were inspected when they were identified; LibreOffice's output is not yet.
  if (!roundTrip) {
    const verdict = await inspectZip(bytes, ctx.zipLimits);
    if (!verdict.ok) {
      if (verdict.reason === 'encrypted') return fail(issue.encrypted(ref));
      const detail = `zip ${verdict.reason}: ${verdict.detail}`;
      return fail(verdict.reason === 'truncated' || verdict.reason === 'corrupt' ? issue.unreadable(ref, detail) : issue.tooLarge(ref, detail));
    }
  }
  const reply = await ctx.pool.run({ kind, bytes, zipLimits: ctx.zipLimits, labels: ctx.labels, source }, ctx.timeoutMs);
  if (reply.ok && 'forms' in reply) return { forms: reply.forms, issues: [] };
  // A TypeError is the library tripping over a structure it did not expect (mammoth on a docx without styles.xml),
  // which LibreOffice rewrites into one it knows. exceljs also refuses valid workbooks with errors of its own
  // (Excel's unclosed <br> in a comment's drawing, producers' quirks): any error of exceljs gets the round trip.
  // The zip itself was checked before; a limit (too_large) is not retried.
  if (roundTrip && !reply.ok && reply.reason === 'unreadable' && (reply.errorName === 'TypeError' || kind === 'xlsx')) {
    const converted = await convertWithLibreOffice(bytes, kind, kind, ctx.libreOffice);
    if (converted.ok) return readOoxml(kind, converted.bytes, ref, source, ctx, false);
  }
  return failed(reply, ref, kind);
}

async function readLegacy(from: ConvertSource, to: ConvertTarget, bytes: Buffer, ref: issue.AttachmentRef, source: FormSource, ctx: ReadContext): Promise<AttachmentOutcome> {
  const converted = await convertWithLibreOffice(bytes, from, to, ctx.libreOffice);
  if (converted.ok) return readOoxml(to, converted.bytes, ref, source, ctx, false);
  switch (converted.reason) {
    case 'missing': return fail(issue.legacyUnavailable(ref, source.format));
    case 'failed': return fail(issue.unreadable(ref, `libreoffice: ${converted.detail}`));
    default: return fail(issue.tooLarge(ref, `libreoffice ${converted.reason}: ${converted.detail}`));
  }
}

/** One downloaded attachment → forms, or the reason it gave none. The reader is chosen by content, not by name. */
export async function readAttachment(a: AttachmentInput, ctx: ReadContext): Promise<AttachmentOutcome> {
  const ref = { partId: a.partId, filename: a.filename };
  const ext = extensionOf(a.filename);
  const found = await identifyDocument(a.content, ext, a.contentType.toLowerCase(), ctx.zipLimits);
  const source = (format: FormSource['format']): FormSource => ({ filename: a.filename, partId: a.partId, format });

  switch (found.kind) {
    case 'docx': case 'xlsx':
      return readOoxml(found.kind, a.content, ref, source(found.kind), ctx, true);
    case 'doc':
      return readLegacy('doc', 'docx', a.content, ref, source(ext === 'wps' ? 'wps' : 'doc'), ctx);
    case 'xls':
      return readLegacy('xls', 'xlsx', a.content, ref, source(ext === 'et' ? 'et' : 'xls'), ctx);
    case 'word_xml':
      return readLegacy('xml', 'docx', a.content, ref, source(ext === 'wps' ? 'wps' : 'doc'), ctx);
    case 'rtf': case 'odt':
      return readLegacy(found.kind, 'docx', a.content, ref, source(found.kind), ctx);
    case 'ods':
      return readLegacy('ods', 'xlsx', a.content, ref, source('ods'), ctx);
    case 'csv': {
      const reply = await ctx.pool.run({ kind: 'csv', bytes: a.content, zipLimits: ctx.zipLimits, labels: ctx.labels, source: source('csv') }, ctx.timeoutMs);
      return reply.ok && 'forms' in reply ? { forms: reply.forms, issues: [] } : failed(reply, ref, 'csv');
    }
    case 'text': case 'html': {
      const bytes = a.content.subarray(0, TEXT_FILE_MAX);
      const format = found.kind === 'html' ? 'body-html' : 'body-text';
      const reply = await ctx.pool.run({ kind: 'text-file', bytes, labels: ctx.labels, source: source(format) }, ctx.timeoutMs);
      return reply.ok && 'forms' in reply ? { forms: reply.forms, issues: [] } : failed(reply, ref, found.kind);
    }
    case 'mht': {
      // A web page in MIME clothes: its HTML is read like an HTML body, and it is nobody's forwarded mail.
      const page = await ctx.pool.run({ kind: 'eml', bytes: a.content }, ctx.timeoutMs);
      if (!(page.ok && 'mail' in page)) return failed(page, ref, 'mht');
      const reply = await ctx.pool.run({ kind: 'body', text: page.mail.html ? null : page.mail.text, html: page.mail.html, labels: ctx.labels }, ctx.timeoutMs);
      if (!(reply.ok && 'forms' in reply)) return failed(reply, ref, 'mht');
      return { forms: reply.forms.map((f) => ({ ...f, source: source('body-html') })), issues: [] };
    }
    case 'archive': {
      if (ctx.inArchive) return fail(issue.unsupported(ref, 'nested zip'));
      const reply = await ctx.pool.run({ kind: 'unzip', bytes: a.content, zipLimits: ctx.zipLimits }, ctx.timeoutMs);
      if (!(reply.ok && 'files' in reply)) return failed(reply, ref, 'zip');
      if (reply.files.length === 0) return fail(issue.unsupported(ref, 'zip without documents'));
      const inner = { ...ctx, inArchive: true };
      const outcomes = await Promise.all(reply.files.map((f, i) => readAttachment({
        partId: `${a.partId ?? ''}#${i + 1}`,
        filename: `${a.filename ?? 'zip'}/${f.name}`,
        contentType: 'application/octet-stream',
        content: Buffer.from(f.bytes.buffer, f.bytes.byteOffset, f.bytes.byteLength),
      }, inner)));
      return { forms: outcomes.flatMap((o) => o.forms), issues: outcomes.flatMap((o) => o.issues) };
    }
    case 'eml': {
      const reply = await ctx.pool.run({ kind: 'eml', bytes: a.content }, ctx.timeoutMs);
      return reply.ok && 'mail' in reply ? { forms: [], issues: [], forwarded: reply.mail } : failed(reply, ref, 'forwarded mail');
    }
    case 'pdf': {
      const reply = await ctx.pool.run({ kind: 'pdf', bytes: a.content, labels: ctx.labels, source: source('pdf') }, ctx.timeoutMs);
      if (!reply.ok && reply.errorName === 'PasswordException') return fail(issue.encrypted(ref));
      if (!(reply.ok && 'forms' in reply)) return failed(reply, ref, 'pdf');
      // A scan, or a PDF of something else than the form: a person reads it.
      if (reply.textless) return fail(issue.needsPerson(ref, 'pdf_scan'));
      return reply.forms.length ? { forms: reply.forms, issues: [] } : fail(issue.needsPerson(ref, 'pdf'));
    }
    case 'image':
      return fail(issue.needsPerson(ref, 'image'));
    case 'encrypted':
      return fail(issue.encrypted(ref));
    case 'corrupt':
      return fail(issue.unreadable(ref, found.detail));
    case 'zip_refused': {
      if (found.reason === 'encrypted') return fail(issue.encrypted(ref));
      const detail = `zip ${found.reason}: ${found.detail}`;
      return fail(found.reason === 'truncated' || found.reason === 'corrupt' ? issue.unreadable(ref, detail) : issue.tooLarge(ref, detail));
    }
    case 'unknown':
      return fail(issue.unsupported(ref, found.what));
  }
}
