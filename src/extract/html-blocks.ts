import { parse, HTMLElement, TextNode, type Node } from 'node-html-parser';
import { GRID_LIMITS, tidyText, type DocBlock, type DocTable, type TableCell, type TableRow } from './doc-content.ts';

/**
 * HTML (mammoth's rendering of a .docx, or a mail's HTML body) → paragraphs and tables in reading order.
 * mammoth turns w:gridSpan into colspan and w:vMerge into rowspan and drops the continuation cells, so the grid is
 * rebuilt here the way a browser lays a table out: each cell takes the next free column of its row.
 */

const SKIP = new Set(['SCRIPT', 'STYLE', 'HEAD', 'TITLE', 'NOSCRIPT', 'TEMPLATE', 'SVG', 'OBJECT', 'IFRAME', 'SELECT']);
const BLOCK = new Set(['P', 'DIV', 'H1', 'H2', 'H3', 'H4', 'H5', 'H6', 'LI', 'UL', 'OL', 'BLOCKQUOTE', 'SECTION', 'ARTICLE',
  'HEADER', 'FOOTER', 'DL', 'DT', 'DD', 'PRE', 'ADDRESS', 'CENTER', 'FORM', 'FIELDSET', 'HR', 'CAPTION', 'TR', 'TD', 'TH']);
const MAX_DEPTH = 200;

interface Walk {
  nestedTables: HTMLElement[];
  chars: number;
}

/** Text of a node with paragraph breaks kept; nested tables are left out and handed back to be read on their own. */
function textOf(node: Node, walk: Walk, depth: number): string {
  if (walk.chars > GRID_LIMITS.maxCellChars * 50 || depth > MAX_DEPTH) return '';
  if (node instanceof TextNode) {
    walk.chars += node.text.length;
    return node.text.replace(/[ \t\r\n]+/g, ' ');
  }
  if (!(node instanceof HTMLElement)) return '';
  const tag = node.tagName ?? '';
  if (SKIP.has(tag)) return '';
  if (tag === 'BR') return '\n';
  if (tag === 'TABLE') { walk.nestedTables.push(node); return '\n'; }
  let text = node.childNodes.map((child) => textOf(child, walk, depth + 1)).join('');
  if (tag === 'A') {
    const href = (node.getAttribute('href') ?? '').trim();
    if (/^https?:\/\//i.test(href) && !text.includes(href)) text = text.trim() ? `${text} ${href}` : href;
  }
  if (tag === 'TD' || tag === 'TH') return `${text}\t`;
  return BLOCK.has(tag) ? `\n${text}\n` : text;
}

/** Rows that belong to this table, not to a table nested in one of its cells. */
function ownRows(table: HTMLElement): { rows: HTMLElement[]; clipped: boolean } {
  const rows: HTMLElement[] = [];
  const visit = (el: HTMLElement, depth: number) => {
    if (depth > 4) return;
    for (const child of el.childNodes) {
      if (!(child instanceof HTMLElement)) continue;
      if (child.tagName === 'TR') rows.push(child);
      else if (['THEAD', 'TBODY', 'TFOOT'].includes(child.tagName)) visit(child, depth + 1);
    }
  };
  visit(table, 0);
  return { rows: rows.slice(0, GRID_LIMITS.maxRows), clipped: rows.length > GRID_LIMITS.maxRows };
}

function span(el: HTMLElement, name: string, max: number): number {
  const n = Number.parseInt(el.getAttribute(name) ?? '1', 10);
  return Number.isFinite(n) && n > 1 ? Math.min(n, max) : 1;
}

function tableOf(el: HTMLElement, label: string, walk: Walk, depth: number): DocTable {
  const { rows: rowEls, clipped } = ownRows(el);
  const grid: TableCell[][] = rowEls.map(() => []);
  let nextId = 1;
  rowEls.forEach((tr, r) => {
    let c = 0;
    for (const td of tr.childNodes) {
      if (!(td instanceof HTMLElement) || (td.tagName !== 'TD' && td.tagName !== 'TH')) continue;
      while (grid[r]![c]) c++;
      if (c >= GRID_LIMITS.maxCols) break;
      const colspan = span(td, 'colspan', GRID_LIMITS.maxCols - c);
      const rowspan = span(td, 'rowspan', rowEls.length - r);
      const cell: TableCell = { text: tidyText(textOf(td, walk, depth + 1).replace(/\t$/, '')), id: nextId++ };
      for (let dr = 0; dr < rowspan; dr++) for (let dc = 0; dc < colspan; dc++) grid[r + dr]![c + dc] = cell;
      c += colspan;
    }
  });
  const rows: TableRow[] = grid.map((cells, r) => ({
    number: r + 1,
    // A row shorter than its neighbours leaves holes: fill them with empty cells of their own.
    cells: Array.from({ length: cells.length }, (_, c) => cells[c] ?? { text: '', id: nextId++ }),
  }));
  return { label, rows, ...(clipped ? { clipped } : {}) };
}

export function htmlBlocks(html: string): DocBlock[] {
  const root = parse(html, { comment: false, blockTextElements: { script: false, style: false, noscript: false, pre: true } });
  const blocks: DocBlock[] = [];
  const walk: Walk = { nestedTables: [], chars: 0 };
  let pending = '';
  let tables = 0;
  const flush = () => {
    const text = tidyText(pending);
    if (text) blocks.push({ kind: 'text', text });
    pending = '';
  };
  const pushTable = (el: HTMLElement, depth: number) => {
    if (tables >= GRID_LIMITS.maxTables) return;
    const nestedBefore = walk.nestedTables.length;
    blocks.push({ kind: 'table', table: tableOf(el, `表${++tables}`, walk, depth) });
    // Tables found inside this table's cells come right after it, in order.
    for (const nested of walk.nestedTables.splice(nestedBefore)) pushTable(nested, depth + 1);
  };
  const visit = (node: Node, depth: number) => {
    if (depth > MAX_DEPTH || walk.chars > GRID_LIMITS.maxCellChars * 50) return;
    if (node instanceof TextNode) { pending += node.text.replace(/[ \t\r\n]+/g, ' '); walk.chars += node.text.length; return; }
    if (!(node instanceof HTMLElement)) return;
    const tag = node.tagName ?? '';
    if (SKIP.has(tag)) return;
    if (tag === 'BR') { pending += '\n'; return; }
    if (tag === 'TABLE') { flush(); pushTable(node, depth); return; }
    const isBlock = BLOCK.has(tag);
    if (isBlock) flush();
    if (tag === 'A') {
      pending += textOf(node, walk, depth);
      return;
    }
    for (const child of node.childNodes) visit(child, depth + 1);
    if (isBlock) flush();
  };
  visit(root, 0);
  flush();
  return blocks;
}

/** The whole visible text, table cells separated by tabs and rows by newlines: for `label：value` scanning. */
export function htmlToText(html: string): string {
  return htmlBlocks(html)
    .map((b) => (b.kind === 'text' ? b.text : b.table.rows.map((r) => dedupe(r.cells).map((c) => c.text).join('\t')).join('\n')))
    .join('\n');
}

function dedupe(cells: TableCell[]): TableCell[] {
  return cells.filter((c, i) => i === 0 || cells[i - 1]!.id !== c.id);
}

