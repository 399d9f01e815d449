import { parseArgs } from 'node:util';
import type { App } from '../app.ts';
import { buildStatus, formatStatus, statusExitCode } from '../status/status-report.ts';

/** `status [--json]`: last poll, mailbox position, counts; the exit code is the health (see statusExitCode). */
export async function statusCommand(app: App, args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { json: { type: 'boolean', default: false } } });
  const s = buildStatus(app.db, { mode: app.config.imap ? 'imap' : 'demo', now: app.clock(), staleAfterMinutes: app.config.staleAfterMinutes });
  console.log(values.json ? JSON.stringify(s, null, 2) : formatStatus(s));
  return statusExitCode(s.health);
}
