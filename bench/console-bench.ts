/**
 * The organizers' console under load (issue 15), run by `npm run bench` after the rest and alone by
 * `npm run bench:console`: a database of 10,000 entries (bench/lib/fill-entries.ts), then the worker as deployed
 * (`bin/contest-intake.js run`, compiled, against a private Dovecot with an empty mailbox) started twice:
 *   1. without the console: its resident memory after a poll, settled;
 *   2. with WEB_PORT set (the console in the worker's process): autocannon, 20 connections, 10 s each, against the
 *      作品 list, a search and a work page, logged in; p95 from every response time; then its resident memory, the
 *      moment the load stops and settled;
 *      then 400 different words searched in turn (none of them a view the console keeps), and its memory again.
 * The console's addition is (2) − (1) (VmRSS, and VmHWM the peak). Prints a Markdown table; writes bench/out/console.json.
 *
 * usage: tsx bench/console-bench.ts [--entries N] [--seconds S]
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { loadContest } from '../src/config.ts';
import { Archive } from '../src/store/archive.ts';
import { openDatabase } from '../src/store/db.ts';
import { startDovecot } from '../tests/setup/dovecot.ts';
import { freePort } from '../tests/setup/net-util.ts';
import { httpLogin } from '../tests/console/console-fixture.ts';
import { fillEntries } from './lib/fill-entries.ts';

const root = path.resolve(import.meta.dirname, '..');
const { values } = parseArgs({ options: { entries: { type: 'string', default: '10000' }, seconds: { type: 'string', default: '10' }, 'no-build': { type: 'boolean', default: false } } });
const ENTRIES = Number(values.entries);
const SECONDS = Number(values.seconds);
const say = (line: string) => process.stderr.write(`[console bench] ${line}\n`);

function memoryOf(pid: number): { rssMb: number; hwmMb: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name: string) => Number(new RegExp(`${name}:\\s+(\\d+)`).exec(status)![1]);
  return { rssMb: kb('VmRSS') / 1024, hwmMb: kb('VmHWM') / 1024 };
}

async function untilOutput(child: ChildProcess, pattern: RegExp, timeoutMs: number): Promise<string> {
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${pattern}:\n${out}`)), timeoutMs);
    const on = (d: Buffer) => {
      out += d.toString();
      if (pattern.test(out)) { clearTimeout(timer); resolve(out); }
    };
    child.stdout!.on('data', on);
    child.stderr!.on('data', on);
  });
}

/**
 * The worker settles: sampled for 12 s, lowest kept. Long enough for what gives memory back when work stops: V8's
 * memory reducer (8 s after a young heap grew; it took 6 MB off the worker alone after its first poll) and the
 * quiet compaction (3 s after the last request, src/heap/quiet-compaction.ts). A shorter window read the two
 * processes at different points of that and made the idle addition swing between −4 and +14 MB.
 */
async function settledMemory(pid: number): Promise<{ rssMb: number; hwmMb: number }> {
  let best = { rssMb: Infinity, hwmMb: 0 };
  for (let i = 0; i < 24; i++) {
    await new Promise((r) => setTimeout(r, 500));
    const m = memoryOf(pid);
    best = { rssMb: Math.min(best.rssMb, m.rssMb), hwmMb: m.hwmMb };
  }
  return best;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** One path, or a different one at each request (paths cycled: a search the console cannot have kept). */
async function load(url: string, cookie: string, paths?: string[]): Promise<{ requests: number; non2xx: number; p50: number; p95: number; p99: number; rps: number }> {
  const times: number[] = [];
  let next = 0;
  const requests = paths ? [{ setupRequest: (req: autocannon.Request) => ({ ...req, path: paths[next++ % paths.length]! }) }] : undefined;
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon({ url, connections: 20, duration: SECONDS, headers: { cookie }, ...(requests ? { requests } : {}) }, (err, r) => (err ? reject(err) : resolve(r)));
    instance.on('response', (_client: unknown, _status: number, _bytes: number, ms: number) => { times.push(ms); });
  });
  times.sort((a, b) => a - b);
  return { requests: times.length, non2xx: result.non2xx, p50: percentile(times, 50), p95: percentile(times, 95), p99: percentile(times, 99), rps: result.requests.average };
}

