import type { FormSource } from '../domain/form-source.ts';
import type { ExtractedForm } from './form-types.ts';
import type { ForwardedMail } from './forwarded-mail.ts';
import type { LabelConfig } from './label-match.ts';
import type { ArchivedFile } from './zip-archive.ts';
import type { ZipLimits } from './zip-guard.ts';

/**
 * Messages between the main thread and a parse worker: plain, structured-clone-safe data. Documents go in as
 * bytes and come back as forms, so all parsing and all interpretation of what a hostile file holds happen in
 * the time- and memory-boxed worker.
 */
export type ParseRequest =
  | { kind: 'docx' | 'xlsx' | 'csv'; bytes: Uint8Array; zipLimits: ZipLimits; labels: LabelConfig; source: FormSource }
  /** A .txt or .html attachment: read like a mail body. */
  | { kind: 'text-file'; bytes: Uint8Array; labels: LabelConfig; source: FormSource }
  | { kind: 'body'; text: string | null; html: string | null; labels: LabelConfig }
  | { kind: 'eml'; bytes: Uint8Array }
  /** A PDF: its text layer read as a document; `textless` in the reply when it has none (a scan). */
  | { kind: 'pdf'; bytes: Uint8Array; labels: LabelConfig; source: FormSource }
  /** A plain .zip: the documents inside it, to be read one by one. */
  | { kind: 'unzip'; bytes: Uint8Array; zipLimits: ZipLimits };

export type ParseTask = ParseRequest & { id: number };

export type ParseFailure = 'unreadable' | 'too_large' | 'timeout' | 'crashed';

export type ParseReply =
  | { id: number; ok: true; forms: ExtractedForm[]; textless?: boolean }
  | { id: number; ok: true; mail: ForwardedMail }
  | { id: number; ok: true; files: ArchivedFile[] }
  | { id: number; ok: false; reason: ParseFailure; detail: string; errorName?: string };
