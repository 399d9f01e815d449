import type { App } from '../app.ts';
import { AppError } from '../errors.ts';
import { messages } from '../i18n/catalogue.ts';
import { deliverPending } from './deliver-pending.ts';
import { describePoll, pollOnce } from './poll-once.ts';

/** `reconcile`: takes the messages the mailbox has below the position and the record does not; exit 1 while gaps remain. */
export async function reconcileCommand(app: App): Promise<number> {
  const m = messages(app.config.lang);
  if (!app.config.imap) throw new AppError('usage', m.reconcileNeedsImap);
  const r = await pollOnce(app, undefined, 'reconcile');
  console.log(m.reconciled(r.listed, describePoll(r, m)));
  await deliverPending(app);
  return r.gaps ? 1 : 0;
}
