import type { FetchMessageObject } from 'imapflow';
import { AppError } from '../../errors.ts';
import { assembleMessage } from '../assemble-message.ts';
import { parseEml } from '../eml-folder-source.ts';
import { decodeSection, sectionKeys } from '../fetch-sections.ts';
import type { IncomingMessage } from '../incoming-message.ts';
import type { ImapSession, ListedMessage, LoadStrategy } from './imap-session.ts';
import { toAppError } from './imap-errors.ts';
import { envelopeOf, type SessionContext } from './session-context.ts';
import { within } from './time-box.ts';

/** The one FETCH of a strategy: the message's answer, or null when the server has nothing for that UID. */
async function fetchOne(ctx: SessionContext, uid: number, query: Parameters<SessionContext['client']['fetch']>[1], binary: boolean, step: string): Promise<FetchMessageObject | null> {
  let found: FetchMessageObject | null = null;
  try {
    await within(ctx.settings.timeoutMs, step, (async () => {
      // Only local work inside the loop: imapflow deadlocks when another command is awaited there.
      for await (const m of ctx.client.fetch(String(uid), query, { uid: true, binary }) as AsyncIterable<FetchMessageObject>) {
        if (m.uid === uid) found = m;
      }
    })(), ctx.kill);
  } catch (err) {
    throw toAppError(err, `${step} of UID ${uid}`);
  }
  return found;
}

function vanished(uid: number): AppError {
  return new AppError('message_vanished', `the server has nothing for UID ${uid}`);
}

/** Each planned part as its own section: by the server's decoding (BINARY) or decoded here (BODY). */
async function loadSections(ctx: SessionContext, listed: ListedMessage, binary: boolean): Promise<IncomingMessage> {
  const sections = listed.sections;
  if (!sections) throw new AppError('imap_refused', `UID ${listed.uid}: a planned part has no section number`);
  const keys = sectionKeys(listed.plan, sections);
  if (keys.length === 0) return assembleMessage(envelopeOf(ctx, listed), async () => null);
  const step = binary ? 'FETCH BINARY' : 'FETCH BODY';
  const m = await fetchOne(ctx, listed.uid, { uid: true, bodyParts: keys }, binary, step);
  if (!m) throw vanished(listed.uid);
  return assembleMessage(envelopeOf(ctx, listed), async (p) => {
    const info = sections.get(p.part)!;
    const key = info.key.toLowerCase();
    const raw = m.bodyParts?.get(key);
    if (!raw) throw new AppError('imap_refused', `${step} of UID ${listed.uid}: the answer has no section ${info.key}`);
    const content = decodeSection(raw, info, m.binaryParts?.has(key) === true);
    return content.length > ctx.limits.partMaxBytes ? null : content;
  });
}

/** The whole message, parsed here: for a message whose sections the server cannot give one by one. */
async function loadSource(ctx: SessionContext, listed: ListedMessage): Promise<IncomingMessage> {
  if (listed.size > ctx.limits.partMaxBytes) {
    throw new AppError('document_too_large', `UID ${listed.uid}: the whole message (${listed.size} bytes) is over PART_MAX_BYTES`);
  }
  const m = await fetchOne(ctx, listed.uid, { uid: true, source: true }, false, 'FETCH source');
  if (!m) throw vanished(listed.uid);
  if (!m.source) throw new AppError('imap_refused', `FETCH source of UID ${listed.uid}: the answer has no message`);
  const parsed = await parseEml(m.source, { fallbackDate: listed.internalDate, receivedAt: listed.internalDate, limits: ctx.limits });
  // The identity is the listing's (the same hash whichever way the body was read), the parts are the source's.
  return {
    ...parsed,
    origin: { mailbox: ctx.mailbox, uidValidity: ctx.uidValidity, uid: listed.uid },
    size: listed.size,
    rawHeaders: listed.rawHeaders.length ? listed.rawHeaders : parsed.rawHeaders,
    contentHash: listed.rawHeaders.length ? listed.contentHash : parsed.contentHash,
    ...(listed.rawHeaders.length ? {} : { headers: parsed.headers }),
  };
}

export function loadMessage(ctx: SessionContext, listed: ListedMessage, strategy: LoadStrategy): ReturnType<ImapSession['load']> {
  if (strategy === 'source') return loadSource(ctx, listed);
  return loadSections(ctx, listed, strategy === 'binary');
}
