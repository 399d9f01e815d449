import { GRID_LIMITS, tidyText, type DocBlock, type DocTable, type TableCell, type TableRow } from './doc-content.ts';

/**
 * A PDF page as positioned text and drawn lines → paragraphs and tables in reading order. A PDF has no tables,
 * only glyphs at coordinates and strokes: the table a Word or WPS user saved as PDF is rebuilt from its drawn
 * grid (cells merged where a border is missing), and the text of each cell from the pieces inside it.
 * Pure geometry, PDF user space (y grows upwards); pdf-content.ts feeds it what pdfjs read.
 */

/** One run of text as the PDF placed it; y is the baseline. */
export interface TextPiece {
  text: string;
  x: number;
  y: number;
  width: number;
  /** Font size in user space units. */
  size: number;
}

/** An axis-aligned drawn line (a stroked segment, or a thin filled rectangle's centre line). */
export interface Rule {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

export interface PageLayout {
  pieces: TextPiece[];
  rules: Rule[];
}

/** Two coordinates this close are one line of the grid (borders are drawn twice, half a point apart). */
const SNAP = 2;
/** A rule crosses another when it reaches within this of it (Word and LibreOffice leave small gaps at corners). */
const TOUCH = 3;
/** Past this many rules on a page there is no form grid to rebuild, only a drawing: the text is read without it. */
export const MAX_RULES = 4_000;

interface HLine { y: number; x1: number; x2: number }
interface VLine { x: number; y1: number; y2: number }

function splitRules(rules: Rule[]): { h: HLine[]; v: VLine[] } {
  const h: HLine[] = [];
  const v: VLine[] = [];
  for (const r of rules) {
    const dx = Math.abs(r.x2 - r.x1);
    const dy = Math.abs(r.y2 - r.y1);
    if (dy <= 1 && dx >= SNAP) h.push({ y: (r.y1 + r.y2) / 2, x1: Math.min(r.x1, r.x2), x2: Math.max(r.x1, r.x2) });
    else if (dx <= 1 && dy >= SNAP) v.push({ x: (r.x1 + r.x2) / 2, y1: Math.min(r.y1, r.y2), y2: Math.max(r.y1, r.y2) });
  }
  return { h: mergeLines(h, (l) => l.y, (l) => [l.x1, l.x2], (at, a, b) => ({ y: at, x1: a, x2: b })),
    v: mergeLines(v, (l) => l.x, (l) => [l.y1, l.y2], (at, a, b) => ({ x: at, y1: a, y2: b })) };
}

/** Collinear pieces of one border (a border drawn cell by cell) become one line. */
function mergeLines<L>(lines: L[], at: (l: L) => number, span: (l: L) => [number, number], make: (at: number, a: number, b: number) => L): L[] {
  const sorted = [...lines].sort((a, b) => at(a) - at(b) || span(a)[0] - span(b)[0]);
  const out: L[] = [];
  const open: Array<{ at: number; a: number; b: number }> = [];
  for (const l of sorted) {
    const [a, b] = span(l);
    const same = open.find((o) => Math.abs(o.at - at(l)) <= SNAP && a <= o.b + TOUCH);
    if (same) same.b = Math.max(same.b, b);
    else open.push({ at: at(l), a, b });
  }
  for (const o of open) out.push(make(o.at, o.a, o.b));
  return out;
}

/** Sorted distinct positions, those within SNAP of each other taken as one. */
function cluster(values: number[]): number[] {
  const sorted = [...values].sort((a, b) => a - b);
  const out: number[] = [];
  for (const v of sorted) {
    if (out.length && v - out[out.length - 1]! <= SNAP) continue;
    out.push(v);
  }
  return out;
}

class UnionFind {
  private readonly parent: number[];
  constructor(n: number) { this.parent = Array.from({ length: n }, (_, i) => i); }
  find(i: number): number {
    let root = i;
    while (this.parent[root] !== root) root = this.parent[root]!;
    while (this.parent[i] !== root) { const next = this.parent[i]!; this.parent[i] = root; i = next; }
    return root;
  }
  union(a: number, b: number): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra !== rb) this.parent[rb] = ra;
  }
}

/** A table's grid: column edges left to right, row edges top to bottom, and the lines that draw it. */
interface Grid {
  xs: number[];
  ys: number[];
  h: HLine[];
  v: VLine[];
}

const crosses = (h: HLine, v: VLine) => v.x >= h.x1 - TOUCH && v.x <= h.x2 + TOUCH && h.y >= v.y1 - TOUCH && h.y <= v.y2 + TOUCH;

