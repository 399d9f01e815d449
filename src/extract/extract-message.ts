import type { ContestConfig } from '../config.ts';
import type { Address } from '../domain/address.ts';
import type { IncomingMessage } from '../mailbox/incoming-message.ts';
import { mayHoldForm } from '../mailbox/message-parts.ts';
import * as issue from './attachment-problems.ts';
import { GRID_LIMITS } from './doc-content.ts';
import type { ExtractedForm, ExtractionResult } from './form-types.ts';
import { hasValues } from './forms-from-content.ts';
import type { LibreOfficeOptions } from './legacy-convert.ts';
import { readAttachment, type ReadContext } from './read-attachment.ts';
import { defaultPoolSize, sharedParsePool } from './worker-pool.ts';
import { DEFAULT_ZIP_LIMITS, type ZipLimits } from './zip-guard.ts';

export interface ExtractOptions {
  contest: ContestConfig;
  /** Wall-clock limit for parsing one document in a worker. Default 20 s. */
  timeoutMs?: number;
  /** Forwarded mails nested inside forwarded mails, at most. Default 5. */
  maxDepth?: number;
  /** Heap cap of each parse worker. Default 64 MB (PARSE_HEAP_MB). */
  heapMb?: number;
  /** Parse workers shared by all extractions in this process. Default: cores, at most 4. */
  workers?: number;
  zipLimits?: Partial<ZipLimits>;
  libreOffice?: LibreOfficeOptions;
}

interface MailParts {
  text: string | null;
  html: string | null;
  attachments: Array<{ partId: string; filename: string | null; contentType: string; inline: boolean; content: Buffer | null; skipped?: string; forwardedFrom?: Address | null }>;
}

interface Collected extends ExtractionResult {
  /** Held back: a picture next to a readable form is a cover or a screenshot, not a form to read by hand. */
  images: issue.AttachmentIssue[];
}

function contextOf(opts: ExtractOptions): ReadContext {
  return {
    labels: { labels: opts.contest.labels, summaryLabels: opts.contest.summaryLabels },
    pool: sharedParsePool({ size: opts.workers ?? defaultPoolSize(), heapMb: opts.heapMb ?? 64 }),
    timeoutMs: opts.timeoutMs ?? 20_000,
    zipLimits: { ...DEFAULT_ZIP_LIMITS, ...opts.zipLimits },
    libreOffice: opts.libreOffice ?? {},
  };
}

function record(into: Collected, found: issue.AttachmentIssue, isImage: boolean): void {
  if (isImage) { into.images.push(found); return; }
  into.problems.push(found.problem);
  if (found.review) into.manualReview.push(found.review);
}

const BODY_MAX_CHARS = 500_000;

/** Outlook's TNEF wrapper: described, never downloaded (nothing here can open it), but worth telling the sender. */
function isTnef(a: { filename: string | null; contentType: string }): boolean {
  return a.contentType === 'application/ms-tnef' || a.contentType === 'application/vnd.ms-tnef' || /^winmail\.dat$/i.test(a.filename?.trim() ?? '');
}

/** The body is parsed in a worker too: an HTML body is as much sender-made input as any attachment. */
async function readBody(parts: MailParts, ctx: ReadContext): Promise<ExtractedForm[]> {
  if (!parts.text?.trim() && !parts.html?.trim()) return [];
  const clip = (s: string | null) => (s ? s.slice(0, BODY_MAX_CHARS) : null);
  const reply = await ctx.pool.run({ kind: 'body', text: clip(parts.text), html: clip(parts.html), labels: ctx.labels }, ctx.timeoutMs);
  return reply.ok && 'forms' in reply ? reply.forms : [];
}

