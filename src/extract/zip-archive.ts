import { inflateRawSync } from 'node:zlib';
import yauzl from 'yauzl';
import { utf8OrGb18030 } from '../domain/text-decoding.ts';
import type { ZipLimits } from './zip-guard.ts';

/**
 * The documents inside a plain .zip (作品材料.zip holding the form and the video). Only names that may hold a
 * form are taken out, a few of them, each inflated with zlib stopped at its declared size; nested archives are
 * left inside. Runs in the parse worker, after the central directory passed the zip guard.
 */

export interface ArchivedFile {
  name: string;
  bytes: Uint8Array;
}

const FORM_NAME = /\.(docx|doc|wps|xlsx|xls|et|csv|rtf|odt|ods|pdf|jpe?g|png|txt|html?|mht)$/i;
const MAX_FILES = 20;
const MAX_FILE_BYTES = 20 * 1024 * 1024;

/** Windows' zip tools write names in the local code page (GBK here) without the UTF-8 flag. */
function nameOf(raw: Buffer, utf8Flag: boolean): string {
  if (utf8Flag) return raw.toString('utf8');
  return utf8OrGb18030(raw);
}

export async function unpackArchive(bytes: Buffer, limits: ZipLimits): Promise<ArchivedFile[]> {
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) => yauzl.fromBuffer(bytes, { lazyEntries: true, decodeStrings: false }, (err, z) => (err ? reject(err) : resolve(z))));
  const entries: yauzl.Entry[] = [];
  await new Promise<void>((resolve, reject) => {
    zip.on('error', reject);
    zip.on('end', () => resolve());
    zip.on('entry', (entry: yauzl.Entry) => { entries.push(entry); zip.readEntry(); });
    zip.readEntry();
  });
  zip.close();
  const files: ArchivedFile[] = [];
  let total = 0;
  for (const entry of entries) {
    const name = nameOf(entry.fileName as unknown as Buffer, (entry.generalPurposeBitFlag & 0x800) !== 0);
    const base = name.split(/[\\/]/).pop() ?? '';
    if (!FORM_NAME.test(base) || base.startsWith('.') || name.startsWith('__MACOSX/')) continue;
    if (entry.uncompressedSize > MAX_FILE_BYTES || entry.isEncrypted() || files.length >= MAX_FILES) continue;
    const at = entry.relativeOffsetOfLocalHeader;
    const start = at + 30 + bytes.readUInt16LE(at + 26) + bytes.readUInt16LE(at + 28);
    const packed = bytes.subarray(start, start + entry.compressedSize);
    const data = entry.compressionMethod === 0 ? packed : entry.compressionMethod === 8
      ? inflateRawSync(packed, { maxOutputLength: Math.max(entry.uncompressedSize, 1) }) : null;
    if (!data) continue;
    total += data.length;
    if (total > limits.maxTotalBytes) break;
    files.push({ name: base, bytes: new Uint8Array(data) });
  }
  return files;
}
