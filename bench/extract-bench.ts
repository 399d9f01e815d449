/**
 * How fast forms are read. Run: npx tsx bench/extract-bench.ts [rounds]
 * Prints forms/s for .docx and .xlsx (through extractMessage, parse workers included) and LibreOffice
 * conversion times, cold (first profile) and warm (profile copied from the first).
 */
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { loadContest } from '../src/config.ts';
import { extractMessage } from '../src/extract/extract-message.ts';
import { convertWithLibreOffice, findSoffice, type ConvertSource, type ConvertTarget } from '../src/extract/legacy-convert.ts';
import { closeParsePool, defaultPoolSize, sharedParsePool } from '../src/extract/worker-pool.ts';
import type { IncomingMessage } from '../src/mailbox/incoming-message.ts';

const root = path.resolve(import.meta.dirname, '..');
const contest = loadContest(path.join(root, 'config'));
const rounds = Number(process.argv[2] ?? 200);
const doc = (name: string) => readFileSync(path.join(root, 'fixtures/documents', name));

function messageWith(name: string): IncomingMessage {
  const content = doc(name);
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
for (const name of ['reg-word-4col.docx', 'sum-table.docx', 'reg-form.xlsx', 'sum-merged-header.xlsx']) {
  console.log(await formsPerSecond(name, 1));
  console.log(await formsPerSecond(name, 4));
}
await closeParsePool();
if (await findSoffice()) {
  console.log(await libreOffice('reg-legacy.doc', 'doc', 'docx'));
  console.log(await libreOffice('sum-legacy.xls', 'xls', 'xlsx'));
} else {
  console.log('soffice not found: LibreOffice timings skipped');
}
