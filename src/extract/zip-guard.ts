import { createInflateRaw, inflateRawSync } from 'node:zlib';
import yauzl from 'yauzl';

/**
 * The zip central directory is read before mammoth or exceljs touch a file: both inflate through JSZip with no
 * size guard, so a zip bomb (one huge entry, ten thousand entries, lying sizes, overlapping entries) must be
 * refused from the directory alone. Nothing here inflates except verifyZipSizes, which keeps nothing.
 */

export interface ZipLimits {
  maxEntries: number;
  maxEntryBytes: number;
  maxTotalBytes: number;
  /** Uncompressed / compressed above this, for entries bigger than ratioFloorBytes, is a bomb, not a document. */
  maxRatio: number;
  ratioFloorBytes: number;
}

export const DEFAULT_ZIP_LIMITS: ZipLimits = {
  maxEntries: 2_000,
  maxEntryBytes: 50 * 1024 * 1024,
  maxTotalBytes: 100 * 1024 * 1024,
  maxRatio: 100,
  ratioFloorBytes: 1024 * 1024,
};

export type ZipRejection = 'truncated' | 'corrupt' | 'too_many_entries' | 'too_large' | 'ratio' | 'encrypted' | 'overlap';

export interface ZipEntryInfo {
  name: string;
  compressedSize: number;
  uncompressedSize: number;
}

export type ZipVerdict =
  | { ok: true; entries: ZipEntryInfo[] }
  | { ok: false; reason: ZipRejection; detail: string };

export class ZipRejectedError extends Error {
  constructor(readonly reason: ZipRejection, detail: string) {
    super(detail);
    this.name = 'ZipRejectedError';
  }
}

function open(bytes: Buffer): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    try {
      // strictFileNames off: a "../" name is harmless here (nothing is extracted to disk) and Word never writes one.
      yauzl.fromBuffer(bytes, { lazyEntries: true, decodeStrings: true, validateEntrySizes: true, strictFileNames: false },
        (err, zip) => (err ? reject(err) : resolve(zip)));
    } catch (err) {
      reject(err);
    }
  });
}

function classify(err: unknown): { reason: ZipRejection; detail: string } {
  const detail = err instanceof Error ? err.message : String(err);
  if (err instanceof ZipRejectedError) return { reason: err.reason, detail };
  return { reason: /end of central directory|truncated|not enough|out of range|beyond/i.test(detail) ? 'truncated' : 'corrupt', detail };
}

export async function inspectZip(bytes: Buffer, limits: ZipLimits = DEFAULT_ZIP_LIMITS): Promise<ZipVerdict> {
  let zip: yauzl.ZipFile;
  try {
    zip = await open(bytes);
  } catch (err) {
    return { ok: false, ...classify(err) };
  }
  if (zip.entryCount > limits.maxEntries) {
    zip.close();
    return { ok: false, reason: 'too_many_entries', detail: `${zip.entryCount} entries > ${limits.maxEntries}` };
  }
  const raw: Array<ZipEntryInfo & { offset: number; span: number }> = [];
  try {
    await new Promise<void>((resolve, reject) => {
      let total = 0;
      zip.on('error', reject);
      zip.on('end', () => resolve());
      zip.on('entry', (entry: yauzl.Entry) => {
        const { compressedSize: packed, uncompressedSize: size, fileName: name } = entry;
        total += size;
        const fail = (reason: ZipRejection, detail: string) => { zip.close(); reject(new ZipRejectedError(reason, detail)); };
        if (entry.isEncrypted()) return fail('encrypted', `encrypted entry ${name}`);
        if (size > limits.maxEntryBytes) return fail('too_large', `${name}: ${size} bytes > ${limits.maxEntryBytes}`);
        if (total > limits.maxTotalBytes) return fail('too_large', `total ${total} bytes > ${limits.maxTotalBytes}`);
        if (size > limits.ratioFloorBytes && size / Math.max(packed, 1) > limits.maxRatio) {
          return fail('ratio', `${name}: ratio ${(size / Math.max(packed, 1)).toFixed(0)} > ${limits.maxRatio}`);
        }
        const span = 30 + entry.fileNameLength + packed;
        if (entry.relativeOffsetOfLocalHeader + span > bytes.length) return fail('truncated', `${name} runs past the end of the file`);
        raw.push({ name, compressedSize: packed, uncompressedSize: size, offset: entry.relativeOffsetOfLocalHeader, span });
        zip.readEntry();
      });
      zip.readEntry();
    });
  } catch (err) {
    return { ok: false, ...classify(err) };
  }
  // Entries sharing or overlapping their data inflate the same bytes many times over (the "better zip bomb").
  const byOffset = [...raw].sort((a, b) => a.offset - b.offset);
  for (let i = 1; i < byOffset.length; i++) {
    const prev = byOffset[i - 1]!;
    if (byOffset[i]!.offset < prev.offset + prev.span) {
      return { ok: false, reason: 'overlap', detail: `${byOffset[i]!.name} overlaps ${prev.name}` };
    }
  }
  return { ok: true, entries: raw.map(({ name, compressedSize, uncompressedSize }) => ({ name, compressedSize, uncompressedSize })) };
}

