import { readFileSync } from 'node:fs';
const dist = process.argv[2] === 'dist';
const { ParsePool } = await import(dist ? './dist/extract/worker-pool.js' : './src/extract/worker-pool.ts');
const { loadContest } = await import(dist ? './dist/config.js' : './src/config.ts');
const contest = loadContest('config');
const labels = { labels: contest.labels, summaryLabels: contest.summaryLabels };
const zipLimits = (await import(dist ? './dist/extract/zip-guard.js' : './src/extract/zip-guard.ts')).DEFAULT_ZIP_LIMITS;
const pool = new ParsePool({ size: 1, heapMb: 64 });
const tasks = [['pdf', '/tmp/pdfx/h-form.pdf'], ['pdf', '/tmp/pdfx/h-xref.pdf'], ['pdf', '/tmp/pdfx/h-strokes.pdf'], ['pdf', '/tmp/pdfx/h-pages.pdf'], ['pdf', '/tmp/pdfx/h-deep.pdf'], ['pdf', '/tmp/pdfx/h-bomb.pdf'], ['pdf', '/tmp/pdfx/h-form.pdf']];
for (const [kind, f] of tasks) { const t0 = performance.now();
  const r = await pool.run({ kind, bytes: readFileSync(f), zipLimits, labels, source: { filename: f, partId: '2', format: kind } }, 60000);
  console.log(kind, f, Math.round(performance.now()-t0), r.ok, r.ok ? JSON.stringify(r.forms).slice(0,300) + (r.textless ? ' textless' : '') : r.detail);
}
await pool.close();
