import { once } from 'node:events';
import type { App } from '../app.ts';
import { addUser, changePassword } from '../accounts/manage-users.ts';
import { generatePassword } from '../accounts/password.ts';
import type { ConsoleServer } from '../console/http-adapter.ts';
import { messages } from '../i18n/catalogue.ts';
import { findUser } from '../store/users-repo.ts';
import type { Command } from './command.ts';

/** Where `serve` and `run --serve` listen when WEB_PORT is not set. */
export const DEFAULT_WEB_PORT = 8080;
const DEMO_USER = 'demo';

async function open(app: App): Promise<ConsoleServer> {
  // Loaded when served: the console (hono, its pages) is memory a poll without WEB_PORT never needs.
  const { startConsole } = await import('../console/http-adapter.ts');
  const server = await startConsole(app, { host: app.config.web.host, port: app.config.web.port ?? DEFAULT_WEB_PORT });
  app.log.info({ url: server.url }, 'console listening');
  console.log(messages(app.config.lang).consoleAt(server.url, app.config.web.baseUrl));
  return server;
}

function untilStopped(): Promise<void> {
  return Promise.race([once(process, 'SIGINT'), once(process, 'SIGTERM')]).then(() => undefined);
}

/** `contest-intake serve`: the console alone, until SIGINT/SIGTERM. */
export const serveCommand: Command = async (app) => {
  const server = await open(app);
  await untilStopped();
  await server.close();
  return 0;
};

/** The demo's account: an organizer, with a new password at every start (printed once, never stored in clear). */
async function demoAccount(app: App): Promise<string> {
  const password = generatePassword();
  const now = app.clock();
  if (findUser(app.db, DEMO_USER)) await changePassword(app.db, { name: DEMO_USER, password, by: 'demo' }, now);
  else await addUser(app.db, { name: DEMO_USER, role: 'organizer', password, by: 'demo' }, now);
  return password;
}

/**
 * `run` with the console: the worker serves it when WEB_PORT is set or `--serve` is given (npm start gives it). With
 * no IMAP_HOST, `run` ingests the demo mailbox and returns; the console then stays up with a demo account until Ctrl-C.
 */
export function withConsole(run: Command): Command {
  return async (app, args) => {
    const wanted = args.includes('--serve') || app.config.web.port !== null;
    const rest = args.filter((a) => a !== '--serve');
    if (!wanted) return run(app, rest);
    if (app.config.imap) {
      const server = await open(app);
      try {
        return await run(app, rest);
      } finally {
        await server.close();
      }
    }
    const code = await run(app, rest);
    const password = await demoAccount(app);
    const server = await open(app);
    console.log(messages(app.config.lang).demoAccount(DEMO_USER, password));
    await untilStopped();
    await server.close();
    return code;
  };
}
