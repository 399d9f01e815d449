import { readFileSync } from 'node:fs';
const dist = process.argv[2] === 'dist';
const { ParsePool } = await import(dist ? './dist/extract/worker-pool.js' : './src/extract/worker-pool.ts');
const { loadContest } = await import(dist ? './dist/config.js' : './src/config.ts');
const contest = loadContest('config');
const labels = { labels: contest.labels, summaryLabels: contest.summaryLabels };
const zipLimits = (await import(dist ? './dist/extract/zip-guard.js' : './src/extract/zip-guard.ts')).DEFAULT_ZIP_LIMITS;
const pool = new ParsePool({ size: 1, heapMb: 64 });
const tasks = [['docx', 'reg-word-4col.docx'], ['xlsx', 'sum-merged-header.xlsx'], ['pdf', 'scan.pdf'], ['pdf', 'sum-long.pdf'], ['docx', 'reg-word-4col.docx'], ['pdf', 'reg-word-4col.pdf']];
for (const [kind, f] of tasks) {
  const r = await pool.run({ kind, bytes: readFileSync('fixtures/documents/' + f), zipLimits, labels, source: { filename: f, partId: '2', format: kind } }, 60000);
  console.log(kind, f, r.ok, r.ok ? (r.forms?.length ?? '') + (r.textless ? ' textless' : '') : r.detail);
}
await pool.close();
