import type { EntryState } from '../domain/entry-state.ts';
import type { UnitRow, UnknownUnitRow } from '../exports/export-data.ts';
import type { OutboxStatus } from '../store/outbox-repo.ts';

/**
 * The plain data the daily digest is rendered from, filled by collect-digest.ts. Values are as recorded, phone
 * numbers unmasked: the renderer masks them.
 */

/** A work recorded on the reported day. */
export interface NewWork {
  entryId: number;
  messageId: number;
  receivedAt: string;
  title: string | null;
  authors: string[];
  /** The unit credited or recommending it; null for an individual's own submission (个人). */
  unit: string | null;
  link: string | null;
  state: EntryState;
}

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

/** Why a person must look, and what to do about it. */
export interface PersonReason {
  text: string;
  /** What to do, in a sentence an organizer can follow ('' for a note that only travels with the item). */
  todo: string;
}

/** Something a person has to look at: a form read by hand, an unknown unit, the same work twice, a mail not read. */
export interface PersonItem {
  messageId: number;
  entryId: number | null;
  receivedAt: string;
  sender: string | null;
  subject: string;
  title: string | null;
  reasons: PersonReason[];
  /** The console's page for it (WEB_BASE_URL), or null: the message id then says where to look. */
  link: string | null;
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
  /** The local day reported on (YYYY-MM-DD): days and deadlines are counted from it. */
  date: string;
  deadline: string;
  day: { messages: number; byKind: Record<string, number>; entries: number; registered: number; repliesSent: number };
  /** The day's new works, latest first. */
  newWorks: NewWork[];
  totals: {
    messages: number;
    byKind: Record<string, number>;
    /** Every recorded version of every work: the sum of byState. */
    entries: number;
    byState: Record<EntryState, number>;
    needsPerson: number;
  };
  units: UnitRow[];
  unknownUnits: UnknownUnitRow[];
  waiting: WaitingItem[];
  needsPerson: PersonItem[];
  capped: { address: string; count: number; reasons: string[] }[];
  delivery: { pending: number; dropped: number; issues: DeliveryIssue[] };
}
