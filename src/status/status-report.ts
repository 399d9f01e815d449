import type { Db } from '../store/db.ts';
import { allPositions, type MailboxState } from '../store/mailbox-state-repo.ts';
import { countsByKind, countsByStatus } from '../store/messages-repo.ts';
import { lastFailedPollRun, lastGoodPollRun, lastPollRun, type PollRunRow } from '../store/poll-runs-repo.ts';

export type Health = 'ok' | 'never_polled' | 'stale' | 'failing' | 'auth_failed';

export interface StatusReport {
  mode: 'imap' | 'demo';
  health: Health;
  lastPoll: PollRunRow | null;
  lastGoodPoll: PollRunRow | null;
  lastError: { at: string; code: string | null; message: string | null } | null;
  positions: MailboxState[];
  /** UIDs below a mailbox's mark that the mailbox has and the record does not: lost until `reconcile` takes them. */
  gaps: number;
  messages: { total: number; byKind: Record<string, number>; byStatus: Record<string, number> };
}

/** What `status` prints and what the health check decides from. `now` is injected to judge staleness. */
export function buildStatus(db: Db, opts: { mode: 'imap' | 'demo'; now: Date; staleAfterMinutes: number }): StatusReport {
  const lastPoll = lastPollRun(db);
  const lastGoodPoll = lastGoodPollRun(db);
  const failed = lastFailedPollRun(db);
  const byKind = countsByKind(db);
  const byStatus = countsByStatus(db);
  const total = Object.values(byKind).reduce((a, b) => a + b, 0);
  const positions = allPositions(db);
  const gaps = positions.reduce((n, p) => n + p.gaps, 0);
  const health = judgeHealth(lastPoll, lastGoodPoll, opts.now, opts.staleAfterMinutes);
  return {
    mode: opts.mode,
    // Messages the mailbox has and the record does not are a failure whatever the last poll said.
    health: gaps > 0 && health === 'ok' ? 'failing' : health,
    lastPoll,
    lastGoodPoll,
    lastError: failed ? { at: failed.finishedAt ?? failed.startedAt, code: failed.errorCode, message: failed.error } : null,
    positions,
    gaps,
    messages: { total, byKind, byStatus },
  };
}

export function judgeHealth(last: PollRunRow | null, lastGood: PollRunRow | null, now: Date, staleAfterMinutes: number): Health {
  if (!last) return 'never_polled';
  if (last.status === 'failed' && last.errorCode === 'imap_auth') return 'auth_failed';
  if (!lastGood) return last.status === 'running' ? 'never_polled' : 'failing';
  const goodAt = new Date(lastGood.finishedAt ?? lastGood.startedAt).getTime();
  if (now.getTime() - goodAt > staleAfterMinutes * 60_000) return 'stale';
  if (last.status === 'failed') return 'failing';
  return 'ok';
}

export function formatStatus(s: StatusReport): string {
  const lines = [
    `contest-intake status: ${s.health}  (mode: ${s.mode})`,
    `last poll:      ${s.lastPoll ? `${s.lastPoll.startedAt} ${s.lastPoll.status} (${s.lastPoll.source}; ${s.lastPoll.fetched} new, ${s.lastPoll.known} known, ${s.lastPoll.failed} failed)` : 'never'}`,
    `last good poll: ${s.lastGoodPoll ? s.lastGoodPoll.finishedAt ?? s.lastGoodPoll.startedAt : 'never'}`,
    `last error:     ${s.lastError ? `${s.lastError.at} [${s.lastError.code}] ${s.lastError.message}` : 'none'}`,
    ...s.positions.map((p) => `position:       ${p.mailbox} UIDVALIDITY ${p.uidValidity}, everything up to UID ${p.lastUid} recorded`
      + (p.gaps ? `; ${p.gaps} UIDs below it NOT recorded (${p.gapUids.slice(0, 10).join(', ')}${p.gaps > 10 ? ', …' : ''}): run \`contest-intake reconcile\`` : '')),
    `messages:       ${s.messages.total} (${Object.entries(s.messages.byKind).map(([k, n]) => `${k} ${n}`).join(', ') || 'none'})`,
    `by status:      ${Object.entries(s.messages.byStatus).map(([k, n]) => `${k} ${n}`).join(', ') || 'none'}`,
  ];
  return lines.join('\n');
}

/** Exit codes for `status`, so a health check (Docker, systemd, a cron mail) can act on them. */
export function statusExitCode(h: Health): number {
  return h === 'ok' ? 0 : h === 'auth_failed' ? 3 : h === 'never_polled' ? 4 : 1;
}
