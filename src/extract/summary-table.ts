import type { DocTable, TableRow } from './doc-content.ts';
import type { SummaryRow } from './form-types.ts';
import { normalizeLabel, type FormLabels, type SummaryColumnKey, type SummaryHeaderKey } from './label-match.ts';
import { scanLabeled } from './labeled-text.ts';

export type SummaryHeader = Record<SummaryHeaderKey, string | null>;

export interface SummaryTableRead {
  hasIndex: boolean;
  rows: SummaryRow[];
  /** Text of the rows around the column header (title, 推荐单位 line, notes), for the header scan. */
  context: string[];
}

interface Column {
  col: number;
  key: SummaryColumnKey;
}

const FIELD_KEYS = new Set<SummaryColumnKey>(['title', 'name', 'link']);
const NOTE_ROW = /^[\s\u3000]*(备[\s\u3000]*注|注[\s\u3000]*[:：0-9１-９一二三、.．]|说[\s\u3000]*明|填表说明|填报说明|附注|温馨提示|\*)/;
const TOTAL_ROW = /^(合计|总计|小计|共计)/;
const SEAL_HINT = /[（(][\s\u3000]*(盖章|公章|签章|章)[\s\u3000]*[)）]$/;

function distinctCells(row: TableRow) {
  const seen = new Set<number>();
  return row.cells.map((cell, col) => ({ cell, col })).filter(({ cell }) => !seen.has(cell.id) && seen.add(cell.id));
}

function columnsOf(row: TableRow, labels: FormLabels): Column[] {
  const columns: Column[] = [];
  for (const { cell, col } of distinctCells(row)) {
    const key = labels.columns.keyOf(cell.text);
    if (key) columns.push({ col, key });
  }
  return columns;
}

function isHeaderRow(columns: Column[]): boolean {
  const keys = new Set(columns.map((c) => c.key));
  return keys.size >= 3 && [...keys].some((k) => FIELD_KEYS.has(k));
}

/** A row's text as one line, a label cell without colon given one, so 推荐单位 | 温州日报社 reads as a field. */
export function rowLine(row: TableRow, labels: FormLabels): string {
  return distinctCells(row)
    .map(({ cell }) => cell.text.trim())
    .map((text) => (labels.header.keyOf(text) && !/[:：]$/.test(text) ? `${text}：` : text))
    .filter(Boolean)
    .join('\t');
}

/** Finds the column header of a 推荐汇总表 (序号 | 作品题目 | 作者姓名 | …) and reads the rows under it. */
export function readSummaryTable(table: DocTable, labels: FormLabels): SummaryTableRead | null {
  const headerAt = table.rows.slice(0, 40).findIndex((row) => isHeaderRow(columnsOf(row, labels)));
  if (headerAt < 0) return null;
  const header = table.rows[headerAt]!;
  const columns = columnsOf(header, labels);
  // A header cell merged over two rows pushes the first data row down.
  let dataAt = headerAt + 1;
  while (dataAt < table.rows.length && columns.some((c) => table.rows[dataAt]!.cells[c.col]?.id === header.cells[c.col]?.id)) dataAt++;

  const context = table.rows.slice(0, headerAt).map((row) => rowLine(row, labels));
  const rows: SummaryRow[] = [];
  for (const row of table.rows.slice(dataAt)) {
    const filled = distinctCells(row).filter(({ cell }) => cell.text.trim());
    const firstText = filled[0]?.cell.text ?? '';
    const spansRow = filled.length === 1 && columns.filter((c) => row.cells[c.col]?.id === filled[0]!.cell.id).length > 1;
    if (filled.length === 0) continue;
    if (spansRow || NOTE_ROW.test(firstText)) { context.push(rowLine(row, labels)); continue; }
    if (filled.some(({ cell }) => TOTAL_ROW.test(normalizeLabel(cell.text)))) continue;
    const again = columnsOf(row, labels);
    if (isHeaderRow(again)) {
      // The same header repeated on a new page is still one summary; a different one means labels over values.
      if (again.map((c) => c.key).join() !== columns.map((c) => c.key).join()) return null;
      continue;
    }

    const values = new Map<SummaryColumnKey, string[]>();
    for (const { col, key } of columns) {
      const text = row.cells[col]?.text.trim() ?? '';
      if (!text) continue;
      const list = values.get(key) ?? [];
      if (!list.includes(text)) list.push(text);
      values.set(key, list);
    }
    const out: SummaryRow = { row: row.number, fields: {} };
    let useful = false;
    for (const [key, list] of values) {
      const text = list.join('\n');
      // The 序号 the sender sees: kept to name the row in a problem, never a field of the work.
      if (key === 'index') { if (text.length <= 12 && !text.includes('\n')) out.index = text; continue; }
      if (key === 'newEmployment') out.newEmployment = text;
      else if (key === 'recommender') context.push(`推荐单位：${text}`);
      else { out.fields[key] = text; useful = true; }
    }
    if (useful) rows.push(out);
  }
  return { hasIndex: columns.some((c) => c.key === 'index'), rows, context };
}

/** 推荐单位：X 联系人：Y 联系方式：Z, wherever and however it was written; the first value of each wins. */
export function readSummaryHeader(lines: string[], labels: FormLabels): SummaryHeader {
  const header: SummaryHeader = { unit: null, contact: null, contactPhone: null };
  for (const line of lines) {
    for (const seg of scanLabeled(line, labels.header)) {
      const value = seg.value.replace(SEAL_HINT, '').trim();
      if (value && header[seg.key] === null) header[seg.key] = value;
    }
  }
  return header;
}
