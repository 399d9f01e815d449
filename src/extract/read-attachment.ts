import { extensionOf } from '../mailbox/message-parts.ts';
import type { FormSource, ExtractedForm } from './form-types.ts';
import { formsFromBody } from './body-form.ts';
import { formsFromContent } from './forms-from-content.ts';
import type { ForwardedMail } from './forwarded-mail.ts';
import { identifyDocument } from './identify-document.ts';
import type { FormLabels } from './label-match.ts';
import { convertWithLibreOffice, type ConvertSource, type ConvertTarget, type LibreOfficeOptions } from './legacy-convert.ts';
import { readLabeledLines } from './labeled-lines.ts';
import * as issue from './attachment-problems.ts';
import { decodeText } from './text-decode.ts';
import type { ParsePool } from './worker-pool.ts';
import { inspectZip, type ZipLimits } from './zip-guard.ts';

export interface ReadContext {
  labels: FormLabels;
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
  /** A document read without trouble that held no form (a letter, a video description). */
  readable: boolean;
}

const fail = (i: issue.AttachmentIssue): AttachmentOutcome => ({ forms: [], issues: [i], readable: false });

/** Parses an OOXML file in a worker; one that mammoth or exceljs cannot read gets one LibreOffice round trip. */
async function readOoxml(kind: 'docx' | 'xlsx', bytes: Buffer, ref: issue.AttachmentRef, source: FormSource, ctx: ReadContext, roundTrip: boolean): Promise<AttachmentOutcome> {
  // Bytes that came from the sender were inspected when they were identified; LibreOffice's output is not yet.
  const verdict = roundTrip ? { ok: true as const } : await inspectZip(bytes, ctx.zipLimits);
  if (!verdict.ok) return fail(verdict.reason === 'encrypted' ? issue.encrypted(ref) : ['truncated', 'corrupt'].includes(verdict.reason) ? issue.unreadable(ref, `zip ${verdict.reason}: ${verdict.detail}`) : issue.tooLarge(ref, `zip ${verdict.reason}: ${verdict.detail}`));
  const reply = await ctx.pool.run({ kind, bytes, zipLimits: ctx.zipLimits }, ctx.timeoutMs);
  if (reply.ok && 'content' in reply) return { forms: formsFromContent(reply.content, ctx.labels, source), issues: [], readable: true };
  const reason = reply.ok ? 'crashed' : reply.reason;
  const detail = reply.ok ? 'unexpected reply' : reply.detail;
  // A TypeError is the library tripping over a structure it did not expect (exceljs on some producers' files,
  // mammoth on a docx without styles.xml), which LibreOffice rewrites into one it does. Malformed XML or zip
  // data is not worth a LibreOffice run.
  if (reason === 'unreadable' && roundTrip && !reply.ok && reply.errorName === 'TypeError') {
    const converted = await convertWithLibreOffice(bytes, kind, kind, ctx.libreOffice);
    if (converted.ok) return readOoxml(kind, converted.bytes, ref, source, ctx, false);
  }
  return fail(reason === 'unreadable' ? issue.unreadable(ref, `${kind}: ${detail}`) : issue.tooLarge(ref, `${kind} ${reason}: ${detail}`));
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
  const withSource = (forms: ExtractedForm[], format: FormSource['format']) => forms.map((f) => ({ ...f, source: source(format) }));

  switch (found.kind) {
    case 'docx': case 'xlsx':
      return readOoxml(found.kind, a.content, ref, source(found.kind), ctx, true);
    case 'doc': {
      const format = ext === 'wps' ? 'wps' : 'doc';
      return readLegacy('doc', 'docx', a.content, ref, source(format), ctx);
    }
    case 'xls': {
      const format = ext === 'et' ? 'et' : 'xls';
      return readLegacy('xls', 'xlsx', a.content, ref, source(format), ctx);
    }
    case 'rtf': case 'odt':
      return readLegacy(found.kind, 'docx', a.content, ref, source(found.kind), ctx);
    case 'ods':
      return readLegacy('ods', 'xlsx', a.content, ref, source('ods'), ctx);
    case 'csv': {
      const reply = await ctx.pool.run({ kind: 'csv', bytes: a.content, zipLimits: ctx.zipLimits }, ctx.timeoutMs);
      if (reply.ok && 'content' in reply) return { forms: formsFromContent(reply.content, ctx.labels, source('csv')), issues: [], readable: true };
      return fail(issue.unreadable(ref, reply.ok ? 'csv' : reply.detail));
    }
    case 'eml': {
      const reply = await ctx.pool.run({ kind: 'eml', bytes: a.content, zipLimits: ctx.zipLimits }, ctx.timeoutMs);
      if (reply.ok && 'mail' in reply) return { forms: [], issues: [], forwarded: reply.mail, readable: true };
      return fail(reply.ok || reply.reason === 'unreadable' ? issue.unreadable(ref, 'forwarded mail') : issue.tooLarge(ref, `forwarded mail ${reply.reason}: ${reply.detail}`));
    }
    case 'text': {
      const read = readLabeledLines(decodeText(a.content.subarray(0, 500_000)), ctx.labels.fields);
      const forms: ExtractedForm[] = read.labelled.size >= 2 ? [{ kind: 'registration', fields: read.fields, source: source('body-text') }] : [];
      return { forms, issues: [], readable: true };
    }
    case 'html':
      return { forms: withSource(formsFromBody(null, decodeText(a.content.subarray(0, 500_000)), ctx.labels), 'body-html'), issues: [], readable: true };
    case 'pdf':
      return fail(issue.needsPerson(ref, 'pdf'));
    case 'image':
      return fail(issue.needsPerson(ref, 'image'));
    case 'encrypted':
      return fail(issue.encrypted(ref));
    case 'corrupt':
      return fail(issue.unreadable(ref, found.detail));
    case 'zip_refused':
      if (found.reason === 'encrypted') return fail(issue.encrypted(ref));
      if (found.reason === 'truncated' || found.reason === 'corrupt') return fail(issue.unreadable(ref, `zip ${found.reason}: ${found.detail}`));
      return fail(issue.tooLarge(ref, `zip ${found.reason}: ${found.detail}`));
    case 'unknown':
      return fail(issue.unsupported(ref, found.what));
  }
}
