import type { EntryStatus } from '../domain/entry-draft.ts';
import type { OutboxStatus } from '../store/outbox-repo.ts';

/**
 * The plain data the exports (and the digest's units and workbook) are rendered from, filled by
 * collect-exports.ts. The renderers never touch the database. Values are as recorded, phone numbers unmasked: each
 * renderer decides what it shows (the digest's copy masks every phone number, the organizers' own export keeps them).
 */

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
  status: EntryStatus | 'excluded';
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
  reply: OutboxStatus | null;
}

export interface ExportData {
  contestName: string;
  timezone: string;
  generatedAt: string;
  entries: ExportEntry[];
  units: UnitRow[];
  messages: ExportMessage[];
}
