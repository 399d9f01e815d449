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
import { userCommand } from './commands/user-command.ts';
import { statusCommand } from './commands/status-command.ts';
import { unitsCommand } from './commands/units-command.ts';
import { langOf, loadConfig, type AppConfig } from './config.ts';
import { AppError, describeError, isAppError, isConfigError, isUsageError } from './errors.ts';
import { messages } from './i18n/catalogue.ts';
import { LANGS, type Lang } from './i18n/lang.ts';
import { createLogger } from './logger.ts';

/** `--lang en|zh` anywhere on the line (or `--lang=en`): taken out before the command sees its arguments. */
function takeLang(argv: string[]): { args: string[]; requested?: string } {
  const args: string[] = [];
  let requested: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--lang') requested = argv[++i];
    else if (a.startsWith('--lang=')) requested = a.slice('--lang='.length);
    else args.push(a);
  }
  return requested === undefined ? { args } : { args, requested };
}

function checkedLang(requested: string | undefined): Lang {
  if (requested !== undefined && !(LANGS as readonly string[]).includes(requested)) {
    console.error(`--lang: zh | en (not "${requested}")`);
  }
  return langOf(requested);
}

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
  const taken = takeLang(argv);
  const lang = checkedLang(taken.requested);
  const m = messages(lang);
  const [name, ...args] = taken.args;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    console.log(m.usage(VERSION));
    return name ? 0 : 2;
  }
  if (name === '--version') {
    console.log(VERSION);
    return 0;
  }
  let config: AppConfig;
  try {
    config = { ...loadConfig(), ...(taken.requested ? { lang } : {}) };
  } catch (err) {
    if (isConfigError(err)) {
      console.error(`${m.configError}\n${describeError(err)}`);
      return 2;
    }
    throw err;
  }
  const log = createLogger({ level: config.logLevel });
  if (name === 'migrate') return migrateCommand(config);
  const command = commands[name];
  if (!command) {
    console.error(`${m.unknownCommand(name)}\n\n${m.usage(VERSION)}`);
    return 2;
  }
  const app = createApp(config, log);
  try {
    return await command(app, args);
  } catch (err) {
    // node:util parseArgs refuses an unknown option or a missing value: the operator's mistake, not a bug.
    if ((err as { code?: unknown }).code?.toString().startsWith('ERR_PARSE_ARGS')) throw new AppError('usage', (err as Error).message);
    throw err;
  } finally {
    app.close();
  }
}

const invokedDirectly = process.argv[1] && /cli\.(ts|js)$/.test(process.argv[1]);
if (invokedDirectly || process.env.CONTEST_INTAKE_BIN === '1') {
  main(process.argv.slice(2)).then(
    (code) => { process.exitCode = code; },
    (err: unknown) => {
      const m = messages(langOf(takeLang(process.argv.slice(2)).requested));
      if (isUsageError(err)) {
        console.error(describeError(err));
        process.exitCode = 2;
        return;
      }
      if (isAppError(err)) {
        // What it means for the operator, then the detail as the failing part said it.
        console.error(`${m.errorPrefix(err.code)}${m.errorExplanations[err.code] ?? ''}\n  ${err.message}`);
        process.exitCode = err.code === 'imap_auth' ? 3 : 1;
        return;
      }
      // An unexpected error is a bug: die loudly with the stack.
      console.error(err);
      process.exit(70);
    },
  );
}
