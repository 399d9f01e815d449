import type { DocContent } from './doc-content.ts';
import type { ForwardedMail } from './forwarded-mail.ts';
import type { ZipLimits } from './zip-guard.ts';

/** Messages between the main thread and a parse worker: plain, structured-clone-safe data. */
export interface ParseTask {
  id: number;
  kind: 'docx' | 'xlsx' | 'csv' | 'eml';
  bytes: Uint8Array;
  zipLimits: ZipLimits;
}

export type ParseFailure = 'unreadable' | 'too_large' | 'timeout' | 'crashed';

export type ParseReply =
  | { id: number; ok: true; content: DocContent }
  | { id: number; ok: true; mail: ForwardedMail }
  | { id: number; ok: false; reason: ParseFailure; detail: string; errorName?: string };
