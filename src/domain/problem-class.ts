import type { Problem, ProblemCode } from './problem.ts';

/**
 * What a problem asks of whom, which decides what a reply says (config/contest.json `problemClasses`, so organizers
 * can move a code from one class to another):
 * - must_fix: the work is not registered until a corrected mail arrives (missing fields, a link that is not a Douyin
 *   work, no readable form …): the reply lists them, asks for a resend and attaches the blank form;
 * - advice: the work is registered; the reply says how to do it next time and asks for nothing (the subject line);
 * - final: nothing can fix it (late): a polite notice with the contact, no resend request, no form;
 * - organizers: a person will look (PDF or image forms, an unknown unit, the same work from someone else): the
 *   submitter is told so and asked for nothing.
 */
export const PROBLEM_CLASSES = ['must_fix', 'advice', 'final', 'organizers'] as const;
export type ProblemClass = (typeof PROBLEM_CLASSES)[number];
export type ProblemClasses = Readonly<Record<ProblemCode, ProblemClass>>;

/** What a contest.json without a `problemClasses` block gets: the 6th contest's classes. */
export const DEFAULT_PROBLEM_CLASSES: ProblemClasses = {
  missing_field: 'must_fix', link_not_douyin: 'must_fix', intro_too_long: 'must_fix', too_many_authors: 'must_fix',
  too_many_pieces: 'must_fix', invalid_phone: 'must_fix', no_form: 'must_fix', unreadable_attachment: 'must_fix',
  unsupported_format: 'must_fix', form_truncated: 'must_fix',
  subject_format: 'advice', subject_mismatch: 'advice',
  late: 'final',
  needs_person: 'organizers', unknown_unit: 'organizers', duplicate_work: 'organizers',
};

/** Which class speaks for a set of problems: nothing can fix a late mail, so final comes before a fix. */
const PRECEDENCE: readonly ProblemClass[] = ['final', 'must_fix', 'organizers', 'advice'];

export function classOf(p: Pick<Problem, 'code'>, classes: ProblemClasses): ProblemClass {
  return classes[p.code] ?? 'organizers';
}

export function decidingClass(problems: readonly Pick<Problem, 'code'>[], classes: ProblemClasses): ProblemClass | null {
  const present = new Set(problems.map((p) => classOf(p, classes)));
  return PRECEDENCE.find((c) => present.has(c)) ?? null;
}

export function ofClass<P extends Pick<Problem, 'code'>>(problems: readonly P[], cls: ProblemClass, classes: ProblemClasses): P[] {
  return problems.filter((p) => classOf(p, classes) === cls);
}
