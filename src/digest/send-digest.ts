import { renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Clock } from '../clock.ts';
import type { AppConfig } from '../config.ts';
import { isIsoDay, localDay } from '../domain/contest-calendar.ts';
import { readExportData } from '../exports/collect-exports.ts';
import { renderXlsx } from '../exports/xlsx-export.ts';
import type { Logger } from '../logger.ts';
import { deliverOutbox, type DeliveryReport } from '../replies/deliver-outbox.ts';
import { ensurePrivateDir, type Db } from '../store/db.ts';
import { getOutbox, insertOutbox, outboxByDedupeKey } from '../store/outbox-repo.ts';
import { composeMail, type Mailer } from '../transport/mailer.ts';
import { generateMessageId } from '../transport/message-id.ts';
import { readDigestData } from './collect-digest.ts';
import type { DigestData } from './digest-data.ts';
import { renderDigest, type RenderedDigest } from './render-digest.ts';

/**
 * The daily digest of one local day: read → render → DATA_DIR/digests/<day>.html (+ .xlsx) → outbox (key
 * digest:<day>, so a restart on the same morning sends it once) → deliver. `digest --date D` makes any day's
 * digest again; with --send it is queued once per day, ever (a second copy: replies --resend ID).
 */

export const XLSX_CONTENT_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export interface DigestDeps {
  db: Db;
  config: Pick<AppConfig, 'contest' | 'dataDir' | 'mailFrom' | 'digestTo'>;
  mailer: Mailer;
  log: Logger;
}

export interface DigestRun {
  date: string;
  subject: string;
  htmlFile: string;
  xlsxFile: string;
  /** What happened to the mail: queued now, queued before (same day), nobody to send to, or not asked to send. */
  queued: 'new' | 'existing' | 'no_recipients' | 'not_requested';
  outboxId: number | null;
  delivery: DeliveryReport | null;
}

export interface BuiltDigest {
  data: DigestData;
  rendered: RenderedDigest;
  xlsx: Buffer;
}

export async function buildDigest(db: Db, config: DigestDeps['config'], date: string, now: Date): Promise<BuiltDigest> {
  if (!isIsoDay(date)) throw new Error(`not a YYYY-MM-DD date: ${date}`);
  const data = readDigestData(db, config.contest, date);
  const rendered = renderDigest(data, now);
  // The attachment travels by mail like the digest: phone numbers masked there too.
  const xlsx = await renderXlsx(readExportData(db, config.contest, now), { maskPhones: true, awards: config.contest.awards });
  return { data, rendered, xlsx };
}

function writePrivate(file: string, content: string | Buffer): void {
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, content, { mode: 0o600 });
  renameSync(tmp, file);
}

export async function runDigest(deps: DigestDeps, opts: { date: string; now: Date; send: boolean; clock?: Clock }): Promise<DigestRun> {
  const { db, config } = deps;
  const built = await buildDigest(db, config, opts.date, opts.now);
  const dir = path.join(config.dataDir, 'digests');
  ensurePrivateDir(dir);
  const htmlFile = path.join(dir, `${opts.date}.html`);
  const xlsxFile = path.join(dir, `${opts.date}.xlsx`);
  writePrivate(htmlFile, built.rendered.html);
  writePrivate(xlsxFile, built.xlsx);
  const run: DigestRun = { date: opts.date, subject: built.rendered.subject, htmlFile, xlsxFile, queued: 'not_requested', outboxId: null, delivery: null };
  if (!opts.send) return run;
  if (!config.digestTo.length) {
    deps.log.warn('no DIGEST_TO (or organizers in contest.json): the digest is written, not sent');
    return { ...run, queued: 'no_recipients' };
  }

  const key = `digest:${opts.date}`;
  let id = outboxByDedupeKey(db, key)?.id ?? null;
  run.queued = 'existing';
  if (id === null) {
    const messageId = generateMessageId(config.mailFrom, opts.now);
    const raw = await composeMail({
      from: { name: config.contest.name, address: config.mailFrom },
      to: config.digestTo,
      subject: built.rendered.subject,
      messageId,
      date: opts.now,
      // Not a reply to anyone: organizers' out-of-office robots should not answer it either.
      headers: { 'Auto-Submitted': 'auto-generated', 'X-Auto-Response-Suppress': 'All' },
      text: built.rendered.text,
      html: built.rendered.html,
      attachments: [{ filename: `最美in温州-作品汇总-${opts.date}.xlsx`, contentType: XLSX_CONTENT_TYPE, content: built.xlsx }],
      boundary: `contest-intake-digest-${opts.date}`,
    });
    id = insertOutbox(db, {
      kind: 'digest', messageId: null, recipients: config.digestTo, recipient: null, dedupeKey: key, intentKey: key, fingerprint: null,
      day: localDay(opts.now, config.contest.timezone), mailMessageId: messageId, mailDate: opts.now, subject: built.rendered.subject,
      payload: null, raw, status: 'pending', reason: 'digest',
    }, opts.now);
    if (id !== null) run.queued = 'new';
    else id = outboxByDedupeKey(db, key)!.id;
  }
  run.outboxId = id;
  if (getOutbox(db, id)!.status === 'pending') {
    const clock = opts.clock ?? (() => new Date());
    run.delivery = await deliverOutbox({
      db, mailer: deps.mailer, from: { name: config.contest.name, address: config.mailFrom }, log: deps.log,
    }, clock, { ids: [id] });
  }
  return run;
}
