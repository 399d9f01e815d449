import { ImapFlow, type FetchMessageObject, type MessageStructureObject } from 'imapflow';
import type { Readable } from 'node:stream';
import type { ImapSettings } from '../config.ts';
import { AppError, isAppError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { IncomingMessage, MessageAttachment } from './incoming-message.ts';
import { planParts, type PartPlan, type PlanLimits, type StructureNode } from './message-parts.ts';
import { contentHashOf, parseHeaders } from './parse-headers.ts';

/**
 * The only module that talks IMAP. One fresh connection per cycle (an ImapFlow instance cannot reconnect),
 * every step under its own time box, the mailbox opened read-only unless a "processed" flag is configured.
 * It lists first and downloads afterwards: imapflow deadlocks when download runs inside a fetch loop.
 */

export interface ListedMessage {
  uid: number;
  size: number;
  internalDate: Date;
  rawHeaders: Buffer;
  contentHash: string;
  plan: PartPlan[];
}

export interface ImapSession {
  readonly mailbox: string;
  readonly uidValidity: number;
  readonly uidNext: number;
  readonly exists: number;
  readonly serverInfo: Record<string, string> | null;
  /** UIDs at or above `fromUid`, ascending. A UID list is small even for a large mailbox. */
  listUids(fromUid: number): Promise<number[]>;
  /** Envelope-level data for a batch of UIDs: headers, size, arrival and the plan of parts. */
  describe(uids: number[]): Promise<ListedMessage[]>;
  /** Downloads the planned parts. Throws message_vanished when the message is gone. */
  load(listed: ListedMessage): Promise<IncomingMessage>;
  markProcessed(uid: number): Promise<void>;
  close(): Promise<void>;
}

export interface ImapSourceOptions {
  limits: PlanLimits;
  version: string;
  supportEmail: string;
}

async function within<T>(ms: number, step: string, work: Promise<T>, onTimeout: () => void): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      onTimeout();
      reject(new AppError('timeout', `IMAP ${step} took longer than ${Math.round(ms / 1000)} s`));
    }, ms);
  });
  try {
    return await Promise.race([work, limit]);
  } finally {
    clearTimeout(timer);
  }
}

function toAppError(err: unknown, step: string): AppError {
  if (isAppError(err)) return err;
  const e = err as { authenticationFailed?: boolean; code?: string; responseText?: string; message?: string; serverResponseCode?: string };
  if (e.authenticationFailed || e.serverResponseCode === 'AUTHENTICATIONFAILED') {
    return new AppError('imap_auth', `IMAP login refused: check IMAP_USER and IMAP_PASS (for 126.com, the 授权码, not the web password)`, { cause: err });
  }
  const text = `${e.responseText ?? ''} ${e.message ?? ''}`;
  if (/unsafe login/i.test(text)) {
    return new AppError('imap_refused', `the server refused ${step} as an "Unsafe Login" (NetEase wants the IMAP ID command first)`, { cause: err });
  }
  if (e.code === 'NoConnection' || /^E[A-Z]+$/.test(e.code ?? '') || /timeout|closed|socket|connect|ECONN|EPIPE|greeting/i.test(text)) {
    return new AppError('imap_unavailable', `IMAP ${step} failed: ${(e.message ?? String(err)).slice(0, 200)}`, { cause: err });
  }
  return new AppError('imap_refused', `IMAP ${step} failed: ${(e.message ?? String(err)).slice(0, 200)}`, { cause: err });
}

async function readAll(stream: Readable, max: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
    total += buf.length;
    if (total > max) {
      stream.destroy();
      throw new AppError('document_too_large', `part is larger than ${max} bytes`);
    }
    chunks.push(buf);
  }
  return Buffer.concat(chunks);
}

function structureOf(node: MessageStructureObject): StructureNode {
  return {
    part: node.part,
    type: node.type,
    parameters: node.parameters,
    disposition: node.disposition,
    dispositionParameters: node.dispositionParameters,
    size: node.size,
    encoding: node.encoding,
    childNodes: node.childNodes?.map(structureOf),
  };
}