/** Sees the inflated text of the entries it wants, chunk by chunk; throws ZipRejectedError to refuse the file. */
export interface EntryInspector {
  wants(name: string): boolean;
  /** latin1 text: one character per byte, so multi-byte characters never match an ASCII tag. */
  feed(name: string, chunk: string): void;
  end?(name: string): void;
}

/** Entries up to this size are inflated in one call; larger ones (and inspected ones) stream in 64 KB chunks. */
const ONE_SHOT_BYTES = 1024 * 1024;

function inflateStreaming(packed: Buffer, name: string, declared: number, onChunk: ((b: Buffer) => void) | null): Promise<number> {
  return new Promise((resolve, reject) => {
    const z = createInflateRaw({ chunkSize: 64 * 1024 });
    let size = 0;
    let settled = false;
    const fail = (err: unknown) => {
      if (settled) return;
      settled = true;
      z.destroy();
      reject(err);
    };
    z.on('data', (chunk: Buffer) => {
      if (settled) return;
      size += chunk.length;
      if (size > declared) return fail(new ZipRejectedError('too_large', `${name}: inflates past its declared ${declared} bytes`));
      try {
        onChunk?.(chunk);
      } catch (err) {
        fail(err);
      }
    });
    z.on('error', (err) => fail(new ZipRejectedError('corrupt', `${name}: ${err.message}`)));
    z.on('end', () => {
      if (settled) return;
      settled = true;
      resolve(size);
    });
    z.end(packed);
  });
}

/**
 * Inflates every entry and drops the bytes, failing as soon as one yields more than its directory record
 * promised: the directory can lie, and JSZip would believe it. zlib stops at the declared size, so a lying
 * entry costs at most what the caps above allow, and large entries stream, so none is ever held whole. The
 * inspector (structure-guard.ts) reads the parts mammoth or exceljs would unfold. Runs inside the parse worker.
 */
async function listEntries(bytes: Buffer): Promise<yauzl.Entry[]> {
  const zip = await open(bytes);
  const entries: yauzl.Entry[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      zip.on('error', reject);
      zip.on('end', () => resolve());
      zip.on('entry', (entry: yauzl.Entry) => { entries.push(entry); zip.readEntry(); });
      zip.readEntry();
    });
  } finally {
    zip.close();
  }
  return entries;
}

/** An entry's compressed bytes, found through its local header. */
function packedData(bytes: Buffer, entry: yauzl.Entry): Buffer {
  const at = entry.relativeOffsetOfLocalHeader;
  if (at + 30 > bytes.length || bytes.readUInt32LE(at) !== 0x04034b50) throw new ZipRejectedError('corrupt', `${entry.fileName}: no local header`);
  const start = at + 30 + bytes.readUInt16LE(at + 26) + bytes.readUInt16LE(at + 28);
  const packed = bytes.subarray(start, start + entry.compressedSize);
  if (packed.length < entry.compressedSize) throw new ZipRejectedError('truncated', `${entry.fileName} runs past the end of the file`);
  return packed;
}

