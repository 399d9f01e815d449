import { messageFromArchive } from '../mailbox/archive-source.ts';
import type { Archive } from '../store/archive.ts';
import type { Db } from '../store/db.ts';
import { iterateMessages, type MessageRow } from '../store/messages-repo.ts';
import type { IngestOutcome } from './ingest-message.ts';
import type { Candidate, MessageSource } from './ingest-loop.ts';

/**
 * The archive as a MessageSource, for `reprocess`: every recorded message rebuilt from what was archived, judged
 * again under the current rules and aliases into its own record. Quarantined and unfetchable messages have nothing
 * but their headers in the archive: they are read again from the mailbox instead, unless asked for.
 */
export class ArchiveMessageSource implements MessageSource {
  private readonly rows: Iterator<MessageRow>;
  private readonly before = new Map<number, string>();
  seen = 0;
  skipped = 0;
  changed = 0;

  constructor(db: Db, private readonly archive: Archive, private readonly opts: { includeQuarantined?: boolean; onlyIds?: readonly number[] }) {
    this.rows = iterateMessages(db);
  }

  async next(): Promise<Candidate | null> {
    const only = this.opts.onlyIds ? new Set(this.opts.onlyIds) : null;
    for (let r = this.rows.next(); !r.done; r = this.rows.next()) {
      const row = r.value;
      this.seen++;
      const envelopeOnly = row.status === 'quarantined' || row.status === 'unfetchable';
      if ((only && !only.has(row.id)) || (envelopeOnly && !this.opts.includeQuarantined)) {
        this.skipped++;
        continue;
      }
      this.before.set(row.id, verdictKey(row.kind, row.status, row.problems));
      const read = () => messageFromArchive(row, this.archive);
      return {
        label: `message ${row.id}`,
        contentHash: row.contentHash,
        position: null,
        target: { kind: 'reassess', id: row.id },
        envelope: read,
        load: async () => ({ msg: await read() }),
      };
    }
    return null;
  }

  async recorded(c: Candidate, outcome: IngestOutcome | null): Promise<void> {
    if (!outcome || c.target?.kind !== 'reassess') return;
    if (this.before.get(c.target.id) !== verdictKey(outcome.classification.kind, outcome.status, outcome.problems)) this.changed++;
    this.before.delete(c.target.id);
  }
}

function verdictKey(kind: string, status: string, problems: readonly { code: string }[]): string {
  return JSON.stringify([kind, status, problems.map((p) => p.code)]);
}