export async function openImapSession(settings: ImapSettings, log: Logger, opts: ImapSourceOptions): Promise<ImapSession> {
  const client = new ImapFlow({
    host: settings.host,
    port: settings.port,
    secure: settings.tls === 'implicit',
    doSTARTTLS: settings.tls === 'starttls' ? true : settings.tls === 'none' ? false : undefined,
    auth: { user: settings.user, pass: settings.pass },
    // NetEase answers SELECT with "NO Unsafe Login" unless the client identifies itself first.
    clientInfo: { name: 'contest-intake', version: opts.version, vendor: 'contest-intake', 'support-url': `mailto:${opts.supportEmail}` },
    logger: false,
    disableAutoIdle: true,
    connectionTimeout: Math.min(settings.timeoutMs, 30_000),
    greetingTimeout: Math.min(settings.timeoutMs, 16_000),
    socketTimeout: settings.timeoutMs * 2,
    maxLiteralSize: opts.limits.partMaxBytes * 2,
  });
  const kill = (): void => { client.close(); };
  client.on('error', (err: Error) => log.warn({ err: err.message }, 'IMAP connection error'));

  const t = settings.timeoutMs;
  try {
    await within(t, 'connect', client.connect(), kill);
  } catch (err) {
    client.close();
    throw toAppError(err, 'login');
  }
  log.info({ server: client.serverInfo ?? null, host: settings.host }, 'IMAP connected');

  let lock: Awaited<ReturnType<ImapFlow['getMailboxLock']>>;
  try {
    lock = await within(t, 'select', client.getMailboxLock(settings.mailbox, { readOnly: !settings.processedFlag }), kill);
  } catch (err) {
    client.close();
    throw toAppError(err, `SELECT ${settings.mailbox}`);
  }
  const box = client.mailbox;
  if (!box) {
    lock.release();
    client.close();
    throw new AppError('imap_refused', `mailbox ${settings.mailbox} could not be opened`);
  }

  const session: ImapSession = {
    mailbox: settings.mailbox,
    uidValidity: Number(box.uidValidity),
    uidNext: box.uidNext,
    exists: box.exists,
    serverInfo: (client.serverInfo as Record<string, string> | null) ?? null,

    async listUids(fromUid) {
      if (box.exists === 0) return [];
      try {
        const uids = await within(t, 'UID SEARCH', client.search({ uid: `${Math.max(1, fromUid)}:*` }, { uid: true }), kill);
        // "N:*" always matches the last message, even when its UID is below N.
        return (uids || []).filter((u) => u >= fromUid).sort((a, b) => a - b);
      } catch (err) {
        throw toAppError(err, 'UID SEARCH');
      }
    },

    async describe(uids) {
      if (uids.length === 0) return [];
      const out: ListedMessage[] = [];
      try {
        await within(t * 2, 'FETCH structure', (async () => {
          for await (const m of client.fetch(uids.join(','), {
            uid: true, size: true, internalDate: true, bodyStructure: true, headers: true,
          }, { uid: true }) as AsyncIterable<FetchMessageObject>) {
            const rawHeaders = m.headers ?? Buffer.alloc(0);
            const size = m.size ?? 0;
            out.push({
              uid: m.uid,
              size,
              internalDate: m.internalDate instanceof Date ? m.internalDate : new Date(String(m.internalDate)),
              rawHeaders,
              contentHash: contentHashOf(rawHeaders, size),
              plan: m.bodyStructure ? planParts(structureOf(m.bodyStructure), opts.limits) : [],
            });
          }
        })(), kill);
      } catch (err) {
        throw toAppError(err, 'FETCH');
      }
      return out.sort((a, b) => a.uid - b.uid);
    },

    async load(listed) {
      const headers = await parseHeaders(listed.rawHeaders);
      let text: string | null = null;
      let html: string | null = null;
      const attachments: MessageAttachment[] = [];
      for (const p of listed.plan) {
        const described: MessageAttachment = {
          partId: p.part, filename: p.filename, contentType: p.contentType, size: p.size, inline: p.inline, content: null,
          ...(p.skipped ? { skipped: p.skipped } : {}),
        };
        if (!p.download) {
          if (p.role !== 'text' && p.role !== 'html') attachments.push(described);
          continue;
        }
        let content: Buffer;
        try {
          content = await within(t, `download part ${p.part}`, (async () => {
            const res = await client.download(String(listed.uid), p.part, { uid: true, maxBytes: opts.limits.partMaxBytes, chunkSize: 1024 * 1024 });
            if (!res || !res.content) throw new AppError('message_vanished', `message UID ${listed.uid} is gone from the mailbox`);
            return readAll(res.content, opts.limits.partMaxBytes);
          })(), kill);
        } catch (err) {
          if (isAppError(err) && err.code === 'document_too_large') {
            attachments.push({ ...described, skipped: 'too_large' });
            continue;
          }
          throw toAppError(err, `download of UID ${listed.uid}`);
        }
        if (p.role === 'text') text = content.toString('utf8');
        else if (p.role === 'html') html = content.toString('utf8');
        else attachments.push({ ...described, content, size: content.length, ...(p.forwardedIn ? { forwardedFrom: null } : {}) });
      }
      return {
        origin: { mailbox: settings.mailbox, uidValidity: Number(box.uidValidity), uid: listed.uid },
        receivedAt: listed.internalDate,
        size: listed.size,
        rawHeaders: listed.rawHeaders,
        headers,
        text,
        html,
        attachments,
        contentHash: listed.contentHash,
      };
    },

    async markProcessed(uid) {
      if (!settings.processedFlag) return;
      try {
        await within(t, 'STORE', client.messageFlagsAdd(String(uid), [settings.processedFlag], { uid: true }), kill);
      } catch (err) {
        throw toAppError(err, 'STORE');
      }
    },

    async close() {
      try {
        lock.release();
        await within(5_000, 'LOGOUT', client.logout(), kill);
      } catch {
        client.close();
      }
    },
  };
  return session;
}
