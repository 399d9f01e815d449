import type { FormSource } from './form-source.ts';
import type { Problem } from './problem.ts';

/** One work as a form describes it, ready to be stored. */
export interface EntryDraft {
  form: 'registration' | 'summary';
  title: string | null;
  authors: string[];
  occupation: string | null;
  /** 单位 (registration) or 职业/单位 (summary) as written: "may belong to", never a unit's credit. */
  unit: string | null;
  /** Canonical Douyin work links, distinct: a group (组合) has several. */
  links: string[];
  /** Links in 链接地址 that are not Douyin works, as written. */
  otherLinks: string[];
  /** Normalized when valid (13812345678, 0577-88096549); as written when invalid (with invalid_phone). */
  phone: string | null;
  address: string | null;
  intro: string | null;
  newEmployment: boolean;
  problems: Problem[];
  /** Row of the summary form; null for a registration form. */
  sourceRow: number | null;
  /** 推荐单位 as written in the summary header; null for a registration form. */
  recommender: string | null;
  /** Address of the original sender when the form came inside a forwarded mail. */
  forwardedFrom: string | null;
  /** The summary's 联系人 and 联系方式 (phone normalized when it reads as one); null for a registration form. */
  contact?: { name: string | null; phone: string | null } | null;
  source: FormSource;
  /** The extracted values, untouched, for the organizers and for export. */
  raw: Record<string, string>;
}

/**
 * Where a recorded entry stands: valid, waiting for its submitter (problems), the same work as an earlier entry
 * (duplicate), or replaced by a later version from the same party (superseded).
 */
export const ENTRY_STATUSES = ['valid', 'problems', 'duplicate', 'superseded'] as const;
export type EntryStatus = (typeof ENTRY_STATUSES)[number];
