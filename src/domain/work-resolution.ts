import type { EntryStatus } from './entry-draft.ts';
import type { Problem } from './problem.ts';

/** A recorded entry as the resolution of works sees it (validate/resolve-works.ts): who sent it, its keys, when. */
export interface WorkRow {
  id: number;
  messageId: number;
  /** Position of the draft within its message: orders rows of one message. */
  sourceIndex: number;
  /** ISO 8601 UTC (toISOString): compares as text. */
  receivedAt: string;
  /** Who submits: `unit:<name>`, `unit?:<key>` for an unknown unit, `sender:<address>`, or `message:<id>` without sender. */
  party: string;
  form: 'registration' | 'summary';
  titleKey: string | null;
  authors: string[];
  links: string[];
}

/** An entry's state once resolved against the others. */
export interface EntryResolution {
  status: EntryStatus;
  /** Its validation problems, and duplicate_work when it repeats another party's work (not a merged channel). */
  problems: Problem[];
  duplicateOf: number | null;
  supersedes: number | null;
  merged: boolean;
  creditedUnit: string | null;
}
