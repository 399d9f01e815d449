/**
 * Comparison keys for what people type into forms and subjects. Displayed values keep the writer's spelling;
 * only these keys decide whether two spellings are the same title, name or unit.
 */

const INVISIBLE = /[\u200b-\u200f\u2060\ufeff\u00ad]/g;

/** NFKC (full-width → ASCII, ＋ → +), invisible characters dropped, whitespace folded. */
export function foldText(value: string): string {
  return value.normalize('NFKC').replace(INVISIBLE, '').replace(/\s+/g, ' ').trim();
}

/** Placeholders people write into a cell they have nothing for: treated as empty, so the field is reported missing. */
const PLACEHOLDER = /^(?:无|暂无|没有|空|略|待定|待补充|不详|n\/?a|none|null|[-—–_/\\.。·…]+)$/i;

/** The trimmed value, or null when it is empty or only a placeholder. */
export function presentValue(value: string | null | undefined): string | null {
  if (value == null) return null;
  const folded = foldText(value);
  if (folded === '' || PLACEHOLDER.test(folded)) return null;
  // The writer's spelling is kept for display: NFKC would turn 江心屿（一） into 江心屿(一).
  return value.replace(INVISIBLE, '').trim();
}

/**
 * Key for titles and names: case folded, and every space, punctuation mark and symbol removed, so that
 * 《五马街的清晨》, “五马街的清晨” and 五马街 的清晨！ compare equal.
 */
export function textKey(value: string): string {
  return foldText(value).toLowerCase().replace(/[\p{P}\p{S}\p{Z}\s]/gu, '');
}

/** Strips the quotes people put around a title (《…》, “…”, 「…」) for display. */
export function stripTitleQuotes(value: string): string {
  return value.replace(/^[\s《〈“"「『'‘]+|[\s》〉”"」』'’]+$/g, '').trim();
}

/** Length in characters as a person counts them: code points, not UTF-16 units or bytes. */
export function charCount(value: string): number {
  return [...value].length;
}
