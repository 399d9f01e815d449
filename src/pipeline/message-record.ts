import type { Classification } from '../classify/classify-message.ts';
import type { MessageStatus } from '../domain/message-kind.ts';
import type { Problem } from '../domain/problem.ts';
import type { IncomingMessage } from '../mailbox/incoming-message.ts';
import type { Archive } from '../store/archive.ts';
import type { MessageRecord, StoredAttachment } from '../store/messages-repo.ts';

/** Where a message's downloaded parts went in the content-addressed archive. */
export interface ArchiveKeys {
  headers: string;
  text: string | null;
  html: string | null;
  /** By part id. */
  attachments: Map<string, string>;
}

/** Everything downloaded goes to the archive before the record that names it is committed. */
export async function archiveParts(msg: IncomingMessage, archive: Archive): Promise<ArchiveKeys> {
  const withContent = msg.attachments.filter((a) => a.content);
  const bodies = [msg.text, msg.html].filter((b): b is string => !!b);
  const [headers, ...rest] = await archive.putMany([msg.rawHeaders, ...bodies, ...withContent.map((a) => a.content!)]);
  const next = (present: unknown) => (present ? rest.shift()! : null);
  return {
    headers: headers!,
    text: next(msg.text),
    html: next(msg.html),
    attachments: new Map(withContent.map((a) => [a.partId, rest.shift()!])),
  };
}

/** Only the header block: what a message recorded without processing keeps (written synchronously, in one step). */
export function archiveHeaders(msg: Pick<IncomingMessage, 'rawHeaders'>, archive: Archive): ArchiveKeys {
  return { headers: archive.put(msg.rawHeaders), text: null, html: null, attachments: new Map() };
}

function storedAttachments(msg: Pick<IncomingMessage, 'attachments'>, keys: Map<string, string>): StoredAttachment[] {
  return msg.attachments.map((a) => ({
    part: a.partId,
    filename: a.filename,
    contentType: a.contentType,
    size: a.size,
    inline: a.inline,
    downloaded: a.content !== null,
    skipped: a.skipped ?? null,
    sha256: keys.get(a.partId) ?? null,
    forwardedFrom: a.forwardedFrom ? a.forwardedFrom.address : null,
  }));
}

/** The messages row of a message: who sent what, when, where it is archived, and the verdict. */
export function messageRecord(msg: Pick<IncomingMessage, 'origin' | 'receivedAt' | 'size' | 'headers' | 'contentHash' | 'attachments'>, keys: ArchiveKeys,
  c: Classification, verdict: { status: MessageStatus; problems: Problem[]; error?: string | null }): MessageRecord {
  return {
    contentHash: msg.contentHash,
    messageId: msg.headers.messageId,
    mailbox: msg.origin.uid !== null ? msg.origin.mailbox : null,
    uidValidity: msg.origin.uidValidity,
    uid: msg.origin.uid,
    sourceFile: msg.origin.file ?? null,
    fromAddress: msg.headers.from?.address ?? null,
    fromName: msg.headers.from?.name ?? null,
    replyTo: msg.headers.replyTo?.address ?? null,
    subject: msg.headers.subject,
    receivedAt: msg.receivedAt,
    size: msg.size,
    kind: c.kind,
    kindReason: c.reason,
    status: verdict.status,
    problems: verdict.problems,
    error: verdict.error ?? null,
    headersKey: keys.headers,
    textKey: keys.text,
    htmlKey: keys.html,
    attachments: storedAttachments(msg, keys.attachments),
  };
}
