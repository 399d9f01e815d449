import { StringDecoder } from 'node:string_decoder';
import { SaxesParser } from 'saxes';
import { streamZipEntry } from './zip-guard.ts';

/**
 * One part of an OOXML zip read as a stream of XML events, never as a tree: memory stays with what the reader keeps,
 * however large the part. The only importer of saxes. Entities beyond XML's five are not expanded (an undeclared
 * one is an error), so nothing a DOCTYPE declares can grow the text. Runs inside the parse worker.
 */

export interface XmlHandlers {
  open?(name: string, attrs: Record<string, string>): void;
  text?(text: string): void;
  close?(name: string): void;
}

/** Streams the entry through the handlers; false when the zip has no such entry. */
export async function readXmlEntry(bytes: Buffer, entry: string, handlers: XmlHandlers): Promise<boolean> {
  const parser = new SaxesParser({ position: false });
  let failure: Error | null = null;
  parser.on('error', (err) => { failure ??= err; });
  if (handlers.open) parser.on('opentag', (tag) => handlers.open!(tag.name, tag.attributes as Record<string, string>));
  if (handlers.text) {
    parser.on('text', (t) => handlers.text!(t));
    parser.on('cdata', (t) => handlers.text!(t));
  }
  if (handlers.close) parser.on('closetag', (tag) => handlers.close!(tag.name));
  const decoder = new StringDecoder('utf8');
  const found = await streamZipEntry(bytes, entry, (chunk) => {
    if (failure) throw failure;
    parser.write(decoder.write(chunk));
    if (failure) throw failure;
  });
  if (!found) return false;
  parser.write(decoder.end());
  parser.close();
  if (failure) throw failure;
  return true;
}

/** A relationships part (`…/_rels/….rels`) as id → target (and whether the target is external). */
export async function readRelationships(bytes: Buffer, entry: string): Promise<Map<string, { target: string; external: boolean }>> {
  const rels = new Map<string, { target: string; external: boolean }>();
  await readXmlEntry(bytes, entry, {
    open(name, a) {
      if (localName(name) === 'Relationship' && a.Id && a.Target !== undefined) rels.set(a.Id, { target: a.Target, external: a.TargetMode === 'External' });
    },
  });
  return rels;
}

/** `w:p` → `p`, `x:row` → `row`: producers differ in prefixes (the .NET SDK writes x:), the names do not. */
export function localName(name: string): string {
  const colon = name.indexOf(':');
  return colon < 0 ? name : name.slice(colon + 1);
}
