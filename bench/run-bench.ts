/**
 * `npm run bench`: ingestion of a synthetic contest mailbox, side by side with its physical limits and a naive
 * peer, each contender in a process of its own behind a byte-counting proxy, Dovecot's cache cold and warm;
 * then the idle poll and the export/digest scaling. Prints a Markdown table and writes bench/out/latest.md and
 * bench/out/latest.json. See bench/README.md for what each figure means.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { loadContest } from '../src/config.ts';
import { defaultPoolSize } from '../src/extract/worker-pool.ts';
import { startDovecot, type DovecotHandle } from '../tests/setup/dovecot.ts';
import { startProxy, type TcpProxy } from '../tests/setup/tcp-proxy.ts';
import { buildMailbox } from './lib/build-mailbox.ts';
import { runMeasured, type Measured } from './lib/child-run.ts';
import { DocxVariants } from './lib/docx-variants.ts';
import { AppendConnection } from './lib/imap-append.ts';
import { estimateMailboxBytes, planMailbox, type PlannedMail } from './lib/mailbox-plan.ts';
import { parseOptions } from './lib/options.ts';
import { figuresOf, renderMarkdown, type BenchFindings, type CacheState, type Contender, type IdleFigures, type OutputFigures, type RunFigures } from './lib/report.ts';

const root = path.resolve(import.meta.dirname, '..');
const outDir = path.join(root, 'bench', 'out');
const opts = parseOptions(process.argv.slice(2));
const began = performance.now();
const say = (line: string) => process.stderr.write(`[bench ${((performance.now() - began) / 1000).toFixed(0).padStart(4)} s] ${line}\n`);

const plan = planMailbox({ messages: opts.messages, videoShare: opts.videoShare, videoMinMb: opts.videoMinMb, videoMaxMb: opts.videoMaxMb });
// "Giant": one registration with a single huge video, and one without; indexes after the mailbox's own.
const giantPlan: PlannedMail[] = opts.giantMb ? [
  { index: plan.length, kind: 'video', date: new Date('2024-09-21T02:00:00Z'), videoBytes: opts.giantMb * 1024 * 1024, rows: 0 },
  { index: plan.length + 1, kind: 'registration', date: new Date('2024-09-21T03:00:00Z'), videoBytes: 0, rows: 0 },
] : [];
const need = estimateMailboxBytes([...plan, ...giantPlan]);
const fs = statfsSync(os.tmpdir());
const free = fs.bavail * fs.bsize;
say(`mailbox of ${plan.length} messages needs about ${(need / 1e9).toFixed(1)} GB in ${os.tmpdir()} (${(free / 1e9).toFixed(1)} GB free)`);
if (need > free * 0.8) {
  console.error(`not enough disk: the mailbox needs ~${(need / 1e9).toFixed(1)} GB and ${os.tmpdir()} has ${(free / 1e9).toFixed(1)} GB free.
Use fewer or smaller videos (--video-share, --video-mb) or fewer messages (--messages).`);
  process.exit(2);
}

const work = mkdtempSync(path.join(os.tmpdir(), 'contest-bench-'));
const logDir = path.join(outDir, 'logs');
rmSync(logDir, { recursive: true, force: true });
mkdirSync(logDir, { recursive: true });
let dovecot: DovecotHandle | null = null;
let proxy: TcpProxy | null = null;
const cleanup = async () => {
  await proxy?.stop().catch(() => undefined);
  await dovecot?.stop().catch(() => undefined);
  rmSync(work, { recursive: true, force: true });
};
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.once(sig, () => { void cleanup().finally(() => process.exit(130)); });
}

try {
  // The service is measured as it is deployed: compiled (npm run build), executed through its bin.
  say('npm run build');
  execFileSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit' });
  dovecot = await startDovecot();
  const contest = loadContest(path.join(root, 'config'));
  const variants = await DocxVariants.load(path.join(root, 'fixtures', 'documents'));
  const formsDir = path.join(work, 'forms');
  let lastSaid = 0;
  const built = await buildMailbox(
    { host: dovecot.host, port: dovecot.port, user: dovecot.user, pass: dovecot.pass }, 'INBOX', plan,
    { variants, units: contest.units.map((u) => ({ name: u.name, category: u.category })), spoolDir: path.join(work, 'spool') }, formsDir,
    (done, bytes) => {
      if (performance.now() - lastSaid < 10_000 && done !== plan.length) return;
      lastSaid = performance.now();
      say(`APPEND ${done}/${plan.length} messages, ${(bytes / 1e9).toFixed(2)} GB`);
    },
  );
  const small = Math.max(1, Math.round(plan.length / 10));
  const target = { host: dovecot.host, port: dovecot.port, user: dovecot.user, pass: dovecot.pass };
  const admin = await AppendConnection.open(target);
  await admin.copyAll('INBOX', 'Small', `1:${built.messages[small - 1]!.uid}`);
  if (giantPlan.length) await admin.create('Giant');
  await admin.close();
  if (giantPlan.length) {
    await buildMailbox(target, 'Giant', giantPlan, { variants, units: [], spoolDir: path.join(work, 'spool') }, path.join(work, 'giant-forms'));
  }
  const videos = built.messages.filter((m) => m.kind === 'video');
  say(`mailbox built in ${built.seconds.toFixed(0)} s: ${(built.bytes / 1e9).toFixed(2)} GB, ${videos.length} videos; "Small" holds the first ${small}`);

  proxy = await startProxy({ targetHost: dovecot.host, targetPort: dovecot.port });
  const imapEnv = (mailbox: string) => ({
    IMAP_HOST: proxy!.host, IMAP_PORT: String(proxy!.port), IMAP_TLS: 'none', IMAP_USER: dovecot!.user, IMAP_PASS: dovecot!.pass, IMAP_MAILBOX: mailbox,
  });
  const baseEnv = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LANG: process.env.LANG ?? 'C.UTF-8', TMPDIR: os.tmpdir() };

  const runs: RunFigures[] = [];
  const dataDirs: Record<CacheState, string> = { cold: path.join(work, 'data-cold'), warm: path.join(work, 'data-warm') };
  const contenders: { id: Contender; run: (cache: CacheState) => Promise<Measured> }[] = [
    { id: 'fetch', run: (cache) => runMeasured({ label: `fetch-${cache}`, args: ['bench/contenders/fetch-limit.ts'], tsx: true, env: { ...baseEnv, ...imapEnv('INBOX') }, cwd: root, logDir }) },
    { id: 'parse', run: (cache) => runMeasured({ label: `parse-${cache}`, args: ['bench/contenders/parse-limit.ts', formsDir], tsx: true, env: baseEnv, cwd: root, logDir }) },
    { id: 'naive', run: (cache) => runMeasured({ label: `naive-${cache}`, args: ['bench/contenders/naive-peer.ts'], tsx: true, env: { ...baseEnv, ...imapEnv('INBOX') }, cwd: root, logDir }) },
    {
      id: 'intake', run: async (cache) => {
        rmSync(dataDirs[cache], { recursive: true, force: true });
        const m = await runMeasured({
          label: `intake-${cache}`, args: ['bin/contest-intake.js', 'poll', '--once'], tsx: false, cwd: root, logDir,
          env: { ...baseEnv, ...imapEnv('INBOX'), DATA_DIR: dataDirs[cache], LOG_LEVEL: 'info' },
        });
        // The service reports itself in its log: the poll's own duration, without process start and replies.
        const finished = readFileSync(m.logFile, 'utf8').split('\n').find((l) => l.includes('"poll finished"'));
        const report = finished ? JSON.parse(finished) as { seconds: number; fetched: number; failed: number; time: number } : null;
        return {
          ...m,
          result: report ? {
            pollMs: report.seconds * 1000, pollEndAtMs: report.time - m.startEpochMs, rssPeakAtMs: m.rssPeakAtMs,
            fetched: report.fetched, failed: report.failed,
          } : null,
        };
      },
    },
  ];
  for (const c of contenders.filter((x) => opts.only.has(x.id))) {
    for (const cache of ['cold', 'warm'] as const) {
      // Cold: Dovecot's cache file is gone, as for fresh mail; warm: the same run again, on the cache the cold run left.
      if (cache === 'cold') await dovecot.wipeCache();
      proxy.resetStats();
      const m = await c.run(cache);
      const figures = figuresOf(m, c.id, cache, proxy.stats.serverToClient, plan.length);
      runs.push(figures);
      say(`${c.id} ${cache}: ${(m.wallMs / 1000).toFixed(2)} s, ${(figures.serverBytes / 1e6).toFixed(1)} MB from the server, peak RSS ${m.peakRssMb.toFixed(0)} MB, CPU ${(m.cpuMs / 1000).toFixed(1)} s`);
    }
  }

  let intakeCheck: Record<string, unknown> | null = null;
  const idle: IdleFigures[] = [];
  if (opts.only.has('intake')) {
    const db = new Database(path.join(dataDirs.warm, 'contest-intake.db'), { readonly: true });
    const byKind = Object.fromEntries((db.prepare('SELECT kind, count(*) AS n FROM messages GROUP BY kind').all() as { kind: string; n: number }[]).map((r) => [r.kind, r.n]));
    const count = (sql: string) => (db.prepare(sql).get() as { n: number }).n;
    intakeCheck = {
      recorded: `${count('SELECT count(*) AS n FROM messages')} of ${plan.length}`,
      kinds: byKind,
      entries: count("SELECT count(*) AS n FROM entries WHERE status <> 'superseded'"),
      'videos downloaded': count("SELECT count(*) AS n FROM attachments WHERE content_type LIKE 'video/%' AND downloaded = 1"),
      'videos described': count("SELECT count(*) AS n FROM attachments WHERE content_type LIKE 'video/%'"),
    };
    db.close();
    say(`contest-intake recorded: ${JSON.stringify(intakeCheck)}`);

    // The service's own floor: a poll with nothing new, as a process (no parse worker is ever started).
    const idleProcess = await runMeasured({ label: 'intake-idle', args: ['bin/contest-intake.js', 'poll', '--once'], tsx: false, cwd: root, logDir, env: { ...baseEnv, ...imapEnv('INBOX'), DATA_DIR: dataDirs.warm, LOG_LEVEL: 'warn' } });
    intakeCheck['idle poll process: peak RSS MB'] = Math.round(idleProcess.peakRssMb);
    intakeCheck['idle poll process: wall s'] = +(idleProcess.wallMs / 1000).toFixed(2);
    const smallData = path.join(work, 'data-small');
    const smallRun = await runMeasured({ label: 'intake-small', args: ['bin/contest-intake.js', 'poll', '--once'], tsx: false, cwd: root, logDir, env: { ...baseEnv, ...imapEnv('Small'), DATA_DIR: smallData, LOG_LEVEL: 'warn' } });
    intakeCheck[`"Small" (${small} messages) ingestion: peak RSS MB`] = Math.round(smallRun.peakRssMb);
    if (giantPlan.length) {
      proxy.resetStats();
      const giant = await runMeasured({ label: 'intake-giant', args: ['bin/contest-intake.js', 'poll', '--once'], tsx: false, cwd: root, logDir, env: { ...baseEnv, ...imapEnv('Giant'), DATA_DIR: path.join(work, 'data-giant'), LOG_LEVEL: 'warn' } });
      intakeCheck[`"Giant" (one ${opts.giantMb} MB video + one form) ingestion: peak RSS MB`] = Math.round(giant.peakRssMb);
      intakeCheck['"Giant": KB from the server'] = Math.round(proxy.stats.serverToClient / 1024);
    }
    const m = await runMeasured({
      label: 'idle-poll', args: ['bench/contenders/idle-poll.ts', String(opts.idleRounds), `Small=${smallData}`, `INBOX=${dataDirs.warm}`], tsx: true,
      env: { ...baseEnv, ...imapEnv('INBOX') }, cwd: root, logDir,
    });
    for (const t of (m.result?.targets ?? []) as (IdleFigures & { listed: number })[]) {
      if (t.listed !== 0) throw new Error(`the idle poll of ${t.mailbox} found ${t.listed} new messages`);
      idle.push({ mailbox: t.mailbox, exists: t.exists, bareMs: t.bareMs, pollMs: t.pollMs });
      say(`idle ${t.mailbox} (${t.exists} messages): bare ${t.bareMs.toFixed(1)} ms, poll ${t.pollMs.toFixed(1)} ms`);
    }
  }

  const outputs: OutputFigures[] = [];
  if (opts.entrySizes.length) {
    const m = await runMeasured({ label: 'outputs-scale', args: ['bench/contenders/outputs-scale.ts', ...opts.entrySizes.map(String)], tsx: true, env: baseEnv, cwd: root, logDir });
    for (const o of (m.result?.sizes ?? []) as OutputFigures[]) {
      outputs.push(o);
      say(`outputs ${o.entries} entries: json ${o.jsonMs.toFixed(0)} ms, xlsx ${o.xlsxMs.toFixed(0)} ms, digest ${o.digestMs.toFixed(0)} ms`);
    }
  }

  // The organizers' console: latency with 10,000 entries and its addition to the worker's memory (bench/console-bench.ts).
  say('console: 10,000 entries, autocannon against the worker with WEB_PORT set');
  execFileSync(process.execPath, ['--import', 'tsx', 'bench/console-bench.ts', '--no-build'], { cwd: root, stdio: 'inherit' });

  const cpu = os.cpus();
  const findings: BenchFindings = {
    date: new Date().toISOString().slice(0, 10),
    machine: `${cpu.length} × ${cpu[0]?.model.trim() ?? 'cpu'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB RAM, Node ${process.version}, Dovecot on loopback behind a counting proxy, load average at start ${os.loadavg()[0]!.toFixed(1)}`,
    setup: {
      'video share': opts.videoShare, 'video MB': `${opts.videoMinMb}–${opts.videoMaxMb}`, POLL_BATCH: 'default', 'parse workers': defaultPoolSize(),
    },
    build: {
      messages: built.messages.length, bytes: built.bytes, seconds: built.seconds, videos: videos.length,
      videoBytes: videos.reduce((s, v) => s + v.videoBytes, 0), forms: built.messages.filter((m) => m.form).length,
    },
    runs, idle, outputs, intakeCheck,
    totalSeconds: (performance.now() - began) / 1000,
  };
  const md = renderMarkdown(findings);
  mkdirSync(outDir, { recursive: true });
  writeFileSync(path.join(outDir, 'latest.md'), md);
  writeFileSync(path.join(outDir, 'latest.json'), `${JSON.stringify(findings, null, 2)}\n`);
  console.log(md);
  say(`written ${path.relative(root, path.join(outDir, 'latest.md'))} and latest.json; logs in ${path.relative(root, logDir)}/`);
} finally {
  await cleanup();
}
