import type { App } from '../app.ts';
import { AppError } from '../errors.ts';
import { deliverPending } from './deliver-pending.ts';
import { describePoll, pollOnce } from './poll-once.ts';

/** `reconcile`: takes the messages the mailbox has below the position and the record does not; exit 1 while gaps remain. */
export async function reconcileCommand(app: App): Promise<number> {
  if (!app.config.imap) throw new AppError('usage', 'reconcile reads the IMAP mailbox: set IMAP_HOST, IMAP_USER and IMAP_PASS');
  const r = await pollOnce(app, undefined, 'reconcile');
  console.log(`reconcile: ${r.listed} UIDs below the position were missing; ${describePoll(r)}`);
  await deliverPending(app);
  return r.gaps ? 1 : 0;
}
