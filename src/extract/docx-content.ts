import mammoth from 'mammoth';
import type { DocContent } from './doc-content.ts';
import { htmlBlocks } from './html-blocks.ts';

// Pictures are never needed to read a form; skipping them spares inflating and base64-encoding every photo.
const noImages = mammoth.images.imgElement(async () => ({ src: '' }));

/** A .docx's paragraphs and tables in reading order. Runs inside a parse worker. */
export async function docxContent(bytes: Buffer): Promise<DocContent> {
  const result = await mammoth.convertToHtml({ buffer: bytes }, { convertImage: noImages, externalFileAccess: false });
  return { blocks: htmlBlocks(result.value) };
}
