import { parseArgs } from 'node:util';
import type { App } from '../app.ts';
import { AppError } from '../errors.ts';
import { resendOutbox } from '../replies/deliver-outbox.ts';
import { formatOutboxList, outboxListItems } from '../replies/outbox-report.ts';
import { listOutbox, type OutboxStatus } from '../store/outbox-repo.ts';
import { deliverDeps } from './deliver-pending.ts';

/** `replies [--json] [--status S] [--limit N]`: the outbox; `replies --resend ID`: one row sent again by hand. */
export async function repliesCommand(app: App, args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: {
    json: { type: 'boolean', default: false }, resend: { type: 'string' }, status: { type: 'string' }, limit: { type: 'string' },
  } });
  if (values.resend) {
    const id = Number(values.resend);
    if (!Number.isInteger(id) || id <= 0) throw new AppError('usage', `--resend wants an outbox id, not "${values.resend}"`);
    const row = await resendOutbox(deliverDeps(app), id, app.clock);
    console.log(`outbox ${row.id}: ${row.status}${row.sentAt ? ` at ${row.sentAt}` : ''}`);
    return 0;
  }
  const rows = listOutbox(app.db, {
    ...(values.status ? { status: values.status as OutboxStatus } : {}),
    limit: values.limit ? Number(values.limit) : 200,
  });
  console.log(values.json ? JSON.stringify(outboxListItems(rows), null, 2) : formatOutboxList(rows, app.config.contest.timezone));
  return 0;
}
