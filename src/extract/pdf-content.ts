import { createRequire } from 'node:module';
import path from 'node:path';
import { GRID_LIMITS, type DocContent } from './doc-content.ts';
import { checkPdfStreams } from './pdf-guard.ts';
import { layoutBlocks, MAX_RULES, type PageLayout, type Rule, type TextPiece } from './pdf-layout.ts';

/**
 * The only pdfjs-dist importer. Reads a PDF's text layer and drawn lines, page by page, inside a parse worker.
 * pdfjs runs here in the worker's own thread (its "fake worker" is loaded from the package, never spawned or
 * downloaded), with everything that fetches or evaluates switched off: no eval of PDF functions, no system or
 * web fonts, no wasm, no XFA, no images decoded (maxImageSize 0: a scan's pictures are never unpacked).
 * The CJK character maps a PDF may name instead of embedding its fonts are read from the package's folder.
 */

export interface PdfContent extends DocContent {
  pages: number;
  /** Whether any page carries text: a scan or a picture saved as PDF has none. */
  hasText: boolean;
}

/** A registration form fills a page or two; a 2,000-row summary about 70. Pages past this are not read. */
export const MAX_PAGES = 100;
/** A page of a form holds a few hundred pieces of text; past this it is no form, and the rest is left out. */
const MAX_PIECES = 20_000;

const require = createRequire(import.meta.url);
const packageDir = path.dirname(require.resolve('pdfjs-dist/package.json'));

/**
 * The minified legacy build (the same code as pdf.mjs), loaded with require (Node 20.19+ loads ES modules so):
 * a worker that has read Word and Excel files before has to fit pdfjs's source in what is left of its 64 MB
 * heap, and under tsx (tests) an import() of the 3.3 MB unminified build did not. pdfjs looks for
 * `globalThis.pdfjsWorker` before importing its worker script from a URL: it is handed the module.
 */
const pdfjs = require('pdfjs-dist/legacy/build/pdf.min.mjs') as typeof import('pdfjs-dist/legacy/build/pdf.mjs');
(globalThis as { pdfjsWorker?: unknown }).pdfjsWorker = require('pdfjs-dist/legacy/build/pdf.worker.min.mjs');

type Matrix = [number, number, number, number, number, number];

const multiply = (m: Matrix, t: ArrayLike<number>): Matrix => [
  m[0] * t[0]! + m[2] * t[1]!, m[1] * t[0]! + m[3] * t[1]!,
  m[0] * t[2]! + m[2] * t[3]!, m[1] * t[2]! + m[3] * t[3]!,
  m[0] * t[4]! + m[2] * t[5]! + m[4], m[1] * t[4]! + m[3] * t[5]! + m[5],
];

const apply = (m: Matrix, x: number, y: number): [number, number] => [m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]];

const { OPS } = pdfjs;
const STROKES = new Set<number>([OPS.stroke, OPS.closeStroke, OPS.fillStroke, OPS.eoFillStroke, OPS.closeFillStroke, OPS.closeEOFillStroke]);
const FILLS = new Set<number>([OPS.fill, OPS.eoFill, OPS.fillStroke, OPS.eoFillStroke, OPS.closeFillStroke, OPS.closeEOFillStroke]);
/** pdfjs's path commands inside constructPath (DrawOPS). */
const MOVE = 0, LINE = 1, CURVE = 2, QUAD = 3, CLOSE = 4;
/** A filled rectangle thinner than this is a border line (Word draws borders so). */
const THIN = 3;

/** Subpaths of one constructPath, as points in page space; subpaths with curves are no border. */
function subpaths(data: ArrayLike<number>, ctm: Matrix): Array<{ points: Array<[number, number]>; closed: boolean }> {
  const out: Array<{ points: Array<[number, number]>; closed: boolean; curved: boolean }> = [];
  let cur: (typeof out)[number] | null = null;
  for (let i = 0; i < data.length;) {
    const op = data[i++];
    if (op === MOVE || op === LINE) {
      const p = apply(ctm, data[i]!, data[i + 1]!);
      i += 2;
      if (op === MOVE || !cur) out.push((cur = { points: [p], closed: false, curved: false }));
      else cur.points.push(p);
    } else if (op === CURVE || op === QUAD) {
      i += op === CURVE ? 6 : 4;
      if (cur) cur.curved = true;
    } else if (op === CLOSE) {
      if (cur) cur.closed = true;
    } else {
      break;
    }
  }
  return out.filter((s) => !s.curved);
}

