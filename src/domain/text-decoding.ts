import iconv from 'iconv-lite';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Bytes that do not say their charset, from Chinese machines: raw 8-bit header blocks, zip entry names written by
 * Windows tools, CSV files from Excel or Notepad. Valid UTF-8 is read as UTF-8; anything else as GB18030, the
 * superset of GBK and GB2312 and by far the likeliest charset of what is sent to this contest.
 */
export function utf8OrGb18030(bytes: Uint8Array): string {
  try {
    return utf8.decode(bytes);
  } catch {
    return iconv.decode(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), 'gb18030');
  }
}

/** A text file: UTF-16 when its byte-order mark says so, else UTF-8 or GB18030, without a leading BOM. */
export function decodeText(bytes: Buffer): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return iconv.decode(bytes.subarray(2), 'utf16le');
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return iconv.decode(bytes.subarray(2), 'utf16be');
  return utf8OrGb18030(bytes).replace(/^\ufeff/, '');
}
