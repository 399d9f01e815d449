import { readFileSync } from 'node:fs';
import { pdfContent } from './src/extract/pdf-content.ts';
for (const f of process.argv.slice(2)) {
  const t = performance.now();
  const c = await pdfContent(readFileSync(f));
  console.log('==', f, c.pages, c.hasText, Math.round(performance.now() - t), 'ms');
  for (const b of c.blocks) {
    if (b.kind === 'text') console.log('T:', JSON.stringify(b.text));
    else for (const r of b.table.rows) console.log(r.number, r.cells.map((x) => `${x.id}:${JSON.stringify(x.text)}`).join(' | '));
  }
}
