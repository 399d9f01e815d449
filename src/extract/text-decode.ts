import iconv from 'iconv-lite';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Text files from Chinese Windows machines (Excel's CSV, Notepad) are GBK unless they say otherwise;
 * anything that is not valid UTF-8 is read as GB18030, the superset of GBK and GB2312.
 */
export function decodeText(bytes: Buffer): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return iconv.decode(bytes.subarray(2), 'utf16le');
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return iconv.decode(bytes.subarray(2), 'utf16be');
  try {
    return utf8.decode(bytes).replace(/^\ufeff/, '');
  } catch {
    return iconv.decode(bytes, 'gb18030');
  }
}
