import { parseArgs } from 'node:util';
import type { App } from '../app.ts';
import { messages } from '../i18n/catalogue.ts';
import { deliverPending } from './deliver-pending.ts';
import { describePoll, pollOnce } from './poll-once.ts';
import { runDemo } from './run-demo.ts';

/** `poll --once`: one poll cycle of the IMAP mailbox, its replies delivered, then exit. */
export async function pollCommand(app: App, args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { once: { type: 'boolean', default: true } } });
  void values;
  if (!app.config.imap) return runDemo(app);
  const abort = new AbortController();
  const stop = (): void => abort.abort();
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  const m = messages(app.config.lang);
  const r = await pollOnce(app, abort.signal);
  const sent = await deliverPending(app);
  if (sent.sent.length || sent.retrying.length || sent.failed.length || sent.deferred.length || sent.dropped.length) {
    console.log(m.delivered(sent.sent.length, sent.retrying.length, sent.failed.length, sent.deferred.length, sent.dropped.length, app.mailer.mode !== 'smtp'));
  }
  console.log(describePoll(r, m));
  return 0;
}