const work = mkdtempSync(path.join(os.tmpdir(), 'console-bench-'));
const dataDir = path.join(work, 'data');
const dovecot = await startDovecot();
const children: ChildProcess[] = [];
try {
  if (!values['no-build']) execFileSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit' });
  const contest = loadContest(path.join(root, 'config'));
  const db = openDatabase(dataDir);
  const t0 = performance.now();
  fillEntries(db, contest, ENTRIES);
  // Every message gets a real archived header block and text, so a work page reads the archive as in service.
  const archive = new Archive(path.join(dataDir, 'archive'));
  const headers = archive.put('From: bench <bench@126.com>\r\nTo: bisaihuodong@126.com\r\nSubject: =?UTF-8?B?5pyA576OaW7muKnlt54=?=\r\n\r\n');
  const text = archive.put('您好，登记表见附件。\n'.repeat(20));
  db.prepare("UPDATE messages SET headers_key = ?, text_key = ?, mailbox = 'bench'").run(headers, text);
  db.prepare('UPDATE attachments SET downloaded = 0, sha256 = NULL').run();
  const entries = (db.prepare('SELECT count(*) AS n FROM entries').get() as { n: number }).n;
  const sample = db.prepare("SELECT id, title FROM entries WHERE status <> 'superseded' ORDER BY id LIMIT 1 OFFSET ?").get(Math.floor(entries / 2)) as { id: number; title: string };
  // Words people would search for: two to four characters from titles, authors and units, every one different.
  const words = [...new Set((db.prepare("SELECT title, authors, unit_text AS unit FROM entries ORDER BY random() LIMIT 2000").all() as { title: string | null; authors: string; unit: string | null }[])
    .flatMap((r, i) => [r.title, (JSON.parse(r.authors) as string[])[0], r.unit].filter((v): v is string => !!v).map((v) => [...v].slice(i % 5, (i % 5) + 2 + (i % 3)).join('')))
    .filter((w) => w.trim().length >= 2))].slice(0, 400);
  db.close();
  say(`database: ${entries} entries in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const pw = path.join(work, 'pw');
  writeFileSync(pw, 'bench-password-1\n');
  const env = {
    PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn', DATA_DIR: dataDir, POLL_CRON: '0 0 1 1 *',
    IMAP_HOST: '127.0.0.1', IMAP_PORT: String(dovecot.port), IMAP_TLS: 'none', IMAP_USER: dovecot.user, IMAP_PASS: dovecot.pass,
  };
  execFileSync(path.join(root, 'bin/contest-intake.js'), ['user', 'add', 'bench', '--role', 'organizer', '--password-file', pw], { env, cwd: root });

  const start = (extra: Record<string, string>) => {
    const child = spawn(path.join(root, 'bin/contest-intake.js'), ['run'], { env: { ...env, ...extra }, cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    return child;
  };
  const stop = async (child: ChildProcess) => {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  };

  // 1. The worker alone.
  const plain = start({ LOG_LEVEL: 'info' });
  await untilOutput(plain, /poll finished/, 120_000);
  const without = await settledMemory(plain.pid!);
  await stop(plain);
  say(`worker without the console: ${without.rssMb.toFixed(1)} MB resident (peak ${without.hwmMb.toFixed(1)})`);

  // 2. The worker with the console, under load.
  const port = await freePort();
  const served = start({ LOG_LEVEL: 'info', WEB_PORT: String(port) });
  await untilOutput(served, /poll finished/, 120_000);
  const base = `http://127.0.0.1:${port}`;
  const idleWith = await settledMemory(served.pid!);
  const { cookie } = await httpLogin(base, 'bench', 'bench-password-1');
  if (!cookie) throw new Error('could not log in to the console');
  const query = encodeURIComponent(sample.title.slice(0, 3));
  // The list keeps a view until the database changes; the last target asks a different word each time (400 words,
  // 16 views kept), so that every answer is computed: what an organizer's first search costs.
  const targets: [string, string, string[]?][] = [['作品 list (page 1 of all works)', '/works'], [`search "${sample.title.slice(0, 3)}"`, `/works?q=${query}`],
    [`work page #${sample.id}`, `/works/${sample.id}`], [`search, ${words.length} different words in turn`, '/works', words.map((w) => `/works?q=${encodeURIComponent(w)}`)]];
  const results: Record<string, unknown>[] = [];
  // Memory is read after the three loads (its target), and again after the extra one.
  // Also read the moment the load stops, before anything is given back: what the console holds while it is busy.
  let withConsole = { rssMb: 0, hwmMb: 0 };
  let busy = { rssMb: 0, hwmMb: 0 };
  for (const [label, p, paths] of targets) {
    if (paths) {
      busy = memoryOf(served.pid!);
      withConsole = await settledMemory(served.pid!);
    }
    const r = await load(`${base}${p}`, cookie, paths);
    if (r.non2xx) throw new Error(`${label}: ${r.non2xx} answers were not 2xx`);
    results.push({ label, path: p, ...r });
    say(`${label}: p50 ${r.p50.toFixed(1)} ms, p95 ${r.p95.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms, ${r.rps.toFixed(0)} req/s (${r.requests} requests)`);
  }
  const afterAll = await settledMemory(served.pid!);
  await stop(served);
  const figures = {
    date: new Date().toISOString().slice(0, 10), entries, connections: 20, seconds: SECONDS, load: os.loadavg()[0] ?? 0,
    latency: results,
    memory: {
      workerWithoutConsoleMb: without.rssMb, workerWithConsoleIdleMb: idleWith.rssMb, workerWithConsoleAfterLoadMb: withConsole.rssMb,
      additionIdleMb: idleWith.rssMb - without.rssMb, additionAfterLoadMb: withConsole.rssMb - without.rssMb,
      workerAtEndOfLoadMb: busy.rssMb, additionAtEndOfLoadMb: busy.rssMb - without.rssMb,
      workerAfterExtraSearchesMb: afterAll.rssMb, additionAfterExtraSearchesMb: afterAll.rssMb - without.rssMb,
      peakWithoutMb: without.hwmMb, peakWithMb: afterAll.hwmMb,
    },
  };
  const md = [
    `Console, ${entries} entries, autocannon ${figures.connections} connections × ${SECONDS} s, logged in (load average ${figures.load.toFixed(1)}):`,
    '', '| page | p50 ms | p95 ms | p99 ms | req/s | target p95 < 100 ms |', '|---|---:|---:|---:|---:|---|',
    ...results.map((r) => `| ${String(r.label)} | ${(r.p50 as number).toFixed(1)} | ${(r.p95 as number).toFixed(1)} | ${(r.p99 as number).toFixed(1)} | ${(r.rps as number).toFixed(0)} | ${(r.p95 as number) < 100 ? 'met' : 'NOT met'} |`),
    '', `Worker resident memory (VmRSS, settled): without the console ${without.rssMb.toFixed(1)} MB; with it ${idleWith.rssMb.toFixed(1)} MB idle `
      + `(+${figures.memory.additionIdleMb.toFixed(1)}), ${busy.rssMb.toFixed(1)} MB the moment the three loads stop (+${figures.memory.additionAtEndOfLoadMb.toFixed(1)}), `
      + `${withConsole.rssMb.toFixed(1)} MB settled after them (+${figures.memory.additionAfterLoadMb.toFixed(1)}; target ≤ +30 MB: `
      + `${figures.memory.additionAfterLoadMb <= 30 ? 'met' : 'NOT met'}), ${afterAll.rssMb.toFixed(1)} MB after the different words too `
      + `(+${figures.memory.additionAfterExtraSearchesMb.toFixed(1)}); peaks ${without.hwmMb.toFixed(1)} / ${afterAll.hwmMb.toFixed(1)} MB.`,
  ].join('\n');
  console.log(md);
  mkdirSync(path.join(root, 'bench', 'out'), { recursive: true });
  writeFileSync(path.join(root, 'bench', 'out', 'console.json'), JSON.stringify(figures, null, 2));
  writeFileSync(path.join(root, 'bench', 'out', 'console.md'), `${md}\n`);
} finally {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  await dovecot.stop();
  rmSync(work, { recursive: true, force: true });
}
