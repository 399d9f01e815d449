/**
 * Names of the streams in an OLE2 compound file (.doc, .xls, .wps, .et, and password-protected .docx/.xlsx,
 * which Office wraps in an OLE2 file holding `EncryptionInfo` and `EncryptedPackage`). Only the directory is
 * read: enough to tell a Word file from an Excel file from an encrypted one before handing it on.
 */

export const OLE2_MAGIC = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);

const END_OF_CHAIN = 0xfffffffe;
const NO_STREAM = 0xffffffff;
const MAX_ENTRIES = 10_000;

export class Ole2Error extends Error {}

interface DirEntry {
  name: string;
  type: number;
  left: number;
  right: number;
  child: number;
  start: number;
  size: number;
}

/** The compound file's sectors, FAT and directory, read once; every access bounds-checked. */
class Ole2File {
  readonly size: number;
  private readonly sectorCount: number;
  private readonly fatSectors: number[] = [];
  readonly entries: DirEntry[] = [];

  constructor(private readonly bytes: Buffer) {
    if (bytes.length < 512 || !bytes.subarray(0, 8).equals(OLE2_MAGIC)) throw new Ole2Error('not an OLE2 file');
    const shift = bytes.readUInt16LE(0x1e);
    if (shift !== 9 && shift !== 12) throw new Ole2Error(`bad sector shift ${shift}`);
    this.size = 1 << shift;
    this.sectorCount = Math.floor((bytes.length - this.size) / this.size);

    // FAT sector numbers: 109 in the header, the rest in a chain of DIFAT sectors.
    const fatCount = bytes.readUInt32LE(0x2c);
    if (fatCount > this.sectorCount) throw new Ole2Error('FAT larger than the file');
    for (let i = 0; i < 109 && this.fatSectors.length < fatCount; i++) this.fatSectors.push(bytes.readUInt32LE(0x4c + i * 4));
    let difat = bytes.readUInt32LE(0x44);
    for (let hops = 0; this.fatSectors.length < fatCount && difat < END_OF_CHAIN; hops++) {
      if (hops > this.sectorCount) throw new Ole2Error('DIFAT loop');
      const sector = this.sectorAt(difat);
      for (let i = 0; i < this.size / 4 - 1 && this.fatSectors.length < fatCount; i++) this.fatSectors.push(sector.readUInt32LE(i * 4));
      difat = sector.readUInt32LE(this.size - 4);
    }

    let dir = bytes.readUInt32LE(0x30);
    for (let hops = 0; dir < END_OF_CHAIN; hops++) {
      if (hops > this.sectorCount) throw new Ole2Error('directory chain loops');
      const sector = this.sectorAt(dir);
      for (let off = 0; off + 128 <= this.size; off += 128) {
        const nameBytes = Math.min(sector.readUInt16LE(off + 0x40), 64);
        this.entries.push({
          name: nameBytes >= 2 ? sector.subarray(off, off + nameBytes - 2).toString('utf16le') : '',
          type: sector[off + 0x42]!,
          left: sector.readUInt32LE(off + 0x44),
          right: sector.readUInt32LE(off + 0x48),
          child: sector.readUInt32LE(off + 0x4c),
          start: sector.readUInt32LE(off + 0x74),
          size: sector.readUInt32LE(off + 0x78),
        });
        if (this.entries.length > MAX_ENTRIES) throw new Ole2Error('too many directory entries');
      }
      dir = this.fat(dir);
    }
  }

  sectorAt(n: number): Buffer {
    if (n < 0 || n >= this.sectorCount) throw new Ole2Error(`sector ${n} outside the file`);
    return this.bytes.subarray((n + 1) * this.size, (n + 2) * this.size);
  }

  fat(n: number): number {
    const perSector = this.size / 4;
    const fatSector = this.fatSectors[Math.floor(n / perSector)];
    if (fatSector === undefined) throw new Ole2Error(`sector ${n} not in the FAT`);
    return this.sectorAt(fatSector).readUInt32LE((n % perSector) * 4);
  }

