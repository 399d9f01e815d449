import type { Ole2Summary } from './ole2-directory.ts';

/**
 * Word and Excel files from before OOXML: which program's file it is (by the streams under the OLE2 root, or by the
 * first record of the older files that are no compound file at all), and whether it is password-protected, which
 * the sender can fix, unlike a damaged file. Pure, over the first bytes only.
 */

export type LegacyKind = 'doc' | 'xls' | 'encrypted';

/** FIB of Word 6 and later: wIdent, then fEncrypted in the flags word at 0x0A. */
function wordEncrypted(fib: Buffer | null): boolean {
  if (!fib || fib.length < 12) return false;
  const ident = fib.readUInt16LE(0);
  return (ident === 0xa5ec || ident === 0xa5dc) && (fib.readUInt16LE(0x0a) & 0x0100) !== 0;
}

const BIFF_FILEPASS = 0x002f;
const BIFF_BOUNDSHEET = 0x0085;

/** A FILEPASS record among the workbook's first records (it follows BOF when the file has a password). */
function workbookEncrypted(stream: Buffer | null): boolean {
  if (!stream) return false;
  for (let at = 0, n = 0; at + 4 <= stream.length && n < 64; n++) {
    const type = stream.readUInt16LE(at);
    if (type === BIFF_FILEPASS) return true;
    if (type === BIFF_BOUNDSHEET) return false;
    at += 4 + stream.readUInt16LE(at + 2);
  }
  return false;
}

export function identifyOle2(ole: Ole2Summary, ext: string): { kind: LegacyKind } | { kind: 'unknown'; what: string } {
  if (ole.top.has('ENCRYPTEDPACKAGE')) return { kind: 'encrypted' };
  // An embedded document or sheet sits in a storage of its own: only the root's own streams say what the file is.
  if (ole.top.has('WORDDOCUMENT')) return { kind: wordEncrypted(ole.head('WordDocument', 64)) ? 'encrypted' : 'doc' };
  for (const name of ['WORKBOOK', 'BOOK']) {
    if (ole.top.has(name)) return { kind: workbookEncrypted(ole.head(name, 8192)) ? 'encrypted' : 'xls' };
  }
  // Microsoft Works and old Kingsoft files: LibreOffice has import filters for them.
  if (ext === 'wps') return { kind: 'doc' };
  if (ext === 'et') return { kind: 'xls' };
  return { kind: 'unknown', what: ole.top.has('POWERPOINT DOCUMENT') ? 'ppt' : 'ole2' };
}

/**
 * Files no compound file holds: Excel 2.x–4.0 worksheets (a bare BIFF2/3/4 stream opening with its BOF record), Word
 * for Windows 1.x/2.0 documents and Word 6/95 saved as a single stream (their FIB's wIdent and nFib, as LibreOffice's
 * own type detection tells them). LibreOffice opens all of them.
 */
export function oldOfficeFile(bytes: Buffer): 'doc' | 'xls' | null {
  if (bytes.length < 8) return null;
  const first = bytes.readUInt16LE(0);
  const length = bytes.readUInt16LE(2);
  if ((first === 0x0009 || first === 0x0209 || first === 0x0409) && length >= 4 && length <= 16) {
    // The BOF's document type: worksheet, chart, macro sheet or (Excel 4) workbook.
    const type = bytes.readUInt16LE(6);
    if ([0x0010, 0x0020, 0x0040, 0x0100].includes(type)) return 'xls';
  }
  if ((first === 0xa59b || first === 0xa59c) && bytes.readUInt16LE(2) === 0x0021) return 'doc';
  if (first === 0xa5db && bytes.readUInt16LE(2) === 0x002d) return 'doc';
  // Word 6.0/95 saved as a single stream, without the compound file around it.
  if (first === 0xa5dc && bytes.readUInt16LE(2) === 0x0065) return 'doc';
  return null;
}
