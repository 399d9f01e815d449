import type { Clock } from '../clock.ts';
import { describeError } from '../errors.ts';
import { messageFromArchive } from '../mailbox/archive-source.ts';
import { iterateMessages } from '../store/messages-repo.ts';
import { asStoreError } from '../store/db.ts';
import { assessMessage, recordAssessment, type IngestDeps } from './ingest-message.ts';

export interface ReprocessReport {
  seen: number;
  reprocessed: number;
  changed: number;
  skipped: number;
  failed: { id: number; error: string }[];
}

/**
 * Runs classification, extraction and validation again over the archive, after a rule or alias change.
 * The same archive and rules give the same result: nothing here depends on the order of earlier runs.
 */
export async function reprocessAll(deps: IngestDeps, clock: Clock, opts: { includeQuarantined?: boolean; onlyIds?: number[] } = {}): Promise<ReprocessReport> {
  const report: ReprocessReport = { seen: 0, reprocessed: 0, changed: 0, skipped: 0, failed: [] };
  const only = opts.onlyIds ? new Set(opts.onlyIds) : null;
  for (const row of iterateMessages(deps.db)) {
    report.seen++;
    // Quarantined and unfetchable messages have nothing but their headers in the archive: they are read again from
    // the mailbox (`reprocess --id`, or the daily retry), not from here, unless asked for.
    const envelopeOnly = row.status === 'quarantined' || row.status === 'unfetchable';
    if ((only && !only.has(row.id)) || (envelopeOnly && !opts.includeQuarantined)) {
      report.skipped++;
      continue;
    }
    try {
      const msg = await messageFromArchive(row, deps.archive);
      const assessment = await assessMessage(msg, deps);
      const verdict = deps.db.transaction(() => recordAssessment(deps.db, row.id, msg, assessment, clock())).immediate();
      report.reprocessed++;
      const before = JSON.stringify([row.kind, row.status, row.problems.map((p) => p.code)]);
      const after = JSON.stringify([assessment.classification.kind, verdict.status, verdict.problems.map((p) => p.code)]);
      if (before !== after) report.changed++;
    } catch (raw) {
      const err = asStoreError(raw);
      if ((err as { code?: string }).code === 'db_unavailable') throw err;
      report.failed.push({ id: row.id, error: describeError(err) });
      deps.log.error({ id: row.id, err: describeError(err) }, 'reprocessing failed');
    }
  }
  return report;
}