  /** The entries directly under a storage (the root by default): its red-black tree walked, loops refused. */
  childrenOf(index = 0): DirEntry[] {
    const out: DirEntry[] = [];
    const seen = new Set<number>();
    const stack = [this.entries[index]?.child ?? NO_STREAM];
    while (stack.length) {
      const i = stack.pop()!;
      if (i === NO_STREAM || i >= this.entries.length) continue;
      if (seen.has(i)) throw new Ole2Error('directory tree loops');
      seen.add(i);
      const e = this.entries[i]!;
      out.push(e);
      stack.push(e.left, e.right);
    }
    return out;
  }

  private readRegular(start: number, want: number): Buffer {
    const chunks: Buffer[] = [];
    let got = 0;
    for (let s = start, hops = 0; got < want && s < END_OF_CHAIN; s = this.fat(s), hops++) {
      if (hops > this.sectorCount) throw new Ole2Error('stream chain loops');
      const sector = this.sectorAt(s);
      chunks.push(sector.subarray(0, Math.min(sector.length, want - got)));
      got += chunks.at(-1)!.length;
    }
    return Buffer.concat(chunks);
  }

  /** The first `max` bytes of a stream, from the regular sectors or from the mini stream. */
  read(entry: DirEntry, max: number): Buffer {
    const want = Math.min(entry.size, max);
    if (entry.size >= this.bytes.readUInt32LE(0x38)) return this.readRegular(entry.start, want);
    // A small stream lives in the mini stream (64-byte sectors), itself a regular stream started by the root entry.
    const root = this.entries[0]!;
    const miniFat: number[] = [];
    for (let s = this.bytes.readUInt32LE(0x3c), hops = 0; s < END_OF_CHAIN; s = this.fat(s), hops++) {
      if (hops > this.sectorCount) throw new Ole2Error('mini FAT chain loops');
      const sector = this.sectorAt(s);
      for (let i = 0; i < sector.length; i += 4) miniFat.push(sector.readUInt32LE(i));
    }
    const chunks: Buffer[] = [];
    let got = 0;
    for (let s = entry.start, hops = 0; got < want && s < END_OF_CHAIN; s = miniFat[s] ?? END_OF_CHAIN, hops++) {
      if (hops > miniFat.length) throw new Ole2Error('mini stream chain loops');
      // Each 64-byte mini sector found through the container's own chain: only the sectors needed are touched.
      const container = this.readRegular(root.start, Math.min(root.size, (s + 1) * 64));
      const piece = container.subarray(s * 64, s * 64 + 64);
      if (piece.length === 0) throw new Ole2Error(`mini sector ${s} outside the mini stream`);
      chunks.push(piece.subarray(0, Math.min(piece.length, want - got)));
      got += chunks.at(-1)!.length;
    }
    return Buffer.concat(chunks);
  }
}

export function ole2StreamNames(bytes: Buffer): string[] {
  return new Ole2File(bytes).entries.filter((e) => (e.type === 1 || e.type === 2 || e.type === 5) && e.name).map((e) => e.name);
}

/**
 * What the file itself is, from the entries directly under its root: a workbook with a Word document embedded in
 * it keeps that document's `WordDocument` in a storage of its own (MBD0001A2B3/…), never beside `Workbook`. Names
 * compared as OLE2 compares them, without regard to case (WORKBOOK, BOOK and worddocument are all legal).
 */
export interface Ole2Summary {
  /** Upper-cased names of the root's own streams and storages. */
  top: Set<string>;
  /** The first bytes of a stream under the root, by its name in any case; null when there is none. */
  head(name: string, max: number): Buffer | null;
}

export function ole2Summary(bytes: Buffer): Ole2Summary {
  const file = new Ole2File(bytes);
  const children = file.childrenOf(0);
  const byName = new Map(children.map((e) => [e.name.toUpperCase(), e]));
  return {
    top: new Set(byName.keys()),
    head(name, max) {
      const e = byName.get(name.toUpperCase());
      return e && e.type === 2 ? file.read(e, max) : null;
    },
  };
}
