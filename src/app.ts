import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { systemClock, type Clock } from './clock.ts';
import type { AppConfig } from './config.ts';
import { AppError } from './errors.ts';
import { extractMessage } from './extract/extract-message.ts';
import { createShortLinkResolver } from './links/short-link-resolution.ts';
import { closeParsePool } from './extract/worker-pool.ts';
import { QUIET_COMPACTION, watchHeap, type HeapWatch } from './heap/quiet-compaction.ts';
import { compactHeap, heapCommittedBytes } from './heap/v8-heap.ts';
import { sweepOrphanedWork } from './extract/legacy-convert.ts';
import type { Logger } from './logger.ts';
import type { ImapSession } from './mailbox/imap/imap-session.ts';
import { openImapSession } from './mailbox/imap/open-session.ts';
import { planLimitsFor, type PlanLimits } from './mailbox/message-parts.ts';
import type { IngestDeps } from './pipeline/ingest-message.ts';
import { Archive } from './store/archive.ts';
import { openDatabase, type Db } from './store/db.ts';
import { createMailer, type Mailer } from './transport/mailer.ts';

/** A document read again alone after it was quarantined gets three times the usual 20 s. */
const PATIENT_PARSE_MS = 60_000;

/** Everything a command needs, wired once: the composition root's building blocks. */
export interface App {
  config: AppConfig;
  log: Logger;
  db: Db;
  archive: Archive;
  clock: Clock;
  limits: PlanLimits;
  deps: IngestDeps;
  mailer: Mailer;
  version: string;
  /** The process's heap, compacted when the worker and the console have been quiet after a burst of work. */
  heap: HeapWatch;
  /** A new connection to the configured mailbox (IMAP_HOST); a usage error when none is configured. */
  openMailbox(): Promise<ImapSession>;
  close(): void;
}

export const VERSION: string = (() => {
  const pkg = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../package.json');
  return (JSON.parse(readFileSync(pkg, 'utf8')) as { version: string }).version;
})();

/** Wiring that tests replace: where Douyin's short-link redirector is asked (a local server). */
export interface AppOverrides {
  douyinOrigin?: string;
}

export function createApp(config: AppConfig, log: Logger, clock: Clock = systemClock, overrides: AppOverrides = {}): App {
  const db = openDatabase(config.dataDir);
  const archive = new Archive(path.join(config.dataDir, 'archive'));
  const ownAddresses = [...new Set([config.contest.mailbox, config.mailFrom, config.imap?.user].filter((a): a is string => !!a && a.includes('@')))];
  const extract: IngestDeps['extract'] = (msg, o) => extractMessage(msg, { contest: config.contest, heapMb: config.parseHeapMb, ...(o?.patient ? { timeoutMs: PATIENT_PARSE_MS } : {}) });
  // DOUYIN_RESOLVE=on: the short links of the forms are resolved (and cached) before the message is recorded.
  const links = config.douyinResolve
    ? createShortLinkResolver(db, clock, log, { hosts: config.contest.douyinHosts, origin: overrides.douyinOrigin })
    : null;
  const deps: IngestDeps = {
    db, archive, contest: config.contest, ownAddresses, mailFrom: config.mailFrom, extract, log,
    ...(links ? { resolveLinks: (forms) => links.resolveIn(forms) } : {}),
  };
  const mailer = createMailer(config.smtp, config.dataDir);
  // LibreOffice folders a killed run left behind (the sweep leaves a live process's alone).
  void sweepOrphanedWork(tmpdir()).catch(() => undefined);
  const heap = watchHeap({ committedBytes: heapCommittedBytes, compact: compactHeap }, clock, QUIET_COMPACTION, (c) => log.debug(
    { beforeMb: +(c.beforeBytes / 2 ** 20).toFixed(1), afterMb: +(c.afterBytes / 2 ** 20).toFixed(1), ms: Math.round(c.ms) }, 'quiet: heap compacted'));
  return {
    config, log, db, archive, clock, limits: planLimitsFor(config.partMaxBytes), deps, mailer, version: VERSION, heap,
    openMailbox: () => {
      const imap = config.imap;
      if (!imap) return Promise.reject(new AppError('usage', 'IMAP is not configured (set IMAP_HOST, IMAP_USER, IMAP_PASS)'));
      return openImapSession(imap, log.child({ module: 'imap' }), { limits: planLimitsFor(config.partMaxBytes), version: VERSION, supportEmail: config.contest.mailbox });
    },
    close: () => {
      heap.stop();
      mailer.close();
      if (db.open) db.close();
      void closeParsePool();
    },
  };
}
