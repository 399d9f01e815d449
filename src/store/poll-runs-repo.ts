import type { Db } from './db.ts';
import { prepared } from './prepared.ts';
import { columnsOf } from './row-decoding.ts';

/** One row per poll cycle or file import: what `status` judges the service's health by. */
export interface PollRunCounts {
  fetched: number;
  known: number;
  failed: number;
  vanished?: number;
  unfetchable?: number;
  reconnects?: number;
  gaps?: number;
}

export interface PollRunRow extends Required<PollRunCounts> {
  source: string;
  startedAt: string;
  finishedAt: string | null;
  status: string;
  errorCode: string | null;
  error: string | null;
}

export function startPollRun(db: Db, source: string, now: Date): number {
  // A run left 'running' by a killed process is closed as failed, so status never shows a ghost poll.
  prepared(db, "UPDATE poll_runs SET status = 'failed', error_code = 'interrupted', error = 'the process stopped during this poll', finished_at = ? WHERE status = 'running'")
    .run(now.toISOString());
  return Number(prepared(db, "INSERT INTO poll_runs (source, started_at, status) VALUES (?, ?, 'running')").run(source, now.toISOString()).lastInsertRowid);
}

export function finishPollRun(db: Db, id: number, r: PollRunCounts & { ok: boolean; errorCode?: string; error?: string }, now: Date): void {
  prepared(db, `UPDATE poll_runs SET status = ?, finished_at = ?, fetched = ?, known = ?, failed = ?, vanished = ?, unfetchable = ?, reconnects = ?,
      gaps = ?, error_code = ?, error = ? WHERE id = ?`)
    .run(r.ok ? 'ok' : 'failed', now.toISOString(), r.fetched, r.known, r.failed, r.vanished ?? 0, r.unfetchable ?? 0, r.reconnects ?? 0,
      r.gaps ?? 0, r.errorCode ?? null, r.error ?? null, id);
}

const POLL_COLUMNS = `source, started_at AS startedAt, finished_at AS finishedAt, status, fetched, known, failed, vanished, unfetchable,
  reconnects, gaps, error_code AS errorCode, error`;

function decodeRun(row: unknown): PollRunRow | null {
  if (row === undefined) return null;
  const c = columnsOf('poll_runs', row);
  return {
    source: c.text('source'), startedAt: c.text('startedAt'), finishedAt: c.textOrNull('finishedAt'), status: c.text('status'),
    fetched: c.int('fetched'), known: c.int('known'), failed: c.int('failed'), vanished: c.int('vanished'), unfetchable: c.int('unfetchable'),
    reconnects: c.int('reconnects'), gaps: c.int('gaps'), errorCode: c.textOrNull('errorCode'), error: c.textOrNull('error'),
  };
}

export function lastPollRun(db: Db): PollRunRow | null {
  return decodeRun(prepared(db, `SELECT ${POLL_COLUMNS} FROM poll_runs ORDER BY id DESC LIMIT 1`).get());
}

export function lastGoodPollRun(db: Db): PollRunRow | null {
  return decodeRun(prepared(db, `SELECT ${POLL_COLUMNS} FROM poll_runs WHERE status = 'ok' ORDER BY id DESC LIMIT 1`).get());
}

export function lastFailedPollRun(db: Db): PollRunRow | null {
  return decodeRun(prepared(db, `SELECT ${POLL_COLUMNS} FROM poll_runs WHERE status = 'failed' ORDER BY id DESC LIMIT 1`).get());
}
