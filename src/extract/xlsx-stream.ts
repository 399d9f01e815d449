import { GRID_LIMITS, tidyText, type DocBlock, type DocContent, type TableCell, type TableRow } from './doc-content.ts';
import { localName, readRelationships, readXmlEntry } from './xml-stream.ts';

/**
 * A large .xlsx read as a stream into the same grids xlsx-content.ts makes with exceljs (the same texts, merged
 * ranges sharing one cell, numbers, dates, booleans, hyperlinks and HYPERLINK formulas written the same way), but
 * keeping only what a form can use: the first GRID_LIMITS.maxRows rows and maxCols columns of each visible sheet,
 * and of the shared strings only those these cells name. exceljs holds the whole workbook: LibreOffice writes every
 * shared string of an old .xls as rich text runs with their fonts, so a 1.2 MB .xls of 3,000 rows becomes 6 MB of
 * sharedStrings.xml and needs more than the parse worker's 64 MB. Runs inside the parse worker.
 */

type Raw =
  | { kind: 'shared'; index: number }
  | { kind: 'text'; text: string }
  | { kind: 'number'; value: number; date: boolean }
  | { kind: 'bool'; value: boolean }
  | { kind: 'empty' };

interface RawCell { value: Raw; formula: string | null; hyperlink: string | null }

interface SheetRef { name: string; path: string; hidden: boolean }

const MAX_SHEETS = GRID_LIMITS.maxTables;

function columnNumber(ref: string): number {
  let n = 0;
  for (const ch of ref) {
    const code = ch.charCodeAt(0);
    if (code < 65 || code > 90) break;
    n = n * 26 + (code - 64);
  }
  return n;
}

function cellAddress(ref: string): { row: number; col: number } | null {
  const m = /^\$?([A-Z]{1,3})\$?(\d{1,7})$/.exec(ref.trim().toUpperCase());
  return m ? { col: columnNumber(m[1]!), row: Number(m[2]) } : null;
}

function rangeOf(ref: string): { top: number; left: number; bottom: number; right: number } | null {
  const [a, b] = ref.split(':');
  const from = a ? cellAddress(a) : null;
  const to = b ? cellAddress(b) : from;
  if (!from || !to) return null;
  return { top: Math.min(from.row, to.row), left: Math.min(from.col, to.col), bottom: Math.max(from.row, to.row), right: Math.max(from.col, to.col) };
}

/** Built-in number formats that are dates or times (ECMA-376 18.8.30), as exceljs reads them. */
const DATE_FORMAT_IDS = new Set([14, 15, 16, 17, 18, 19, 20, 21, 22, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 45, 46, 47, 50, 51, 52, 53, 54, 55, 56, 57, 58]);

