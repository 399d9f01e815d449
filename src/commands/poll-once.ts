import type { App } from '../app.ts';
import { AppError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { openImapSession } from '../mailbox/imap-source.ts';
import { pollMailbox, type PollReport } from '../pipeline/poll-mailbox.ts';

/** One poll cycle of the configured IMAP mailbox, as `run` (on its schedule) and `poll` run it. */

function sessionOpener(app: App) {
  const imap = app.config.imap;
  if (!imap) throw new AppError('usage', 'IMAP is not configured (set IMAP_HOST, IMAP_USER, IMAP_PASS)');
  return () => openImapSession(imap, app.log.child({ module: 'imap' }), {
    limits: app.limits, version: app.version, supportEmail: app.config.contest.mailbox,
  });
}

export async function pollOnce(app: App, signal?: AbortSignal): Promise<PollReport> {
  const started = Date.now();
  const progress = progressReporter(app.log);
  const report = await pollMailbox(sessionOpener(app), app.deps, app.clock, {
    batchSize: app.config.pollBatch, maxAttempts: 3, signal, onProgress: progress,
  });
  const seconds = (Date.now() - started) / 1000;
  app.log.info({ ...report, seconds, perSecond: report.fetched ? +(report.fetched / seconds).toFixed(1) : 0 }, 'poll finished');
  return report;
}

function progressReporter(log: Logger): (done: number, total: number) => void {
  let last = 0;
  const started = Date.now();
  return (done, total) => {
    const now = Date.now();
    if (total < 20 || (now - last < 5_000 && done !== total)) return;
    last = now;
    const rate = done / Math.max(0.001, (now - started) / 1000);
    const left = rate > 0 ? Math.round((total - done) / rate) : null;
    if (process.stderr.isTTY) {
      const width = 30;
      const filled = Math.round((done / total) * width);
      process.stderr.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} ${rate.toFixed(1)}/s ${left ?? '?'}s left  ${done === total ? '\n' : ''}`);
    } else {
      log.info({ done, total, perSecond: +rate.toFixed(1), secondsLeft: left }, 'poll progress');
    }
  };
}
