import type { Writable } from 'node:stream';
import { once } from 'node:events';
import type { Db } from '../store/db.ts';
import { iterateMessages, type MessageRow } from '../store/messages-repo.ts';

export interface ExportedMessage {
  id: number;
  uid: number | null;
  uidValidity: number | null;
  messageId: string | null;
  from: string | null;
  fromName: string | null;
  subject: string;
  receivedAt: string;
  kind: string;
  status: string;
  problems: { code: string; field?: string; message: string }[];
  error: string | null;
  attachments: { filename: string | null; contentType: string; size: number; downloaded: boolean; skipped: string | null }[];
}

export function exportedMessage(m: MessageRow): ExportedMessage {
  return {
    id: m.id,
    uid: m.uid,
    uidValidity: m.uidValidity,
    messageId: m.messageId,
    from: m.from,
    fromName: m.fromName,
    subject: m.subject,
    receivedAt: m.receivedAt,
    kind: m.kind,
    status: m.status,
    problems: m.problems.map((p) => ({ code: p.code, ...(p.field ? { field: p.field } : {}), message: p.message })),
    error: m.error,
    attachments: m.attachments.map((a) => ({ filename: a.filename, contentType: a.contentType, size: a.size, downloaded: a.downloaded, skipped: a.skipped })),
  };
}

/** Streams `{"messages":[…], …sections}` so a large mailbox never sits in memory as one string. */
export async function writeJsonExport(db: Db, out: Writable, sections: Record<string, () => unknown> = {}): Promise<void> {
  const write = async (s: string): Promise<void> => {
    if (!out.write(s)) await once(out, 'drain');
  };
  await write('{\n  "messages": [');
  let first = true;
  for (const m of iterateMessages(db)) {
    await write(`${first ? '' : ','}\n    ${JSON.stringify(exportedMessage(m))}`);
    first = false;
  }
  await write(first ? ']' : '\n  ]');
  for (const [name, produce] of Object.entries(sections)) {
    await write(`,\n  ${JSON.stringify(name)}: ${JSON.stringify(produce(), null, 2).replace(/\n/g, '\n  ')}`);
  }
  await write('\n}\n');
}
