import type { Clock } from '../clock.ts';
import { ArchiveMessageSource } from './archive-message-source.ts';
import type { IngestDeps } from './ingest-message.ts';
import { runIngestLoop } from './ingest-loop.ts';

export interface ReprocessReport {
  seen: number;
  reprocessed: number;
  changed: number;
  skipped: number;
  failed: { id: number; error: string }[];
}

/**
 * Runs classification, extraction and validation again over the archive, after a rule or alias change, through the
 * same loop as new mail. The same archive and rules give the same result: nothing here depends on the order of
 * earlier runs. Verdicts are rewritten; submitters are not written to again, and a message that fails now keeps
 * the verdict it had.
 */
export async function reprocessAll(deps: IngestDeps, clock: Clock, opts: { includeQuarantined?: boolean; onlyIds?: number[] } = {}): Promise<ReprocessReport> {
  const source = new ArchiveMessageSource(deps.db, deps.archive, opts);
  const r = await runIngestLoop(source, deps, clock, { maxAttempts: Number.MAX_SAFE_INTEGER, reply: false, onFailure: 'keep' });
  return {
    seen: source.seen,
    reprocessed: r.fetched,
    changed: source.changed,
    skipped: source.skipped,
    failed: r.failures.map((f) => ({ id: f.id ?? 0, error: f.error })),
  };
}
