import { chmod, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createApp, VERSION, type App } from './app.ts';
import { loadConfig, type AppConfig } from './config.ts';
import { AppError, describeError, isAppError, isConfigError, isUsageError } from './errors.ts';
import { createLogger, type Logger } from './logger.ts';
import type { Command } from './commands/command.ts';
import { reprocessCommand, unitsCommand } from './commands/units-command.ts';
import { serveCommand, withConsole } from './commands/serve-command.ts';
import { userCommand } from './commands/user-command.ts';
import { dailyDigest, deliverPending, demoDigestDay, digestCommand, digestFor, exportCommand, repliesCommand } from './commands/outputs-command.ts';
import { buildStatus, formatStatus, statusExitCode } from './outputs/status-report.ts';
import { importFiles } from './pipeline/import-files.ts';
import { pollMailbox, type PollReport } from './pipeline/poll-mailbox.ts';
import { runWorker } from './schedule/worker.ts';
import { openDatabase } from './store/db.ts';

const USAGE = `contest-intake ${VERSION}: the mailbox of the 最美in温州 Douyin contest

usage: contest-intake <command> [options]

  run                          the unattended worker: poll now, then on POLL_CRON (with no IMAP_HOST: ingest
                               the bundled demo mailbox once and exit)
  poll --once                  one poll cycle of the IMAP mailbox, then exit
  import <file.eml|folder>     ingest .eml files through the same pipeline
  status [--json]              last poll, mailbox position, counts; exit code 0 healthy, 1 stale/failing,
                               3 login refused, 4 never polled
  export [--format json|csv|xlsx] [--out FILE]
                               messages, entries and units' progress (json and csv to stdout without --out)
  replies [--json] [--status S] | replies --resend ID
                               the outbox of replies and digests; send one again by hand
  digest [--date YYYY-MM-DD] [--send]
                               make a day's digest again (DATA_DIR/digests/), and mail it with --send
  units                        each directed unit's progress against its quota; unknown units
  units alias add <as written> <unit> [--reprocess]
                               map a unit's spelling to a configured unit (also: alias list, alias remove)
  reconcile                    take the messages the mailbox has below the position and the record does not
                               (status reports them as gaps)
  reprocess [--id N] [--include-quarantined]
                               extract and validate again from the archive after a rule or alias change;
                               --id of a quarantined or unfetchable message reads it again from the mailbox
  backup [--out FILE]          a consistent copy of the database while the worker runs (SQLite online
                               backup; default DATA_DIR/backups/contest-intake-<time>.db)
  migrate                      apply database migrations and exit
  serve                        the organizers' web console alone (WEB_HOST:WEB_PORT, default 127.0.0.1:8080);
                               "run" also serves it when WEB_PORT is set or with --serve (npm start)
  user add NAME --role viewer|organizer|admin [--password-file FILE] | user list | user remove NAME
  user password NAME [--password-file FILE]
                               the console's accounts (without --password-file the password is asked, not echoed)

Configuration comes from the environment and config/contest.json: see README.md.`;


async function pollOnce(app: App, signal?: AbortSignal, mode: 'poll' | 'reconcile' = 'poll'): Promise<PollReport> {
  const started = Date.now();
  const progress = progressReporter(app.log);
  const report = await pollMailbox(() => app.openMailbox(), app.deps, app.clock, {
    batchSize: app.config.pollBatch, maxAttempts: 3, partMaxBytes: app.config.partMaxBytes, signal, onProgress: progress, mode,
  });
  const seconds = (Date.now() - started) / 1000;
  app.log.info({ ...report, failures: report.failures.length, seconds, perSecond: report.fetched ? +(report.fetched / seconds).toFixed(1) : 0 }, 'poll finished');
  return report;
}

