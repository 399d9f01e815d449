import { sameAuthor } from '../domain/authors.ts';
import type { EntryStatus } from '../domain/entry-draft.ts';
import { problem, type Problem } from '../domain/problem.ts';
import type { EntryResolution, WorkRow } from '../domain/work-resolution.ts';

/**
 * Decides which recorded rows are one work: later versions from the same party supersede earlier ones, and
 * the same Douyin work from another party is a duplicate of the first. Pure and order-free: the answer
 * depends only on the set of rows, so recording messages again (reprocess) in any order ends the same.
 */

export interface WorkResolution {
  superseded: boolean;
  /** The previous version this row replaces (same party, same work). */
  supersedes: number | null;
  /** The first row of the same Douyin work, when this row is not it. */
  duplicateOf: number | null;
  /**
   * A registration form and a unit's summary row (or forwarded mail) for the same work: one entry, and not a
   * problem for anyone, since the notice asks both the author and the unit to send.
   */
  merged: boolean;
  /** For a surviving row: the row whose unit gets credit for the work (itself or a merged unit row). */
  creditFrom: number | null;
}

/**
 * The party of a row: a recognized unit, an unknown unit (by its normalized spelling), or else the sender.
 * A unit sending from two addresses is one party; an individual is known only by address.
 */
export function partyOf(unitName: string | null, recommenderKey: string | null, sender: string | null, messageId: number): string {
  if (unitName) return `unit:${unitName}`;
  if (recommenderKey) return `unit?:${recommenderKey}`;
  const address = sender?.trim().toLowerCase();
  // Mails without a From address are not one person: each stands alone.
  return address ? `sender:${address}` : `message:${messageId}`;
}

export function isUnitParty(party: string): boolean {
  return party.startsWith('unit:') || party.startsWith('unit?:');
}

function byArrival(a: WorkRow, b: WorkRow): number {
  if (a.receivedAt !== b.receivedAt) return a.receivedAt < b.receivedAt ? -1 : 1;
  if (a.messageId !== b.messageId) return a.messageId - b.messageId;
  return a.sourceIndex - b.sourceIndex;
}

function shareLink(a: WorkRow, b: WorkRow): boolean {
  return a.links.some((l) => b.links.includes(l));
}

/**
 * Same work from the same party: a shared link, or the same title. A unit's summary may hold two different
 * works with the same title by different authors, so for summary rows the title needs a common author too.
 */
function sameWork(a: WorkRow, b: WorkRow): boolean {
  if (shareLink(a, b)) return true;
  if (!a.titleKey || a.titleKey !== b.titleKey) return false;
  if (a.form === 'registration' && b.form === 'registration') return true;
  return a.authors.some((x) => b.authors.some((y) => sameAuthor(x, y)));
}

export function resolveWorks(rows: readonly WorkRow[]): Map<number, WorkResolution> {
  const sorted = [...rows].sort(byArrival);
  const out = new Map<number, WorkResolution>();
  for (const r of sorted) out.set(r.id, { superseded: false, supersedes: null, duplicateOf: null, merged: false, creditFrom: null });
  const res = (id: number): WorkResolution => out.get(id)!;

  // 1. Versions. A row from a later message of the same party replaces every current version of the same work.
  // A version keeps the place of the first one: a corrected resend must not lose "first" to a copy sent meanwhile.
  const chainStart = new Map<number, WorkRow>(sorted.map((r) => [r.id, r]));
  for (const [i, r] of sorted.entries()) {
    for (let j = i - 1; j >= 0; j--) {
      const p = sorted[j]!;
      if (p.party !== r.party || p.messageId === r.messageId || res(p.id).superseded || !sameWork(p, r)) continue;
      res(p.id).superseded = true;
      res(r.id).supersedes ??= p.id;
      if (byArrival(chainStart.get(p.id)!, chainStart.get(r.id)!) < 0) chainStart.set(r.id, chainStart.get(p.id)!);
    }
  }

  // 2. Same Douyin work among current versions: rows joined by shared links, the earliest (by first version) first.
  const current = sorted
    .filter((r) => !res(r.id).superseded)
    .sort((a, b) => byArrival(chainStart.get(a.id)!, chainStart.get(b.id)!) || byArrival(a, b));
  const parent = new Map<number, number>(current.map((r) => [r.id, r.id]));
  const find = (id: number): number => {
    let root = id;
    while (parent.get(root) !== root) root = parent.get(root)!;
    parent.set(id, root);
    return root;
  };
  const firstByLink = new Map<string, number>();
  for (const r of current) {
    for (const link of r.links) {
      const other = firstByLink.get(link);
      if (other === undefined) firstByLink.set(link, r.id);
      else {
        const a = find(other);
        const b = find(r.id);
        if (a !== b) parent.set(b, a);
      }
    }
  }
  const groups = new Map<number, WorkRow[]>();
  for (const r of current) {
    const root = find(r.id);
    const group = groups.get(root) ?? [];
    group.push(r);
    groups.set(root, group);
  }
  for (const group of groups.values()) {
    // Groups keep the order of `current`.
    const [first, ...later] = group as [WorkRow, ...WorkRow[]];
    let unitSeen = isUnitParty(first.party);
    let individualSeen = !unitSeen;
    let credit: number | null = unitSeen ? first.id : null;
    for (const r of later) {
      const fromUnit = isUnitParty(r.party);
      const rr = res(r.id);
      rr.duplicateOf = first.id;
      // The first unit row and the first individual row of a work are its two legitimate channels.
      if (fromUnit ? !unitSeen : !individualSeen) {
        rr.merged = true;
        if (fromUnit) credit = r.id;
      }
      if (fromUnit) unitSeen = true;
      else individualSeen = true;
    }
    res(first.id).creditFrom = credit;
  }
  return out;
}

function duplicateWorkProblem(firstId: number, sameMessage: boolean): Problem {
  const message = sameMessage
    ? '同一抖音作品在本邮件中出现了不止一次，只计一次，请核对是否漏填了其他作品的链接。'
    : '该抖音作品此前已由其他人或单位报送，同一作品只计一次，本次报送不再重复登记。如有疑问，请联系主办方。';
  return problem('duplicate_work', message, { field: 'link', detail: `duplicate of entry ${firstId}` });
}

/**
 * What an entry becomes from its own validation problems and the resolution of its work: superseded, a duplicate
 * (told why, unless it is the work's other legitimate channel), or valid / with problems. `creditedUnit` is the
 * unit of the row credited for the work; only the work's surviving first row carries it.
 */
export function entryResolution(
  validation: readonly Problem[], r: WorkResolution, context: { sameMessageAsFirst: boolean; creditedUnit: string | null },
): EntryResolution {
  const duplicateWork = r.duplicateOf != null && !r.merged;
  const problems = duplicateWork ? [...validation, duplicateWorkProblem(r.duplicateOf!, context.sameMessageAsFirst)] : [...validation];
  const status: EntryStatus = r.superseded ? 'superseded' : r.duplicateOf != null ? 'duplicate' : validation.length ? 'problems' : 'valid';
  return {
    status,
    problems,
    duplicateOf: r.superseded ? null : r.duplicateOf,
    supersedes: r.supersedes,
    merged: r.merged && !r.superseded,
    creditedUnit: r.superseded || r.duplicateOf != null ? null : context.creditedUnit,
  };
}
