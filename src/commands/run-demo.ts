import path from 'node:path';
import type { App } from '../app.ts';
import { messages } from '../i18n/catalogue.ts';
import { importFiles } from '../pipeline/import-files.ts';
import { buildStatus, formatStatus } from '../status/status-report.ts';
import { newestReceivedAt } from '../store/messages-repo.ts';
import { deliverPending } from './deliver-pending.ts';
import { demoDigestDay, digestFor } from './digest-command.ts';

/** `run` and `poll` with no IMAP_HOST: the bundled demo mailbox ingested once, its replies, digest and status. */
export async function runDemo(app: App): Promise<number> {
  const m = messages(app.config.lang);
  const here = (p: string) => path.relative(process.cwd(), p) || p;
  console.log(m.demoIntro(here(app.config.demoMailbox), here(app.config.dataDir)));
  const report = await importFiles(app.config.demoMailbox, app.deps, app.clock, app.limits);
  console.log(m.demoImported(report.imported, report.known, report.failed.length, report.files));
  const sent = await deliverPending(app);
  console.log(app.mailer.mode === 'smtp'
    ? m.delivered(sent.sent.length, sent.retrying.length, sent.failed.length, sent.deferred.length, sent.dropped.length, false)
    : m.demoReplies(sent.sent.length, path.join(path.relative(process.cwd(), app.config.dataDir) || '.', 'outbox')));
  const newest = newestReceivedAt(app.db);
  const digest = await digestFor(app, demoDigestDay(app, newest), false);
  console.log(m.demoDigest(here(digest.htmlFile), path.basename(digest.xlsxFile)));
  console.log(formatStatus(buildStatus(app.db, { mode: 'demo', now: app.clock(), staleAfterMinutes: app.config.staleAfterMinutes }), m, app.config.contest.timezone));
  return report.failed.length ? 1 : 0;
}
