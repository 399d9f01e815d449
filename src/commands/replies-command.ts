import { parseArgs } from 'node:util';
import type { App } from '../app.ts';
import { localStamp } from '../domain/contest-calendar.ts';
import { label } from '../domain/state-labels.ts';
import { AppError } from '../errors.ts';
import { messages } from '../i18n/catalogue.ts';
import { resendOutbox } from '../replies/deliver-outbox.ts';
import { formatOutboxList, outboxListItems } from '../replies/outbox-report.ts';
import { getOutbox, listOutbox, type OutboxStatus } from '../store/outbox-repo.ts';
import { deliverDeps } from './deliver-pending.ts';

/** `replies [--json] [--status S] [--limit N]`: the outbox; `replies --resend ID`: one row sent again by hand. */
export async function repliesCommand(app: App, args: string[]): Promise<number> {
  const m = messages(app.config.lang);
  const { values } = parseArgs({ args, options: {
    json: { type: 'boolean', default: false }, resend: { type: 'string' }, status: { type: 'string' }, limit: { type: 'string' },
  } });
  if (values.resend) {
    const id = Number(values.resend);
    if (!Number.isInteger(id) || id <= 0) throw new AppError('usage', m.resendWantsId(values.resend));
    if (!getOutbox(app.db, id)) throw new AppError('usage', m.noOutboxRow(id));
    const row = await resendOutbox(deliverDeps(app), id, app.clock);
    const toFile = app.mailer.mode !== 'smtp';
    const state = toFile && row.status === 'sent' ? m.writtenToFile : label(m.replyStates, row.status);
    console.log(m.resent(row.id, state, row.sentAt ? localStamp(row.sentAt, app.config.contest.timezone) : ''));
    return 0;
  }
  const rows = listOutbox(app.db, {
    ...(values.status ? { status: values.status as OutboxStatus } : {}),
    limit: values.limit ? Number(values.limit) : 200,
  });
  console.log(values.json ? JSON.stringify(outboxListItems(rows), null, 2) : formatOutboxList(rows, app.config.contest.timezone, m));
  return 0;
}
