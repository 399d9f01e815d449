import { stripTitleQuotes } from '../domain/text-key.ts';

/** A summary row as its sender finds it again: the 序号 they typed and the work's title, not a spreadsheet row. */
export interface RowRef {
  /** 序号 as written; null when the table has no such column or the cell is empty. */
  index: string | null;
  /** Row number in the sheet or table. */
  row: number | null;
  title: string | null;
}

/**
 * `序号 7《平阳·晨光》`, `第 9 行《平阳·晨光》` without a 序号, `序号 7（第 9 行）` without a title. The 序号 is what
 * the sender numbered, so it comes first; the sheet's row number only where nothing else names the row.
 */
export function summaryRowRef(ref: RowRef): string {
  const index = ref.index?.trim().replace(/[.。、．]$/, '') || null;
  const title = ref.title ? stripTitleQuotes(ref.title).replace(/\s+/g, ' ').slice(0, 40) : '';
  const named = title ? `《${title}》` : '';
  if (index) return `序号 ${index}${named || (ref.row != null ? `（第 ${ref.row} 行）` : '')}`;
  if (ref.row != null) return `第 ${ref.row} 行${named}`;
  return named;
}