function describePoll(r: PollReport): string {
  return `${r.fetched} new, ${r.known} already known, ${r.failed} failed, ${r.quarantined} quarantined, ${r.unfetchable} unfetchable, `
    + `${r.vanished} vanished${r.reconnects ? `, ${r.reconnects} reconnections` : ''}${r.retried ? `, ${r.retried} retried (${r.recovered} read in full)` : ''}`
    + `${r.uidValidityChanged ? ' (UIDVALIDITY changed: rescanned)' : ''}${r.gaps ? `; ${r.gaps} UIDs below the position are not recorded: run \`contest-intake reconcile\`` : ''}`;
}

function progressReporter(log: Logger): (done: number, total: number) => void {
  let last = 0;
  const started = Date.now();
  return (done, total) => {
    const now = Date.now();
    if (total < 20 || (now - last < 5_000 && done !== total)) return;
    last = now;
    const rate = done / Math.max(0.001, (now - started) / 1000);
    const left = rate > 0 ? Math.round((total - done) / rate) : null;
    if (process.stderr.isTTY) {
      const width = 30;
      const filled = Math.round((done / total) * width);
      process.stderr.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} ${rate.toFixed(1)}/s ${left ?? '?'}s left  ${done === total ? '\n' : ''}`);
    } else {
      log.info({ done, total, perSecond: +rate.toFixed(1), secondsLeft: left }, 'poll progress');
    }
  };
}

async function runDemo(app: App): Promise<number> {
  console.log(`No IMAP_HOST is set: ingesting the bundled demo mailbox (${path.relative(process.cwd(), app.config.demoMailbox) || app.config.demoMailbox})`);
  console.log(`into ${path.relative(process.cwd(), app.config.dataDir) || app.config.dataDir}/. Set IMAP_HOST, IMAP_USER and IMAP_PASS to read the real mailbox.`);
  const report = await importFiles(app.config.demoMailbox, app.deps, app.clock, app.limits);
  console.log(`demo: ${report.imported} new, ${report.known} already known, ${report.failed.length} failed, of ${report.files} files.`);
  const sent = await deliverPending(app);
  console.log(`replies: ${sent.sent.length} written to ${path.join(path.relative(process.cwd(), app.config.dataDir) || '.', 'outbox')}/`);
  const newest = (app.db.prepare('SELECT max(received_at) AS at FROM messages').get() as { at: string | null }).at;
  const digest = await digestFor(app, demoDigestDay(app, newest), false);
  console.log(`digest: ${path.relative(process.cwd(), digest.htmlFile)} and ${path.basename(digest.xlsxFile)}`);
  console.log(formatStatus(buildStatus(app.db, { mode: 'demo', now: app.clock(), staleAfterMinutes: app.config.staleAfterMinutes })));
  return report.failed.length ? 1 : 0;
}

