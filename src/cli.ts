import { createApp, VERSION } from './app.ts';
import { backupCommand } from './commands/backup-command.ts';
import type { Command } from './commands/command.ts';
import { digestCommand } from './commands/digest-command.ts';
import { exportCommand } from './commands/export-command.ts';
import { importCommand } from './commands/import-command.ts';
import { migrateCommand } from './commands/migrate-command.ts';
import { pollCommand } from './commands/poll-command.ts';
import { reconcileCommand } from './commands/reconcile-command.ts';
import { repliesCommand } from './commands/replies-command.ts';
import { reprocessCommand } from './commands/reprocess-command.ts';
import { runCommand } from './commands/run-command.ts';
import { serveCommand, withConsole } from './commands/serve-command.ts';
import { statusCommand } from './commands/status-command.ts';
import { unitsCommand } from './commands/units-command.ts';
import { userCommand } from './commands/user-command.ts';
import { loadConfig, type AppConfig } from './config.ts';
import { describeError, isAppError, isConfigError, isUsageError } from './errors.ts';
import { createLogger } from './logger.ts';

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

/** Every command but `migrate` (which runs before anything is opened), each in its own file under commands/. */
const commands: Record<string, Command> = {
  run: withConsole(runCommand),
  serve: serveCommand,
  user: userCommand,
  poll: pollCommand,
  reconcile: reconcileCommand,
  import: importCommand,
  status: statusCommand,
  export: exportCommand,
  replies: repliesCommand,
  digest: digestCommand,
  units: unitsCommand,
  reprocess: reprocessCommand,
  backup: backupCommand,
};

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
  if (name === 'migrate') return migrateCommand(config);
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
