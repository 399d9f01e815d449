import { createWriteStream } from 'node:fs';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { App } from '../app.ts';
import { runDigest, type DigestRun } from '../digest/send-digest.ts';
import { isIsoDay, localDay, previousLocalDay } from '../domain/contest-calendar.ts';
import { AppError } from '../errors.ts';
import { readExportData } from '../exports/collect-exports.ts';
import { renderEntriesCsv } from '../exports/csv-export.ts';
import { writeFullJsonExport } from '../exports/json-export.ts';
import { renderXlsx } from '../exports/xlsx-export.ts';
import { deliverOutbox, resendOutbox, type DeliverDeps, type DeliveryReport } from '../replies/deliver-outbox.ts';
import { formatOutboxList, outboxListItems } from '../replies/outbox-report.ts';
import { listOutbox, type OutboxStatus } from '../store/outbox-repo.ts';

export function deliverDeps(app: App): DeliverDeps {
  return { db: app.db, mailer: app.mailer, from: { name: app.config.contest.name, address: app.config.mailFrom }, log: app.log.child({ module: 'outbox' }) };
}

/** Sends (or, with no SMTP, writes as .eml files) what the outbox holds; called after every poll. */
export async function deliverPending(app: App): Promise<DeliveryReport> {
  const report = await deliverOutbox(deliverDeps(app), app.clock);
  if (report.stoppedBy === 'smtp_auth') app.log.error('SMTP login refused: check SMTP_USER and SMTP_PASS (the 授权码); replies wait in the outbox');
  return report;
}

export async function digestFor(app: App, date: string, send: boolean): Promise<DigestRun> {
  return runDigest({ db: app.db, config: app.config, mailer: app.mailer, log: app.log.child({ module: 'digest' }) },
    { date, now: app.clock(), send, clock: app.clock });
}

/** The organizers' morning mail: yesterday in the contest's time zone. */
export async function dailyDigest(app: App): Promise<DigestRun> {
  return digestFor(app, previousLocalDay(app.clock(), app.config.contest.timezone), true);
}

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

export async function digestCommand(app: App, args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { date: { type: 'string' }, send: { type: 'boolean', default: false } } });
  const date = values.date ?? previousLocalDay(app.clock(), app.config.contest.timezone);
  if (!isIsoDay(date)) throw new AppError('usage', `--date wants a day as YYYY-MM-DD, not "${date}"`);
  const run = await digestFor(app, date, values.send);
  console.log(`digest ${run.date}: ${run.htmlFile}, ${run.xlsxFile}${values.send ? `; mail ${run.queued}` : ''}`);
  if (values.send && run.outboxId !== null) await deliverPending(app);
  return 0;
}

export async function exportCommand(app: App, args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { format: { type: 'string', default: 'json' }, out: { type: 'string' } } });
  const format = values.format;
  if (format !== 'json' && format !== 'csv' && format !== 'xlsx') throw new AppError('usage', `export: unknown format "${format}" (json, csv, xlsx)`);
  if (format === 'xlsx' && !values.out) throw new AppError('usage', 'export --format xlsx needs --out FILE');
  const out = values.out ? path.resolve(values.out) : null;
  if (out) await mkdir(path.dirname(out), { recursive: true });
  if (format === 'json') {
    const stream = out ? createWriteStream(out, { mode: 0o600 }) : process.stdout;
    await writeFullJsonExport(app.db, app.config.contest, stream);
    if (out) await new Promise<void>((resolve, reject) => (stream as ReturnType<typeof createWriteStream>).end((err?: Error | null) => (err ? reject(err) : resolve())));
  } else {
    const data = readExportData(app.db, app.config.contest, app.clock());
    const bytes = format === 'xlsx' ? await renderXlsx(data, { awards: app.config.contest.awards }) : renderEntriesCsv(data);
    if (out) {
      await writeFile(out, bytes, { mode: 0o600 });
      await chmod(out, 0o600);
    } else {
      process.stdout.write(bytes);
    }
  }
  if (out) console.error(`wrote ${out}`);
  return 0;
}

/** The demo's digest: for the day of the newest message, so it shows something. */
export function demoDigestDay(app: App, newest: string | null): string {
  return localDay(newest ? new Date(newest) : app.clock(), app.config.contest.timezone);
}
