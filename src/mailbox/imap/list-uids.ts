import { toAppError } from './imap-errors.ts';
import type { SessionContext } from './session-context.ts';
import { within } from './time-box.ts';

/**
 * Every UID in the mailbox, ascending: one UID SEARCH ALL per cycle gives both what is new and what a recorded
 * set can be checked against (a gap below the position). Thousands of UIDs are a few kilobytes.
 */
export async function listAllUids(ctx: SessionContext): Promise<number[]> {
  if (ctx.exists === 0) return [];
  try {
    const uids = await within(ctx.settings.timeoutMs, 'UID SEARCH', ctx.client.search({ all: true }, { uid: true }), ctx.kill);
    return [...new Set(uids || [])].sort((a, b) => a - b);
  } catch (err) {
    throw toAppError(err, 'UID SEARCH');
  }
}
