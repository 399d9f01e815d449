import type { App } from '../app.ts';
import type { Logger } from '../logger.ts';
import { pollMailbox, type PollReport } from '../pipeline/poll-mailbox.ts';

/** One poll cycle of the configured IMAP mailbox, as `run` (on its schedule), `poll` and `reconcile` run it. */

export async function pollOnce(app: App, signal?: AbortSignal, mode: 'poll' | 'reconcile' = 'poll'): Promise<PollReport> {
  const started = Date.now();
  const progress = progressReporter(app.log);
  const report = await pollMailbox(() => app.openMailbox(), app.deps, app.clock, {
    batchSize: app.config.pollBatch, maxAttempts: 3, partMaxBytes: app.config.partMaxBytes, signal, onProgress: progress, mode,
  });
  const seconds = (Date.now() - started) / 1000;
  app.log.info({ ...report, failures: report.failures.length, seconds, perSecond: report.fetched ? +(report.fetched / seconds).toFixed(1) : 0 }, 'poll finished');
  return report;
}

export function describePoll(r: PollReport): string {
  return `${r.fetched} new, ${r.known} already known, ${r.failed} failed, ${r.quarantined} quarantined, ${r.unfetchable} unfetchable, `
    + `${r.vanished} vanished${r.reconnects ? `, ${r.reconnects} reconnections` : ''}${r.retried ? `, ${r.retried} retried (${r.recovered} read in full)` : ''}`
    + `${r.uidValidityChanged ? ' (UIDVALIDITY changed: rescanned)' : ''}${r.gaps ? `; ${r.gaps} UIDs below the position are not recorded: run \`contest-intake reconcile\`` : ''}`;
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
