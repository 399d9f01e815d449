import { GRID_LIMITS } from './doc-content.ts';
import { localName, readRelationships, readXmlEntry } from './xml-stream.ts';

/**
 * A large .docx read as a stream of XML events into the same HTML mammoth would give (paragraphs, tables with
 * colspan/rowspan, links, line breaks, text boxes after their paragraph), which html-blocks.ts then reads as for any
 * .docx. mammoth builds two trees of the whole document first: a 60-page Word file converted by LibreOffice
 * (1.8 MB of document.xml) needs 64–96 MB of heap that way, and a parse worker has 64. Here the memory is the
 * document's text, whatever its formatting. Runs inside the parse worker.
 */

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Beyond this much text the rest of the document is not kept (html-blocks reads no more than 1,000,000). */
const MAX_TEXT_CHARS = 2 * GRID_LIMITS.maxCellChars * 50;

interface Cell { html: string[]; span: number; vMerge: 'restart' | 'continue' | null }
interface Table { rows: Cell[][] }
interface Paragraph { html: string[]; after: string[] }
interface Field { instr: string; result: boolean; link: boolean }

function hyperlinkTarget(instr: string): string | null {
  const m = /^\s*HYPERLINK\s+(?:\\[a-z]\s+)*"([^"]+)"/i.exec(instr) ?? /^\s*HYPERLINK\s+(\S+)/i.exec(instr);
  return m ? m[1]! : null;
}

/** The rows as mammoth renders them: a vMerge run becomes one cell with rowspan, its continuations dropped. */
function tableHtml(table: Table): string {
  const placed = table.rows.map((row) => {
    let col = 0;
    return row.map((cell) => {
      const at = { cell, col, rowspan: 1 };
      col += cell.span;
      return at;
    });
  });
  placed.forEach((row, r) => {
    for (const at of row) {
      if (at.cell.vMerge !== 'restart') continue;
      for (let below = r + 1; below < placed.length; below++) {
        const next = placed[below]!.find((x) => x.col === at.col);
        if (!next || next.cell.vMerge !== 'continue') break;
        at.rowspan++;
      }
    }
  });
  const rows = placed.map((row) => `<tr>${row.filter((at) => at.cell.vMerge !== 'continue').map((at) => {
    const attrs = `${at.cell.span > 1 ? ` colspan="${at.cell.span}"` : ''}${at.rowspan > 1 ? ` rowspan="${at.rowspan}"` : ''}`;
    return `<td${attrs}>${at.cell.html.join('')}</td>`;
  }).join('')}</tr>`);
  return `<table>${rows.join('')}</table>`;
}

