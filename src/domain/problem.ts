import { FIELD_NAMES } from './field-name.ts';

export const PROBLEM_CODES = [
  'missing_field', 'link_not_douyin', 'intro_too_long', 'too_many_authors', 'too_many_pieces', 'invalid_phone',
  'late', 'subject_format', 'subject_mismatch', 'unsupported_format', 'unreadable_attachment', 'duplicate_work',
  'unknown_unit', 'no_form', 'needs_person', 'form_truncated',
] as const;
export type ProblemCode = (typeof PROBLEM_CODES)[number];

/** The form field a problem is about (`unit` also for the recommending unit), or the mail's subject or attachment. */
export const PROBLEM_FIELDS = [...FIELD_NAMES, 'subject', 'attachment'] as const;
export type ProblemField = (typeof PROBLEM_FIELDS)[number];

/** A problem a submitter (or an organizer) can act on: a machine code, the field, and a sentence in Chinese. */
export interface Problem {
  code: ProblemCode;
  field?: ProblemField;
  message: string;
  /** Who must act: the submitter fixes and resends; an organizer looks by hand. */
  actor: 'submitter' | 'organizer';
  detail?: string;
}

export function problem(code: ProblemCode, message: string, opts: Omit<Problem, 'code' | 'message' | 'actor'> & { actor?: Problem['actor'] } = {}): Problem {
  return { code, message, actor: opts.actor ?? 'submitter', ...(opts.field ? { field: opts.field } : {}), ...(opts.detail ? { detail: opts.detail } : {}) };
}
