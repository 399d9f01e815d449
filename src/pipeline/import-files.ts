import type { Clock } from '../clock.ts';
import { describeError } from '../errors.ts';
import { listEmlFiles, readEmlFile } from '../mailbox/eml-folder-source.ts';
import type { PlanLimits } from '../mailbox/message-parts.ts';
import { findByHash, finishPollRun, startPollRun } from '../store/messages-repo.ts';
import { asStoreError } from '../store/db.ts';
import { ingestMessage, type IngestDeps } from './ingest-message.ts';

export interface ImportReport {
  files: number;
  imported: number;
  known: number;
  failed: { file: string; error: string }[];
}

/** The same pipeline as the IMAP poll, over .eml files (the demo mailbox, a folder exported from webmail). */
export async function importFiles(target: string, deps: IngestDeps, clock: Clock, limits: PlanLimits, signal?: AbortSignal): Promise<ImportReport> {
  const files = listEmlFiles(target);
  const report: ImportReport = { files: files.length, imported: 0, known: 0, failed: [] };
  let runId: number;
  try {
    runId = startPollRun(deps.db, 'files', clock());
  } catch (err) {
    throw asStoreError(err);
  }
  for (const file of files) {
    if (signal?.aborted) break;
    try {
      const msg = await readEmlFile(file, limits);
      if (findByHash(deps.db, msg.contentHash)) {
        report.known++;
        continue;
      }
      await ingestMessage(msg, deps, clock());
      report.imported++;
    } catch (raw) {
      const err = asStoreError(raw);
      if ((err as { code?: string }).code === 'db_unavailable') {
        finishPollRun(deps.db, runId, { ok: false, fetched: report.imported, known: report.known, failed: report.failed.length, errorCode: 'db_unavailable', error: describeError(err) }, clock());
        throw err;
      }
      report.failed.push({ file, error: describeError(err) });
      deps.log.error({ file, err: describeError(err) }, 'could not import file');
    }
  }
  finishPollRun(deps.db, runId, { ok: true, fetched: report.imported, known: report.known, failed: report.failed.length }, clock());
  return report;
}
