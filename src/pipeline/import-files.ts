import type { Clock } from '../clock.ts';
import { describeError, isAppError } from '../errors.ts';
import type { PlanLimits } from '../mailbox/message-parts.ts';
import { asStoreError } from '../store/db.ts';
import { finishPollRun, startPollRun } from '../store/poll-runs-repo.ts';
import { FileMessageSource } from './file-message-source.ts';
import type { IngestDeps } from './ingest-message.ts';
import { runIngestLoop } from './ingest-loop.ts';

export interface ImportReport {
  files: number;
  imported: number;
  known: number;
  failed: { file: string; error: string }[];
}

/** The same pipeline as the IMAP poll, over .eml files (the demo mailbox, a folder exported from webmail). */
export async function importFiles(target: string, deps: IngestDeps, clock: Clock, limits: PlanLimits, signal?: AbortSignal): Promise<ImportReport> {
  const source = new FileMessageSource(target, limits, (file, error) => deps.log.error({ file, err: error }, 'could not import file'));
  let runId: number;
  try {
    runId = startPollRun(deps.db, 'files', clock());
  } catch (err) {
    throw asStoreError(err);
  }
  try {
    const r = await runIngestLoop(source, deps, clock, { maxAttempts: Number.MAX_SAFE_INTEGER, ...(signal ? { signal } : {}) });
    const report: ImportReport = {
      files: source.files.length, imported: r.fetched, known: r.known,
      failed: [...source.unreadable, ...r.failures.map((f) => ({ file: f.label, error: f.error }))],
    };
    finishPollRun(deps.db, runId, { ok: true, fetched: report.imported, known: report.known, failed: report.failed.length }, clock());
    return report;
  } catch (raw) {
    const err = asStoreError(raw);
    try {
      finishPollRun(deps.db, runId, { ok: false, fetched: 0, known: 0, failed: 0, errorCode: isAppError(err) ? err.code : 'unexpected', error: describeError(err).slice(0, 500) }, clock());
    } catch {
      // The store itself failed: the error below says so.
    }
    throw err;
  }
}
