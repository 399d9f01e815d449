import ExcelJS from 'exceljs';
import { GRID_LIMITS, tidyText, type DocBlock, type DocContent, type TableCell, type TableRow } from './doc-content.ts';
import { xlsxStreamContent } from './xlsx-stream.ts';
import { zipEntrySizes } from './zip-guard.ts';

function richText(value: unknown): string {
  if (value && typeof value === 'object' && 'richText' in value && Array.isArray(value.richText)) {
    return value.richText.map((part: { text?: unknown }) => (typeof part.text === 'string' ? part.text : '')).join('');
  }
  return typeof value === 'string' ? value : '';
}

/** Dates come back as UTC midnights of the local calendar day (exceljs reads serials as UTC). */
function dateText(d: Date): string {
  return Number.isNaN(d.getTime()) ? '' : d.toISOString().slice(0, 10);
}

export function cellValueText(value: ExcelJS.CellValue, depth = 0): string {
  if (value === null || value === undefined || depth > 3) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return Number.isInteger(value) ? value.toFixed(0) : String(value);
  if (typeof value === 'boolean') return value ? '是' : '否';
  if (value instanceof Date) return dateText(value);
  if (typeof value !== 'object') return '';
  if ('richText' in value) return richText(value);
  if ('hyperlink' in value) {
    const text = typeof value.text === 'string' ? value.text : richText(value.text);
    const href = typeof value.hyperlink === 'string' ? value.hyperlink : '';
    // A cell showing "点击观看" keeps the Douyin address only in its hyperlink.
    return /^https?:\/\//i.test(href) && !text.includes(href) ? `${text} ${href}`.trim() : text;
  }
  if ('formula' in value || 'sharedFormula' in value || 'result' in value) {
    const shown = 'result' in value ? cellValueText(value.result as ExcelJS.CellValue, depth + 1) : '';
    // =HYPERLINK("https://v.douyin.com/…", "点击观看") keeps the address only in the formula.
    const formula = 'formula' in value && typeof value.formula === 'string' ? value.formula : '';
    const href = /HYPERLINK\(\s*"(https?:\/\/[^"]+)"/i.exec(formula)?.[1];
    return href && !shown.includes(href) ? `${shown} ${href}`.trim() : shown;
  }
  return '';
}

/**
 * Above this much sheet XML (worksheets and shared strings), exceljs's whole workbook no longer fits a parse
 * worker's heap: the sheets are read as a stream instead, into the same grids (xlsx-stream.ts).
 */
export const XLSX_STREAM_ABOVE_BYTES = 1024 * 1024;

/** Every visible sheet as a grid; merged ranges share their top-left cell's text and id. Runs inside a parse worker. */
export async function xlsxContent(bytes: Buffer): Promise<DocContent> {
  let sheetBytes = 0;
  for (const [name, size] of await zipEntrySizes(bytes)) if (/^xl\/(worksheets\/[^/]+\.xml|sharedStrings\.xml)$/.test(name)) sheetBytes += size;
  return sheetBytes > XLSX_STREAM_ABOVE_BYTES ? xlsxStreamContent(bytes) : xlsxWorkbookContent(bytes);
}

/** exceljs's reading, for every size (xlsx-stream.ts is held to the same output by the tests). */
export async function xlsxWorkbookContent(bytes: Buffer): Promise<DocContent> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  const blocks: DocBlock[] = [];
  for (const sheet of workbook.worksheets.slice(0, GRID_LIMITS.maxTables)) {
    if (sheet.state === 'hidden' || sheet.state === 'veryHidden') continue;
    const rowCount = Math.min(sheet.rowCount, GRID_LIMITS.maxRows);
    const colCount = Math.min(sheet.columnCount, GRID_LIMITS.maxCols);
    const ids = new Map<string, TableCell>();
    let nextId = 1;
    const rows: TableRow[] = [];
    for (let r = 1; r <= rowCount; r++) {
      const row = sheet.findRow(r);
      const cells: TableCell[] = [];
      for (let c = 1; c <= colCount; c++) {
        const cell = row?.findCell(c);
        if (!cell) { cells.push({ text: '', id: nextId++ }); continue; }
        const master = cell.isMerged ? cell.master : cell;
        let shared = ids.get(master.address);
        if (!shared) {
          shared = { text: tidyText(cellValueText(master.value)), id: nextId++ };
          ids.set(master.address, shared);
        }
        cells.push(shared);
      }
      rows.push({ number: r, cells });
    }
    while (rows.length && rows[rows.length - 1]!.cells.every((c) => !c.text)) rows.pop();
    // Formatting alone can stretch rowCount far past the last value: only a row with a value counts as left out.
    let clipped = false;
    for (let r = GRID_LIMITS.maxRows + 1; r <= sheet.rowCount && !clipped; r++) clipped = sheet.findRow(r)?.hasValues ?? false;
    if (rows.length) blocks.push({ kind: 'table', table: { label: sheet.name, rows, ...(clipped ? { clipped } : {}) } });
  }
  return { blocks };
}
