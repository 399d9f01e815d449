#!/usr/bin/env -S MALLOC_ARENA_MAX=2 node --max-semi-space-size=2 --heap-growing-percent=10 --disable-wasm-trap-handler --wasm-max-mem-pages=1024
// The service's command, and the one place that says how its process runs (npm start, npx, the Docker image, the
// tests and the benchmark all execute this file, so the flags above always come with it):
// - --max-semi-space-size=2 --heap-growing-percent=10: hostile mail (tens of thousands of headers or MIME parts)
//   leaves 100+ MB of garbage in the main thread, and V8 lets a heap grow far before collecting it. Measured on the
//   hostile corpus: peak RSS ~400 MB without, under 300 MB with; no measurable cost on ordinary mail.
// - --disable-wasm-trap-handler --wasm-max-mem-pages=1024, MALLOC_ARENA_MAX=2: otherwise every WebAssembly memory
//   (Node's CommonJS export lexer, tsx's) reserves 8 GB of address space and glibc 64 MB per malloc arena, and the
//   worker cannot start, or replace a crashed parse worker, under an address-space cap (ulimit -v, a container's).
// `node bin/contest-intake.js` skips the line above; that is fine for a one-off command, not for the worker.
//
// It runs the compiled dist/ (npm run build) when that is current, else the TypeScript sources through tsx, so an
// edit in src/ is never shadowed by an old build.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const here = (p) => fileURLToPath(new URL(p, import.meta.url));

function newestMtime(dir) {
  let newest = 0;
  if (!existsSync(dir)) return newest;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = `${dir}/${e.name}`;
    newest = Math.max(newest, e.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

const built = here('../dist/cli.js');
process.env.CONTEST_INTAKE_BIN = '1';
if (existsSync(built) && statSync(built).mtimeMs >= newestMtime(here('../src'))) {
  await import('../dist/cli.js');
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli.ts');
}
