import type { EntryStatus } from '../domain/entry-draft.ts';
import type { EntryState } from '../domain/entry-state.ts';
import type { OutboxStatus } from '../store/outbox-repo.ts';

/**
 * The plain data the exports (and the digest's units and workbook) are rendered from, filled by
 * collect-exports.ts. The renderers never touch the database. Values are as recorded, phone numbers unmasked: each
 * renderer decides what it shows (the digest's copy masks every phone number, the organizers' own export keeps them).
 */

export interface UnitRow {
  name: string;
  category: string;
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
  /** 联系人 / 联系方式 from the unit's latest summary form, if any. */
  contact: { name: string | null; phone: string | null } | null;
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
  address: string | null;
  intro: string | null;
  /** As the organizers' decisions make it: 'excluded' never counts. */
  status: EntryStatus | 'excluded';
  /** What the status means for people, by the classes of its problems (已登记, 无法参赛, 已排除 …). */
  state: EntryState;
  problems: string[];
  /** What people did in the console: accepted/excluded with the reason, 已核对, the latest note. */
  review: string[];
  /** The unit credited or recommending. */
  unit: string | null;
  /** The configured unit that sent the row (its summary, or a registration it forwarded). */
  recommendedByUnit: string | null;
  /** Row of the unit's summary form. */
  sourceRow: number | null;
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

/** What the judging sheets need from the contest's configuration. */
export interface JudgingSetup {
  /** One scoring sheet each: the configured names, or 评委1 … 评委N. */
  judges: string[];
  criteria: { label: string; max: number }[];
  awards: { label: string; slots: number }[];
}

export interface ExportData {
  contestName: string;
  timezone: string;
  generatedAt: string;
  /** Who the organizers are, for the title row's 联系人 / 联系方式. */
  contact: { mailbox: string; name: string | null; phone: string | null };
  entries: ExportEntry[];
  units: UnitRow[];
  messages: ExportMessage[];
  judging: JudgingSetup;
}

/** One unit's works in the layout of the notice's 附件2, to send back to the unit to confirm. */
export interface UnitExportData {
  contestName: string;
  timezone: string;
  generatedAt: string;
  unit: string;
  contact: { name: string | null; phone: string | null } | null;
  /** The current rows the unit sent, in the order it sent them. */
  entries: ExportEntry[];
}
