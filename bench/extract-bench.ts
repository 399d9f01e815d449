/**
 * How fast forms are read. Run: npx tsx bench/extract-bench.ts [rounds]
 * Prints forms/s for .docx, .xlsx and PDF (through extractMessage, parse workers included), what each hostile PDF
 * costs (time, and the process's peak RSS over its baseline: the parse worker is a thread of this process), and
 * LibreOffice conversion times, cold (first profile) and warm (profile copied from the first).
 */
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { loadContest } from '../src/config.ts';
import { extractMessage } from '../src/extract/extract-message.ts';
import { convertWithLibreOffice, findSoffice, type ConvertSource, type ConvertTarget } from '../src/extract/legacy-convert.ts';
import { closeParsePool, defaultPoolSize, sharedParsePool } from '../src/extract/worker-pool.ts';
import type { IncomingMessage } from '../src/mailbox/incoming-message.ts';
import * as hostilePdf from '../fixtures/scripts/hostile/pdf-documents.ts';

const root = path.resolve(import.meta.dirname, '..');
const contest = loadContest(path.join(root, 'config'));
const rounds = Number(process.argv[2] ?? 200);
const doc = (name: string) => readFileSync(path.join(root, 'fixtures/documents', name));

function messageWith(name: string, content: Buffer = doc(name)): IncomingMessage {
  return {
    origin: { mailbox: 'INBOX', uidValidity: 1, uid: 1 }, receivedAt: new Date(), size: content.length, rawHeaders: Buffer.alloc(0),
    headers: { messageId: null, subject: '', from: null, replyTo: null, sender: null, to: [], date: null, inReplyTo: null, references: [], raw: new Map(), contentType: 'multipart/mixed' },
    text: null, html: null, contentHash: '',
    attachments: [{ partId: '2', filename: name, contentType: 'application/octet-stream', size: content.length, inline: false, content }],
  };
}

async function formsPerSecond(name: string, inFlight: number): Promise<string> {
  const msg = messageWith(name);
  for (let i = 0; i < 10; i++) await extractMessage(msg, { contest }); // JIT and worker warm-up
  let next = 0;
  let forms = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: inFlight }, async () => {
    while (next++ < rounds) {
      const result = await extractMessage(msg, { contest });
      if (result.forms.length !== 1) throw new Error(`${name}: expected one form, got ${JSON.stringify(result.problems)}`);
      forms++;
    }
  }));
  const seconds = (performance.now() - started) / 1000;
  return `${name.padEnd(26)} in flight ${inFlight}: ${(forms / seconds).toFixed(0).padStart(4)} forms/s (${(1000 * seconds / forms).toFixed(1)} ms each)`;
}

async function libreOffice(name: string, from: ConvertSource, to: ConvertTarget): Promise<string> {
  const bytes = doc(name);
  const times: string[] = [];
  for (let i = 0; i < 4; i++) {
    const r = await convertWithLibreOffice(bytes, from, to);
    if (!r.ok) throw new Error(`${name}: ${r.detail}`);
    times.push(`${r.coldProfile ? 'cold' : 'warm'} ${(r.ms / 1000).toFixed(2)} s`);
  }
  return `${name.padEnd(26)} ${from}→${to}: ${times.join(', ')}`;
}

console.log(`cores ${availableParallelism()}, parse workers ${defaultPoolSize()}, ${rounds} forms per line`);
const warmStart = performance.now();
await sharedParsePool({ size: defaultPoolSize(), heapMb: 256 }).warm();
console.log(`worker start (all workers, tsx loader): ${(performance.now() - warmStart).toFixed(0)} ms`);
for (const name of ['reg-word-4col.docx', 'sum-table.docx', 'reg-form.xlsx', 'sum-merged-header.xlsx', 'reg-word-4col.pdf', 'sum-table.pdf', 'sum-long.pdf']) {
  console.log(await formsPerSecond(name, 1));
  console.log(await formsPerSecond(name, 4));
}

/** One hostile PDF through a fresh 64 MB worker: wall time and the process's RSS peak above what it was before. */
async function hostileCost(label: string, content: Buffer): Promise<string> {
  await closeParsePool();
  await sharedParsePool({ size: defaultPoolSize(), heapMb: 64 }).warm();
  const base = process.memoryUsage.rss();
  let peak = base;
  const sampler = setInterval(() => { peak = Math.max(peak, process.memoryUsage.rss()); }, 10);
  const started = performance.now();
  const result = await extractMessage(messageWith('hostile.pdf', content), { contest });
  const ms = performance.now() - started;
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage.rss());
  const outcome = result.forms.length ? `${result.forms.length} form` : result.problems.map((p) => `${p.code} ${p.detail ?? ''}`).join('; ');
  return `${label.padEnd(26)} ${(content.length / 1024).toFixed(0).padStart(6)} KB: ${ms.toFixed(0).padStart(5)} ms, RSS +${((peak - base) / 1024 / 1024).toFixed(0)} MB (${outcome.slice(0, 90)})`;
}
const FORM = { name: '陈晓东', occupation: '摄影记者', unit: '温州日报社', title: '五马街的清晨', link: 'https://v.douyin.com/iRNBxYkq/', phone: '13857712345', address: '温州市鹿城区五马街88号', intro: '清晨六点的五马街。' };
console.log('hostile PDFs, each in a fresh worker with the service\'s 64 MB heap:');
for (const [label, make] of [
  ['stream bomb 400 MB', () => hostilePdf.streamBombPdf(400)],
  ['nested 100,000 deep', () => hostilePdf.deepNestingPdf(FORM, 100_000)],
  ['20,000 pages', () => hostilePdf.manyPagesPdf(20_000)],
  ['20,000 strokes', () => hostilePdf.manyStrokesPdf(FORM, 20_000)],
  ['100,000 strokes', () => hostilePdf.manyStrokesPdf(FORM, 100_000)],
  ['broken xref', () => hostilePdf.brokenXrefPdf(FORM)],
] as const) console.log(await hostileCost(label, await make()));
await closeParsePool();
if (await findSoffice()) {
  console.log(await libreOffice('reg-legacy.doc', 'doc', 'docx'));
  console.log(await libreOffice('sum-legacy.xls', 'xls', 'xlsx'));
} else {
  console.log('soffice not found: LibreOffice timings skipped');
}
