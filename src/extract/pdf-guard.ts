import { inflateSync, constants } from 'node:zlib';

/**
 * pdfjs inflates a stream into one growing typed array, and typed arrays live outside the worker's heap cap: a
 * few KB of deflated zeros (a "stream bomb") would cost the process gigabytes before any limit noticed. So every
 * deflated stream is inflated here first with a ceiling, and a file whose streams unpack past it is refused.
 */

export interface PdfLimits {
  /** Bytes one stream may unpack to. */
  streamBytes: number;
  /** Bytes all streams together may unpack to. */
  totalBytes: number;
  /** Streams in one file. */
  streams: number;
}

/** A text-layer form is a few hundred KB unpacked; a 2,000-row summary a few MB. */
export const DEFAULT_PDF_LIMITS: PdfLimits = { streamBytes: 24 * 1024 * 1024, totalBytes: 64 * 1024 * 1024, streams: 20_000 };

export class PdfRejectedError extends RangeError {
  constructor(message: string) {
    super(message);
    this.name = 'PdfRejectedError';
  }
}

const STREAM = Buffer.from('stream');
const END = Buffer.from('endstream');

/** A zlib header (RFC 1950): deflate method and a check value divisible by 31. */
function isZlib(b: Uint8Array): boolean {
  return b.length >= 2 && (b[0]! & 0x0f) === 8 && (b[0]! >> 4) <= 7 && ((b[0]! << 8) | b[1]!) % 31 === 0;
}

/** How many bytes `data` unpacks to, following deflate-inside-deflate, or a refusal past `budget`. */
function unpackedSize(data: Uint8Array, budget: number, depth = 0): number {
  let out: Buffer;
  try {
    // Sync flush: a stream cut short still yields what it holds, as pdfjs reads it.
    out = inflateSync(data, { maxOutputLength: Math.max(1, budget), finishFlush: constants.Z_SYNC_FLUSH });
  } catch (err) {
    if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw new PdfRejectedError(`a stream unpacks to more than ${budget} bytes`);
    return data.length; // not deflate after all: pdfjs will judge it
  }
  if (depth < 3 && isZlib(out)) return unpackedSize(out, budget, depth + 1);
  return out.length;
}

/** Throws PdfRejectedError when the file's deflated streams unpack past the limits; returns the unpacked total. */
export function checkPdfStreams(bytes: Buffer, limits: PdfLimits = DEFAULT_PDF_LIMITS): number {
  let total = 0;
  let streams = 0;
  let at = 0;
  for (;;) {
    const s = bytes.indexOf(STREAM, at);
    if (s < 0) break;
    at = s + STREAM.length;
    // `endstream` contains `stream`: only a keyword followed by an end of line opens data.
    if (s >= 3 && bytes.subarray(s - 3, s).toString('latin1') === 'end') continue;
    let start = at;
    if (bytes[start] === 0x0d) start++;
    if (bytes[start] !== 0x0a && bytes[at] !== 0x0d) continue;
    if (bytes[start] === 0x0a) start++;
    if (++streams > limits.streams) throw new PdfRejectedError(`more than ${limits.streams} streams`);
    const end = bytes.indexOf(END, start);
    const data = bytes.subarray(start, end < 0 ? bytes.length : end);
    at = end < 0 ? bytes.length : end + END.length;
    if (!isZlib(data)) continue;
    total += unpackedSize(data, Math.min(limits.streamBytes, limits.totalBytes - total));
    if (total > limits.totalBytes) throw new PdfRejectedError(`streams unpack to more than ${limits.totalBytes} bytes`);
  }
  return total;
}