function isDateFormat(code: string): boolean {
  // Quoted text, escapes and [colour]/[locale] sections say nothing about dates.
  const bare = code.replace(/"[^"]*"|\\.|\[[^\]]*\]/g, '');
  return /[dmyhs]/i.test(bare) && !/^[#0.,%\s]*$/.test(bare);
}

async function readStyles(bytes: Buffer): Promise<boolean[]> {
  const custom = new Map<number, string>();
  const xfs: number[] = [];
  let inCellXfs = false;
  await readXmlEntry(bytes, 'xl/styles.xml', {
    open(name, a) {
      const tag = localName(name);
      if (tag === 'numFmt' && a.numFmtId) custom.set(Number(a.numFmtId), a.formatCode ?? '');
      else if (tag === 'cellXfs') inCellXfs = true;
      else if (tag === 'xf' && inCellXfs) xfs.push(Number(a.numFmtId ?? 0));
    },
    close(name) { if (localName(name) === 'cellXfs') inCellXfs = false; },
  });
  return xfs.map((id) => (custom.has(id) ? isDateFormat(custom.get(id)!) : DATE_FORMAT_IDS.has(id)));
}

function resolveTarget(base: string, target: string): string {
  if (target.startsWith('/')) return target.slice(1);
  const parts = base.split('/').slice(0, -1);
  for (const seg of target.split('/')) {
    if (seg === '..') parts.pop();
    else if (seg && seg !== '.') parts.push(seg);
  }
  return parts.join('/');
}

async function readWorkbook(bytes: Buffer): Promise<{ sheets: SheetRef[]; date1904: boolean }> {
  const rels = await readRelationships(bytes, 'xl/_rels/workbook.xml.rels');
  const sheets: SheetRef[] = [];
  let date1904 = false;
  await readXmlEntry(bytes, 'xl/workbook.xml', {
    open(name, a) {
      const tag = localName(name);
      if (tag === 'workbookPr') date1904 = a.date1904 === '1' || a.date1904 === 'true';
      if (tag !== 'sheet') return;
      const rel = rels.get(a['r:id'] ?? '');
      if (rel) sheets.push({ name: a.name ?? '', path: resolveTarget('xl/workbook.xml', rel.target), hidden: a.state === 'hidden' || a.state === 'veryHidden' });
    },
  });
  return { sheets, date1904 };
}

/** As exceljs turns a serial into a Date (a UTC midnight of the local calendar day) and xlsx-content prints it. */
function serialDate(serial: number, date1904: boolean): string {
  const d = new Date(Math.round((serial - (date1904 ? 24107 : 25569)) * 24 * 3600 * 1000));
  return Number.isNaN(d.getTime()) ? '' : d.toISOString().slice(0, 10);
}

function numberText(n: number): string {
  return Number.isInteger(n) ? n.toFixed(0) : String(n);
}

interface SheetRead {
  cells: Map<number, Map<number, RawCell>>;
  merges: Array<{ top: number; left: number; bottom: number; right: number }>;
  rowCount: number;
  colCount: number;
  clipped: boolean;
}

async function readSheet(bytes: Buffer, sheet: SheetRef, dateStyles: boolean[]): Promise<SheetRead> {
  const relsPath = sheet.path.replace(/([^/]+)$/, '_rels/$1.rels');
  const rels = await readRelationships(bytes, relsPath);
  const cells = new Map<number, Map<number, RawCell>>();
  const merges: SheetRead['merges'] = [];
  const links: Array<{ ref: string; target: string }> = [];
  let rowCount = 0;
  let colCount = 0;
  let clipped = false;
  let row = 0;
  let col = 0;
  let cell: { col: number; type: string; date: boolean; v: string | null; f: string | null; inline: string | null } | null = null;
  let inV = false;
  let inF = false;
  let inT = false;
  let inPhonetic = false;

  const finish = () => {
    if (!cell) return;
    const c = cell;
    cell = null;
    const hasValue = c.v !== null || c.f !== null || c.inline !== null;
    if (row > GRID_LIMITS.maxRows) { if (hasValue) clipped = true; return; }
    if (c.col > GRID_LIMITS.maxCols) return;
    let value: Raw = { kind: 'empty' };
    if (c.type === 'inlineStr') value = { kind: 'text', text: c.inline ?? '' };
    else if (c.v !== null) {
      switch (c.type) {
        case 's': value = { kind: 'shared', index: Number(c.v) }; break;
        case 'str': case 'e': value = c.type === 'e' ? { kind: 'empty' } : { kind: 'text', text: c.v }; break;
        case 'b': value = { kind: 'bool', value: c.v === '1' || c.v === 'true' }; break;
        case 'd': value = { kind: 'text', text: Number.isNaN(Date.parse(c.v)) ? '' : new Date(c.v).toISOString().slice(0, 10) }; break;
        default: {
          const n = Number.parseFloat(c.v);
          value = Number.isNaN(n) ? { kind: 'empty' } : { kind: 'number', value: n, date: c.date };
        }
      }
    }
    let byCol = cells.get(row);
    if (!byCol) cells.set(row, (byCol = new Map()));
    byCol.set(c.col, { value, formula: c.f, hyperlink: null });
  };

  await readXmlEntry(bytes, sheet.path, {
    open(name, a) {
      switch (localName(name)) {
        case 'row':
          row = a.r ? Number(a.r) : row + 1;
          col = 0;
          rowCount = Math.max(rowCount, row);
          return;
        case 'c': {
          const at = a.r ? cellAddress(a.r) : null;
          col = at ? at.col : col + 1;
          colCount = Math.max(colCount, col);
          const style = a.s ? Number(a.s) : 0;
          cell = { col, type: a.t ?? 'n', date: dateStyles[style] ?? false, v: null, f: null, inline: null };
          return;
        }
        case 'v': inV = true; if (cell) cell.v = ''; return;
        case 'f': inF = true; if (cell) cell.f = ''; return;
        case 't': inT = true; if (cell && cell.inline === null) cell.inline = ''; return;
        case 'rPh': inPhonetic = true; return;
        case 'mergeCell': {
          const range = a.ref ? rangeOf(a.ref) : null;
          if (range) {
            merges.push(range);
            rowCount = Math.max(rowCount, range.bottom);
            colCount = Math.max(colCount, range.right);
          }
          return;
        }
        case 'hyperlink': {
          const target = a['r:id'] ? rels.get(a['r:id'])?.target : a.location ? `#${a.location}` : undefined;
          if (a.ref && target !== undefined) links.push({ ref: a.ref, target });
          return;
        }
        default:
      }
    },
    text(t) {
      if (!cell) return;
      if (inV) cell.v += t;
      else if (inF) cell.f += t;
      else if (inT && !inPhonetic) cell.inline += t;
    },
    close(name) {
      switch (localName(name)) {
        case 'c': finish(); return;
        case 'v': inV = false; return;
        case 'f': inF = false; return;
        case 't': inT = false; return;
        case 'rPh': inPhonetic = false; return;
        default:
      }
    },
  });
  for (const link of links) {
    const range = rangeOf(link.ref);
    if (!range) continue;
    for (let r = range.top; r <= Math.min(range.bottom, GRID_LIMITS.maxRows); r++) {
      for (let c = range.left; c <= Math.min(range.right, GRID_LIMITS.maxCols); c++) {
        const hit = cells.get(r)?.get(c);
        if (hit) hit.hyperlink = link.target;
      }
    }
  }
  return { cells, merges, rowCount, colCount, clipped };
}

/** The shared strings the kept cells name, and no others. */
async function readSharedStrings(bytes: Buffer, wanted: Set<number>): Promise<Map<number, string>> {
  const out = new Map<number, string>();
  if (wanted.size === 0) return out;
  let index = -1;
  let text = '';
  let inT = false;
  let inPhonetic = false;
  await readXmlEntry(bytes, 'xl/sharedStrings.xml', {
    open(name) {
      switch (localName(name)) {
        case 'si': index++; text = ''; return;
        case 't': inT = true; return;
        case 'rPh': inPhonetic = true; return;
        default:
      }
    },
    text(t) { if (inT && !inPhonetic && wanted.has(index)) text += t; },
    close(name) {
      switch (localName(name)) {
        case 'si': if (wanted.has(index)) out.set(index, text); return;
        case 't': inT = false; return;
        case 'rPh': inPhonetic = false; return;
        default:
      }
    },
  });
  return out;
}

/** What xlsx-content's cellValueText shows for the value exceljs would have made of this cell. */
function shownText(cell: RawCell, strings: Map<number, string>, date1904: boolean): string {
  const v = cell.value;
  let text = '';
  switch (v.kind) {
    case 'shared': text = strings.get(v.index) ?? ''; break;
    case 'text': text = v.text; break;
    case 'number': text = v.date ? serialDate(v.value, date1904) : numberText(v.value); break;
    case 'bool': text = v.value ? '是' : '否'; break;
    default:
  }
  if (cell.formula) {
    const href = /HYPERLINK\(\s*"(https?:\/\/[^"]+)"/i.exec(cell.formula)?.[1];
    return href && !text.includes(href) ? `${text} ${href}`.trim() : text;
  }
  if (cell.hyperlink !== null) {
    const shown = v.kind === 'shared' || v.kind === 'text' ? text : '';
    const href = cell.hyperlink;
    return /^https?:\/\//i.test(href) && !shown.includes(href) ? `${shown} ${href}`.trim() : shown;
  }
  return text;
}

