import path from 'node:path';
import type { App } from '../app.ts';
import { importFiles } from '../pipeline/import-files.ts';
import { buildStatus, formatStatus } from '../status/status-report.ts';
import { newestReceivedAt } from '../store/messages-repo.ts';
import { deliverPending } from './deliver-pending.ts';
import { demoDigestDay, digestFor } from './digest-command.ts';

/** `run` and `poll` with no IMAP_HOST: the bundled demo mailbox ingested once, its replies, digest and status. */
export async function runDemo(app: App): Promise<number> {
  console.log(`No IMAP_HOST is set: ingesting the bundled demo mailbox (${path.relative(process.cwd(), app.config.demoMailbox) || app.config.demoMailbox})`);
  console.log(`into ${path.relative(process.cwd(), app.config.dataDir) || app.config.dataDir}/. Set IMAP_HOST, IMAP_USER and IMAP_PASS to read the real mailbox.`);
  const report = await importFiles(app.config.demoMailbox, app.deps, app.clock, app.limits);
  console.log(`demo: ${report.imported} new, ${report.known} already known, ${report.failed.length} failed, of ${report.files} files.`);
  const sent = await deliverPending(app);
  console.log(`replies: ${sent.sent.length} written to ${path.join(path.relative(process.cwd(), app.config.dataDir) || '.', 'outbox')}/`);
  const newest = newestReceivedAt(app.db);
  const digest = await digestFor(app, demoDigestDay(app, newest), false);
  console.log(`digest: ${path.relative(process.cwd(), digest.htmlFile)} and ${path.basename(digest.xlsxFile)}`);
  console.log(formatStatus(buildStatus(app.db, { mode: 'demo', now: app.clock(), staleAfterMinutes: app.config.staleAfterMinutes })));
  return report.failed.length ? 1 : 0;
}
