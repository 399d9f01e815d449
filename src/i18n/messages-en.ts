import type { Messages } from './messages-zh.ts';

/** The CLI in English (`--lang en` or LANG=en*), key for key the Chinese catalogue. */
const same = (keys: string[]): Record<string, string> => Object.fromEntries(keys.map((k) => [k, k]));

export const en: Messages = {
  kinds: same(['individual', 'unit_summary', 'automated', 'not_contest']),
  statuses: same(['ok', 'problems', 'needs_person', 'ignored', 'error', 'quarantined', 'unfetchable']),
  replyStates: same(['pending', 'sending', 'sent', 'failed', 'capped', 'unknown', 'dropped']),
  replyClasses: same(['must_fix', 'advice', 'final', 'organizers', 'receipt', 'digest', 'sender_cap']),
  deliveryErrors: {},
  list: (items: string[]) => items.join(', '),
  aside: (text: string) => ` (${text})`,
  usage: (version: string) => `contest-intake ${version}: the mailbox of the 最美in温州 Douyin contest

usage: contest-intake <command> [options]   (--lang zh for Chinese)

  run                          the unattended worker: poll now, then on POLL_CRON; the digest on DIGEST_CRON
                               (with no IMAP_HOST: ingest the bundled demo mailbox once and exit)
  poll --once                  one poll cycle of the IMAP mailbox, then exit
  import <file.eml|folder>     ingest .eml files through the same pipeline
  status [--json]              last poll, mailbox position, counts; exit code 0 healthy, 1 stale/failing,
                               3 login refused, 4 never polled
  export [--format json|csv|xlsx] [--out FILE] [--unit UNIT]
                               messages, entries and units' progress (json and csv to stdout without --out);
                               --unit UNIT --format xlsx: that unit's works in the layout of the summary form (附件2)
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

Configuration comes from the environment and config/contest.json: see README.md; the organizers' guide is
docs/使用说明.md.`,
  unknownCommand: (name: string) => `unknown command "${name}"`,
  configError: 'configuration error:',
  errorPrefix: (code: string) => `contest-intake: [${code}] `,
  errorExplanations: {
    config_invalid: 'the configuration is invalid: fix the environment or config/contest.json as said.',
    imap_auth: 'the mail server refused the login: make a new authorization code (授权码) in the webmail settings, update IMAP_PASS, restart.',
    imap_unavailable: 'the mail server cannot be reached (network, TLS or server); the worker retries.',
    imap_refused: 'the mail server refused a command we need.',
    timeout: 'a step timed out; the worker retries.',
    message_vanished: 'the message was deleted before it was read.',
    db_unknown_migration: 'the database is newer than this build: upgrade contest-intake, do not open it with an older one.',
    db_unavailable: 'the database cannot be used right now (locked, or the disk is full); the worker retries.',
    smtp_auth: 'the SMTP server refused the login: check SMTP_USER and SMTP_PASS (the authorization code).',
    smtp_throttled: 'sending too fast: the server asked to wait; the worker retries.',
    smtp_rejected: 'the receiving server refused the mail.',
    smtp_unavailable: 'the SMTP server cannot be reached.',
    document_unreadable: 'the document cannot be read.',
    document_unsupported: 'the document format is not supported.',
    document_too_large: 'the document is too large.',
    usage: 'wrong usage.',
  },

  health: { ok: 'ok', never_polled: 'never_polled', stale: 'stale', failing: 'failing', auth_failed: 'auth_failed' },
  healthAdvice: {
    ok: '',
    never_polled: 'wait for the first cycle; check the logs if it takes long.',
    stale: 'is the worker running? is the network up?',
    failing: 'the worker retries with backoff; see "last error".',
    auth_failed: 'make a new authorization code, update IMAP_PASS, restart.',
  },
  mode: { imap: 'imap', demo: 'demo' },
  statusTitle: (health: string, mode: string) => `contest-intake status: ${health}  (mode: ${mode})`,
  lastPoll: 'last poll:      ',
  lastGoodPoll: 'last good poll: ',
  lastError: 'last error:     ',
  never: 'never',
  none: 'none',
  pollLine: (at: string, ok: boolean, source: string, fetched: number, known: number, failed: number) =>
    `${at} ${ok ? 'ok' : 'failed'} (${source}; ${fetched} new, ${known} known, ${failed} failed)`,
  pollRunning: (at: string) => `${at} running`,
  position: 'position:       ',
  positionLine: (mailbox: string, uidValidity: number, lastUid: number) => `${mailbox} UIDVALIDITY ${uidValidity}, everything up to UID ${lastUid} recorded`,
  gapsLine: (n: number, uids: string) => `; ${n} UIDs below it NOT recorded (${uids}): run \`contest-intake reconcile\``,
  messagesLine: 'messages:       ',
  byStatusLine: 'by status:      ',
  total: (n: number) => `${n}`,
  attention: 'needs attention:',
  attentionUnfetchable: (n: number) => `${n} unfetchable (recorded from the envelope, retried daily; open it in the webmail, or reprocess --id N)`,
  attentionQuarantined: (n: number) => `${n} quarantined (the worker died holding it three times; retried daily, or reprocess --id N)`,
  attentionError: (n: number) => `${n} failed to process (see the logs; reprocess --id N)`,
  attentionGaps: (n: number) => `${n} UIDs below the position are not recorded: run contest-intake reconcile`,

  unitState: { met: 'met', behind: 'behind', silent: 'silent' },
  newEmployment: 'new employment',
  unknownUnitsHeading: 'unknown units (map them with `units alias add`):',
  works: (n: number) => `${n} works`,
  unitsUsage: `units                              every directed unit's progress against its quota, and unknown units
units alias list
units alias add <as written> <unit> [--reprocess]
                                   map a spelling (e.g. 中共鹿城区委网信办) to a configured unit
units alias remove <as written>`,
  notAUnit: (unit: string, units: string) => `"${unit}" is not a configured unit; units are: ${units}`,
  aliasAdded: (alias: string, unit: string) => `alias added: ${alias} → ${unit}`,
  aliasRemoved: (alias: string) => `alias removed: ${alias}`,
  noSuchAlias: (alias: string) => `no such alias: ${alias}`,
  reprocessHint: 'run `contest-intake reprocess` (or add --reprocess) so stored summaries are matched again',
  reprocessedAfterAlias: (n: number, changed: number) => `reprocessed ${n} messages, ${changed} changed`,

  outboxEmpty: 'outbox: empty',
  outboxKinds: { reply: 'reply', receipt: 'receipt', digest: 'digest' },
  writtenToFile: 'written to file',
  sentAt: (at: string) => `sent ${at}`,
  writtenAt: (at: string) => `written ${at}`,
  nextAt: (at: string) => `next ${at}`,
  createdAt: (at: string) => `created ${at}`,
  unknownHint: (n: number) => `${n} mail(s) in state "unknown" may or may not have been delivered: check, then \`replies --resend ID\` to send one again.`,
  resendWantsId: (v: string) => `--resend wants an outbox id, not "${v}"`,
  resent: (id: number, state: string, at: string) => `outbox ${id}: ${state}${at ? ` at ${at}` : ''}`,
  noOutboxRow: (id: number) => `no outbox row ${id}`,

  digestWantsDate: (v: string) => `--date wants a day as YYYY-MM-DD, not "${v}"`,
  digestWritten: (date: string, html: string, xlsx: string) => `digest ${date}: ${html}, ${xlsx}`,
  digestQueued: { new: 'queued to send', existing: 'already sent for that day (a second copy: replies --resend ID)', no_recipients: 'nobody to send to (DIGEST_TO): not sent', not_requested: '' },

  exportFormat: (f: string) => `export: unknown format "${f}" (json, csv, xlsx)`,
  xlsxNeedsOut: 'export --format xlsx needs --out FILE',
  unitNeedsXlsx: 'export --unit writes xlsx only (add --format xlsx --out FILE)',
  unknownUnit: (unit: string, units: string) => `"${unit}" is neither a configured unit nor a mapped spelling; units are: ${units}`,
  wrote: (file: string) => `wrote ${file}`,
  wroteUnit: (file: string, unit: string, n: number) => `wrote ${file} (${unit}, ${n} works)`,

  poll: (s) => `poll: ${s.fetched} new, ${s.known} already known, ${s.failed} failed, ${s.quarantined} quarantined, ${s.unfetchable} unfetchable, `
    + `${s.vanished} vanished${s.reconnects ? `, ${s.reconnects} reconnections` : ''}${s.retried ? `, ${s.retried} retried (${s.recovered} read in full)` : ''}`
    + `${s.uidValidityChanged ? ' (UIDVALIDITY changed: rescanned)' : ''}${s.gaps ? `; ${s.gaps} UIDs below the position are not recorded: run \`contest-intake reconcile\`` : ''}`,
  delivered: (sent: number, retrying: number, failed: number, deferred: number, dropped: number, toFile: boolean) =>
    `replies: ${sent} ${toFile ? 'written to files' : 'sent'}, ${retrying} to retry, ${failed} failed`
    + `${deferred ? `, ${deferred} over today's cap (tomorrow)` : ''}${dropped ? `, ${dropped} receipts dropped (too late)` : ''}`,
  importLine: (target: string, imported: number, known: number, failed: number, files: number) =>
    `${target}: ${imported} new, ${known} already known, ${failed} failed, of ${files} files`,
  importFailed: (file: string, error: string) => `  failed: ${file}: ${error}`,
  importNeedsFile: 'import needs a .eml file or a folder',
  demoIntro: (mailbox: string, dataDir: string) => `No IMAP_HOST is set: ingesting the bundled demo mailbox (${mailbox})\ninto ${dataDir}/. Set IMAP_HOST, IMAP_USER and IMAP_PASS to read the real mailbox.`,
  demoImported: (imported: number, known: number, failed: number, files: number) => `demo: ${imported} new, ${known} already known, ${failed} failed, of ${files} files.`,
  demoReplies: (n: number, dir: string) => `replies: ${n} written to ${dir}/ (no SMTP configured: nothing is sent)`,
  demoDigest: (html: string, xlsx: string) => `digest: ${html} and ${xlsx}`,
  reconcileNeedsImap: 'reconcile reads the IMAP mailbox: set IMAP_HOST, IMAP_USER and IMAP_PASS',
  reconciled: (missing: number, poll: string) => `reconcile: ${missing} UIDs below the position were missing; ${poll}`,
  idWanted: (v: string) => `--id wants a message id, not "${v}"`,
  needsMailbox: (ids: string) => `messages ${ids} were never read in full: reading them again needs the mailbox (set IMAP_HOST)`,
  readAgain: (retried: number, recovered: number, unfetchable: number) => `read again from the mailbox: ${retried} messages, ${recovered} now recorded in full, ${unfetchable} still unfetchable`,
  reprocessed: (n: number, changed: number, skipped: number, failed: number) => `reprocess: ${n} messages, ${changed} changed, ${skipped} skipped, ${failed} failed`,
  reprocessFailed: (id: number, error: string) => `  message ${id}: ${error}`,
  backupWritten: (out: string, archive: string) => `backup written to ${out} (archive files are content-addressed: copy ${archive} with rsync)`,
  migrated: (file: string) => `database ${file} is up to date`,
  consoleAt: (url: string, publicUrl: string | null) => `console: ${url}${publicUrl ? ` (public address ${publicUrl})` : ''}`,
  demoAccount: (user: string, password: string) => `demo account: ${user} / ${password}   (a new password at every start; Ctrl-C stops)`,
};
