/**
 * Names of the streams in an OLE2 compound file (.doc, .xls, .wps, .et, and password-protected .docx/.xlsx,
 * which Office wraps in an OLE2 file holding `EncryptionInfo` and `EncryptedPackage`). Only the directory is
 * read: enough to tell a Word file from an Excel file from an encrypted one before handing it on.
 */

export const OLE2_MAGIC = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);

const END_OF_CHAIN = 0xfffffffe;
const MAX_ENTRIES = 10_000;

export class Ole2Error extends Error {}

export function ole2StreamNames(bytes: Buffer): string[] {
  if (bytes.length < 512 || !bytes.subarray(0, 8).equals(OLE2_MAGIC)) throw new Ole2Error('not an OLE2 file');
  const shift = bytes.readUInt16LE(0x1e);
  if (shift !== 9 && shift !== 12) throw new Ole2Error(`bad sector shift ${shift}`);
  const size = 1 << shift;
  const sectorCount = Math.floor((bytes.length - size) / size);
  const sectorAt = (n: number): Buffer => {
    if (n < 0 || n >= sectorCount) throw new Ole2Error(`sector ${n} outside the file`);
    return bytes.subarray((n + 1) * size, (n + 2) * size);
  };

  // FAT sector numbers: 109 in the header, the rest in a chain of DIFAT sectors.
  const fatSectors: number[] = [];
  const fatCount = bytes.readUInt32LE(0x2c);
  if (fatCount > sectorCount) throw new Ole2Error('FAT larger than the file');
  for (let i = 0; i < 109 && fatSectors.length < fatCount; i++) fatSectors.push(bytes.readUInt32LE(0x4c + i * 4));
  let difat = bytes.readUInt32LE(0x44);
  for (let hops = 0; fatSectors.length < fatCount && difat < END_OF_CHAIN; hops++) {
    if (hops > sectorCount) throw new Ole2Error('DIFAT loop');
    const sector = sectorAt(difat);
    for (let i = 0; i < size / 4 - 1 && fatSectors.length < fatCount; i++) fatSectors.push(sector.readUInt32LE(i * 4));
    difat = sector.readUInt32LE(size - 4);
  }
  const fat = (n: number): number => {
    const perSector = size / 4;
    const fatSector = fatSectors[Math.floor(n / perSector)];
    if (fatSector === undefined) throw new Ole2Error(`sector ${n} not in the FAT`);
    return sectorAt(fatSector).readUInt32LE((n % perSector) * 4);
  };

  const names: string[] = [];
  let dir = bytes.readUInt32LE(0x30);
  for (let hops = 0; dir < END_OF_CHAIN; hops++) {
    if (hops > sectorCount) throw new Ole2Error('directory chain loops');
    const sector = sectorAt(dir);
    for (let off = 0; off + 128 <= size; off += 128) {
      const type = sector[off + 0x42];
      const nameBytes = Math.min(sector.readUInt16LE(off + 0x40), 64);
      if ((type === 1 || type === 2 || type === 5) && nameBytes >= 2) {
        names.push(sector.subarray(off, off + nameBytes - 2).toString('utf16le'));
      }
      if (names.length > MAX_ENTRIES) throw new Ole2Error('too many directory entries');
    }
    dir = fat(dir);
  }
  return names;
}
