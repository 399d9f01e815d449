import { parentPort } from 'node:worker_threads';
import type { ParseReply, ParseTask } from './parse-task.ts';
import { verifyZipSizes, ZipRejectedError } from './zip-guard.ts';

/**
 * Runs inside a worker thread with a heap cap and a wall-clock limit set by the pool: whatever a hostile file
 * makes mammoth, exceljs or mailparser do, the cost is this thread, never the service.
 */
async function run(task: ParseTask): Promise<ParseReply> {
  const bytes = Buffer.from(task.bytes.buffer, task.bytes.byteOffset, task.bytes.byteLength);
  // Each parser is loaded on first use: a worker that only ever reads .docx never pays for exceljs.
  switch (task.kind) {
    case 'docx': {
      await verifyZipSizes(bytes, task.zipLimits);
      const { docxContent } = await import('./docx-content.ts');
      return { id: task.id, ok: true, content: await docxContent(bytes) };
    }
    case 'xlsx': {
      await verifyZipSizes(bytes, task.zipLimits);
      const { xlsxContent } = await import('./xlsx-content.ts');
      return { id: task.id, ok: true, content: await xlsxContent(bytes) };
    }
    case 'csv': {
      const { csvContent } = await import('./csv-content.ts');
      return { id: task.id, ok: true, content: csvContent(bytes) };
    }
    case 'eml': {
      const { parseForwardedMail } = await import('./forwarded-mail.ts');
      return { id: task.id, ok: true, mail: await parseForwardedMail(bytes) };
    }
  }
}

parentPort?.on('message', (task: ParseTask) => {
  run(task).then(
    (reply) => parentPort!.postMessage(reply),
    (err: unknown) => {
      const detail = err instanceof Error ? err.message.slice(0, 300) : String(err).slice(0, 300);
      const reason = err instanceof ZipRejectedError ? 'too_large' : err instanceof RangeError ? 'too_large' : 'unreadable';
      const errorName = err instanceof Error ? err.name : undefined;
      parentPort!.postMessage({ id: task.id, ok: false, reason, detail, errorName } satisfies ParseReply);
    },
  );
});
parentPort?.postMessage({ ready: true });
