import { localStamp } from '../domain/contest-calendar.ts';
import { label } from '../domain/state-labels.ts';
import type { Messages } from '../i18n/messages-zh.ts';
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

/**
 * What `status` prints, in the operator's language (`m`), times in the contest's zone. After the figures, what needs
 * a person: messages the server would not give, quarantined ones, failures, and gaps below the position.
 */
export function formatStatus(s: StatusReport, m: Messages, timeZone: string): string {
  const at = (iso: string | null | undefined) => (iso ? localStamp(iso, timeZone) : m.never);
  const poll = s.lastPoll
    ? s.lastPoll.status === 'running' ? m.pollRunning(at(s.lastPoll.startedAt))
      : m.pollLine(at(s.lastPoll.startedAt), s.lastPoll.status === 'ok', s.lastPoll.source, s.lastPoll.fetched, s.lastPoll.known, s.lastPoll.failed)
    : m.never;
  const counts = (map: Record<string, number>, labels: Record<string, string>) =>
    m.list(Object.entries(map).map(([k, n]) => `${label(labels, k)} ${n}`)) || m.none;
  const advice = m.healthAdvice[s.health];
  const lines = [
    m.statusTitle(m.health[s.health] ?? s.health, m.mode[s.mode] ?? s.mode) + (advice ? `\n  ${advice}` : ''),
    `${m.lastPoll}${poll}`,
    `${m.lastGoodPoll}${s.lastGoodPoll ? at(s.lastGoodPoll.finishedAt ?? s.lastGoodPoll.startedAt) : m.never}`,
    `${m.lastError}${s.lastError ? `${at(s.lastError.at)} [${s.lastError.code}] ${s.lastError.message}` : m.none}`,
    ...s.positions.map((p) => `${m.position}${m.positionLine(p.mailbox, p.uidValidity, p.lastUid)}`
      + (p.gaps ? m.gapsLine(p.gaps, `${p.gapUids.slice(0, 10).join(', ')}${p.gaps > 10 ? ', …' : ''}`) : '')),
    `${m.messagesLine}${m.total(s.messages.total)}${m.aside(counts(s.messages.byKind, m.kinds))}`,
    `${m.byStatusLine}${counts(s.messages.byStatus, m.statuses)}`,
  ];
  const attention = [
    ...(s.messages.byStatus.unfetchable ? [m.attentionUnfetchable(s.messages.byStatus.unfetchable)] : []),
    ...(s.messages.byStatus.quarantined ? [m.attentionQuarantined(s.messages.byStatus.quarantined)] : []),
    ...(s.messages.byStatus.error ? [m.attentionError(s.messages.byStatus.error)] : []),
    ...(s.gaps ? [m.attentionGaps(s.gaps)] : []),
  ];
  if (attention.length) lines.push(m.attention, ...attention.map((a) => `  - ${a}`));
  return lines.join('\n');
}

/** Exit codes for `status`, so a health check (Docker, systemd, a cron mail) can act on them. */
export function statusExitCode(h: Health): number {
  return h === 'ok' ? 0 : h === 'auth_failed' ? 3 : h === 'never_polled' ? 4 : 1;
}
