import iconv from 'iconv-lite';
import { ImapFlow, type FetchMessageObject, type MessageStructureObject } from 'imapflow';
import libmime from 'libmime';
import type { Readable } from 'node:stream';
import type { ImapSettings } from '../config.ts';
import { AppError, isAppError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { IncomingMessage, MessageAttachment } from './incoming-message.ts';
import { downloadBytes, planParts, type PartPlan, type PlanLimits } from './message-parts.ts';
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
  /** How each part to download is encoded, from BODYSTRUCTURE: what loadMany needs to decode it itself. */
  sections?: Map<string, SectionInfo>;
}

/** A planned part as one FETCH section: its name there and how to decode what comes back. */
export interface SectionInfo {
  /** "2", "1.2"; "TEXT" for the body of a single-part message. */
  key: string;
  type: string;
  encoding: string;
  charset: string | null;
  disposition: string | null;
  flowed: boolean;
  delSp: boolean;
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
  /**
   * Downloads the planned parts of many messages with few FETCHes and hands each message to `take` as soon as
   * it is complete (in any order, synchronously: `take` must not wait). A message the server's answers leave
   * incomplete (expunged meanwhile, a section dropped) is handed over as null: `load` it on its own.
   * Optional, and never copied with the session: a copy that wraps `load` keeps every download going through it.
   */
  loadMany?(listed: ListedMessage[], take: (listed: ListedMessage, msg: IncomingMessage | null) => void): Promise<void>;
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

/** The planned parts to download, as FETCH sections; null when one cannot be asked for by number. */
function sectionsOf(root: MessageStructureObject, plan: PartPlan[]): Map<string, SectionInfo> | null {
  // A single-part message has no part numbers: planParts calls its body "1", and it is the TEXT section (as
  // imapflow's download asks for it).
  const single = !root.childNodes;
  const byPart = new Map<string, MessageStructureObject>();
  const walk = (n: MessageStructureObject): void => {
    if (n.part) byPart.set(n.part, n);
    for (const c of n.childNodes ?? []) walk(c);
  };
  if (single) byPart.set('1', root);
  else walk(root);
  const out = new Map<string, SectionInfo>();
  for (const p of plan) {
    if (!p.download) continue;
    const node = byPart.get(p.part);
    if (!node || (!single && !/^\d+(\.\d+)*$/.test(p.part))) return null;
    const params = node.parameters ?? {};
    out.set(p.part, {
      key: single ? 'TEXT' : p.part,
      type: (node.type || '').toLowerCase(),
      encoding: (node.encoding || '').toLowerCase(),
      charset: params.charset ? params.charset.toLowerCase().trim() : null,
      disposition: node.disposition ? node.disposition.toLowerCase() : null,
      flowed: (params.format || '').toLowerCase() === 'flowed',
      delSp: (params.delsp || '').toLowerCase() === 'yes',
    });
  }
  return out;
}

function decodeQuotedPrintable(raw: Buffer): Buffer {
  const text = raw.toString('latin1').replace(/=\r?\n/g, '');
  return Buffer.from(text.replace(/=([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))), 'latin1');
}

/**
 * What imapflow's download would have delivered for a section: transfer encoding removed (unless the server did
 * it, with BINARY), and an inline text body unwrapped (format=flowed) and converted to UTF-8.
 */
function decodeSection(raw: Buffer, info: SectionInfo, serverDecoded: boolean): Buffer {
  let bytes = raw;
  if (!serverDecoded) {
    if (info.encoding === 'base64') bytes = Buffer.from(raw.toString('latin1'), 'base64');
    else if (info.encoding === 'quoted-printable') bytes = decodeQuotedPrintable(raw);
  }
  const isTextBody = ['text/html', 'text/plain', 'text/x-amp-html'].includes(info.type) && (!info.disposition || info.disposition === 'inline');
  if (!isTextBody) return bytes;
  let text: string | null = null;
  const charset = info.charset ?? '';
  if (charset && !['ascii', 'usascii', 'utf8'].includes(charset.replace(/[^a-z0-9]+/g, ''))) {
    // An unknown charset stays as it came (as with imapflow's download).
    if (iconv.encodingExists(charset)) text = iconv.decode(bytes, charset);
  }
  if (info.flowed) text = libmime.decodeFlowed(text ?? bytes.toString('utf8'), info.delSp);
  return text === null ? bytes : Buffer.from(text, 'utf8');
}

/** Messages with the same sections share a FETCH, up to this many bytes (the server's sizes) or messages. */
const FETCH_BUDGET_BYTES = 4 * 1024 * 1024;
const FETCH_MAX_MESSAGES = 100;

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

