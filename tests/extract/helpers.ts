import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadContest } from '../../src/config.ts';
import type { IncomingMessage, MessageAttachment } from '../../src/mailbox/incoming-message.ts';

export const contest = loadContest(path.resolve(import.meta.dirname, '../../config'));
const DOCUMENTS = path.resolve(import.meta.dirname, '../../fixtures/documents');

export function fixture(name: string): Buffer {
  return readFileSync(path.join(DOCUMENTS, name));
}

export function attachment(name: string, over: Partial<MessageAttachment> = {}): MessageAttachment {
  const content = fixture(name);
  return { partId: '2', filename: name, contentType: 'application/octet-stream', size: content.length, inline: false, content, ...over };
}

export function message(parts: { attachments?: MessageAttachment[]; text?: string | null; html?: string | null }): IncomingMessage {
  return {
    origin: { mailbox: 'INBOX', uidValidity: 1, uid: 1 },
    receivedAt: new Date('2024-05-06T02:21:33Z'),
    size: 0,
    rawHeaders: Buffer.alloc(0),
    headers: {
      messageId: '<test@example.com>', subject: '最美in温州+测试+测试', from: { address: 'sender@example.com', name: '' },
      replyTo: null, sender: null, to: [], date: null, inReplyTo: null, references: [], raw: new Map(), contentType: 'multipart/mixed',
    },
    text: parts.text ?? null,
    html: parts.html ?? null,
    attachments: parts.attachments ?? [],
    contentHash: 'test',
  };
}

/** Wall-clock time of a call, for the time boxes hostile documents must stay within. */
export async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await fn();
  return { value, ms: performance.now() - started };
}
