import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import type { IncomingMessage, MessageAttachment } from './incoming-message.ts';
import { mayHoldForm, type PlanLimits } from './message-parts.ts';
import { contentHashOf, parseHeaders, splitHeaderBlock } from './parse-headers.ts';

/**
 * The same messages as the IMAP source, read from .eml files: the demo mailbox, `import`, and tests.
 * Attachments that cannot hold a form are described and their bytes dropped, as the IMAP source never fetches them.
 */

export function listEmlFiles(target: string): string[] {
  const st = statSync(target);
  if (st.isFile()) return [target];
  return readdirSync(target)
    .filter((f) => /\.eml$/i.test(f))
    .sort()
    .map((f) => path.join(target, f));
}

export async function readEmlFile(file: string, limits: PlanLimits): Promise<IncomingMessage> {
  const raw = readFileSync(file);
  return parseEml(raw, { file, fallbackDate: statSync(file).mtime, limits });
}

export async function parseEml(raw: Buffer, opts: { file?: string; fallbackDate: Date; limits: PlanLimits; receivedAt?: Date }): Promise<IncomingMessage> {
  const rawHeaders = splitHeaderBlock(raw);
  const headers = await parseHeaders(rawHeaders);
  const parsed = await simpleParser(raw, { skipImageLinks: true, skipTextToHtml: true, maxHtmlLengthToParse: 2 * 1024 * 1024 });
  const attachments: MessageAttachment[] = parsed.attachments.slice(0, opts.limits.maxParts).map((a, i) => {
    const filename = a.filename ?? null;
    const contentType = (a.contentType || 'application/octet-stream').toLowerCase();
    const base = { partId: String(i + 1), filename, contentType, size: a.size, inline: a.contentDisposition !== 'attachment' };
    if (!mayHoldForm(contentType, filename)) return { ...base, content: null, skipped: 'not_a_form' as const };
    if (a.size > opts.limits.partMaxBytes) return { ...base, content: null, skipped: 'too_large' as const };
    return { ...base, content: a.content };
  });
  const html = typeof parsed.html === 'string' ? parsed.html : null;
  return {
    origin: { mailbox: 'file', uidValidity: null, uid: null, ...(opts.file ? { file: opts.file } : {}) },
    receivedAt: opts.receivedAt ?? headers.date ?? opts.fallbackDate,
    size: raw.length,
    rawHeaders,
    headers,
    text: parsed.text ?? null,
    html,
    attachments,
    contentHash: contentHashOf(rawHeaders, raw.length),
  };
}

