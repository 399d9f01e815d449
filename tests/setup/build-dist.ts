import { execFileSync } from 'node:child_process';
import { cpSync, rmSync } from 'node:fs';

/**
 * Compiles src/ to dist/ once before the run (what `npm start` and the Docker image do), so the tests that start
 * the command run the same JavaScript a deployment runs. bin/contest-intake.js would fall back to tsx without it,
 * which hides a build that does not work.
 */
export default function setup(): void {
  rmSync('dist', { recursive: true, force: true });
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
  // What `npm run build` copies besides: the console's stylesheet and script.
  cpSync('src/console/assets', 'dist/console/assets', { recursive: true });
}
