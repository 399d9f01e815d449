import { describe, expect, it } from 'vitest';
import { unwrapBase64Mail } from '../../src/extract/forwarded-mail.ts';
import { identifyDocument } from '../../src/extract/identify-document.ts';
import { identifyOle2, oldOfficeFile } from '../../src/extract/legacy-office.ts';
import { ole2StreamNames, ole2Summary } from '../../src/extract/ole2-directory.ts';
import { DEFAULT_ZIP_LIMITS } from '../../src/extract/zip-guard.ts';
import { fixture } from './helpers.ts';

/** What a file is, by its bytes (issue 14 §1 and §8): pure decisions, no parser run. */

const identify = (name: string, ext = name.split('.').pop()!) => identifyDocument(fixture(name), ext, 'application/octet-stream', DEFAULT_ZIP_LIMITS);

describe('OLE2 files', () => {
  it('names the streams under the root without regard to case', async () => {
    expect(ole2Summary(fixture('sum-upper-streams.xls')).top.has('WORKBOOK')).toBe(true);
    expect(ole2StreamNames(fixture('sum-upper-streams.xls'))).toContain('WORKBOOK');
    expect(await identify('sum-upper-streams.xls')).toEqual({ kind: 'xls' });
    expect(await identify('reg-lower-streams.doc')).toEqual({ kind: 'doc' });
  });

  it('a Word document embedded in a workbook does not make the workbook a .doc', async () => {
    // The embedded document's streams are in the file, inside a storage of its own.
    expect(ole2StreamNames(fixture('sum-embedded-word.xls'))).toEqual(expect.arrayContaining(['WordDocument', 'Workbook', 'MBD0016A2F0']));
    expect([...ole2Summary(fixture('sum-embedded-word.xls')).top].sort()).toEqual(['\u0001COMPOBJ', '\u0001OLE', '\u0005DOCUMENTSUMMARYINFORMATION', '\u0005SUMMARYINFORMATION', 'MBD0016A2F0', 'WORKBOOK']);
    expect(await identify('sum-embedded-word.xls')).toEqual({ kind: 'xls' });
  });

  it('a password on a .doc (FIB fEncrypted) or an .xls (FILEPASS) is a password, not damage', async () => {
    expect(await identify('reg-password.doc')).toEqual({ kind: 'encrypted' });
    expect(await identify('sum-password.xls')).toEqual({ kind: 'encrypted' });
    expect(await identify('reg-legacy.doc')).toEqual({ kind: 'doc' });
    expect(await identify('sum-legacy.xls')).toEqual({ kind: 'xls' });
  });

  it('reads a stream head from the mini stream and from regular sectors alike', () => {
    const ole = ole2Summary(fixture('reg-legacy.doc'));
    expect(ole.head('worddocument', 2)?.readUInt16LE(0)).toBe(0xa5ec);
    expect(ole.head('\u0001CompObj', 4)?.length).toBe(4);
    expect(ole.head('nothing', 4)).toBeNull();
  });

  it('what nothing identifies stays unknown: a PowerPoint file, a bare compound file', () => {
    const ole = (names: string[]) => ({ top: new Set(names), head: () => null });
    expect(identifyOle2(ole(['POWERPOINT DOCUMENT', 'CURRENT USER']), 'ppt')).toEqual({ kind: 'unknown', what: 'ppt' });
    expect(identifyOle2(ole(['CONTENTS']), 'doc')).toEqual({ kind: 'unknown', what: 'ole2' });
    expect(identifyOle2(ole(['CONTENTS']), 'wps')).toEqual({ kind: 'doc' });
  });
});

describe('Office files older than OLE2', () => {
  it('an Excel 4.0 worksheet is a spreadsheet for LibreOffice', async () => {
    expect(oldOfficeFile(fixture('sum-excel4.xls'))).toBe('xls');
    expect(await identify('sum-excel4.xls')).toEqual({ kind: 'xls' });
  });

  it('BIFF2/BIFF3 worksheets and Word 1/2 documents by their first record', () => {
    const head = (...words: number[]) => { const b = Buffer.alloc(32); words.forEach((w, i) => b.writeUInt16LE(w, i * 2)); return b; };
    expect(oldOfficeFile(head(0x0009, 4, 0x0002, 0x0010))).toBe('xls');
    expect(oldOfficeFile(head(0x0209, 6, 0x0000, 0x0010))).toBe('xls');
    expect(oldOfficeFile(head(0xa5db, 0x002d))).toBe('doc');
    expect(oldOfficeFile(head(0xa59b, 0x0021))).toBe('doc');
    expect(oldOfficeFile(head(0xa5dc, 0x0065))).toBe('doc');
    expect(oldOfficeFile(head(0xa5db, 0x0065))).toBeNull();
    expect(oldOfficeFile(head(0x0409, 6, 0x0000, 0x7777))).toBeNull();
    expect(oldOfficeFile(Buffer.from('姓名：张三\n'))).toBeNull();
  });
});

describe('a forwarded mail still in base64', () => {
  const mail = Buffer.from('From: a@b.cn\r\nSubject: x\r\n\r\nbody\r\n');
  it('is decoded when every line is base64 and a header comes out', () => {
    const wrapped = Buffer.from(mail.toString('base64').replace(/.{20}/g, '$&\r\n'));
    expect(unwrapBase64Mail(wrapped).equals(mail)).toBe(true);
    expect(unwrapBase64Mail(Buffer.from(mail.toString('base64'))).equals(mail)).toBe(true);
  });

  it('a mail, or base64 of something that is no mail, is left as it is', () => {
    expect(unwrapBase64Mail(mail)).toBe(mail);
    const notMail = Buffer.from(Buffer.from('\u0000\u0001binary').toString('base64'));
    expect(unwrapBase64Mail(notMail)).toBe(notMail);
  });
});
