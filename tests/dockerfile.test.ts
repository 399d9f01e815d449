import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);

/**
 * No Docker engine runs here, so the image's layout is rebuilt from the Dockerfile's own COPY lines, and its
 * ENTRYPOINT, CMD and HEALTHCHECK are run as the image would run them: a file the image forgets fails this test.
 */
const dockerfile = readFileSync('Dockerfile', 'utf8');
const root = mkdtempSync(path.join(tmpdir(), 'ci-image-'));
const app = path.join(root, 'app');
const data = path.join(root, 'data');

function jsonArray(instruction: string): string[] {
  const m = new RegExp(`^${instruction}\\s+(\\[.*\\])\\s*$`, 'm').exec(dockerfile);
  if (!m) throw new Error(`no ${instruction} in the Dockerfile`);
  return JSON.parse(m[1]!) as string[];
}

function env(): Record<string, string> {
  const m = /^ENV\s+(.+)$/m.exec(dockerfile);
  const out: Record<string, string> = {};
  for (const pair of m![1]!.split(/\s+/)) {
    const [k, v] = pair.split('=');
    out[k!] = v!.replace('/data', data).replace(/^\/app/, app);
  }
  return out;
}

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('the Docker image, without a Docker engine', () => {
  it('runs the demo through its ENTRYPOINT and CMD, and its HEALTHCHECK reads the result', async () => {
    // The final stage's COPY lines; what it takes from the build stage is this checkout's node_modules and the dist/
    // that the test setup compiled (tests/setup/build-dist.ts), as the build stage would have made them.
    const final = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
    const fromBuild: string[] = [];
    for (const m of final.matchAll(/^COPY\s+(--from=\S+\s+)?(.+)$/gm)) {
      const words = m[2]!.trim().split(/\s+/);
      const dest = words.pop()!;
      for (const src of words) {
        const from = m[1] ? path.relative('/app', src) : src;
        if (m[1]) fromBuild.push(from);
        const target = dest.endsWith('/') ? path.join(app, dest, path.basename(src)) : path.join(app, dest);
        mkdirSync(path.dirname(target), { recursive: true });
        if (from === 'node_modules') symlinkSync(path.resolve(from), target);
        else cpSync(from, target, { recursive: true });
      }
    }
    expect(fromBuild.sort()).toEqual(['dist', 'node_modules']);
    // No TypeScript sources in the image: it must run the compiled dist/.
    expect(existsSync(path.join(app, 'src'))).toBe(false);
    const inApp = (p: string) => p.replace(/^\/app\//, `${app}/`);
    const [bin, ...entry] = jsonArray('ENTRYPOINT').map(inApp);
    const cmd = jsonArray('CMD');
    const e: Record<string, string> = { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn', ...env() };
    expect(e.DATA_DIR).toBe(data);
    const started = await run(bin!, [...entry, ...cmd], { cwd: app, env: e, timeout: 120_000 });
    expect(started.stdout).toMatch(/demo: 22 new/);

    const health = /HEALTHCHECK[\s\S]*?CMD\s+(\[.*\])/.exec(dockerfile)![1]!;
    const [hbin, ...hargs] = (JSON.parse(health) as string[]).map(inApp);
    const r = await run(hbin!, hargs, { cwd: app, env: e, timeout: 60_000 });
    expect(r.stdout).toMatch(/status: ok/);
  });
});
