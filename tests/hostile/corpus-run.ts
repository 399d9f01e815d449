import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { CORPUS_DAY, DEFAULT_SEED, makeHostileCorpus, type HostileCase } from '../../fixtures/scripts/make-hostile.ts';
import { loadConfig, type AppConfig } from '../../src/config.ts';
import { localDay } from '../../src/domain/contest-calendar.ts';
import { silentLogger } from '../../src/logger.ts';
import { deliverOutbox, type DeliveryReport } from '../../src/replies/deliver-outbox.ts';
import { openDatabase } from '../../src/store/db.ts';
import { createMailer } from '../../src/transport/mailer.ts';
import { startDovecot, type DovecotHandle } from '../setup/dovecot.ts';
import { startSmtpSink, type SmtpSink, type SinkMessage } from '../setup/smtp-sink.ts';
import { runCli, type ChildRun } from './run-child.ts';

/**
 * One run of the hostile corpus through the real service: APPEND every case into a real Dovecot (NetEase's
 * capabilities), `contest-intake poll --once` as a child process (its peak RSS measured, under a 4 GB address-space
 * cap), the replies delivered to a real SMTP server, the day's digest, and the xlsx and csv exports. The tests
 * then only read what this left behind.
 */

export const FULL = process.env.HOSTILE_FULL === '1';
export const SEED = process.env.HOSTILE_SEED ? Number(process.env.HOSTILE_SEED) : DEFAULT_SEED;
const ONLY = process.env.HOSTILE_ONLY ?? '';
export const ADDRESS_SPACE_CAP = process.env.HOSTILE_NO_CAP ? 0 : 4 * 1024 * 1024 * 1024;
export const MAILBOX = 'bisaihuodong@126.com';

export interface Appended {
  c: HostileCase;
  uid: number;
  size: number;
}

export interface HostileRun {
  root: string;
  dataDir: string;
  config: AppConfig;
  appended: Appended[];
  /** Cases the IMAP server itself refused to store: they never reach the service. */
  refused: Array<{ c: HostileCase; error: string }>;
  /** The first poll cycle, which must take the whole corpus; and every cycle run (more only after a crash). */
  poll: ChildRun;
  polls: ChildRun[];
  /** Paths (relative to root) that existed before the poll, and after the run. */
  before: Set<string>;
  after: string[];
  canaryHits: string[];
  delivery: DeliveryReport;
  sent: SinkMessage[];
  digestHtml: string;
  cappedDigestHtml: string;
  xlsxFile: string;
  csvFile: string;
  exports: ChildRun[];
  digests: ChildRun[];
  db: Database.Database;
  appendMs: number;
  dispose(): Promise<void>;
}

function walk(root: string, rel = ''): string[] {
  const out: string[] = [];
  for (const name of readdirSync(path.join(root, rel))) {
    const p = path.join(rel, name);
    out.push(p);
    if (lstatSync(path.join(root, p)).isDirectory()) out.push(...walk(root, p));
  }
  return out;
}

function startCanary(): Promise<{ url: string; hits: string[]; stop(): Promise<void> }> {
  const hits: string[] = [];
  const server = http.createServer((req, res) => {
    hits.push(`${req.method} ${req.url}`);
    res.end('canary');
  });
  server.on('connection', () => hits.push('tcp connection'));
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => {
    const port = (server.address() as { port: number }).port;
    resolve({ url: `http://127.0.0.1:${port}`, hits, stop: () => new Promise((r) => server.close(() => r())) });
  }));
}