/** Groups of lines that touch each other; each with two rows and two columns of edges is a table. */
function findGrids(rules: Rule[]): Grid[] {
  if (rules.length > MAX_RULES) return [];
  const { h, v } = splitRules(rules);
  const uf = new UnionFind(h.length + v.length);
  h.forEach((hl, i) => v.forEach((vl, j) => { if (crosses(hl, vl)) uf.union(i, h.length + j); }));
  const groups = new Map<number, { h: HLine[]; v: VLine[] }>();
  const group = (i: number) => {
    const root = uf.find(i);
    let g = groups.get(root);
    if (!g) groups.set(root, (g = { h: [], v: [] }));
    return g;
  };
  h.forEach((l, i) => group(i).h.push(l));
  v.forEach((l, j) => group(h.length + j).v.push(l));
  const grids: Grid[] = [];
  for (const g of groups.values()) {
    const xs = cluster(g.v.map((l) => l.x));
    const ys = cluster(g.h.map((l) => l.y)).reverse();
    if (xs.length < 2 || ys.length < 2) continue;
    grids.push({ xs: xs.slice(0, GRID_LIMITS.maxCols + 1), ys: ys.slice(0, GRID_LIMITS.maxRows + 1), h: g.h, v: g.v });
  }
  return grids;
}

const inGrid = (g: Grid, x: number, y: number) => x >= g.xs[0]! && x <= g.xs[g.xs.length - 1]! && y <= g.ys[0]! && y >= g.ys[g.ys.length - 1]!;

/** Index of the band [edges[i], edges[i+1]] holding p; edges ascending. */
function band(edges: number[], p: number): number {
  for (let i = 0; i < edges.length - 1; i++) if (p <= edges[i + 1]!) return i;
  return edges.length - 2;
}

const CJK = /[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f\u{20000}-\u{3ffff}]/u;

/**
 * Two pieces on one line: apart by a gap of a few characters they get a tab (as between 推荐单位：… and 联系人：…),
 * by a clear gap a space. Between Chinese characters a smaller gap is justification, not a space anybody typed;
 * between Chinese and Latin text Word and LibreOffice add a small gap of their own, so there a larger gap is needed.
 */
function joiner(prev: TextPiece, next: TextPiece): string {
  const gap = next.x - (prev.x + prev.width);
  const size = Math.max(prev.size, next.size, 1);
  if (gap >= 1.5 * size) return '\t';
  if (/\s$/.test(prev.text) || /^\s/.test(next.text)) return '';
  const cjkBefore = CJK.test(prev.text.slice(-1));
  const cjkAfter = CJK.test(next.text.slice(0, 1));
  if (cjkBefore && cjkAfter) return '';
  return gap >= (cjkBefore || cjkAfter ? 0.3 : 0.15) * size ? ' ' : '';
}

/**
 * What goes between a line wrapped by the program and the next: nothing inside a link, a number or Chinese text,
 * a space between Latin words.
 */
