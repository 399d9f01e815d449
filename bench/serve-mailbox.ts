/**
 * For profiling by hand: a private Dovecot holding the benchmark's synthetic mailbox, kept running until
 * Ctrl-C (or SIGTERM), with the IMAP_* settings printed (and written to <work>/env) for `contest-intake poll
 * --once`, a contender or a profiler. Takes the same mailbox options as run-bench.ts.
 *
 * usage: npx tsx bench/serve-mailbox.ts [--messages N] [--video-mb A-B] [--video-share S]
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadContest } from '../src/config.ts';
import { startDovecot } from '../tests/setup/dovecot.ts';
import { buildMailbox } from './lib/build-mailbox.ts';
import { DocxVariants } from './lib/docx-variants.ts';
import { planMailbox } from './lib/mailbox-plan.ts';
import { parseOptions } from './lib/options.ts';

const root = path.resolve(import.meta.dirname, '..');
const opts = parseOptions(process.argv.slice(2));
const work = mkdtempSync(path.join(os.tmpdir(), 'contest-bench-serve-'));
const dovecot = await startDovecot();
const stop = async () => {
  await dovecot.stop();
  rmSync(work, { recursive: true, force: true });
  process.exit(0);
};
process.once('SIGINT', () => void stop());
process.once('SIGTERM', () => void stop());

const contest = loadContest(path.join(root, 'config'));
const plan = planMailbox({ messages: opts.messages, videoShare: opts.videoShare, videoMinMb: opts.videoMinMb, videoMaxMb: opts.videoMaxMb });
const built = await buildMailbox({ host: dovecot.host, port: dovecot.port, user: dovecot.user, pass: dovecot.pass }, 'INBOX', plan,
  { variants: await DocxVariants.load(path.join(root, 'fixtures', 'documents')), units: contest.units.map((u) => ({ name: u.name, category: u.category })), spoolDir: path.join(work, 'spool') },
  path.join(work, 'forms'));
const env = Object.entries(dovecot.env()).map(([k, v]) => `${k}=${v}`).join(' ');
writeFileSync(path.join(work, 'env'), `${env}\n`);
console.log(`${built.messages.length} messages, ${(built.bytes / 1e9).toFixed(2)} GB, built in ${built.seconds.toFixed(0)} s`);
console.log(`forms: ${path.join(work, 'forms')}`);
console.log(`env (also in ${path.join(work, 'env')}):\n${env}`);
console.log(`Dovecot ${dovecot.dir} (pid ${process.pid}): Ctrl-C to stop`);
setInterval(() => undefined, 60_000);
