import type { UnitRow, UnknownUnitRow } from '../exports/export-data.ts';
import type { OutboxStatus } from '../store/outbox-repo.ts';

/**
 * The plain data the daily digest is rendered from, filled by collect-digest.ts. Values are as recorded, phone
 * numbers unmasked: the renderer masks them.
 */

/** An entry (or a mail without a readable form) waiting for its submitter to fix something. */
export interface WaitingItem {
  messageId: number;
  entryId: number | null;
  receivedAt: string;
  sender: string | null;
  title: string | null;
  authors: string[];
  phone: string | null;
  problems: string[];
  reply: OutboxStatus | null;
}

/** Something a person has to look at: unreadable, unknown unit, PDF/image form, subject mismatch, duplicate. */
export interface PersonItem {
  messageId: number;
  entryId: number | null;
  receivedAt: string;
  sender: string | null;
  subject: string;
  title: string | null;
  reasons: string[];
}

export interface DeliveryIssue {
  id: number;
  kind: string;
  recipients: string[];
  status: OutboxStatus;
  code: string | null;
  error: string | null;
}

export interface DigestData {
  contestName: string;
  timezone: string;
  /** The local day reported on (YYYY-MM-DD). */
  date: string;
  deadline: string;
  day: { messages: number; byKind: Record<string, number>; entries: number; validEntries: number; repliesSent: number };
  totals: {
    messages: number; byKind: Record<string, number>; entries: number; validWorks: number; withProblems: number;
    duplicates: number; needsPerson: number;
    /** Current works an organizer excluded in the console. */
    excluded: number;
  };
  units: UnitRow[];
  unknownUnits: UnknownUnitRow[];
  waiting: WaitingItem[];
  needsPerson: PersonItem[];
  capped: { address: string; count: number; reasons: string[] }[];
  delivery: { pending: number; issues: DeliveryIssue[] };
}
