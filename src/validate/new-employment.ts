import { foldText } from '../domain/text-key.ts';

/**
 * New-employment works (新就业群体: couriers, riders, ride-hailing drivers, anchors …) count toward the county
 * offices' extra quota. A unit's own column is an explicit answer and wins; without one, keywords decide.
 */

const YES = /^(?:是|√|✓|✔|☑|■|y|yes|true|1|对|有)$/i;

export function hasNewEmploymentKeyword(texts: readonly (string | null | undefined)[], keywords: readonly string[]): boolean {
  const haystack = texts.filter(Boolean).map((t) => foldText(t!).toLowerCase()).join('\n');
  return keywords.some((k) => k && haystack.includes(foldText(k).toLowerCase()));
}

export function isNewEmployment(
  texts: readonly (string | null | undefined)[],
  column: string | null | undefined,
  keywords: readonly string[],
): boolean {
  const answer = column ? foldText(column) : '';
  if (answer) {
    if (YES.test(answer)) return true;
    // 否, ×, or a 类别 column naming the group itself (外卖骑手, 快递员): only keywords in the answer count.
    return hasNewEmploymentKeyword([answer], keywords);
  }
  return hasNewEmploymentKeyword(texts, keywords);
}
