/**
 * Contender 3, a naive peer: what a first version of such a tool does, straight from the libraries' READMEs.
 * For each message: FETCH its whole source, parse it with mailparser's simpleParser (which buffers every
 * attachment, videos included), read the .docx/.xlsx forms with mammoth/exceljs on the main thread.
 */
import ExcelJS from 'exceljs';
import { simpleParser } from 'mailparser';
import mammoth from 'mammoth';
import { imapEnv, openReadOnly, report } from '../lib/contender-io.ts';

const env = imapEnv();
const started = performance.now();
const { client, release } = await openReadOnly(env, 'bench-naive-peer');
let messages = 0;
let forms = 0;
let sourceBytes = 0;
try {
  const uids = (await client.search({ all: true }, { uid: true })) || [];
  for (const uid of uids) {
    const m = await client.fetchOne(String(uid), { uid: true, source: true }, { uid: true });
    if (!m || !m.source) continue;
    messages++;
    sourceBytes += m.source.length;
    const mail = await simpleParser(m.source);
    for (const a of mail.attachments) {
      const name = (a.filename ?? '').toLowerCase();
      if (name.endsWith('.docx')) {
        await mammoth.convertToHtml({ buffer: a.content });
        forms++;
      } else if (name.endsWith('.xlsx')) {
        const wb = new ExcelJS.Workbook();
        await wb.xlsx.load(a.content as unknown as ArrayBuffer);
        forms++;
      }
    }
  }
} finally {
  await release();
}
report({ messages, forms, sourceBytes, workMs: performance.now() - started });
