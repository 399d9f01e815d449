import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import JSZip from 'jszip';

/** Real LibreOffice and poppler, as the organizers' machines open and print the workbooks. */

const run = promisify(execFile);

async function soffice(work: string, args: string[]): Promise<string> {
  const { stderr } = await run('soffice', ['--headless', '--norestore', `-env:UserInstallation=file://${path.join(work, 'profile')}`, ...args], { timeout: 180_000 });
  return stderr;
}

/** Every sheet of a workbook as CSV rows (7.2+ writes one file per sheet with -1). */
export async function libreOfficeSheets(work: string, file: string): Promise<{ sheets: Record<string, string[][]>; stderr: string }> {
  const out = path.join(work, `csv-${path.basename(file, '.xlsx')}`);
  const stderr = await soffice(work, ['--convert-to', 'csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1', '--outdir', out, file]);
  const sheets: Record<string, string[][]> = {};
  const base = path.basename(file, '.xlsx');
  for (const name of readdirSync(out)) {
    const sheet = name.slice(base.length + 1, -'.csv'.length);
    sheets[sheet] = parseCsv(readFileSync(path.join(out, name), 'utf8'));
  }
  return { sheets, stderr };
}

export interface PrintedPage {
  /** Points. */
  width: number;
  height: number;
  text: string;
}

/** The workbook printed to PDF by LibreOffice, page by page: size and text (pdfinfo, pdftotext). */
export async function printToPdf(work: string, file: string): Promise<{ pdf: string; pages: PrintedPage[] }> {
  const out = path.join(work, `pdf-${path.basename(file, '.xlsx')}`);
  await soffice(work, ['--convert-to', 'pdf', '--outdir', out, file]);
  const pdf = path.join(out, `${path.basename(file, '.xlsx')}.pdf`);
  const info = (await run('pdfinfo', [pdf])).stdout;
  const count = Number(/^Pages:\s+(\d+)/m.exec(info)![1]);
  const sizes = (await run('pdfinfo', ['-f', '1', '-l', String(count), pdf])).stdout;
  const pages: PrintedPage[] = [];
  for (let i = 1; i <= count; i++) {
    const m = new RegExp(`^Page\\s+${i} size:\\s+([\\d.]+) x ([\\d.]+)`, 'm').exec(sizes)!;
    const text = (await run('pdftotext', ['-f', String(i), '-l', String(i), '-layout', pdf, '-'], { maxBuffer: 16 * 1024 * 1024 })).stdout;
    pages.push({ width: Number(m[1]), height: Number(m[2]), text });
  }
  return { pdf, pages };
}

/** The A1-style rectangles of every data validation, per worksheet file of the workbook. */
export async function validationRanges(xlsx: Buffer): Promise<Record<string, string[]>> {
  const zip = await JSZip.loadAsync(xlsx);
  const out: Record<string, string[]> = {};
  for (const name of Object.keys(zip.files).filter((n) => /^xl\/worksheets\/sheet\d+\.xml$/.test(n))) {
    const xml = await zip.file(name)!.async('string');
    out[name] = [...xml.matchAll(/<dataValidation\b[^>]*\bsqref="([^"]+)"/g)].flatMap((m) => m[1]!.split(/\s+/));
  }
  return out;
}

function cellOf(ref: string): [number, number] {
  const m = /^\$?([A-Z]+)\$?(\d+)$/.exec(ref)!;
  const col = [...m[1]!].reduce((n, ch) => n * 26 + ch.charCodeAt(0) - 64, 0);
  return [col, Number(m[2])];
}

/** Pairs of ranges that share a cell: Excel offers to "repair" such a workbook. */
export function overlappingRanges(ranges: readonly string[]): [string, string][] {
  const rects = ranges.map((r) => {
    const [a, b = a] = r.split(':') as [string, string?];
    const [c1, r1] = cellOf(a);
    const [c2, r2] = cellOf(b);
    return { r, c1: Math.min(c1, c2), c2: Math.max(c1, c2), r1: Math.min(r1, r2), r2: Math.max(r1, r2) };
  });
  const out: [string, string][] = [];
  for (let i = 0; i < rects.length; i++) {
    for (let j = i + 1; j < rects.length; j++) {
      const a = rects[i]!;
      const b = rects[j]!;
      if (a.c1 <= b.c2 && b.c1 <= a.c2 && a.r1 <= b.r2 && b.r1 <= a.r2) out.push([a.r, b.r]);
    }
  }
  return out;
}

export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  const s = text.replace(/^\ufeff/, '');
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (quoted) {
      if (c === '"' && s[i + 1] === '"') { cell += '"'; i++; } else if (c === '"') quoted = false; else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(cell); cell = ''; } else if (c === '\n' || c === '\r') {
      if (c === '\r' && s[i + 1] === '\n') i++;
      row.push(cell); rows.push(row); row = []; cell = '';
    } else cell += c;
  }
  if (cell || row.length) { row.push(cell); rows.push(row); }
  return rows;
}
