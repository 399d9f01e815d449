import { toAppError } from './imap-errors.ts';
import type { SessionContext } from './session-context.ts';
import { within } from './time-box.ts';

/** Adds the configured keyword (IMAP_PROCESSED_FLAG) to a recorded message; nothing when none is configured. */
export async function markProcessed(ctx: SessionContext, uid: number): Promise<void> {
  const flag = ctx.settings.processedFlag;
  if (!flag) return;
  try {
    await within(ctx.settings.timeoutMs, 'STORE', ctx.client.messageFlagsAdd(String(uid), [flag], { uid: true }), ctx.kill);
  } catch (err) {
    throw toAppError(err, 'STORE');
  }
}
