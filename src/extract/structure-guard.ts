import { ZipRejectedError, type EntryInspector } from './zip-guard.ts';

/**
 * The zip guard bounds bytes; this bounds what the bytes unfold into. mammoth and exceljs build a whole tree of
 * objects per document, so a 10 MB table of 100,000 rows, tables nested 2,000 deep, a sheet of a million rows or
 * one merge over the whole sheet (17 billion cells) runs a parse worker out of heap or time, and costs the
 * process hundreds of MB on the way. Counted here from the XML as it inflates, in the worker, before either
 * library sees the file: a form is a table of a dozen rows, a unit's summary a few hundred.
 */

export interface StructureLimits {
  /** Characters of XML across the parts the reader parses: word/*.xml; worksheets and shared strings. */
  maxDocxXmlChars: number;
  maxSheetXmlChars: number;
  /** .docx */
  maxTableRows: number;
  maxTableDepth: number;
  maxParagraphs: number;
  /** .xlsx, over all sheets; a merged area counts as the cells it covers. */
  maxSheetRows: number;
  maxSheetCells: number;
  maxSharedStrings: number;
}

/**
 * Measured (tests/hostile): a .docx at these limits (5,000 rows or 10,000 paragraphs) and a sheet at them (10,000
 * rows of 10 cells) each parse within a 64 MB worker heap in 1 to 4 s. Real forms are a hundred times smaller;
 * beyond the limits the cost grows past any worker's heap and time box. The XML itself may be larger than mammoth
 * or exceljs could hold (LibreOffice's conversions of old .doc and .xls files are verbose): above 512 KB / 1 MB it
 * is read as a stream (docx-stream.ts, xlsx-stream.ts), whose memory is what the grid limits keep, so these caps
 * bound only the time spent inflating and scanning.
 */
export const DEFAULT_STRUCTURE_LIMITS: StructureLimits = {
  maxDocxXmlChars: 24 * 1024 * 1024,
  maxSheetXmlChars: 48 * 1024 * 1024,
  maxTableRows: 5_000,
  maxTableDepth: 32,
  maxParagraphs: 10_000,
  maxSheetRows: 10_000,
  maxSheetCells: 100_000,
  maxSharedStrings: 50_000,
};

const refuse = (detail: string): never => {
  throw new ZipRejectedError('too_large', detail);
};

/** Column letters (A … XFD) to a 1-based number. */
function columnOf(letters: string): number {
  let n = 0;
  for (const ch of letters.toUpperCase()) n = n * 26 + (ch.charCodeAt(0) - 64);
  return n;
}

/** Cells in an A1:B2 range (a single cell reference is one). */
export function areaOf(ref: string): number {
  const m = /^\$?([A-Za-z]{1,3})\$?(\d{1,7})(?::\$?([A-Za-z]{1,3})\$?(\d{1,7}))?$/.exec(ref.trim());
  if (!m) return 1;
  if (!m[3]) return 1;
  const cols = Math.abs(columnOf(m[3]) - columnOf(m[1]!)) + 1;
  const rows = Math.abs(Number(m[4]) - Number(m[2])) + 1;
  return cols * rows;
}

/**
 * Feeds text through `onTag` tag by tag, however the chunks cut it: the tail after the last '<' waits for the next
 * chunk (a single tag longer than 64 KB is dropped, which only makes the counts smaller than the truth).
 */
function tagStream(onTags: (text: string) => void): { feed(chunk: string): void; flush(): void } {
  let carry = '';
  return {
    feed(chunk) {
      let text = carry + chunk;
      carry = '';
      const lt = text.lastIndexOf('<');
      if (lt >= 0 && text.indexOf('>', lt) < 0) {
        carry = text.length - lt <= 64 * 1024 ? text.slice(lt) : '';
        text = text.slice(0, lt);
      }
      onTags(text);
    },
    flush() {
      if (carry) onTags(carry);
      carry = '';
    },
  };
}

/** The entries named by `wants`, at most `maxChars` of them in all, fed tag by tag to `scan`; `afterEntry` at each end. */
function tagInspector(wants: RegExp, maxChars: number, what: string, scan: (text: string) => void, afterEntry?: () => void): EntryInspector {
  let chars = 0;
  const streams = new Map<string, ReturnType<typeof tagStream>>();
  return {
    wants: (name) => wants.test(name),
    feed(name, chunk) {
      chars += chunk.length;
      if (chars > maxChars) refuse(`more than ${maxChars} characters of ${what}`);
      let s = streams.get(name);
      if (!s) streams.set(name, (s = tagStream(scan)));
      s.feed(chunk);
    },
    end(name) {
      streams.get(name)?.flush();
      afterEntry?.();
    },
  };
}

export function docxInspector(limits: StructureLimits = DEFAULT_STRUCTURE_LIMITS): EntryInspector {
  let rows = 0;
  let paragraphs = 0;
  let depth = 0;
  const scan = (text: string) => {
    for (const m of text.matchAll(/<(\/?)w:(tbl|tr|p)[\s>/]/g)) {
      const [, close, tag] = m;
      if (tag === 'tbl') {
        depth += close ? -1 : 1;
        if (depth > limits.maxTableDepth) refuse(`tables nested more than ${limits.maxTableDepth} deep`);
      } else if (!close && tag === 'tr' && ++rows > limits.maxTableRows) refuse(`more than ${limits.maxTableRows} table rows`);
      else if (!close && tag === 'p' && ++paragraphs > limits.maxParagraphs) refuse(`more than ${limits.maxParagraphs} paragraphs`);
    }
  };
  return tagInspector(/^word\/[^/]+\.xml$/, limits.maxDocxXmlChars, 'document XML', scan, () => { depth = 0; });
}

export function xlsxInspector(limits: StructureLimits = DEFAULT_STRUCTURE_LIMITS): EntryInspector {
  let rows = 0;
  let cells = 0;
  let strings = 0;
  const scan = (text: string) => {
    for (const m of text.matchAll(/<(row|c|si|mergeCell)[\s>/]([^>]*)/g)) {
      switch (m[1]) {
        case 'row':
          if (++rows > limits.maxSheetRows) refuse(`more than ${limits.maxSheetRows} rows`);
          break;
        case 'c':
          if (++cells > limits.maxSheetCells) refuse(`more than ${limits.maxSheetCells} cells`);
          break;
        case 'si':
          if (++strings > limits.maxSharedStrings) refuse(`more than ${limits.maxSharedStrings} shared strings`);
          break;
        case 'mergeCell': {
          const ref = /\bref\s*=\s*"([^"]*)"/.exec(m[2] ?? '')?.[1] ?? '';
          cells += areaOf(ref);
          if (cells > limits.maxSheetCells) refuse(`merged cells ${ref} make more than ${limits.maxSheetCells} cells`);
          break;
        }
      }
    }
  };
  return tagInspector(/^xl\/(worksheets\/[^/]+\.xml|sharedStrings\.xml)$/, limits.maxSheetXmlChars, 'sheet XML', scan);
}
