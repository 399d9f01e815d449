import { parseArgs } from 'node:util';
import type { App } from '../app.ts';
import { runDigest, type DigestRun } from '../digest/send-digest.ts';
import { isIsoDay, localDay, previousLocalDay } from '../domain/contest-calendar.ts';
import { AppError } from '../errors.ts';
import { deliverPending } from './deliver-pending.ts';

/** `digest [--date D] [--send]`: a day's digest made again (DATA_DIR/digests/), and mailed with --send. */

export async function digestFor(app: App, date: string, send: boolean): Promise<DigestRun> {
  return runDigest({ db: app.db, config: app.config, mailer: app.mailer, log: app.log.child({ module: 'digest' }) },
    { date, now: app.clock(), send, clock: app.clock });
}

/** The organizers' morning mail: yesterday in the contest's time zone. */
export async function dailyDigest(app: App): Promise<DigestRun> {
  return digestFor(app, previousLocalDay(app.clock(), app.config.contest.timezone), true);
}

/** The demo's digest: for the day of the newest message, so it shows something. */
export function demoDigestDay(app: App, newest: string | null): string {
  return localDay(newest ? new Date(newest) : app.clock(), app.config.contest.timezone);
}

export async function digestCommand(app: App, args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { date: { type: 'string' }, send: { type: 'boolean', default: false } } });
  const date = values.date ?? previousLocalDay(app.clock(), app.config.contest.timezone);
  if (!isIsoDay(date)) throw new AppError('usage', `--date wants a day as YYYY-MM-DD, not "${date}"`);
  const run = await digestFor(app, date, values.send);
  console.log(`digest ${run.date}: ${run.htmlFile}, ${run.xlsxFile}${values.send ? `; mail ${run.queued}` : ''}`);
  if (values.send && run.outboxId !== null) await deliverPending(app);
  return 0;
}
