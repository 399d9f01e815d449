import iconv from 'iconv-lite';
import libmime from 'libmime';
import libqp from 'libqp';
import type { PartPlan, StructureNode } from './message-parts.ts';

/**
 * Pure: which FETCH sections hold the planned parts of a message, and how to turn what comes back into the bytes
 * the rest of the service reads. Nothing here talks to a server; the IMAP adapter asks for the sections and hands
 * the answers in.
 */

/** A planned part as one FETCH section: its name there and how to decode what comes back. */
export interface SectionInfo {
  /** "2", "1.2"; "TEXT" for the body of a single-part message. */
  key: string;
  type: string;
  encoding: string;
  charset: string | null;
  disposition: string | null;
  flowed: boolean;
  delSp: boolean;
}

/** The planned parts to download, as FETCH sections; null when one cannot be asked for by number. */
export function sectionsOf(root: StructureNode, plan: readonly PartPlan[]): Map<string, SectionInfo> | null {
  // A single-part message has no part numbers: planParts calls its body "1", and it is the TEXT section.
  const single = !root.childNodes;
  const byPart = new Map<string, StructureNode>();
  const walk = (n: StructureNode): void => {
    if (n.part) byPart.set(n.part, n);
    for (const c of n.childNodes ?? []) walk(c);
  };
  if (single) byPart.set('1', root);
  else walk(root);
  const out = new Map<string, SectionInfo>();
  for (const p of plan) {
    if (!p.download) continue;
    const node = byPart.get(p.part);
    if (!node || (!single && !/^\d+(\.\d+)*$/.test(p.part))) return null;
    const params = node.parameters ?? {};
    out.set(p.part, {
      key: single ? 'TEXT' : p.part,
      type: (node.type || '').toLowerCase(),
      encoding: (node.encoding || '').toLowerCase(),
      charset: params.charset ? params.charset.toLowerCase().trim() : null,
      disposition: node.disposition ? node.disposition.toLowerCase() : null,
      flowed: (params.format || '').toLowerCase() === 'flowed',
      delSp: (params.delsp || '').toLowerCase() === 'yes',
    });
  }
  return out;
}

/** The sections of a plan, in plan order, as one FETCH asks for them. */
export function sectionKeys(plan: readonly PartPlan[], sections: ReadonlyMap<string, SectionInfo>): string[] {
  return plan.filter((p) => p.download).map((p) => sections.get(p.part)!.key);
}

/**
 * Transfer decoding that never throws: base64 skips what is not in its alphabet (a truncated or corrupted
 * attachment gives the bytes that were there), quoted-printable keeps a broken escape as it stands (libqp).
 */
export function decodeTransfer(raw: Buffer, encoding: string): Buffer {
  if (encoding === 'base64') return Buffer.from(raw.toString('latin1').replace(/[^A-Za-z0-9+/]/g, ''), 'base64');
  if (encoding === 'quoted-printable') return libqp.decode(raw.toString('latin1'));
  return raw;
}

/**
 * Dovecot answers BINARY of a base64 message/rfc822 part (a mail forwarded as an attachment) with the base64 as it
 * is stored, and imapflow takes it as decoded. A mail always has a colon in its first line; base64 never does.
 */
function stillBase64Mail(raw: Buffer, info: SectionInfo): boolean {
  if (info.type !== 'message/rfc822' || info.encoding !== 'base64') return false;
  const head = raw.subarray(0, 512).toString('latin1');
  return /^[A-Za-z0-9+/=\r\n]+$/.test(head) && !head.includes(':');
}

/**
 * What a part's bytes are once read: transfer encoding removed (unless the server did it, with BINARY), and an
 * inline text body unwrapped (format=flowed) and converted to UTF-8. An unknown charset stays as it came.
 */
export function decodeSection(raw: Buffer, info: SectionInfo, serverDecoded: boolean): Buffer {
  const bytes = serverDecoded && !stillBase64Mail(raw, info) ? raw : decodeTransfer(raw, info.encoding);
  const isTextBody = ['text/html', 'text/plain', 'text/x-amp-html'].includes(info.type) && (!info.disposition || info.disposition === 'inline');
  if (!isTextBody) return bytes;
  let text: string | null = null;
  const charset = info.charset ?? '';
  if (charset && !['ascii', 'usascii', 'utf8'].includes(charset.replace(/[^a-z0-9]+/g, ''))) {
    if (iconv.encodingExists(charset)) text = iconv.decode(bytes, charset);
  }
  if (info.flowed) text = libmime.decodeFlowed(text ?? bytes.toString('utf8'), info.delSp);
  return text === null ? bytes : Buffer.from(text, 'utf8');
}
