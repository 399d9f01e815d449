import type { Archive } from '../store/archive.ts';
import type { MessageRow } from '../store/messages-repo.ts';
import type { IncomingMessage } from './incoming-message.ts';
import { parseHeaders } from './parse-headers.ts';

/** A stored message rebuilt from the archive, so `reprocess` needs neither the mailbox nor the network. */
export async function messageFromArchive(row: MessageRow, archive: Archive): Promise<IncomingMessage> {
  const rawHeaders = archive.get(row.headersKey);
  return {
    origin: { mailbox: row.mailbox ?? 'file', uidValidity: row.uidValidity, uid: row.uid, ...(row.sourceFile ? { file: row.sourceFile } : {}) },
    receivedAt: new Date(row.receivedAt),
    size: row.size,
    rawHeaders,
    headers: await parseHeaders(rawHeaders),
    text: row.textKey ? archive.get(row.textKey).toString('utf8') : null,
    html: row.htmlKey ? archive.get(row.htmlKey).toString('utf8') : null,
    attachments: row.attachments.map((a) => ({
      partId: a.part,
      filename: a.filename,
      contentType: a.contentType,
      size: a.size,
      inline: a.inline,
      content: a.sha256 ? archive.get(a.sha256) : null,
      ...(a.skipped ? { skipped: a.skipped as NonNullable<IncomingMessage['attachments'][number]['skipped']> } : {}),
      ...(a.forwardedFrom ? { forwardedFrom: { address: a.forwardedFrom, name: '' } } : {}),
    })),
    contentHash: row.contentHash,
  };
}
