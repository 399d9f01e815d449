/** What people did about a work in the console, as the lines readers see beside it (the workbook, the digest). */

/** An entry's review as read from reviewed_entries (migration 0007). */
export interface EntryReview {
  checkedBy: string | null;
  decision: 'accepted' | 'excluded' | null;
  reason: string | null;
  decidedBy: string | null;
  corrected: boolean;
  note: string | null;
}

export const noteLine = (note: string): string => `备注：${note}`;

/** The export's 核对与备注 column. */
export function reviewLines(r: EntryReview): string[] {
  const lines: string[] = [];
  if (r.decision === 'accepted') lines.push(`人工接受：${r.reason ?? ''}（${r.decidedBy ?? ''}）`);
  if (r.decision === 'excluded') lines.push(`已排除：${r.reason ?? ''}（${r.decidedBy ?? ''}）`);
  if (r.checkedBy) lines.push(`已核对（${r.checkedBy}）`);
  if (r.corrected) lines.push('有人工更正的字段');
  if (r.note) lines.push(noteLine(r.note));
  return lines;
}
