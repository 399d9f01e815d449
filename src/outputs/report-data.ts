/**
 * The plain data the digest and the exports are rendered from. The store fills them (store/digest-repo.ts); the
 * renderers never touch the database. Values are as recorded, phone numbers unmasked: each renderer decides
 * what it shows (the digest masks every phone number, the organizers' own export keeps them).
 */

export type OutboxState = 'pending' | 'sending' | 'sent' | 'failed' | 'capped' | 'unknown';

export interface UnitRow {
  name: string;
  categoryLabel: string;
  quota: number;
  /** Distinct valid works credited to the unit. */
  counted: number;
  /** Current rows received from the unit, valid or not. */
  received: number;
  /** Nothing at all received from the unit. */
  silent: boolean;
  /** County offices: new-employment works before the category's date. */
  newEmployment: { quota: number; before: string; counted: number; met: boolean } | null;
}

export interface UnknownUnitRow {
  name: string;
  spellings: string[];
  received: number;
  counted: number;
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
  reply: OutboxState | null;
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
  status: OutboxState;
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

export interface ExportEntry {
  id: number;
  messageId: number;
  title: string | null;
  authors: string[];
  /** 职业/单位 as the summary form has it. */
  occupationUnit: string | null;
  link: string | null;
  phone: string | null;
  /** As the organizers' decisions make it: 'excluded' never counts. */
  status: 'valid' | 'problems' | 'duplicate' | 'superseded' | 'excluded';
  problems: string[];
  /** What people did in the console: accepted/excluded with the reason, 已核对, the latest note. */
  review: string[];
  /** The unit credited or recommending. */
  unit: string | null;
  newEmployment: boolean;
  receivedAt: string;
  sender: string | null;
}

export interface ExportMessage {
  id: number;
  receivedAt: string;
  from: string | null;
  subject: string;
  kind: string;
  status: string;
  problems: string[];
  reply: OutboxState | null;
}

export interface ExportData {
  contestName: string;
  timezone: string;
  generatedAt: string;
  entries: ExportEntry[];
  units: UnitRow[];
  messages: ExportMessage[];
}