/** The drawn lines of a page that could be table borders, in page space. */
function rulesOf(ops: { fnArray: number[]; argsArray: unknown[] }): Rule[] {
  const rules: Rule[] = [];
  let ctm: Matrix = [1, 0, 0, 1, 0, 0];
  const stack: Matrix[] = [];
  for (let i = 0; i < ops.fnArray.length && rules.length <= MAX_RULES; i++) {
    const fn = ops.fnArray[i]!;
    const args = ops.argsArray[i] as unknown[] | null;
    if (fn === OPS.save) stack.push(ctm);
    else if (fn === OPS.restore) ctm = stack.pop() ?? ctm;
    else if (fn === OPS.transform && args) ctm = multiply(ctm, args as number[]);
    else if (fn === OPS.paintFormXObjectBegin) {
      stack.push(ctm);
      const m = args?.[0] as number[] | null | undefined;
      if (m && m.length === 6) ctm = multiply(ctm, m);
    } else if (fn === OPS.paintFormXObjectEnd) ctm = stack.pop() ?? ctm;
    else if (fn === OPS.constructPath && args) {
      const draw = args[0] as number;
      if (!STROKES.has(draw) && !FILLS.has(draw)) continue;
      const paths = (args[1] as Array<ArrayLike<number> | null>) ?? [];
      for (const data of paths) {
        if (!data) continue;
        for (const sp of subpaths(data, ctm)) {
          const pts = sp.closed ? [...sp.points, sp.points[0]!] : sp.points;
          if (STROKES.has(draw)) {
            for (let k = 1; k < pts.length; k++) rules.push({ x1: pts[k - 1]![0], y1: pts[k - 1]![1], x2: pts[k]![0], y2: pts[k]![1] });
          }
          if (FILLS.has(draw) && sp.points.length >= 4 && sp.points.length <= 5) {
            const xs = sp.points.map((p) => p[0]);
            const ys = sp.points.map((p) => p[1]);
            const [x1, x2, y1, y2] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
            const rectangular = sp.points.every((p) => (Math.abs(p[0] - x1) < 0.5 || Math.abs(p[0] - x2) < 0.5) && (Math.abs(p[1] - y1) < 0.5 || Math.abs(p[1] - y2) < 0.5));
            if (!rectangular) continue;
            if (y2 - y1 <= THIN && x2 - x1 > THIN) rules.push({ x1, y1: (y1 + y2) / 2, x2, y2: (y1 + y2) / 2 });
            else if (x2 - x1 <= THIN && y2 - y1 > THIN) rules.push({ x1: (x1 + x2) / 2, y1, x2: (x1 + x2) / 2, y2 });
          }
        }
      }
    }
  }
  return rules;
}

interface TextItemLike { str?: unknown; transform?: unknown; width?: unknown; height?: unknown }

function piecesOf(items: TextItemLike[]): TextPiece[] {
  const pieces: TextPiece[] = [];
  for (const item of items) {
    if (pieces.length >= MAX_PIECES) break;
    if (typeof item.str !== 'string' || !item.str.trim() || !Array.isArray(item.transform)) continue;
    const [, , c, d, e, f] = item.transform as number[];
    const size = Math.hypot(c ?? 0, d ?? 0) || (typeof item.height === 'number' ? item.height : 0);
    if (![e, f, size].every((n) => typeof n === 'number' && Number.isFinite(n))) continue;
    const width = typeof item.width === 'number' && Number.isFinite(item.width) ? item.width : 0;
    pieces.push({ text: item.str.slice(0, GRID_LIMITS.maxCellChars), x: e!, y: f!, width, size });
  }
  return pieces;
}

/** Text and tables of a PDF, first MAX_PAGES pages. Throws for a file pdfjs cannot open (a PasswordException too). */
export async function pdfContent(bytes: Buffer): Promise<PdfContent> {
  checkPdfStreams(bytes);
  const task = pdfjs.getDocument({
    // pdfjs takes the array over; the caller's Buffer may be a view on a shared pool.
    data: new Uint8Array(bytes),
    isEvalSupported: false,
    disableFontFace: true,
    useSystemFonts: false,
    useWorkerFetch: false,
    useWasm: false,
    enableXfa: false,
    isOffscreenCanvasSupported: false,
    isImageDecoderSupported: false,
    maxImageSize: 0,
    disableAutoFetch: true,
    disableStream: true,
    disableRange: true,
    cMapUrl: `${path.join(packageDir, 'cmaps')}/`,
    cMapPacked: true,
    standardFontDataUrl: `${path.join(packageDir, 'standard_fonts')}/`,
    verbosity: pdfjs.VerbosityLevel.ERRORS,
  });
  try {
    const doc = await task.promise;
    const pages: PageLayout[] = [];
    const count = Math.min(doc.numPages, MAX_PAGES);
    for (let n = 1; n <= count; n++) {
      const page = await doc.getPage(n);
      const text = await page.getTextContent();
      const pieces = piecesOf(text.items as TextItemLike[]);
      // Without text there is nothing to place in a grid: the drawing is not even looked at.
      const rules = pieces.length ? rulesOf(await page.getOperatorList()) : [];
      pages.push({ pieces, rules });
      page.cleanup();
    }
    const blocks = layoutBlocks(pages);
    if (doc.numPages > count) {
      const last = [...blocks].reverse().find((b) => b.kind === 'table');
      if (last?.kind === 'table') last.table.clipped = true;
    }
    return { blocks, pages: doc.numPages, hasText: pages.some((p) => p.pieces.length > 0) };
  } finally {
    await task.destroy();
  }
}
