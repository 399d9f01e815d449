import type { FetchMessageObject } from 'imapflow';
import { sectionsOf } from '../fetch-sections.ts';
import { planParts } from '../message-parts.ts';
import { contentHashOf } from '../parse-headers.ts';
import type { ListedMessage } from './imap-session.ts';
import { toAppError } from './imap-errors.ts';
import type { SessionContext } from './session-context.ts';
import { within } from './time-box.ts';

function listedOf(m: FetchMessageObject, ctx: SessionContext, withStructure: boolean): ListedMessage {
  const rawHeaders = m.headers ?? Buffer.alloc(0);
  const size = m.size ?? 0;
  const plan = m.bodyStructure ? planParts(m.bodyStructure, ctx.limits) : [];
  const sections = m.bodyStructure ? sectionsOf(m.bodyStructure, plan) : null;
  return {
    uid: m.uid,
    size,
    internalDate: m.internalDate instanceof Date ? m.internalDate : new Date(String(m.internalDate)),
    rawHeaders,
    contentHash: contentHashOf(rawHeaders, size),
    plan,
    ...(sections ? { sections } : {}),
    ...(withStructure && m.bodyStructure ? {} : { structureless: true }),
  };
}

/** Headers, size, arrival and BODYSTRUCTURE of a batch: the plan of what to download, nothing of the body yet. */
export async function describeMessages(ctx: SessionContext, uids: number[]): Promise<ListedMessage[]> {
  if (uids.length === 0) return [];
  const out: ListedMessage[] = [];
  try {
    await within(ctx.settings.timeoutMs * 2, 'FETCH structure', (async () => {
      for await (const m of ctx.client.fetch(uids.join(','), {
        uid: true, size: true, internalDate: true, bodyStructure: true, headers: true,
      }, { uid: true }) as AsyncIterable<FetchMessageObject>) {
        out.push(listedOf(m, ctx, true));
      }
    })(), ctx.kill);
  } catch (err) {
    throw toAppError(err, 'FETCH');
  }
  return out.sort((a, b) => a.uid - b.uid);
}

/**
 * One message without BODYSTRUCTURE: for a message whose structure the server fails on. Its parts are then read
 * from its whole source. Null when the server no longer has it.
 */
export async function describeBare(ctx: SessionContext, uid: number): Promise<ListedMessage | null> {
  try {
    const m = await within(ctx.settings.timeoutMs, 'FETCH headers', ctx.client.fetchOne(String(uid), {
      uid: true, size: true, internalDate: true, headers: true,
    }, { uid: true }), ctx.kill);
    return m ? listedOf(m, ctx, false) : null;
  } catch (err) {
    throw toAppError(err, 'FETCH headers');
  }
}
