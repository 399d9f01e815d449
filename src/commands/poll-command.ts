import { parseArgs } from 'node:util';
import type { App } from '../app.ts';
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
  const r = await pollOnce(app, abort.signal);
  const sent = await deliverPending(app);
  if (sent.sent.length || sent.retrying.length || sent.failed.length) {
    console.log(`replies: ${sent.sent.length} sent, ${sent.retrying.length} to retry, ${sent.failed.length} failed`);
  }
  console.log(`poll: ${describePoll(r)}`);
  return 0;
}
