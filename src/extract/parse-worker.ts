import { parentPort } from 'node:worker_threads';
import type { FormSource } from '../domain/form-source.ts';
import type { DocContent } from './doc-content.ts';
import type { ExtractedForm } from './form-types.ts';
import { formsFromContent } from './forms-from-content.ts';
import { formLabels, type FormLabels, type LabelConfig } from './label-match.ts';
import type { ParseReply, ParseTask } from './parse-task.ts';
import { docxInspector, xlsxInspector } from './structure-guard.ts';
import { verifyZipSizes, ZipRejectedError } from './zip-guard.ts';

/**
 * Runs inside a worker thread with a heap cap and a wall-clock limit set by the pool: whatever a hostile file
 * makes mammoth, exceljs or mailparser do, and however large a grid it unfolds into, the cost is this thread,
 * never the service.
 */

const labelCache = new Map<string, FormLabels>();

function labelsOf(config: LabelConfig): FormLabels {
  const key = JSON.stringify(config);
  let labels = labelCache.get(key);
  if (!labels) {
    if (labelCache.size > 8) labelCache.clear();
    labelCache.set(key, (labels = formLabels(config)));
  }
  return labels;
}

const asBuffer = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

async function contentOf(kind: 'docx' | 'xlsx' | 'csv', bytes: Buffer): Promise<DocContent> {
  // Each parser is loaded on first use: a worker that only ever reads .docx never pays for exceljs.
  switch (kind) {
    case 'docx':
      return (await import('./docx-content.ts')).docxContent(bytes);
    case 'xlsx':
      return (await import('./xlsx-content.ts')).xlsxContent(bytes);
    case 'csv':
      return (await import('./csv-content.ts')).csvContent(bytes);
  }
}

const withSource = (forms: ExtractedForm[], source: FormSource) => forms.map((f) => ({ ...f, source: { ...source } }));

async function run(task: ParseTask): Promise<ParseReply> {
  switch (task.kind) {
    case 'docx': case 'xlsx': case 'csv': {
      const bytes = asBuffer(task.bytes);
      if (task.kind !== 'csv') await verifyZipSizes(bytes, task.zipLimits, task.kind === 'docx' ? docxInspector() : xlsxInspector());
      const content = await contentOf(task.kind, bytes);
      return { id: task.id, ok: true, forms: formsFromContent(content, labelsOf(task.labels), task.source) };
    }
    case 'text-file': {
      const { decodeText } = await import('../domain/text-decoding.ts');
      const { formsFromBody } = await import('./body-form.ts');
      const text = decodeText(asBuffer(task.bytes));
      const html = task.source.format === 'body-html' ? text : null;
      return { id: task.id, ok: true, forms: withSource(formsFromBody(html ? null : text, html, labelsOf(task.labels)), task.source) };
    }
    case 'body': {
      const { formsFromBody } = await import('./body-form.ts');
      return { id: task.id, ok: true, forms: formsFromBody(task.text, task.html, labelsOf(task.labels)) };
    }
    case 'unzip': {
      const bytes = asBuffer(task.bytes);
      await verifyZipSizes(bytes, task.zipLimits);
      const { unpackArchive } = await import('./zip-archive.ts');
      return { id: task.id, ok: true, files: await unpackArchive(bytes, task.zipLimits) };
    }
    case 'pdf': {
      const { pdfContent } = await import('./pdf-content.ts');
      const content = await pdfContent(asBuffer(task.bytes));
      if (!content.hasText) return { id: task.id, ok: true, forms: [], textless: true };
      return { id: task.id, ok: true, forms: formsFromContent(content, labelsOf(task.labels), task.source) };
    }
    case 'eml': {
      const { parseForwardedMail } = await import('./forwarded-mail.ts');
      return { id: task.id, ok: true, mail: await parseForwardedMail(asBuffer(task.bytes)) };
    }
  }
}

parentPort?.on('message', (task: ParseTask) => {
  run(task).then(
    (reply) => parentPort!.postMessage(reply),
    (err: unknown) => {
      const detail = err instanceof Error ? err.message.slice(0, 300) : String(err).slice(0, 300);
      const reason = err instanceof ZipRejectedError || err instanceof RangeError ? 'too_large' : 'unreadable';
      const errorName = err instanceof Error ? err.name : undefined;
      parentPort!.postMessage({ id: task.id, ok: false, reason, detail, errorName } satisfies ParseReply);
    },
  );
});
parentPort?.postMessage({ ready: true });
