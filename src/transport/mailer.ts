import { mkdirSync, renameSync, writeFileSync, chmodSync } from 'node:fs';
import path from 'node:path';
import nodemailer from 'nodemailer';
import MailComposer from 'nodemailer/lib/mail-composer';
import type { SmtpSettings } from '../config.ts';
import { AppError } from '../errors.ts';

/**
 * The only module that imports nodemailer. It composes RFC 822 bytes (stored in the outbox, so a resend is the
 * same bytes) and hands bytes to SMTP, or, with no SMTP configured, writes them as .eml files under
 * DATA_DIR/outbox/. SMTP answers become AppError codes the deliverer decides on.
 */

export interface ComposeInput {
  from: { name: string; address: string };
  to: string[];
  subject: string;
  messageId: string;
  date: Date;
  inReplyTo?: string | null;
  references?: string[];
  headers?: Record<string, string>;
  text: string;
  html: string;
  attachments?: { filename: string; contentType: string; content: Buffer }[];
  /** Fixes the multipart boundaries, so rendering the same row twice gives the same bytes. */
  boundary: string;
}

export async function composeMail(m: ComposeInput): Promise<Buffer> {
  const composer = new MailComposer({
    from: { name: m.from.name, address: m.from.address },
    to: m.to,
    subject: m.subject,
    messageId: m.messageId,
    date: m.date,
    inReplyTo: m.inReplyTo ?? undefined,
    references: m.references?.length ? m.references : undefined,
    headers: m.headers,
    text: m.text,
    html: m.html,
    attachments: (m.attachments ?? []).map((a) => ({ filename: a.filename, contentType: a.contentType, content: a.content })),
    baseBoundary: m.boundary,
    // Everything we send is built from data: never read a file or fetch a URL while composing.
    disableFileAccess: true,
    disableUrlAccess: true,
    newline: 'windows',
    textEncoding: 'B',
    xMailer: false,
  });
  return composer.compile().build();
}

export interface Envelope {
  from: string;
  to: string[];
}

export interface SendResult {
  /** 'smtp' or the path of the .eml file written. */
  via: string;
  response: string;
}

export interface Mailer {
  readonly mode: 'smtp' | 'files';
  /** Sends the bytes as they are. `ref` names the .eml file in files mode. */
  send(raw: Buffer, envelope: Envelope, ref: { id: number }): Promise<SendResult>;
  close(): void;
}

export interface MailerOptions {
  connectionTimeoutMs?: number;
  greetingTimeoutMs?: number;
  socketTimeoutMs?: number;
}

interface SmtpLikeError {
  code?: string;
  responseCode?: number;
  response?: string;
  message?: string;
}

/**
 * 535 → smtp_auth (a wrong 授权码: retrying gets the account locked); 4xx and 503 → smtp_throttled (NetEase's
 * MI:SFQ and friends: back off); 5xx → smtp_rejected (this mail will not go through); no answer at all
 * (refused, reset, timed out, TLS) → smtp_unavailable.
 */
export function toSmtpError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  const e = (err ?? {}) as SmtpLikeError;
  const code = typeof e.responseCode === 'number' ? e.responseCode : undefined;
  const said = (e.response ?? e.message ?? String(err)).replace(/\s+/g, ' ').trim().slice(0, 300);
  if (code === 535 || code === 534 || code === 530 || e.code === 'EAUTH' || e.code === 'ENOAUTH') {
    return new AppError('smtp_auth', `SMTP login refused: ${said}`, { cause: err });
  }
  if (code !== undefined && ((code >= 400 && code < 500) || code === 503)) {
    return new AppError('smtp_throttled', `SMTP ${code}: ${said}`, { cause: err });
  }
  if (code !== undefined && code >= 500 && code < 600) {
    return new AppError('smtp_rejected', `SMTP ${code}: ${said}`, { cause: err });
  }
  return new AppError('smtp_unavailable', `SMTP server unreachable (${e.code ?? 'error'}): ${said}`, { cause: err });
}

function smtpMailer(smtp: SmtpSettings, opts: MailerOptions): Mailer {
  const transport = nodemailer.createTransport({
    host: smtp.host,
    port: smtp.port,
    secure: smtp.tls === 'implicit',
    requireTLS: smtp.tls === 'starttls',
    ignoreTLS: smtp.tls === 'none',
    auth: smtp.user ? { user: smtp.user, pass: smtp.pass ?? '' } : undefined,
    tls: { servername: smtp.host, minVersion: 'TLSv1.2' },
    connectionTimeout: opts.connectionTimeoutMs ?? 30_000,
    greetingTimeout: opts.greetingTimeoutMs ?? 30_000,
    socketTimeout: opts.socketTimeoutMs ?? 60_000,
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  return {
    mode: 'smtp',
    async send(raw, envelope) {
      try {
        const info = await transport.sendMail({ raw, envelope: { from: envelope.from, to: envelope.to } });
        if (info.rejected?.length) {
          throw new AppError('smtp_rejected', `SMTP refused ${info.rejected.length} recipient(s): ${String(info.response ?? '').slice(0, 200)}`);
        }
        return { via: 'smtp', response: String(info.response ?? '') };
      } catch (err) {
        throw toSmtpError(err);
      }
    },
    close: () => transport.close(),
  };
}

/** The embedded default: each mail becomes DATA_DIR/outbox/<id>.eml (0600), written whole or not at all. */
function fileMailer(dataDir: string): Mailer {
  const dir = path.join(dataDir, 'outbox');
  return {
    mode: 'files',
    async send(raw, _envelope, ref) {
      if (!Number.isSafeInteger(ref.id) || ref.id <= 0) throw new Error(`bad outbox id ${ref.id}`);
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      const file = path.join(dir, `${ref.id}.eml`);
      const tmp = `${file}.tmp`;
      writeFileSync(tmp, raw, { mode: 0o600 });
      chmodSync(tmp, 0o600);
      renameSync(tmp, file);
      return { via: file, response: 'written' };
    },
    close: () => undefined,
  };
}

export function createMailer(smtp: SmtpSettings | null, dataDir: string, opts: MailerOptions = {}): Mailer {
  return smtp ? smtpMailer(smtp, opts) : fileMailer(dataDir);
}