export async function xlsxStreamContent(bytes: Buffer): Promise<DocContent> {
  const { sheets, date1904 } = await readWorkbook(bytes);
  const dateStyles = await readStyles(bytes);
  const reads: Array<{ sheet: SheetRef; read: SheetRead }> = [];
  for (const sheet of sheets.slice(0, MAX_SHEETS)) {
    if (sheet.hidden) continue;
    reads.push({ sheet, read: await readSheet(bytes, sheet, dateStyles) });
  }
  const wanted = new Set<number>();
  for (const { read } of reads) for (const byCol of read.cells.values()) for (const c of byCol.values()) if (c.value.kind === 'shared') wanted.add(c.value.index);
  const strings = await readSharedStrings(bytes, wanted);

  const blocks: DocBlock[] = [];
  for (const { sheet, read } of reads) {
    const rowCount = Math.min(read.rowCount, GRID_LIMITS.maxRows);
    const colCount = Math.min(read.colCount, GRID_LIMITS.maxCols);
    const masterOf = new Map<string, string>();
    for (const m of read.merges) {
      for (let r = m.top; r <= Math.min(m.bottom, rowCount); r++) {
        for (let c = m.left; c <= Math.min(m.right, colCount); c++) masterOf.set(`${r}:${c}`, `${m.top}:${m.left}`);
      }
    }
    const shared = new Map<string, TableCell>();
    let nextId = 1;
    const rows: TableRow[] = [];
    for (let r = 1; r <= rowCount; r++) {
      const cells: TableCell[] = [];
      for (let c = 1; c <= colCount; c++) {
        const master = masterOf.get(`${r}:${c}`);
        if (!master && !read.cells.get(r)?.has(c)) { cells.push({ text: '', id: nextId++ }); continue; }
        const key = master ?? `${r}:${c}`;
        let cell = shared.get(key);
        if (!cell) {
          const [mr, mc] = key.split(':').map(Number) as [number, number];
          const raw = read.cells.get(mr)?.get(mc);
          cell = { text: raw ? tidyText(shownText(raw, strings, date1904)) : '', id: nextId++ };
          shared.set(key, cell);
        }
        cells.push(cell);
      }
      rows.push({ number: r, cells });
    }
    while (rows.length && rows[rows.length - 1]!.cells.every((c) => !c.text)) rows.pop();
    if (rows.length) blocks.push({ kind: 'table', table: { label: sheet.name, rows, ...(read.clipped ? { clipped: true } : {}) } });
  }
  return { blocks };
}