const commands: Record<string, Command> = {
  async run(app) {
    if (!app.config.imap) return runDemo(app);
    await runWorker(app, [
      { name: 'poll', cron: app.config.pollCron, run: async (signal) => { await pollOnce(app, signal); await deliverPending(app); } },
      { name: 'digest', cron: app.config.digestCron, run: async () => { await dailyDigest(app); await deliverPending(app); } },
    ], { runAtStart: ['poll'] });
    return 0;
  },

  async poll(app, args) {
    const { values } = parseArgs({ args, options: { once: { type: 'boolean', default: true } } });
    void values;
    if (!app.config.imap) return runDemo(app);
    const abort = new AbortController();
    const stop = (): void => abort.abort();
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
    const r = await pollOnce(app, abort.signal);
    const sent = await deliverPending(app);
    if (sent.sent.length || sent.retrying.length || sent.failed.length) {
      console.log(`replies: ${sent.sent.length} sent, ${sent.retrying.length} to retry, ${sent.failed.length} failed`);
    }
    console.log(`poll: ${describePoll(r)}`);
    return 0;
  },

  async reconcile(app) {
    if (!app.config.imap) throw new AppError('usage', 'reconcile reads the IMAP mailbox: set IMAP_HOST, IMAP_USER and IMAP_PASS');
    const r = await pollOnce(app, undefined, 'reconcile');
    console.log(`reconcile: ${r.listed} UIDs below the position were missing; ${describePoll(r)}`);
    await deliverPending(app);
    return r.gaps ? 1 : 0;
  },

  async import(app, args) {
    const { positionals } = parseArgs({ args, allowPositionals: true, options: {} });
    if (positionals.length === 0) throw new AppError('usage', 'import needs a .eml file or a folder');
    let failed = 0;
    for (const target of positionals) {
      const r = await importFiles(path.resolve(target), app.deps, app.clock, app.limits);
      console.log(`${target}: ${r.imported} new, ${r.known} already known, ${r.failed.length} failed, of ${r.files} files`);
      for (const f of r.failed) console.log(`  failed: ${f.file}: ${f.error}`);
      failed += r.failed.length;
    }
    return failed ? 1 : 0;
  },

  async status(app, args) {
    const { values } = parseArgs({ args, options: { json: { type: 'boolean', default: false } } });
    const s = buildStatus(app.db, { mode: app.config.imap ? 'imap' : 'demo', now: app.clock(), staleAfterMinutes: app.config.staleAfterMinutes });
    console.log(values.json ? JSON.stringify(s, null, 2) : formatStatus(s));
    return statusExitCode(s.health);
  },
};

async function backup(app: App, args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { out: { type: 'string' } } });
  const stamp = app.clock().toISOString().replace(/[:.]/g, '-');
  const out = path.resolve(values.out ?? path.join(app.config.dataDir, 'backups', `contest-intake-${stamp}.db`));
  await mkdir(path.dirname(out), { recursive: true, mode: 0o700 });
  await app.db.backup(out);
  await chmod(out, 0o600);
  console.log(`backup written to ${out} (archive files are content-addressed: copy ${path.join(app.config.dataDir, 'archive')} with rsync)`);
  return 0;
}
commands.backup = backup;
commands.units = unitsCommand;
commands.export = exportCommand;
commands.replies = repliesCommand;
commands.digest = digestCommand;
commands.reprocess = reprocessCommand;
Object.assign(commands, { serve: serveCommand, user: userCommand, run: withConsole(commands.run!) });

export async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    console.log(USAGE);
    return name ? 0 : 2;
  }
  if (name === '--version') {
    console.log(VERSION);
    return 0;
  }
  let config: AppConfig;
  try {
    config = loadConfig();
  } catch (err) {
    if (isConfigError(err)) {
      console.error(`configuration error:\n${describeError(err)}`);
      return 2;
    }
    throw err;
  }
  const log = createLogger({ level: config.logLevel });
  if (name === 'migrate') {
    const db = openDatabase(config.dataDir);
    db.close();
    console.log(`database ${path.join(config.dataDir, 'contest-intake.db')} is up to date`);
    return 0;
  }
  const command = commands[name];
  if (!command) {
    console.error(`unknown command "${name}"\n\n${USAGE}`);
    return 2;
  }
  const app = createApp(config, log);
  try {
    return await command(app, args);
  } finally {
    app.close();
  }
}

const invokedDirectly = process.argv[1] && /cli\.(ts|js)$/.test(process.argv[1]);
if (invokedDirectly || process.env.CONTEST_INTAKE_BIN === '1') {
  main(process.argv.slice(2)).then(
    (code) => { process.exitCode = code; },
    (err: unknown) => {
      if (isUsageError(err)) {
        console.error(describeError(err));
        process.exitCode = 2;
        return;
      }
      if (isAppError(err)) {
        console.error(`contest-intake: [${err.code}] ${err.message}`);
        process.exitCode = err.code === 'imap_auth' ? 3 : 1;
        return;
      }
      // An unexpected error is a bug: die loudly with the stack.
      console.error(err);
      process.exit(70);
    },
  );
}
