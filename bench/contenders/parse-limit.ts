/**
 * Contender 2, the parse limit: mammoth and exceljs reading the very form documents of the mailbox (extracted to a
 * folder when the mailbox was built) straight from memory, nothing else. The pipeline keeps every core busy (its
 * main thread and its parse workers), so this parses on every core too (at most four threads), each thread kept
 * busy with two documents queued.
 *
 * usage: parse-limit.ts <forms folder>
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { report } from '../lib/contender-io.ts';

const require = createRequire(import.meta.url);
const started = performance.now();
const dir = process.argv[2];
if (!dir) throw new Error('usage: parse-limit.ts <forms folder>');
const docs = readdirSync(dir).filter((f) => /\.(docx|xlsx)$/.test(f)).sort()
  .map((f) => ({ ext: f.endsWith('.docx') ? 'docx' : 'xlsx', bytes: readFileSync(path.join(dir, f)) }));

// Plain JavaScript, so the threads start without a TypeScript loader: only the two parsers are loaded.
const WORKER = `
const { parentPort } = require('node:worker_threads');
const mammoth = require(${JSON.stringify(require.resolve('mammoth'))});
const ExcelJS = require(${JSON.stringify(require.resolve('exceljs'))});
const noImages = mammoth.images.imgElement(async () => ({ src: '' }));
parentPort.on('message', async ({ id, ext, bytes }) => {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let chars = 0;
  try {
    if (ext === 'docx') {
      chars = (await mammoth.convertToHtml({ buffer }, { convertImage: noImages, externalFileAccess: false })).value.length;
    } else {
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(buffer);
      wb.eachSheet((s) => s.eachRow((r) => r.eachCell((c) => { chars += String(c.text ?? '').length; })));
    }
  } catch {
    chars = -1;
  }
  parentPort.postMessage({ id, chars });
});`;

const threads = Math.max(1, Math.min(4, availableParallelism()));
let next = 0;
let done = 0;
let chars = 0;
let failed = 0;
await new Promise<void>((resolve, reject) => {
  if (docs.length === 0) return resolve();
  const workers: Worker[] = [];
  const feed = (w: Worker) => {
    if (next >= docs.length) return;
    const d = docs[next]!;
    w.postMessage({ id: next++, ext: d.ext, bytes: d.bytes });
  };
  for (let t = 0; t < threads; t++) {
    const w = new Worker(WORKER, { eval: true });
    workers.push(w);
    w.on('error', reject);
    w.on('message', (m: { chars: number }) => {
      if (m.chars < 0) failed++;
      else chars += m.chars;
      if (++done === docs.length) {
        for (const x of workers) void x.terminate();
        resolve();
      } else {
        feed(w);
      }
    });
    feed(w);
    feed(w);
  }
});
report({ documents: docs.length, docx: docs.filter((d) => d.ext === 'docx').length, xlsx: docs.filter((d) => d.ext === 'xlsx').length, threads, chars, failed, workMs: performance.now() - started });