  /** The message from its listing and the content of each part to download (null: too large, not kept). */
  const assemble = async (listed: ListedMessage, contentOf: (p: PartPlan) => Promise<Buffer | null>): Promise<IncomingMessage> => {
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
      const content = await contentOf(p);
      if (content === null) {
        attachments.push({ ...described, skipped: 'too_large' });
        continue;
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
  };

  /**
   * Parts of many messages per FETCH: messages asking for the same sections are fetched together (up to a byte
   * budget), with BINARY where the server offers it. Inside the fetch loop only local work happens (decoding,
   * header parsing, handing over), never another IMAP command: imapflow deadlocks when one is awaited there.
   */
  const loadMany = async (listed: ListedMessage[], take: (listed: ListedMessage, msg: IncomingMessage | null) => void): Promise<void> => {
    const groups = new Map<string, ListedMessage[]>();
    for (const l of listed) {
      const wanted = l.plan.filter((p) => p.download);
      if (!l.sections || wanted.length === 0) {
        // Nothing to download, or a section we cannot name: the one-by-one path knows what to do.
        take(l, l.sections ? await assemble(l, async () => null) : null);
        continue;
      }
      const key = wanted.map((p) => l.sections!.get(p.part)!.key).join(' ');
      const list = groups.get(key) ?? [];
      list.push(l);
      groups.set(key, list);
    }
    for (const [key, members] of groups) {
      const sections = key.split(' ');
      for (let i = 0; i < members.length;) {
        const batch: ListedMessage[] = [];
        let bytes = 0;
        while (i < members.length && batch.length < FETCH_MAX_MESSAGES) {
          const size = downloadBytes(members[i]!.plan);
          if (batch.length && bytes + size > FETCH_BUDGET_BYTES) break;
          bytes += size;
          batch.push(members[i++]!);
        }
        const byUid = new Map(batch.map((l) => [l.uid, l]));
        // Each message is handed over as soon as its answer is in, while the rest still streams.
        const handOver = async (m: FetchMessageObject): Promise<void> => {
          const l = byUid.get(m.uid);
          if (!l) return;
          byUid.delete(m.uid);
          const parts = m.bodyParts;
          const missing = l.plan.some((p) => p.download && !parts?.get(l.sections!.get(p.part)!.key.toLowerCase()));
          if (missing) return take(l, null);
          take(l, await assemble(l, async (p) => {
            const info = l.sections!.get(p.part)!;
            const key = info.key.toLowerCase();
            const content = decodeSection(parts!.get(key)!, info, m.binaryParts?.has(key) === true);
            return content.length > opts.limits.partMaxBytes ? null : content;
          }));
        };
        try {
          await within(t, 'FETCH parts', (async () => {
            for await (const m of client.fetch(batch.map((l) => l.uid).join(','), { uid: true, bodyParts: sections }, { uid: true, binary: true }) as AsyncIterable<FetchMessageObject>) {
              await handOver(m);
            }
          })(), kill);
        } catch (err) {
          const failure = toAppError(err, 'FETCH parts');
          // A NO to the whole FETCH (Dovecot's "[UNKNOWN-CTE] Invalid data in MIME part" for one broken base64
          // part under BINARY) must not fail every message of the batch at every poll: the rest is handed back
          // and loaded one by one, where the broken one is decoded by the client or recorded on its own.
          if (failure.code !== 'imap_refused') throw failure;
          log.warn({ uids: [...byUid.keys()], err: failure.message }, 'batched FETCH refused: loading these one by one');
        }
        // Not in the answer: expunged since it was listed, most likely. `load` tells.
        for (const l of byUid.values()) take(l, null);
      }
    }
  };

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
            const plan = m.bodyStructure ? planParts(m.bodyStructure, opts.limits) : [];
            const sections = m.bodyStructure ? sectionsOf(m.bodyStructure, plan) : null;
            out.push({
              uid: m.uid,
              size,
              internalDate: m.internalDate instanceof Date ? m.internalDate : new Date(String(m.internalDate)),
              rawHeaders,
              contentHash: contentHashOf(rawHeaders, size),
              plan,
              ...(sections ? { sections } : {}),
            });
          }
        })(), kill);
      } catch (err) {
        throw toAppError(err, 'FETCH');
      }
      return out.sort((a, b) => a.uid - b.uid);
    },

    async load(listed) {
      return assemble(listed, async (p) => {
        try {
          return await within(t, `download part ${p.part}`, (async () => {
            const res = await client.download(String(listed.uid), p.part, { uid: true, maxBytes: opts.limits.partMaxBytes, chunkSize: 1024 * 1024 });
            if (!res || !res.content) throw new AppError('message_vanished', `message UID ${listed.uid} is gone from the mailbox`);
            return readAll(res.content, opts.limits.partMaxBytes);
          })(), kill);
        } catch (err) {
          if (isAppError(err) && err.code === 'document_too_large') return null;
          throw toAppError(err, `download of UID ${listed.uid}`);
        }
      });
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
  Object.defineProperty(session, 'loadMany', { value: loadMany, enumerable: false });
  return session;
}
