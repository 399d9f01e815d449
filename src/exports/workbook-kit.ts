import type ExcelJS from 'exceljs';
import { safeCell } from '../domain/text-safety.ts';
import { maskAddress, maskPhone, maskPhonesInText } from '../privacy.ts';

/**
 * How every sheet of the organizers' workbooks looks and prints: a title row in the notice's wording and a line
 * under it (as 附件2 has 推荐单位 / 联系人 / 联系方式), a header row that is frozen and repeated on every printed
 * page, thin borders round every cell of the table, and A4 landscape scaled to one page wide (as many pages down
 * as it takes), with page numbers in the footer. Every value from mail goes through safeCell (no live formula, no
 * XML-invalid character); the only formulas are the ones the sheets write.
 */

export interface Column {
  header: string;
  width: number;
}

export interface SheetSpec {
  name: string;
  /** 第六届“最美 in 温州”抖音创意大赛…表 */
  title: string;
  /** The line under the title: 推荐单位：… 联系人：… 联系方式：… */
  subtitle: string;
  columns: Column[];
}

/** The title and its line come first; the table's header is the third row, its data from the fourth. */
export const HEADER_ROW = 3;
export const FIRST_DATA_ROW = 4;

const THIN: ExcelJS.Border = { style: 'thin', color: { argb: 'FF8C8C8C' } };
const BORDER: Partial<ExcelJS.Borders> = { top: THIN, left: THIN, bottom: THIN, right: THIN };
const HEADER_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFDCE6F1' } };
const LINK_FONT: Partial<ExcelJS.Font> = { color: { argb: 'FF0563C1' }, underline: true };
const SAFE_LINK = /^https?:\/\/[A-Za-z0-9.-]+(?::\d+)?(?:\/[A-Za-z0-9\-._~%!$&'()*+,;=:@/?#]*)?$/;

/** A4 landscape, one page wide, the header row on every page: what the organizers print for the judges and units. */
const PAGE_SETUP: Partial<ExcelJS.PageSetup> = {
  paperSize: 9, orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0, horizontalCentered: true,
  printTitlesRow: `${HEADER_ROW}:${HEADER_ROW}`,
  margins: { left: 0.4, right: 0.4, top: 0.5, bottom: 0.6, header: 0.3, footer: 0.3 },
};

export interface Texts {
  /** Free text from mail, neutralized (phones inside it masked when the workbook travels by mail). */
  text(v: string | null | undefined): string;
  phone(v: string | null | undefined): string;
  address(v: string | null | undefined): string;
}

/** What the copy that travels by mail (the digest's attachment) masks; the organizers' own export keeps it all. */
export function texts(mask: boolean): Texts {
  return {
    text: (v) => safeCell(mask && v ? maskPhonesInText(v) : v),
    phone: (v) => (v ? safeCell(mask ? maskPhone(v) : v) : ''),
    address: (v) => (v ? safeCell(mask ? maskAddress(v) : v) : ''),
  };
}

/** A hyperlink cell for a plain http(s) link; anything else stays plain (neutralized) text. */
export function linkCell(link: string | null, t: Texts): ExcelJS.CellValue {
  if (!link) return '';
  if (SAFE_LINK.test(link)) return { text: safeCell(link), hyperlink: link };
  return t.text(link);
}

/** How wide text prints, in Excel's column units (the default font's digit): a Chinese character takes about two. */
function printedWidth(text: string): number {
  let w = 0;
  for (const ch of text) w += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(ch) ? 1.8 : 1;
  return w;
}

/** A Chinese line of the default font needs about 16 points; one row holds at most 409. */
const LINE_POINTS = 16;

/**
 * The height a row needs for its wrapped text. Spreadsheets size rows on screen, but a streamed workbook carries no
 * heights and LibreOffice prints such rows one line high, cutting off an introduction or a list of problems.
 */
export function rowHeight(values: readonly ExcelJS.CellValue[], widths: readonly number[]): number {
  let lines = 1;
  values.forEach((v, i) => {
    // A link has nowhere to break: it stays on one line (clipped on paper, whole on screen).
    const text = typeof v === 'string' ? v : v == null || typeof v === 'object' ? '' : String(v);
    const room = Math.max(1, (widths[i] ?? 10) - 0.6);
    const n = text.split('\n').reduce((sum, line) => sum + Math.max(1, Math.ceil(printedWidth(line) / room)), 0);
    lines = Math.max(lines, n);
  });
  return Math.min(409, lines * LINE_POINTS + 4);
}

type DataLook = 'plain' | 'link' | 'bold';
const dataStyles = new Map<string, Partial<ExcelJS.Style>>();

/**
 * One style object per look, shared by every data cell that has it: exceljs knows a style it has seen by the
 * object's identity, and otherwise serializes each cell's style anew to find its id (three fifths of a
 * 10,000-work workbook's time). Frozen, so no cell can change the others' by writing through it.
 */
function dataStyle(look: DataLook, numFmt: string | undefined): Partial<ExcelJS.Style> {
  const key = `${look}|${numFmt ?? ''}`;
  const known = dataStyles.get(key);
  if (known) return known;
  const style: Partial<ExcelJS.Style> = {
    border: BORDER,
    alignment: { vertical: 'top', wrapText: true },
    ...(look === 'link' ? { font: LINK_FONT } : look === 'bold' ? { font: { bold: true } } : {}),
    ...(numFmt ? { numFmt } : {}),
  };
  dataStyles.set(key, Object.freeze(style));
  return style;
}

export class TableSheet {
  readonly sheet: ExcelJS.Worksheet;
  readonly width: number;
  private readonly widths: number[];
  private next = FIRST_DATA_ROW;

  constructor(wb: ExcelJS.Workbook, spec: SheetSpec) {
    this.width = spec.columns.length;
    this.widths = spec.columns.map((c) => c.width);
    // A streamed sheet takes its views and page setup when it is made, not after.
    this.sheet = wb.addWorksheet(spec.name, {
      views: [{ state: 'frozen', ySplit: HEADER_ROW }],
      pageSetup: PAGE_SETUP,
      headerFooter: { oddFooter: `&C${spec.name}  第 &P 页，共 &N 页`, evenFooter: `&C${spec.name}  第 &P 页，共 &N 页` },
    });
    this.sheet.columns = spec.columns.map((c) => ({ width: c.width }));
    this.sheet.mergeCells(1, 1, 1, this.width);
    this.sheet.mergeCells(2, 1, 2, this.width);
    const title = this.sheet.getRow(1);
    title.getCell(1).value = spec.title;
    title.getCell(1).font = { bold: true, size: 16 };
    title.getCell(1).alignment = { horizontal: 'center', vertical: 'middle' };
    title.height = 30;
    title.commit();
    const sub = this.sheet.getRow(2);
    sub.getCell(1).value = spec.subtitle;
    sub.getCell(1).alignment = { horizontal: 'left', vertical: 'middle', wrapText: true };
    sub.height = 22;
    sub.commit();
    const head = this.sheet.getRow(HEADER_ROW);
    spec.columns.forEach((c, i) => {
      const cell = head.getCell(i + 1);
      cell.value = c.header;
      cell.font = { bold: true };
      cell.fill = HEADER_FILL;
      cell.border = BORDER;
      cell.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
    });
    head.height = rowHeight(spec.columns.map((c) => c.header), this.widths);
    head.commit();
  }

  /** The row the next addRow writes (data rows start at FIRST_DATA_ROW). */
  get rowNumber(): number {
    return this.next;
  }

  /** One table row, written out: bordered across the table's width, text wrapped, links styled as links. */
  addRow(values: ExcelJS.CellValue[], style: { numFmt?: Record<number, string>; bold?: boolean } = {}): void {
    const row = this.sheet.getRow(this.next++);
    for (let i = 0; i < this.width; i++) {
      const cell = row.getCell(i + 1);
      const v = values[i];
      cell.value = v === undefined ? null : v;
      const link = !!v && typeof v === 'object' && 'hyperlink' in v;
      cell.style = dataStyle(link ? 'link' : style.bold ? 'bold' : 'plain', style.numFmt?.[i + 1]);
    }
    row.height = rowHeight(values, this.widths);
    row.commit();
  }

  /** Rows after the table (notes): no border. */
  addNote(text: string): void {
    const row = this.sheet.getRow(this.next++);
    row.getCell(1).value = text;
    row.commit();
  }

  /**
   * A data validation over whole rectangles, given once each. exceljs merges per-cell validations by sorting cell
   * addresses as text (G10 before G2), which writes overlapping ranges that Excel offers to "repair".
   */
  validate(range: string, validation: ExcelJS.DataValidation): void {
    (this.sheet as unknown as { dataValidations: { add(address: string, v: ExcelJS.DataValidation): void } }).dataValidations.add(range, validation);
  }

  commit(): void {
    this.sheet.commit();
  }
}

/** Column letter of a 1-based index (1 → A, 27 → AA). */
export function columnLetter(n: number): string {
  let s = '';
  for (let x = n; x > 0; x = Math.floor((x - 1) / 26)) s = String.fromCharCode(65 + ((x - 1) % 26)) + s;
  return s;
}

/** A sheet name Excel accepts: no []:*?/\, at most 31 characters. */
export function sheetName(name: string): string {
  return name.replace(/[[\]:*?/\\]/g, '·').slice(0, 31);
}
