import mammoth from 'mammoth';
import type { DocContent } from './doc-content.ts';
import { docxStreamHtml } from './docx-stream.ts';
import { htmlBlocks } from './html-blocks.ts';
import { zipEntrySizes } from './zip-guard.ts';

// Pictures are never needed to read a form; skipping them spares inflating and base64-encoding every photo.
const noImages = mammoth.images.imgElement(async () => ({ src: '' }));

/**
 * Above this much document XML, mammoth's two trees of the whole document no longer fit a parse worker's heap
 * (a 1.8 MB document.xml needs 64–96 MB): the document is read as a stream instead, into the same HTML.
 */
export const DOCX_STREAM_ABOVE_BYTES = 512 * 1024;

/** A .docx's paragraphs and tables in reading order. Runs inside a parse worker. */
export async function docxContent(bytes: Buffer): Promise<DocContent> {
  const size = (await zipEntrySizes(bytes)).get('word/document.xml') ?? 0;
  return size > DOCX_STREAM_ABOVE_BYTES ? docxStreamContent(bytes) : docxMammothContent(bytes);
}

/** The two readers, each for every size: tests hold them to the same output. */
export async function docxMammothContent(bytes: Buffer): Promise<DocContent> {
  const result = await mammoth.convertToHtml({ buffer: bytes }, { convertImage: noImages, externalFileAccess: false });
  return { blocks: htmlBlocks(result.value) };
}

export async function docxStreamContent(bytes: Buffer): Promise<DocContent> {
  return { blocks: htmlBlocks(await docxStreamHtml(bytes)) };
}
