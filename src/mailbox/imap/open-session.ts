import { ImapFlow } from 'imapflow';
import type { ImapSettings } from '../../config.ts';
import { AppError } from '../../errors.ts';
import type { Logger } from '../../logger.ts';
import type { PlanLimits } from '../message-parts.ts';
import { describeBare, describeMessages } from './describe-messages.ts';
import type { ImapSession } from './imap-session.ts';
import { toAppError } from './imap-errors.ts';
import { listAllUids } from './list-uids.ts';
import { loadMany } from './load-many.ts';
import { loadMessage } from './load-message.ts';
import { markProcessed } from './mark-processed.ts';
import type { SessionContext } from './session-context.ts';
import { stillThere } from './still-there.ts';
import { within } from './time-box.ts';

/**
 * The only module that imports imapflow. One fresh connection per session (an ImapFlow instance cannot
 * reconnect), every step under its own time box, the mailbox opened read-only unless a "processed" flag is
 * configured. Each operation lives in its own file and gets the connection through a SessionContext.
 */

export interface ImapSourceOptions {
  limits: PlanLimits;
  version: string;
  supportEmail: string;
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

  const ctx: SessionContext = {
    client, settings, log, limits: opts.limits, mailbox: settings.mailbox, uidValidity: Number(box.uidValidity), exists: box.exists, kill,
  };
  return {
    mailbox: settings.mailbox,
    uidValidity: ctx.uidValidity,
    uidNext: box.uidNext,
    exists: box.exists,
    serverInfo: (client.serverInfo as Record<string, string> | null) ?? null,
    hasBinary: client.capabilities.has('BINARY'),
    get usable() { return client.usable; },
    listAllUids: () => listAllUids(ctx),
    describe: (uids) => describeMessages(ctx, uids),
    describeBare: (uid) => describeBare(ctx, uid),
    load: (listed, strategy) => loadMessage(ctx, listed, strategy),
    loadMany: (listed, take, o) => loadMany(ctx, listed, take, o),
    stillThere: (uid) => stillThere(ctx, uid),
    markProcessed: (uid) => markProcessed(ctx, uid),
    async close() {
      try {
        lock.release();
        await within(5_000, 'LOGOUT', client.logout(), kill);
      } catch {
        client.close();
      }
    },
  };
}
