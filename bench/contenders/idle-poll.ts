/**
 * The idle poll: a poll cycle that finds no new mail, against a bare LOGIN + SELECT (EXAMINE) + LOGOUT with the
 * same imapflow settings, alternated round by round in one process (so process start-up, the same for both, is
 * left out and drift hits both alike). Run for each (mailbox, data folder) pair given, so the mailbox size can be
 * shown not to matter. Each data folder must already hold the whole mailbox (the position at its end).
 *
 * usage: idle-poll.ts <rounds> <mailbox>=<data dir> [...]
 */
import { ImapFlow } from 'imapflow';
import { createApp, VERSION } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/logger.ts';
import { openImapSession } from '../../src/mailbox/imap/open-session.ts';
import { pollMailbox } from '../../src/pipeline/poll-mailbox.ts';
import { report } from '../lib/contender-io.ts';

const rounds = Number(process.argv[2] ?? 20);
const targets = process.argv.slice(3).map((a) => {
  const at = a.indexOf('=');
  return { mailbox: a.slice(0, at), dataDir: a.slice(at + 1) };
});

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const results: Record<string, unknown>[] = [];

for (const t of targets) {
  const config = loadConfig({ ...process.env, IMAP_MAILBOX: t.mailbox, DATA_DIR: t.dataDir, LOG_LEVEL: 'silent' });
  const imap = config.imap!;
  const log = createLogger({ level: 'silent' });
  const app = createApp(config, log);
  const open = () => openImapSession(imap, log, { limits: app.limits, version: VERSION, supportEmail: config.contest.mailbox });
  // The same client settings as the service's (imap-source.ts), ID included: only what it does afterwards differs.
  const bare = async (): Promise<number> => {
    const client = new ImapFlow({
      host: imap.host, port: imap.port, secure: false, doSTARTTLS: false, auth: { user: imap.user, pass: imap.pass },
      clientInfo: { name: 'contest-intake', version: VERSION, vendor: 'contest-intake', 'support-url': `mailto:${config.contest.mailbox}` },
      logger: false, disableAutoIdle: true,
    });
    await client.connect();
    const lock = await client.getMailboxLock(imap.mailbox, { readOnly: true });
    const exists = client.mailbox ? client.mailbox.exists : 0;
    lock.release();
    await client.logout();
    return exists;
  };
  const pollMs: number[] = [];
  const bareMs: number[] = [];
  let exists = 0;
  let listed = 0;
  for (let r = -2; r < rounds; r++) {
    let t0 = performance.now();
    exists = await bare();
    const b = performance.now() - t0;
    t0 = performance.now();
    const rep = await pollMailbox(open, app.deps, app.clock, { batchSize: config.pollBatch, maxAttempts: 3 });
    const p = performance.now() - t0;
    listed += rep.listed;
    if (r >= 0) { bareMs.push(b); pollMs.push(p); }
  }
  app.close();
  results.push({ mailbox: t.mailbox, exists, listed, rounds, bareMs: median(bareMs), pollMs: median(pollMs), bareAll: bareMs, pollAll: pollMs });
}
report({ targets: results });
