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
import { renderXlsx } from '../../src/exports/xlsx-export.ts';
import { writeFullJsonExport } from '../../src/exports/json-export.ts';
import { buildDigest } from '../../src/digest/send-digest.ts';
import { openDatabase } from '../../src/store/db.ts';
import { readExportData } from '../../src/exports/collect-exports.ts';
import { report } from '../lib/contender-io.ts';
import { fillEntries } from '../lib/fill-entries.ts';

const contest = loadContest(path.resolve('config'));
const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
const DAY = 86_400_000;
const FIRST = Date.parse('2024-05-06T02:00:00Z');
const SPAN_DAYS = 120;

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
    const { messages } = fillEntries(db, contest, entries);
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
