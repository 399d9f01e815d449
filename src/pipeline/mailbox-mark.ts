/**
 * Pure decisions about the mailbox position (a contiguous mark; see store/mailbox-state-repo.ts).
 */

export interface CyclePlan {
  /** UIDs above the mark that are not recorded yet, ascending: this cycle's work. */
  todo: number[];
  /** UIDs at or below the mark that the mailbox has and the record does not: something was lost. */
  gaps: number[];
  /** UIDs above the mark that are recorded already (an earlier cycle got past a failure): skipped, not fetched. */
  recordedAbove: number[];
}

/** Splits the mailbox's listing (UID SEARCH ALL) against the mark and the recorded UIDs. */
export function planCycle(listing: readonly number[], mark: number, recorded: ReadonlySet<number>): CyclePlan {
  const plan: CyclePlan = { todo: [], gaps: [], recordedAbove: [] };
  for (const uid of listing) {
    if (uid <= mark) {
      if (!recorded.has(uid)) plan.gaps.push(uid);
    } else if (recorded.has(uid)) {
      plan.recordedAbove.push(uid);
    } else {
      plan.todo.push(uid);
    }
  }
  return plan;
}

/**
 * Where the mark may go: the highest listed UID above `mark` such that every listed UID from `mark` up to it is
 * settled (recorded, or confirmed gone by the server). UIDs that were not listed do not exist in the mailbox and
 * are stepped over; an unsettled one stops the mark, whatever is settled after it.
 */
export function advanceMark(mark: number, listedAbove: readonly number[], isSettled: (uid: number) => boolean): number {
  let next = mark;
  for (const uid of listedAbove) {
    if (uid <= next) continue;
    if (!isSettled(uid)) break;
    next = uid;
  }
  return next;
}