export async function docxStreamHtml(bytes: Buffer): Promise<string> {
  const rels = await readRelationships(bytes, 'word/_rels/document.xml.rels');
  const body: string[] = [];
  const tables: Table[] = [];
  // Innermost last: where text and blocks go (a paragraph, a table cell, or the body when empty).
  const open: Array<{ p: Paragraph } | { cell: Cell }> = [];
  const fields: Field[] = [];
  const hyperlinks: boolean[] = [];
  let inText = false;
  let inInstr = false;
  let inRun = 0;
  let skip = 0;
  let chars = 0;

  const sink = (): string[] => {
    const top = open.at(-1);
    return !top ? body : 'p' in top ? top.p.html : top.cell.html;
  };
  // A block (a paragraph, a table) closing goes into the cell around it, or after the paragraph that holds its
  // text box (as mammoth has it), or into the body.
  const blockSink = (): string[] => {
    const top = open.at(-1);
    return !top ? body : 'p' in top ? top.p.after : top.cell.html;
  };
  const cellOf = (): Cell | undefined => {
    const top = open.at(-1);
    return top && 'cell' in top ? top.cell : undefined;
  };
  const showing = () => skip === 0 && !fields.some((f) => !f.result);
  const emit = (html: string) => { if (showing()) sink().push(html); };

  await readXmlEntry(bytes, 'word/document.xml', {
    open(name, a) {
      const tag = localName(name);
      if (skip > 0) { if (tag === 'Choice' || tag === 'del' || tag === 'moveFrom') skip++; return; }
      switch (tag) {
        // mammoth reads the fallback of alternate content, and leaves out deleted and moved-away text.
        case 'Choice': case 'del': case 'moveFrom': skip++; return;
        case 'p': open.push({ p: { html: [], after: [] } }); return;
        case 'r': inRun++; return;
        case 't': inText = inRun > 0; return;
        case 'instrText': inInstr = true; return;
        case 'tab': if (inRun > 0) emit('\t'); return;
        case 'br': if (inRun > 0 && (!a['w:type'] || a['w:type'] === 'textWrapping')) emit('<br />'); return;
        case 'cr': if (inRun > 0) emit('<br />'); return;
        case 'hyperlink': {
          const rel = a['r:id'] ? rels.get(a['r:id']) : undefined;
          const href = rel?.target ?? (a['w:anchor'] ? `#${a['w:anchor']}` : null);
          hyperlinks.push(href !== null);
          if (href !== null) emit(`<a href="${esc(href)}">`);
          return;
        }
        case 'fldSimple': {
          const href = hyperlinkTarget(a['w:instr'] ?? '');
          hyperlinks.push(href !== null);
          if (href !== null) emit(`<a href="${esc(href)}">`);
          return;
        }
        case 'fldChar': {
          const type = a['w:fldCharType'];
          if (type === 'begin') fields.push({ instr: '', result: false, link: false });
          else if (type === 'separate' && fields.length) {
            const f = fields.at(-1)!;
            f.result = true;
            const href = hyperlinkTarget(f.instr);
            if (href !== null) { emit(`<a href="${esc(href)}">`); f.link = true; }
          } else if (type === 'end' && fields.length) {
            const f = fields.pop()!;
            if (f.link) emit('</a>');
          }
          return;
        }
        case 'tbl': tables.push({ rows: [] }); return;
        case 'tr': tables.at(-1)?.rows.push([]); return;
        case 'tc': {
          const cell: Cell = { html: [], span: 1, vMerge: null };
          tables.at(-1)?.rows.at(-1)?.push(cell);
          open.push({ cell });
          return;
        }
        case 'gridSpan': {
          const n = Number.parseInt(a['w:val'] ?? '1', 10);
          const cell = cellOf();
          if (cell && Number.isFinite(n) && n > 1) cell.span = Math.min(n, GRID_LIMITS.maxCols);
          return;
        }
        case 'vMerge': {
          const cell = cellOf();
          if (cell) cell.vMerge = a['w:val'] === 'restart' ? 'restart' : 'continue';
          return;
        }
        default:
      }
    },
    text(t) {
      if (inInstr && fields.length && !fields.at(-1)!.result) { fields.at(-1)!.instr += t; return; }
      if (!inText || chars > MAX_TEXT_CHARS) return;
      chars += t.length;
      emit(esc(t));
    },
    close(name) {
      const tag = localName(name);
      if (skip > 0) { if (tag === 'Choice' || tag === 'del' || tag === 'moveFrom') skip--; return; }
      switch (tag) {
        case 'r': inRun = Math.max(0, inRun - 1); return;
        case 't': inText = false; return;
        case 'instrText': inInstr = false; return;
        case 'hyperlink': case 'fldSimple': if (hyperlinks.pop()) emit('</a>'); return;
        case 'p': {
          const top = open.at(-1);
          if (!top || !('p' in top)) return;
          open.pop();
          blockSink().push(`<p>${top.p.html.join('')}</p>${top.p.after.join('')}`);
          return;
        }
        case 'tc': {
          const top = open.at(-1);
          if (top && 'cell' in top) open.pop();
          return;
        }
        case 'tbl': {
          const table = tables.pop();
          if (table) blockSink().push(tableHtml(table));
          return;
        }
        default:
      }
    },
  });
  return body.join('');
}
