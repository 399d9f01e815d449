import { ImapFlow } from 'imapflow';

/**
 * What every measured child process shares: where the server is (the same IMAP_* variables the service reads),
 * how it connects, and how it reports (one `BENCH_RESULT {json}` line on stdout).
 */

export interface ImapEnv {
  host: string;
  port: number;
  user: string;
  pass: string;
  mailbox: string;
}

export function imapEnv(env: NodeJS.ProcessEnv = process.env): ImapEnv {
  const need = (name: string): string => {
    const v = env[name];
    if (!v) throw new Error(`${name} is not set`);
    return v;
  };
  return { host: need('IMAP_HOST'), port: Number(need('IMAP_PORT')), user: need('IMAP_USER'), pass: need('IMAP_PASS'), mailbox: env.IMAP_MAILBOX ?? 'INBOX' };
}

export function report(result: Record<string, unknown>): void {
  process.stdout.write(`BENCH_RESULT ${JSON.stringify(result)}\n`);
}

/** A plain-loopback client with the mailbox opened read-only, as a contender named `name`. */
export async function openReadOnly(env: ImapEnv, name: string): Promise<{ client: ImapFlow; release(): Promise<void> }> {
  const client = new ImapFlow({
    host: env.host, port: env.port, secure: false, doSTARTTLS: false, auth: { user: env.user, pass: env.pass },
    logger: false, disableAutoIdle: true, clientInfo: { name },
  });
  await client.connect();
  const lock = await client.getMailboxLock(env.mailbox, { readOnly: true });
  return {
    client,
    async release() {
      lock.release();
      await client.logout();
    },
  };
}
