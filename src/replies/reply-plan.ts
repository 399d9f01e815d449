import { isAfterDeadline } from '../domain/contest-calendar.ts';
import type { EntryState } from '../domain/entry-state.ts';
import { decidingClass, ofClass, type ProblemClass, type ProblemClasses } from '../domain/problem-class.ts';
import type { Problem } from '../domain/problem.ts';

/**
 * What one reply says, decided before a word is written: its class (the problems' deciding class, or a receipt),
 * the state of the submission in the words the submitter reads first, the problems of that class only, and the
 * works it names. Pure: the same mail, works and rules always give the same plan.
 */

export type ReplyClass = ProblemClass | 'receipt';

/** A work of the answered mail, as recorded. */
export interface ReplyWork {
  title: string | null;
  authors: readonly string[];
  /** 职业/单位 as the form has it. */
  unit: string | null;
  link: string | null;
  state: EntryState;
  /** Row of a unit's summary form; null for a registration form. */
  row: number | null;
  /** The work's canonical link (else its title key): each work gets one receipt. */
  key: string | null;
}

export interface ReplyPlan {
  cls: ReplyClass;
  /** 已登记 / 未登记，需补充 / 无法参赛 / 转人工核对, with counts when the mail holds several works. */
  state: string;
  /** The problems of the reply's class, each once. */
  told: Problem[];
  /** The works a receipt or an advice confirms as registered (those not confirmed before). */
  registered: ReplyWork[];
  /** How many of the mail's current works stand registered, and how many wait for a fix. */
  counts: { registered: number; needsFix: number };
}

export interface PlanInput {
  receivedAt: Date;
  /** The message's problems and its works' problems, as recorded. */
  problems: readonly Problem[];
  works: readonly ReplyWork[];
  classes: ProblemClasses;
  deadline: string;
  timezone: string;
  sendReceipts: boolean;
  /** Keys of works this recipient already got a receipt (or an advice) for. */
  receipted: ReadonlySet<string>;
}

/** The four words a submitter reads first, by the state of a work. */
export const STATE_WORDS = {
  registered: '已登记', needs_fix: '未登记，需补充', ineligible: '无法参赛', with_organizers: '转人工核对',
} as const;
type StateWord = keyof typeof STATE_WORDS;

function wordOf(state: EntryState): StateWord {
  switch (state) {
    case 'registered':
    case 'merged': return 'registered';
    case 'needs_fix': return 'needs_fix';
    case 'ineligible': return 'ineligible';
    case 'with_organizers':
    case 'duplicate': return 'with_organizers';
    // A superseded row is an earlier version the mail itself replaced: the later row speaks for the work.
    case 'superseded': return 'registered';
    // Only an organizer excludes a work, in the console, after any reply.
    case 'excluded': return 'with_organizers';
  }
}

const WORD_OF_CLASS: Record<ReplyClass, StateWord> = {
  must_fix: 'needs_fix', final: 'ineligible', organizers: 'with_organizers', advice: 'registered', receipt: 'registered',
};

/** 已登记 for one work; 已登记 9 件；未登记，需补充 1 件 for a unit's summary; the class's word when no work was read. */
export function stateLine(cls: ReplyClass, works: readonly ReplyWork[]): string {
  const current = works.filter((w) => w.state !== 'superseded');
  if (!current.length) return STATE_WORDS[WORD_OF_CLASS[cls]];
  const counts = new Map<StateWord, number>();
  for (const w of current) counts.set(wordOf(w.state), (counts.get(wordOf(w.state)) ?? 0) + 1);
  if (current.length === 1) return STATE_WORDS[[...counts.keys()][0]!];
  const order: StateWord[] = ['registered', 'needs_fix', 'ineligible', 'with_organizers'];
  return order.filter((w) => counts.has(w)).map((w) => `${STATE_WORDS[w]} ${counts.get(w)} 件`).join('；');
}

function distinct(problems: readonly Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.code}\u0000${p.field ?? ''}\u0000${p.message}\u0000${p.detail ?? ''}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * The plan for a mail, or null when there is nothing to say (a complete submission with receipts off, or whose
 * every work was confirmed before). A mail that arrived after the deadline gets the final notice whatever else it
 * lacks: asking for a fix that cannot help would be unkind.
 */
export function planReply(input: PlanInput): ReplyPlan | null {
  const late = isAfterDeadline(input.receivedAt, input.deadline, input.timezone) && input.classes.late === 'final';
  const cls: ReplyClass = late ? 'final' : decidingClass(input.problems, input.classes) ?? 'receipt';
  const registered = input.works.filter((w) => wordOf(w.state) === 'registered' && w.state !== 'superseded'
    && !(w.key && input.receipted.has(w.key)));
  if (cls === 'receipt') {
    if (!input.sendReceipts) return null;
    // Works there were, and each was confirmed before: no second receipt for the same work.
    if (input.works.length && !registered.length) return null;
  }
  const told = distinct(ofClass(input.problems, cls === 'receipt' ? 'advice' : cls, input.classes));
  const current = input.works.filter((w) => w.state !== 'superseded');
  return {
    cls,
    state: late ? STATE_WORDS.ineligible : stateLine(cls, input.works),
    told: cls === 'receipt' ? [] : told,
    registered: cls === 'receipt' || cls === 'advice' ? registered : [],
    counts: { registered: current.filter((w) => wordOf(w.state) === 'registered').length, needsFix: current.filter((w) => w.state === 'needs_fix').length },
  };
}