/** Forms of one mail level in attachment order (a forwarded mail's forms where it was attached); issues go to `into`. */
async function extractParts(parts: MailParts, ctx: ReadContext, depth: number, maxDepth: number, from: Address | null | undefined, into: Collected, subject?: string): Promise<ExtractedForm[]> {
  const mark = (forms: ExtractedForm[], fallback: Address | null | undefined) => forms.map((f) => {
    const forwardedFrom = from !== undefined ? from : fallback;
    if (forwardedFrom === undefined) return f;
    return { ...f, source: { ...f.source, forwardedFrom, ...(from !== undefined && subject !== undefined ? { forwardedSubject: subject } : {}) } };
  });

  const outcomes = await Promise.all(parts.attachments.map(async (a) => {
    if (!a.content) {
      if (a.skipped === 'too_large' && mayHoldForm(a.contentType, a.filename)) return { a, tooLarge: true as const };
      if (isTnef(a)) return { a, tnef: true as const };
      return null;
    }
    // Pictures embedded in an HTML body (signatures, logos) are part of the letter, not attachments.
    if (a.inline && a.contentType.startsWith('image/')) return null;
    try {
      return { a, outcome: await readAttachment({ partId: a.partId, filename: a.filename, contentType: a.contentType, content: a.content }, ctx) };
    } catch (err) {
      // A bug of ours must cost this attachment, not the message: it is recorded and the others are still read.
      return { a, outcome: { forms: [], issues: [issue.unreadable(a, `internal: ${err instanceof Error ? err.message : String(err)}`.slice(0, 300))] } };
    }
  }));

  const forms: ExtractedForm[] = [];
  const wrapped: MailParts['attachments'] = [];
  for (const item of outcomes) {
    if (!item) continue;
    const { a } = item;
    if ('tooLarge' in item) { record(into, issue.tooLarge(a, 'not downloaded: part too large'), false); continue; }
    if ('tnef' in item) { wrapped.push(a); continue; }
    const { outcome } = item;
    forms.push(...mark(outcome.forms, a.forwardedFrom));
    if (outcome.forms.some((f) => f.kind === 'summary' && f.clipped)) record(into, issue.truncated(a, GRID_LIMITS.maxRows), false);
    for (const found of outcome.issues) record(into, found, found.review?.reason === 'image');
    const fwd = outcome.forwarded;
    if (!fwd) continue;
    if (depth + 1 > maxDepth) { record(into, issue.tooDeep(a, maxDepth), false); continue; }
    const inner: MailParts = {
      text: fwd.text,
      html: fwd.html,
      attachments: fwd.attachments.map((x, i) => ({ ...x, partId: `${a.partId}.${i + 1}`, content: Buffer.from(x.content.buffer, x.content.byteOffset, x.content.byteLength) })),
    };
    forms.push(...await extractParts(inner, ctx, depth + 1, maxDepth, fwd.from, into, fwd.subject));
  }

  // The body is read when nothing attached (or forwarded) held a filled-in form; it replaces empty templates.
  if (forms.some(hasValues)) return forms;
  const body = mark(await readBody(parts, ctx), undefined);
  const found = body.some(hasValues) ? body : forms;
  // A winmail.dat next to a form that was read is only Outlook's formatting; without one, it is where the form is.
  if (found.length === 0) for (const a of wrapped) record(into, issue.tnef(a), false);
  return found;
}

/**
 * Every form in a message: attachments read by what their bytes are, forwarded mails opened recursively, the
 * body read when nothing attached held a form. Never throws for anything a sender can put in a mail: each
 * attachment that cannot be read becomes a problem naming it (and an entry for an organizer to look at).
 */
export async function extractMessage(msg: IncomingMessage, opts: ExtractOptions): Promise<ExtractionResult> {
  const ctx = contextOf(opts);
  const into: Collected = { forms: [], problems: [], manualReview: [], images: [] };
  into.forms = await extractParts(msg, ctx, 0, opts.maxDepth ?? 5, undefined, into);
  if (into.forms.length === 0) {
    for (const found of into.images) record(into, found, false);
  }
  if (into.forms.length === 0 && into.problems.length === 0 && into.manualReview.length === 0) into.problems.push(issue.noForm());
  return { forms: into.forms, problems: into.problems, manualReview: into.manualReview };
}
