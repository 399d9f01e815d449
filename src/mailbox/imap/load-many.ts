import type { FetchMessageObject } from 'imapflow';
import { isConnectionLost } from '../../errors.ts';
import { assembleMessage } from '../assemble-message.ts';
import { decodeSection, sectionKeys } from '../fetch-sections.ts';
import type { IncomingMessage } from '../incoming-message.ts';
import { downloadBytes } from '../message-parts.ts';
import type { ListedMessage } from './imap-session.ts';
import { toAppError } from './imap-errors.ts';
import { envelopeOf, type SessionContext } from './session-context.ts';
import { within } from './time-box.ts';

/** Messages with the same sections share a FETCH, up to this many bytes (the server's sizes) or messages. */
const FETCH_BUDGET_BYTES = 4 * 1024 * 1024;
const FETCH_MAX_MESSAGES = 100;

/**
 * Parts of many messages per FETCH: messages asking for the same sections are fetched together (up to a byte
 * budget), with BINARY where the server offers it. Inside the fetch loop only local work happens (decoding,
 * header parsing, handing over), never another IMAP command: imapflow deadlocks when one is awaited there.
 * A refused FETCH hands its messages back (null) to be loaded one by one; a broken connection is thrown.
 */
export async function loadMany(ctx: SessionContext, listed: ListedMessage[], take: (listed: ListedMessage, msg: IncomingMessage | null) => void, opts: { binary: boolean }): Promise<void> {
  const groups = new Map<string, ListedMessage[]>();
  for (const l of listed) {
    const wanted = l.plan.filter((p) => p.download);
    if (!l.sections || l.structureless || wanted.length === 0) {
      // Nothing to download, or a section we cannot name: the one-by-one path knows what to do.
      take(l, l.sections && !l.structureless ? await assembleMessage(envelopeOf(ctx, l), async () => null) : null);
      continue;
    }
    const key = sectionKeys(l.plan, l.sections).join(' ');
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
        take(l, await assembleMessage(envelopeOf(ctx, l), async (p) => {
          const info = l.sections!.get(p.part)!;
          const k = info.key.toLowerCase();
          const content = decodeSection(parts!.get(k)!, info, m.binaryParts?.has(k) === true);
          return content.length > ctx.limits.partMaxBytes ? null : content;
        }));
      };
      try {
        await within(ctx.settings.timeoutMs, 'FETCH parts', (async () => {
          for await (const m of ctx.client.fetch(batch.map((l) => l.uid).join(','), { uid: true, bodyParts: sections }, { uid: true, binary: opts.binary }) as AsyncIterable<FetchMessageObject>) {
            await handOver(m);
          }
        })(), ctx.kill);
      } catch (err) {
        const failure = toAppError(err, 'FETCH parts');
        // A NO to the whole FETCH (Dovecot's "[UNKNOWN-CTE] Invalid data in MIME part" for one broken base64 part
        // under BINARY) must not fail every message of the batch: the rest is handed back and loaded one by one.
        if (isConnectionLost(failure) || failure.code === 'imap_auth') throw failure;
        ctx.log.warn({ uids: [...byUid.keys()], err: failure.message }, 'batched FETCH refused: loading these one by one');
      }
      // Not in the answer: the one-by-one path tells why (expunged, or a section the server will not give).
      for (const l of byUid.values()) take(l, null);
    }
  }
}
