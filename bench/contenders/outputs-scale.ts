/**
 * Export and digest against the number of entries: a fresh database per size, filled through the service's own
 * functions (insertMessage + recordEntries, with drafts from validateForms, so duplicates are resolved as in
 * service), then timed: `export --format json` (writeFullJsonExport), the .xlsx export (renderXlsx of
 * readExportData) and the daily digest (buildDigest: read, render, workbook). Each is the best of two runs.
 *
 * usage: outputs-scale.ts <entries> [<entries> ...]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { loadContest } from '../../src/config.ts';
import type { ExtractedForm } from '../../src/extract/form-types.ts';
import { renderXlsx } from '../../src/exports/xlsx-export.ts';
import { writeFullJsonExport } from '../../src/exports/json-export.ts';
import { buildDigest } from '../../src/digest/send-digest.ts';
import { openDatabase, type Db } from '../../src/store/db.ts';
import { readExportData } from '../../src/exports/collect-exports.ts';
import { recordEntries } from '../../src/entries/record-entries.ts';
import { insertMessage } from '../../src/store/messages-repo.ts';
import { validateForms } from '../../src/validate/validate-entry.ts';
import { report } from '../lib/contender-io.ts';
import { personForm } from '../lib/people.ts';

const contest = loadContest(path.resolve('config'));
const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
const DAY = 86_400_000;
const FIRST = Date.parse('2024-05-06T02:00:00Z');
const SPAN_DAYS = 120;
const ROWS = 10;

/** `entries` entries: 70% one registration per mail, 30% in unit summaries of ten rows; one in twenty lacks a phone. */
function fill(db: Db, entries: number): { messages: number } {
  const summaryEntries = Math.round(entries * 0.3 / ROWS) * ROWS;
  const singles = entries - summaryEntries;
  const mails = singles + summaryEntries / ROWS;
  const units = contest.units;
  let made = 0;
  const insert = db.transaction((from: number, to: number) => {
    for (let m = from; m < to; m++) {
      const receivedAt = new Date(FIRST + Math.floor((m / mails) * SPAN_DAYS * DAY));
      const isSummary = m % Math.max(1, Math.round(mails / Math.max(1, summaryEntries / ROWS))) === 0 && made < summaryEntries / ROWS;
      const unit = units[m % units.length]!;
      let forms: ExtractedForm[];
      if (isSummary) {
        made++;
        forms = [{
          kind: 'summary', unit: unit.name, contact: '联系人', contactPhone: '0577-88000000', source: { filename: 'summary.xlsx', partId: '2', format: 'xlsx' },
          rows: Array.from({ length: ROWS }, (_, k) => {
            const p = personForm(2_000_000 + m * ROWS + k);
            return { row: k + 4, fields: { title: p.title, name: p.name, unit: `${p.occupation}/${unit.name}`, link: p.link, phone: p.phone } };
          }),
        }];
      } else {
        const p = personForm(3_000_000 + m);
        forms = [{
          kind: 'registration', source: { filename: 'form.docx', partId: '2', format: 'docx' },
          fields: { name: p.name, occupation: p.occupation, unit: p.unit, title: p.title, link: p.link, ...(m % 20 === 7 ? {} : { phone: p.phone }), address: p.address, intro: p.intro },
        }];
      }
      const kind = isSummary ? 'unit_summary' : 'individual';
      const drafts = validateForms(forms, { contest, subject: null, receivedAt, kind });
      const problems = drafts.flatMap((d) => d.problems);
      const id = insertMessage(db, {
        contentHash: `bench-${m}`, messageId: `<bench-${m}@example.test>`, mailbox: 'INBOX', uidValidity: 1, uid: m + 1, sourceFile: null,
        fromAddress: `bench${m}@126.com`, fromName: null, replyTo: null, subject: `最美in温州+作品${m}+作者`, receivedAt, size: 10_000,
        kind, kindReason: 'bench', status: problems.length ? 'problems' : 'ok', problems, error: null, headersKey: 'h', textKey: null, htmlKey: null,
        attachments: [{ part: '2', filename: isSummary ? 'summary.xlsx' : 'form.docx', contentType: 'application/octet-stream', size: 5000, inline: false, downloaded: true, skipped: null, sha256: 'x', forwardedFrom: null }],
      }, receivedAt);
      recordEntries(db, { messageId: id, sender: `bench${m}@126.com`, receivedAt, kind, unitName: isSummary ? unit.name : null, drafts }, receivedAt);
    }
  });
  for (let m = 0; m < mails; m += 500) insert.immediate(m, Math.min(mails, m + 500));
  return { messages: mails };
}

async function best<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  let ms = Infinity;
  let value!: T;
  for (let i = 0; i < 2; i++) {
    const t0 = performance.now();
    value = await fn();
    ms = Math.min(ms, performance.now() - t0);
  }
  return { ms, value };
}

const results: Record<string, unknown>[] = [];
for (const entries of sizes) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-outputs-'));
  try {
    const db = openDatabase(dir);
    const t0 = performance.now();
    const { messages } = fill(db, entries);
    const fillMs = performance.now() - t0;
    const stored = (db.prepare('SELECT count(*) AS n FROM entries').get() as { n: number }).n;
    const now = new Date(FIRST + SPAN_DAYS * DAY);
    const date = new Date(now.getTime() - DAY + 8 * 3600_000).toISOString().slice(0, 10);
    const json = await best(async () => {
      let bytes = 0;
      const sink = new Writable({ write(chunk: Buffer, _enc, cb) { bytes += chunk.length; cb(); } });
      await writeFullJsonExport(db, contest, sink);
      return bytes;
    });
    const xlsx = await best(async () => (await renderXlsx(readExportData(db, contest, now))).length);
    const digest = await best(async () => (await buildDigest(db, { contest, dataDir: dir, mailFrom: contest.mailbox, digestTo: [] }, date, now)).rendered.html.length);
    db.close();
    results.push({ entries: stored, messages, fillMs, jsonMs: json.ms, jsonBytes: json.value, xlsxMs: xlsx.ms, xlsxBytes: xlsx.value, digestMs: digest.ms, digestHtmlChars: digest.value });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
report({ sizes: results });
