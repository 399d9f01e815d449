import type { FormSource } from '../domain/form-source.ts';
import type { ExtractedForm } from './form-types.ts';
import { formsFromContent } from './forms-from-content.ts';
import { htmlBlocks, htmlToText } from './html-blocks.ts';
import type { FormLabels } from './label-match.ts';
import { readLabeledLines } from './labeled-lines.ts';

const MAX_BODY_CHARS = 500_000;

// Where the sender's own text ends and a quoted or forwarded mail begins (126/163, QQ, Outlook, Foxmail, Gmail).
const QUOTE_START = [
  /^-{2,}\s*(原始邮件|转发邮件|Original Message|Forwarded message)/i,
  /^_{10,}\s*$/,
  /^在\s?.{0,120}写道[:：]?\s*$/,
  /^On .{0,200}wrote:\s*$/i,
  /^(发件人|From)\s*[:：].*$/,
];

export function ownText(text: string): string {
  const lines = text.split(/\r?\n/);
  const cut = lines.findIndex((line) => QUOTE_START.some((re) => re.test(line.trim())));
  return (cut >= 0 ? lines.slice(0, cut) : lines).filter((line) => !/^\s*>/.test(line)).join('\n');
}

/**
 * A form typed into the mail itself: a table pasted from Word into the HTML body, or `label：value` lines.
 * The sender's own text is read first; a quoted or inline-forwarded mail below it only when that gives nothing.
 */
export function formsFromBody(text: string | null, html: string | null, labels: FormLabels): ExtractedForm[] {
  const clippedHtml = html ? html.slice(0, MAX_BODY_CHARS) : null;
  if (clippedHtml && /<table/i.test(clippedHtml)) {
    const source: FormSource = { filename: null, partId: null, format: 'body-html' };
    const tables = formsFromContent({ blocks: htmlBlocks(clippedHtml) }, labels, source, { lines: false });
    if (tables.length) return tables;
  }
  const plain = (text ?? (clippedHtml ? htmlToText(clippedHtml) : '')).slice(0, MAX_BODY_CHARS);
  if (!plain.trim()) return [];
  const format: FormSource['format'] = text ? 'body-text' : 'body-html';
  for (const candidate of [ownText(plain), plain]) {
    const read = readLabeledLines(candidate, labels.fields);
    if (read.labelled.size >= 2) return [{ kind: 'registration', fields: read.fields, source: { filename: null, partId: null, format } }];
  }
  return [];
}
