import { AppError } from '../../errors.ts';
import { toAppError } from './imap-errors.ts';
import type { SessionContext } from './session-context.ts';
import { within } from './time-box.ts';

/**
 * "Vanished" is the server's word, never a guess from a failed download: only a healthy connection's answer to
 * UID FETCH n (UID FLAGS) without that message means it was expunged.
 */
export async function stillThere(ctx: SessionContext, uid: number): Promise<boolean> {
  if (!ctx.client.usable) throw new AppError('imap_unavailable', `cannot ask about UID ${uid}: the connection is gone`);
  try {
    const m = await within(ctx.settings.timeoutMs, 'UID FETCH FLAGS', ctx.client.fetchOne(String(uid), { uid: true, flags: true }, { uid: true }), ctx.kill);
    return !!m && m.uid === uid;
  } catch (err) {
    throw toAppError(err, `UID FETCH ${uid} FLAGS`);
  }
}
