import { decodeText } from '../domain/text-decoding.ts';
import { GRID_LIMITS, tidyText, type DocContent, type TableRow } from './doc-content.ts';

/** RFC 4180 fields: quotes, doubled quotes, newlines inside quotes; Excel's "save as CSV" writes no more. */
function parseCsv(text: string, delimiter: string): { rows: string[][]; clipped: boolean } {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let i = 0;
  for (; i < text.length && rows.length < GRID_LIMITS.maxRows; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { field += '"'; i++; }
      else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"' && field === '') quoted = true;
    else if (ch === delimiter) { row.push(field); field = ''; }
    else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(field); rows.push(row); row = []; field = '';
    } else field += ch;
  }
  if (rows.length >= GRID_LIMITS.maxRows) return { rows, clipped: /\S/.test(text.slice(i)) };
  if (field || row.length) { row.push(field); rows.push(row); }
  return { rows, clipped: false };
}

export function csvContent(bytes: Buffer): DocContent {
  const text = decodeText(bytes);
  const firstLine = text.slice(0, text.indexOf('\n') >>> 0);
  const delimiter = [',', '\t', ';'].sort((a, b) => firstLine.split(b).length - firstLine.split(a).length)[0]!;
  let nextId = 1;
  const parsed = parseCsv(text, delimiter);
  const rows: TableRow[] = parsed.rows.map((fields, r) => ({
    number: r + 1,
    cells: fields.slice(0, GRID_LIMITS.maxCols).map((f) => ({ text: tidyText(f), id: nextId++ })),
  }));
  return { blocks: [{ kind: 'table', table: { label: 'CSV', rows, ...(parsed.clipped ? { clipped: true } : {}) } }] };
}
