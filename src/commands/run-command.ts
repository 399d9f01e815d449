import type { App } from '../app.ts';
import { runWorker } from '../schedule/worker.ts';
import { deliverPending } from './deliver-pending.ts';
import { dailyDigest } from './digest-command.ts';
import { pollOnce } from './poll-once.ts';
import { runDemo } from './run-demo.ts';

/** `run`: the unattended worker (polls now, then on POLL_CRON; the digest on DIGEST_CRON), or the demo. */
export async function runCommand(app: App): Promise<number> {
  if (!app.config.imap) return runDemo(app);
  await runWorker(app, [
    { name: 'poll', cron: app.config.pollCron, run: async (signal) => { await pollOnce(app, signal); await deliverPending(app); } },
    { name: 'digest', cron: app.config.digestCron, run: async () => { await dailyDigest(app); await deliverPending(app); } },
  ], { runAtStart: ['poll'] });
  return 0;
}