/**
 * One entry's content in 64 KB chunks as it inflates, never whole (for the streaming readers of large documents);
 * false when there is no such entry. Bounded by the entry's declared size, as verifyZipSizes checks.
 */
export async function streamZipEntry(bytes: Buffer, name: string, onChunk: (chunk: Buffer) => void): Promise<boolean> {
  const entry = (await listEntries(bytes)).find((e) => e.fileName === name);
  if (!entry) return false;
  const packed = packedData(bytes, entry);
  if (entry.compressionMethod === 0) {
    for (let i = 0; i < packed.length; i += 64 * 1024) onChunk(packed.subarray(i, i + 64 * 1024));
  } else if (entry.compressionMethod === 8) {
    await inflateStreaming(packed, entry.fileName, Math.max(entry.uncompressedSize, 1), onChunk);
  } else throw new ZipRejectedError('corrupt', `${entry.fileName}: compression method ${entry.compressionMethod}`);
  return true;
}

/** Names and declared sizes of the entries, from the central directory. */
export async function zipEntrySizes(bytes: Buffer): Promise<Map<string, number>> {
  return new Map((await listEntries(bytes)).map((e) => [e.fileName, e.uncompressedSize]));
}

export async function verifyZipSizes(bytes: Buffer, limits: ZipLimits = DEFAULT_ZIP_LIMITS, inspector?: EntryInspector): Promise<void> {
  const entries = await listEntries(bytes);
  let total = 0;
  for (const entry of entries) {
    const packed = packedData(bytes, entry);
    const inspect = inspector?.wants(entry.fileName) ? inspector : null;
    const onChunk = inspect ? (b: Buffer) => inspect.feed(entry.fileName, b.toString('latin1')) : null;
    let size: number;
    if (entry.compressionMethod === 0) {
      size = packed.length;
      for (let i = 0; onChunk && i < packed.length; i += 64 * 1024) onChunk(packed.subarray(i, i + 64 * 1024));
    } else if (entry.compressionMethod === 8 && (inspect || entry.uncompressedSize > ONE_SHOT_BYTES)) {
      size = await inflateStreaming(packed, entry.fileName, Math.max(entry.uncompressedSize, 1), onChunk);
    } else if (entry.compressionMethod === 8) {
      try {
        size = inflateRawSync(packed, { maxOutputLength: Math.max(entry.uncompressedSize, 1) }).length;
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'ERR_BUFFER_TOO_LARGE' || err instanceof RangeError) {
          throw new ZipRejectedError('too_large', `${entry.fileName}: inflates past its declared ${entry.uncompressedSize} bytes`);
        }
        throw new ZipRejectedError('corrupt', `${entry.fileName}: ${(err as Error).message}`);
      }
    } else throw new ZipRejectedError('corrupt', `${entry.fileName}: compression method ${entry.compressionMethod}`);
    inspect?.end?.(entry.fileName);
    if (size > entry.uncompressedSize) throw new ZipRejectedError('too_large', `${entry.fileName}: inflates past its declared ${entry.uncompressedSize} bytes`);
    total += size;
    if (total > limits.maxTotalBytes) throw new ZipRejectedError('too_large', `inflated past ${limits.maxTotalBytes} bytes`);
  }
}

/** A small stored entry (an OpenDocument `mimetype`), read without trusting its size. */
export async function readZipEntry(bytes: Buffer, name: string, maxBytes = 1024): Promise<string | null> {
  const zip = await open(bytes);
  try {
    return await new Promise<string | null>((resolve, reject) => {
      zip.on('error', reject);
      zip.on('end', () => resolve(null));
      zip.on('entry', (entry: yauzl.Entry) => {
        if (entry.fileName !== name || entry.uncompressedSize > maxBytes) return zip.readEntry();
        zip.openReadStream(entry, (err, stream) => {
          if (err) return reject(err);
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('error', reject);
          stream.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
        });
      });
      zip.readEntry();
    });
  } finally {
    zip.close();
  }
}
