import type { IncomingMessage, MessageAttachment } from './incoming-message.ts';
import type { PartPlan } from './message-parts.ts';
import { parseHeaders } from './parse-headers.ts';

/** What is known of a message from its listing, before any of its parts is read. */
export interface Envelope {
  mailbox: string;
  uidValidity: number;
  uid: number;
  internalDate: Date;
  size: number;
  rawHeaders: Buffer;
  contentHash: string;
  plan: readonly PartPlan[];
}

/**
 * The message from its listing and the content of each part to download (null: too large, not kept). Parts the
 * plan only describes (videos above all) become attachments without content.
 */
export async function assembleMessage(env: Envelope, contentOf: (p: PartPlan) => Promise<Buffer | null>): Promise<IncomingMessage> {
  const headers = await parseHeaders(env.rawHeaders);
  let text: string | null = null;
  let html: string | null = null;
  const attachments: MessageAttachment[] = [];
  for (const p of env.plan) {
    const described: MessageAttachment = {
      partId: p.part, filename: p.filename, contentType: p.contentType, size: p.size, inline: p.inline, content: null,
      ...(p.skipped ? { skipped: p.skipped } : {}),
    };
    if (!p.download) {
      if (p.role !== 'text' && p.role !== 'html') attachments.push(described);
      continue;
    }
    const content = await contentOf(p);
    if (content === null) {
      attachments.push({ ...described, skipped: 'too_large' });
      continue;
    }
    if (p.role === 'text') text = content.toString('utf8');
    else if (p.role === 'html') html = content.toString('utf8');
    else attachments.push({ ...described, content, size: content.length, ...(p.forwardedIn ? { forwardedFrom: p.forwardedFrom ?? null } : {}) });
  }
  return {
    origin: { mailbox: env.mailbox, uidValidity: env.uidValidity, uid: env.uid },
    receivedAt: env.internalDate,
    size: env.size,
    rawHeaders: env.rawHeaders,
    headers,
    text,
    html,
    attachments,
    contentHash: env.contentHash,
  };
}
