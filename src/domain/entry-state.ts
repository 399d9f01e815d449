import type { EntryStatus } from './entry-draft.ts';
import { decidingClass, type ProblemClasses } from './problem-class.ts';
import type { Problem } from './problem.ts';

/**
 * Where a work stands for the people who read about it (the submitter's reply, the digest, the workbooks), from its
 * recorded status and the classes of its problems. The recorded status says what the data is (valid, problems,
 * duplicate, superseded); this says what it means: a late work is not "waiting for a fix" but cannot take part, and
 * a work whose only problem is advice (the subject line) is registered.
 */
export const ENTRY_STATES = ['registered', 'merged', 'needs_fix', 'ineligible', 'with_organizers', 'duplicate', 'superseded', 'excluded'] as const;
export type EntryState = (typeof ENTRY_STATES)[number];

export interface StatedEntry {
  /** As recorded, or as the organizers' decisions in the console make it (reviewed_entries): 'excluded' never counts. */
  status: EntryStatus | 'excluded';
  merged: boolean;
  problems: readonly Pick<Problem, 'code'>[];
}

export function entryState(e: StatedEntry, classes: ProblemClasses): EntryState {
  switch (e.status) {
    case 'valid': return 'registered';
    case 'superseded': return 'superseded';
    // An organizer excluded it in the console. (One accepted is read as valid, its problems cleared.)
    case 'excluded': return 'excluded';
    // The work's other legitimate channel (the author and the unit both sent it): one work, registered once.
    case 'duplicate': return e.merged ? 'merged' : 'duplicate';
    case 'problems': {
      const cls = decidingClass(e.problems, classes);
      if (cls === 'final') return 'ineligible';
      if (cls === 'must_fix') return 'needs_fix';
      if (cls === 'organizers') return 'with_organizers';
      return 'registered';
    }
  }
}