export async function runHostileCorpus(): Promise<HostileRun> {
  const root = mkdtempSync(path.join(tmpdir(), 'ci-hostile-'));
  for (const d of ['cwd', 'tmp', 'home']) mkdirSync(path.join(root, d));
  const dataDir = path.join(root, 'data');
  let dovecot: DovecotHandle | null = null;
  let sink: SmtpSink | null = null;
  const canary = await startCanary();
  try {
    dovecot = await startDovecot({ netease: true, user: MAILBOX });
    sink = await startSmtpSink({ user: MAILBOX });
    const corpus = makeHostileCorpus({ full: FULL, seed: SEED, canary: canary.url }).filter((c) => !ONLY || c.id.startsWith(ONLY));

    const appendStarted = Date.now();
    const appended: Appended[] = [];
    const refused: HostileRun['refused'] = [];
    for (const c of corpus) {
      const raw = await c.build();
      try {
        const { uid } = await dovecot.appendMessage('INBOX', raw, { internalDate: c.internalDate });
        appended.push({ c, uid, size: raw.length });
      } catch (err) {
        refused.push({ c, error: (err as Error).message.split('\n')[0]!.slice(0, 200) });
      }
    }
    const appendMs = Date.now() - appendStarted;

    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '', HOME: path.join(root, 'home'), TMPDIR: path.join(root, 'tmp'), LANG: 'C.UTF-8',
      DATA_DIR: dataDir, CONFIG_DIR: path.resolve('config'), LOG_LEVEL: process.env.HOSTILE_LOG_LEVEL ?? 'warn',
      ...dovecot.env(), IMAP_TIMEOUT_MS: '60000', ...sink.env(), SMTP_TLS: 'none', DIGEST_TO: 'organizer@example.cn',
      // HOSTILE_ENV_<NAME>=value: one more variable for the service, to measure a setting.
      ...Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith('HOSTILE_ENV_')).map(([k, v]) => [k.slice('HOSTILE_ENV_'.length), v ?? ''])),
    };
    const config = loadConfig(env);
    const before = new Set(walk(root));
    // NetEase's "too many mails in 15 minutes" at the first MAIL FROM: the poll's own delivery stops at once (it
    // spaces mails 2 s apart, which would make this test wait minutes); the next run below sends everything.
    sink.failNext({ code: 451, message: 'MI:SFQ Session frequency limited', phase: 'mail' });
    // One cycle must take everything. Should it die, the worker's next cycles are run as the scheduler would (a
    // message that kills the process three times is then quarantined), so the other checks still see the whole
    // corpus; the first check fails on the crash itself.
    const polls: ChildRun[] = [];
    do {
      const n = polls.length + 1;
      polls.push(await runCli(['poll', '--once'], {
        env, cwd: path.join(root, 'cwd'), rssFile: path.join(root, `poll-rss-${n}.json`), addressSpaceBytes: ADDRESS_SPACE_CAP,
        timeoutMs: FULL ? 3 * 3600_000 : 150_000, ...(process.env.HOSTILE_RSS_TRACE ? { traceFile: path.join(root, `rss-trace-${n}.json`) } : {}),
      }));
      writeFileSync(path.join(root, `poll-${n}.log`), `${polls[n - 1]!.stdout}\n--- stderr ---\n${polls[n - 1]!.stderr}`);
    } while (polls[polls.length - 1]!.code !== 0 && polls.length < 5);
    const poll = polls[0]!;
    sink.clearFaults();

    // The worker's next delivery run, two hours later (past the MI:SFQ back-off), without the 2 s spacing.
    const db = openDatabase(dataDir);
    const mailer = createMailer(config.smtp, dataDir);
    const later = () => new Date(Date.now() + 2 * 3600_000);
    const delivery = await deliverOutbox({ db, mailer, from: { name: config.contest.name, address: config.mailFrom }, log: silentLogger() }, later, { spacingMs: 0, limit: 100_000 });
    mailer.close();

    db.close();

    // The digests and exports run as the worker runs them, each in a process of its own whose memory is measured.
    const today = localDay(new Date(), config.contest.timezone);
    const digests: ChildRun[] = [];
    // Caps are counted on the day the replies were recorded (today), so "who was capped" is in today's digest.
    for (const day of [CORPUS_DAY, today]) {
      digests.push(await runCli(['digest', '--date', day], { env, cwd: path.join(root, 'cwd'), rssFile: path.join(root, `d-rss-${day}.json`), timeoutMs: 300_000 }));
    }
    const digestFile = (day: string) => path.join(dataDir, 'digests', `${day}.html`);

    const xlsxFile = path.join(root, 'export.xlsx');
    const csvFile = path.join(root, 'export.csv');
    const exports = await Promise.all([
      runCli(['export', '--format', 'xlsx', '--out', xlsxFile], { env, cwd: path.join(root, 'cwd'), rssFile: path.join(root, 'x-rss.json'), timeoutMs: 300_000 }),
      runCli(['export', '--format', 'csv', '--out', csvFile], { env, cwd: path.join(root, 'cwd'), rssFile: path.join(root, 'c-rss.json'), timeoutMs: 300_000 }),
    ]);
    const after = walk(root);

    const dv = dovecot;
    const sk = sink;
    const readOnly = new Database(path.join(dataDir, 'contest-intake.db'), { readonly: true });
    return {
      root, dataDir, config, appended, refused, poll, polls, before, after, canaryHits: canary.hits, delivery, sent: [...sink.messages],
      digestHtml: readFileSync(digestFile(CORPUS_DAY), 'utf8'), cappedDigestHtml: readFileSync(digestFile(today), 'utf8'),
      xlsxFile, csvFile, exports, digests, db: readOnly, appendMs,
      async dispose() {
        readOnly.close();
        await canary.stop();
        await sk.stop();
        await dv.stop();
        if (!process.env.HOSTILE_KEEP) rmSync(root, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await canary.stop();
    await sink?.stop();
    await dovecot?.stop();
    rmSync(root, { recursive: true, force: true });
    throw err;
  }
}
