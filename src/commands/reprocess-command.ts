import { parseArgs } from 'node:util';
import type { App } from '../app.ts';
import { AppError } from '../errors.ts';
import { retryMessages } from '../pipeline/poll-mailbox.ts';
import { reprocessAll } from '../pipeline/reprocess.ts';
import { messageIdentity } from '../store/messages-repo.ts';

/**
 * `reprocess [--id N] [--include-quarantined]`: extract and validate again from the archive after a rule or alias
 * change; a quarantined or unfetchable message named by --id is read again from the mailbox.
 */
export async function reprocessCommand(app: App, args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { 'include-quarantined': { type: 'boolean', default: false }, id: { type: 'string', multiple: true } } });
  const onlyIds = values.id?.map((v) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n <= 0) throw new AppError('usage', `--id wants a message id, not "${v}"`);
    return n;
  });
  // A message recorded from its envelope only (quarantined, unfetchable) is read again from the mailbox, alone.
  const fromMailbox = (onlyIds ?? []).filter((id) => ['quarantined', 'unfetchable'].includes(messageIdentity(app.db, id)?.status ?? ''));
  let failed = 0;
  if (fromMailbox.length) {
    if (!app.config.imap) throw new AppError('usage', `messages ${fromMailbox.join(', ')} were never read in full: reading them again needs the mailbox (set IMAP_HOST)`);
    const r = await retryMessages(() => app.openMailbox(), app.deps, app.clock, { batchSize: 1, maxAttempts: 3, partMaxBytes: app.config.partMaxBytes, ids: fromMailbox });
    console.log(`read again from the mailbox: ${r.retried} messages, ${r.recovered} now recorded in full, ${r.unfetchable} still unfetchable`);
    failed += r.retried - r.recovered;
  }
  const rest = onlyIds?.filter((id) => !fromMailbox.includes(id));
  if (onlyIds && rest?.length === 0) return failed ? 1 : 0;
  const r = await reprocessAll(app.deps, app.clock, { includeQuarantined: values['include-quarantined'], ...(rest ? { onlyIds: rest } : {}) });
  console.log(`reprocess: ${r.reprocessed} messages, ${r.changed} changed, ${r.skipped} skipped, ${r.failed.length} failed`);
  for (const f of r.failed) console.log(`  message ${f.id}: ${f.error}`);
  return r.failed.length || failed ? 1 : 0;
}