function wrapJoiner(before: string, after: string): string {
  const lastWord = /\S*$/.exec(before)![0];
  if (!/[A-Za-z0-9]$/.test(lastWord) || !/^[A-Za-z0-9]/.test(after)) return '';
  if (/[/.:=?&%#@_-]/.test(lastWord) || /https?$/i.test(lastWord)) return '';
  if (/[0-9]$/.test(lastWord) && /^[0-9]/.test(after)) return '';
  return ' ';
}

/** Width of the first word of a line (a Chinese character is a word): what would have had to fit before it. */
function firstWordWidth(line: Line): number {
  const p = line.pieces[0]!;
  const word = CJK.test(p.text[0] ?? '') ? 1 : (/^\S+/.exec(p.text)?.[0].length ?? 1);
  return p.text.length ? (p.width * word) / p.text.length : p.size;
}

/** Lines of one paragraph or cell, joined: a line the next word would still have fitted on ended its paragraph. */
function joinLines(lines: Line[], right: number, tabs: boolean): string {
  let text = '';
  lines.forEach((line, i) => {
    const t = lineText(line, tabs);
    if (i) {
      const prev = lines[i - 1]!;
      const roomLeft = right - prev.right;
      // Cell padding and the space before the word: a little more room than the word itself.
      const wrapped = roomLeft < firstWordWidth(line) + 0.6 * prev.size;
      text += wrapped ? wrapJoiner(text, t) : '\n';
    }
    text += t;
  });
  return text;
}

interface Line {
  pieces: TextPiece[];
  y: number;
  size: number;
  left: number;
  right: number;
}

/** Pieces on (about) one baseline are a line; lines top to bottom, pieces left to right. */
function linesOf(pieces: TextPiece[]): Line[] {
  const sorted = [...pieces].sort((a, b) => b.y - a.y || a.x - b.x);
  const lines: Line[] = [];
  for (const p of sorted) {
    // Sorted by baseline: a piece can only belong to the line just before it.
    const line = lines[lines.length - 1];
    if (line && Math.abs(line.y - p.y) <= 0.4 * Math.max(line.size, p.size)) { line.pieces.push(p); line.size = Math.max(line.size, p.size); }
    else lines.push({ pieces: [p], y: p.y, size: p.size, left: 0, right: 0 });
  }
  for (const l of lines) {
    l.pieces.sort((a, b) => a.x - b.x);
    l.left = l.pieces[0]!.x;
    l.right = l.pieces.reduce((m, p) => Math.max(m, p.x + p.width), -Infinity);
  }
  return lines.sort((a, b) => b.y - a.y);
}

/** pdfjs puts a space inside a piece where justified Chinese text is spread out: no space anybody typed. */
const SPREAD = new RegExp(`(?<=${CJK.source}) (?=${CJK.source})`, 'gu');

function lineText(line: Line, tabs: boolean): string {
  let text = '';
  line.pieces.forEach((p, i) => {
    const j = i ? joiner(line.pieces[i - 1]!, p) : '';
    text += (j === '\t' && !tabs ? ' ' : j) + p.text.replace(SPREAD, '');
  });
  return text;
}

/** The text of one cell, wrapped lines joined, paragraphs kept. */
function cellText(pieces: TextPiece[], right: number): string {
  return tidyText(joinLines(linesOf(pieces), right, false));
}

/** A grid filled with the pieces inside it; cells whose border between them is not drawn are one cell. */
function tableOf(g: Grid, pieces: TextPiece[], label: string): DocTable {
  const rows = g.ys.length - 1;
  const cols = g.xs.length - 1;
  const at = (r: number, c: number) => r * cols + c;
  const uf = new UnionFind(rows * cols);
  const vAt = (x: number) => g.v.filter((l) => Math.abs(l.x - x) <= SNAP);
  const hAt = (y: number) => g.h.filter((l) => Math.abs(l.y - y) <= SNAP);
  for (let c = 1; c < cols; c++) {
    const lines = vAt(g.xs[c]!);
    for (let r = 0; r < rows; r++) {
      const mid = (g.ys[r]! + g.ys[r + 1]!) / 2;
      if (!lines.some((l) => mid >= l.y1 - TOUCH && mid <= l.y2 + TOUCH)) uf.union(at(r, c - 1), at(r, c));
    }
  }
  for (let r = 1; r < rows; r++) {
    const lines = hAt(g.ys[r]!);
    for (let c = 0; c < cols; c++) {
      const mid = (g.xs[c]! + g.xs[c + 1]!) / 2;
      if (!lines.some((l) => mid >= l.x1 - TOUCH && mid <= l.x2 + TOUCH)) uf.union(at(r - 1, c), at(r, c));
    }
  }
  const inCell = new Map<number, TextPiece[]>();
  const ascendingYs = [...g.ys].reverse();
  for (const p of pieces) {
    const c = band(g.xs, p.x + p.width / 2);
    const r = rows - 1 - band(ascendingYs, p.y + 0.3 * p.size);
    const root = uf.find(at(r, c));
    const list = inCell.get(root);
    if (list) list.push(p);
    else inCell.set(root, [p]);
  }
  // Right edge of each merged cell, for telling wrapped lines from paragraph ends.
  const rightOf = new Map<number, number>();
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) {
    const root = uf.find(at(r, c));
    rightOf.set(root, Math.max(rightOf.get(root) ?? -Infinity, g.xs[c + 1]!));
  }
  const cells = new Map<number, TableCell>();
  let nextId = 1;
  const cellOf = (root: number): TableCell => {
    let cell = cells.get(root);
    if (!cell) cells.set(root, (cell = { text: cellText(inCell.get(root) ?? [], rightOf.get(root)!), id: nextId++ }));
    return cell;
  };
  const tableRows: TableRow[] = [];
  for (let r = 0; r < rows; r++) {
    tableRows.push({ number: r + 1, cells: Array.from({ length: cols }, (_, c) => cellOf(uf.find(at(r, c)))) });
  }
  return { label, rows: tableRows };
}

/**
 * Lines outside the tables, grouped into paragraphs: a line that runs to the right margin (the rightmost end of
 * any line) and is followed closely by the next one was wrapped, as the 推荐单位 line of a summary often is.
 */
function paragraphsOf(lines: Line[]): Array<{ lines: Line[]; right: number }> {
  if (!lines.length) return [];
  const right = lines.reduce((m, l) => Math.max(m, l.right), -Infinity);
  const out: Array<{ lines: Line[]; right: number }> = [];
  for (const line of lines) {
    const para = out[out.length - 1];
    const prev = para?.lines[para.lines.length - 1];
    const close = prev && prev.y - line.y <= 1.8 * Math.max(prev.size, line.size);
    // A title in a larger font, or a centred line, is a paragraph of its own.
    const sameFont = prev && Math.abs(prev.size - line.size) <= 0.5;
    const sameLeft = para && Math.abs(line.left - para.lines[0]!.left) <= line.size;
    if (para && prev && close && sameFont && sameLeft && prev.right >= right - 2 * prev.size) para.lines.push(line);
    else out.push({ lines: [line], right });
  }
  return out;
}

/**
 * A line's cells when no grid is drawn (a table without borders): pieces apart by a gap of a few characters,
 * unless both sides are single Chinese characters (姓　　名 is one label, spaced out).
 */
function segmentsOf(line: Line): Array<{ left: number; pieces: TextPiece[] }> {
  const out: Array<{ left: number; pieces: TextPiece[] }> = [];
  line.pieces.forEach((p, i) => {
    const prev = line.pieces[i - 1];
    const spaced = prev && prev.text.trim().length === 1 && p.text.trim().length === 1 && CJK.test(prev.text) && CJK.test(p.text);
    if (prev && joiner(prev, p) === '\t' && !spaced) out.push({ left: p.x, pieces: [p] });
    else if (out.length) out[out.length - 1]!.pieces.push(p);
    else out.push({ left: p.x, pieces: [p] });
  });
  return out;
}

/** Consecutive one-line paragraphs of two cells or more, from paragraph i: rows of a table without borders. */
function tableRun(paragraphs: Array<{ lines: Line[] }>, i: number): Line[] {
  const run: Line[] = [];
  for (let j = i; j < paragraphs.length && run.length < GRID_LIMITS.maxRows; j++) {
    const p = paragraphs[j]!;
    if (p.lines.length !== 1 || segmentsOf(p.lines[0]!).length < 2) break;
    run.push(p.lines[0]!);
  }
  return run;
}

/** Rows by line, cells by where each segment starts: segments starting within a character of each other are a column. */
function textTable(lines: Line[], label: string): DocTable {
  const segs = lines.map(segmentsOf);
  const size = lines.reduce((m, l) => Math.max(m, l.size), 0);
  const columns = cluster(segs.flat().map((s) => s.left)).reduce<number[]>((cols, x) => {
    if (!cols.length || x - cols[cols.length - 1]! > size) cols.push(x);
    return cols;
  }, []).slice(0, GRID_LIMITS.maxCols);
  let nextId = 1;
  const rows: TableRow[] = segs.map((row, r) => {
    const cells: TableCell[] = columns.map(() => ({ text: '', id: 0 }));
    for (const seg of row) {
      let c = 0;
      while (c + 1 < columns.length && columns[c + 1]! <= seg.left + size / 2) c++;
      const text = lineText({ ...lines[r]!, pieces: seg.pieces }, false);
      cells[c]!.text = tidyText(cells[c]!.text ? `${cells[c]!.text} ${text}` : text);
    }
    for (const cell of cells) cell.id = nextId++;
    return { number: r + 1, cells };
  });
  return { label, rows };
}

const PAGE_NUMBER = /^[-—–\s]*(第\s*)?\d{1,4}\s*页?\s*([/／]\s*(共\s*)?\d{1,4}\s*页?)?[-—–\s]*$|^(page\s*)?\d{1,4}(\s*(of|\/)\s*\d{1,4})?$/i;

interface Placed {
  top: number;
  block: DocBlock;
  /** Set on tables: where the grid sits, to join a table that runs on over the next page. */
  grid?: Grid;
}

/** One page → its blocks, top to bottom. Text outside every grid becomes lines of text. */
export function pageBlocks(page: PageLayout, tableLabel: () => string): Placed[] {
  const grids = findGrids(page.rules).filter((g) => page.pieces.some((p) => inGrid(g, p.x + p.width / 2, p.y + 0.3 * p.size)));
  const byGrid = new Map<Grid, TextPiece[]>(grids.map((g) => [g, []]));
  const loose: TextPiece[] = [];
  for (const p of page.pieces) {
    const g = grids.find((x) => inGrid(x, p.x + p.width / 2, p.y + 0.3 * p.size));
    if (g) byGrid.get(g)!.push(p);
    else loose.push(p);
  }
  const placed: Placed[] = grids.map((g) => ({ top: g.ys[0]!, block: { kind: 'table', table: tableOf(g, byGrid.get(g)!, tableLabel()) }, grid: g }));
  const paragraphs = paragraphsOf(linesOf(loose));
  for (let i = 0; i < paragraphs.length; i++) {
    const run = tableRun(paragraphs, i);
    if (run.length >= 2) {
      placed.push({ top: run[0]!.y + run[0]!.size, block: { kind: 'table', table: textTable(run, tableLabel()) } });
      i += run.length - 1;
      continue;
    }
    const para = paragraphs[i]!;
    const text = tidyText(para.lines.length === 1 ? lineText(para.lines[0]!, true) : joinLines(para.lines, para.right, true));
    // Page numbers would stand between the halves of a table broken by the page.
    if (text && !PAGE_NUMBER.test(text)) placed.push({ top: para.lines[0]!.y + para.lines[0]!.size, block: { kind: 'text', text } });
  }
  return placed.sort((a, b) => b.top - a.top);
}

const sameColumns = (a: Grid, b: Grid) => a.xs.length === b.xs.length && a.xs.every((x, i) => Math.abs(x - b.xs[i]!) <= SNAP);

/**
 * Every page's blocks in order. A table that ends its page and one that starts the next with the same columns
 * are one table broken by the page (a long summary form): their rows are joined, so the column header of the
 * first page still names the columns of the rest.
 */
export function layoutBlocks(pages: PageLayout[]): DocBlock[] {
  let tables = 0;
  const label = () => `表${++tables}`;
  const blocks: DocBlock[] = [];
  let lastGrid: Grid | null = null;
  for (const page of pages) {
    const placed = pageBlocks(page, label);
    placed.forEach((p, i) => {
      const prev = blocks[blocks.length - 1];
      if (i === 0 && p.grid && lastGrid && prev?.kind === 'table' && sameColumns(lastGrid, p.grid) && p.block.kind === 'table') {
        appendRows(prev.table, p.block.table);
        tables--;
      } else {
        blocks.push(p.block);
      }
    });
    const last = placed[placed.length - 1];
    lastGrid = last?.grid ?? null;
    if (blocks.length > GRID_LIMITS.maxTables * 4) break;
  }
  return blocks;
}

/**
 * Word and LibreOffice let a row break across a page: its rest opens the next page's table with the first cell
 * (序号, or the label) empty. That rest goes back into its row, cell by cell.
 */
function continuesRow(last: TableRow | undefined, first: TableRow | undefined): boolean {
  if (!last || !first || first.cells.length !== last.cells.length) return false;
  return !first.cells[0]!.text && first.cells.some((c) => c.text) && !!last.cells[0]!.text;
}

function appendRows(into: DocTable, more: DocTable): void {
  let offset = 0;
  for (const row of into.rows) for (const c of row.cells) offset = Math.max(offset, c.id);
  const last = into.rows[into.rows.length - 1];
  let rows = more.rows;
  if (continuesRow(last, rows[0])) {
    const done = new Set<number>();
    rows[0]!.cells.forEach((rest, c) => {
      const cell = last!.cells[c]!;
      if (!rest.text || done.has(cell.id)) return;
      done.add(cell.id);
      cell.text = cell.text ? cell.text + wrapJoiner(cell.text, rest.text) + rest.text : rest.text;
    });
    rows = rows.slice(1);
  }
  const renumbered = new Map<number, TableCell>();
  for (const row of rows) {
    if (into.rows.length >= GRID_LIMITS.maxRows) { into.clipped = true; return; }
    into.rows.push({
      number: into.rows.length + 1,
      cells: row.cells.map((c) => {
        let cell = renumbered.get(c.id);
        if (!cell) renumbered.set(c.id, (cell = { text: c.text, id: offset + c.id }));
        return cell;
      }),
    });
  }
}
