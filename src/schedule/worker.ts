import { writeFileSync } from 'node:fs';
import path from 'node:path';
import cron from 'node-cron';
import type { App } from '../app.ts';
import { describeError, hasCode, isAppError } from '../errors.ts';

export interface WorkerJob {
  name: string;
  cron: string;
  run: (signal: AbortSignal) => Promise<void>;
}

/**
 * After a failure the next polls are skipped for a while, doubling each time, so a dead server or a wrong
 * password costs one log line every so often instead of a tight retry loop (and no locked account).
 */
export function backoffMinutes(consecutiveFailures: number, authFailure: boolean): number {
  if (consecutiveFailures <= 0) return 0;
  const base = Math.min(60, 2 ** (consecutiveFailures - 1));
  return authFailure ? Math.max(30, base) : base;
}

/**
 * The unattended worker: each job runs once at start (polls) and then on its cron schedule in the contest's
 * time zone, never overlapping itself. SIGTERM/SIGINT stop it between messages; it then closes the database.
 */
export async function runWorker(app: App, jobs: WorkerJob[], opts: { runAtStart: string[] }): Promise<void> {
  const abort = new AbortController();
  const running = new Set<Promise<void>>();
  const failures = new Map<string, { count: number; until: number }>();
  const heartbeat = path.join(app.config.dataDir, 'heartbeat');

  // node-cron's noOverlap covers its own ticks only; the run at start goes around it, so the guard lives here.
  const busy = new Set<string>();

  const fire = async (job: WorkerJob): Promise<void> => {
    if (abort.signal.aborted) return;
    if (busy.has(job.name)) {
      app.log.debug({ job: job.name }, 'skipped: still running');
      return;
    }
    const f = failures.get(job.name);
    if (f && app.clock().getTime() < f.until) {
      app.log.debug({ job: job.name, until: new Date(f.until).toISOString() }, 'skipped: backing off after failures');
      return;
    }
    // Under way from its first line to its end, so the heap is never compacted in the middle of a poll.
    const done = app.heap.begin();
    try {
      await runJob(job);
    } finally {
      done();
    }
  };

  const runJob = async (job: WorkerJob): Promise<void> => {
    const work = job.run(abort.signal).then(
      () => {
        failures.delete(job.name);
        writeFileSync(heartbeat, `${app.clock().toISOString()} ${job.name}\n`, { mode: 0o600 });
      },
      (err: unknown) => {
        if (isAppError(err) && (err.code === 'db_unknown_migration' || err.code === 'config_invalid')) throw err;
        const count = (failures.get(job.name)?.count ?? 0) + 1;
        const minutes = backoffMinutes(count, hasCode(err, 'imap_auth'));
        failures.set(job.name, { count, until: app.clock().getTime() + minutes * 60_000 });
        app.log.error({ job: job.name, code: isAppError(err) ? err.code : 'unexpected', err: describeError(err), retryInMinutes: minutes }, `${job.name} failed`);
        if (!isAppError(err)) throw err;
      },
    );
    running.add(work);
    busy.add(job.name);
    try {
      await work;
    } finally {
      running.delete(work);
      busy.delete(job.name);
    }
  };

  let fatal: unknown = null;
  const guarded = (job: WorkerJob) => async (): Promise<void> => {
    try {
      await fire(job);
    } catch (err) {
      // An unexpected error is a bug: stop loudly rather than limp on.
      fatal = err;
      abort.abort();
    }
  };

  const stopped = new Promise<void>((resolve) => {
    const stop = (sig: string): void => {
      app.log.info({ signal: sig }, 'stopping after the current message');
      abort.abort();
      resolve();
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
    abort.signal.addEventListener('abort', () => resolve(), { once: true });
  });

  const tasks = jobs.map((job) =>
    cron.schedule(job.cron, guarded(job), { timezone: app.config.contest.timezone, noOverlap: true, name: job.name }));
  app.log.info({ jobs: jobs.map((j) => `${j.name} ${j.cron}`), timezone: app.config.contest.timezone }, 'worker started');
  for (const job of jobs) if (opts.runAtStart.includes(job.name)) void guarded(job)();

  await stopped;
  for (const t of tasks) await t.stop();
  await Promise.allSettled([...running]);
  for (const t of tasks) await t.destroy();
  app.close();
  if (fatal) throw fatal;
  app.log.info('worker stopped');
}
