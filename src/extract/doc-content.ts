/**
 * What a document parser hands back across the worker boundary: plain data only, so nothing from mammoth or
 * exceljs (and nothing a hostile file could shape into a huge object graph) reaches the main thread.
 */

/** One grid position. Positions covered by one merged cell share its id, so neighbours can be told apart. */
export interface TableCell {
  text: string;
  id: number;
}

export interface TableRow {
  /** 1-based row number in the sheet or table, as an organizer would count it. */
  number: number;
  cells: TableCell[];
}

export interface DocTable {
  /** Sheet name, or "表1", "表2" … for document tables. */
  label: string;
  rows: TableRow[];
  /** Rows past GRID_LIMITS.maxRows were left out: whoever reads the table must say so. */
  clipped?: boolean;
}

export type DocBlock = { kind: 'text'; text: string } | { kind: 'table'; table: DocTable };

export interface DocContent {
  blocks: DocBlock[];
}

/** Grids larger than this are no form anybody fills in by hand; the rest is dropped rather than walked. */
export const GRID_LIMITS = { maxRows: 2_000, maxCols: 60, maxTables: 200, maxCellChars: 20_000 } as const;

export function clipText(text: string): string {
  return text.length > GRID_LIMITS.maxCellChars ? text.slice(0, GRID_LIMITS.maxCellChars) : text;
}

/** Visible text as people typed it: one kind of newline, no non-breaking or zero-width spaces, trimmed lines. */
export function tidyText(text: string): string {
  return clipText(text)
    .replace(/\r\n?/g, '\n')
    .replace(/[\u00a0\u2007\u202f]/g, ' ')
    .replace(/[\u200b-\u200d\u2060\ufeff]/g, '')
    .split('\n')
    .map((line) => line.replace(/[ \t]+$/g, '').replace(/^[ \t]+/g, ''))
    .join('\n')
    .replace(/\n{2,}/g, '\n')
    .trim();
}
