import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
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
    // The final stage's COPY lines (the builder stage only has package files).
    const final = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
    for (const m of final.matchAll(/^COPY\s+(?!--from)(.+)$/gm)) {
      const words = m[1]!.trim().split(/\s+/);
      const dest = words.pop()!;
      for (const src of words) {
        const target = dest.endsWith('/') ? path.join(app, dest, path.basename(src)) : path.join(app, dest);
        cpSync(src, target, { recursive: true });
      }
    }
    symlinkSync(path.resolve('node_modules'), path.join(app, 'node_modules'));
    const [bin, ...entry] = jsonArray('ENTRYPOINT');
    const cmd = jsonArray('CMD');
    const e: Record<string, string> = { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn', ...env() };
    expect(e.DATA_DIR).toBe(data);
    const started = await run(bin === 'node' ? process.execPath : bin!, [...entry, ...cmd], { cwd: app, env: e, timeout: 120_000 });
    expect(started.stdout).toMatch(/demo: 22 new/);

    const health = /HEALTHCHECK[\s\S]*?CMD\s+(\[.*\])/.exec(dockerfile)![1]!;
    const [hbin, ...hargs] = JSON.parse(health) as string[];
    const r = await run(hbin === 'node' ? process.execPath : hbin!, hargs, { cwd: app, env: e, timeout: 60_000 });
    expect(r.stdout).toMatch(/status: ok/);
  });
});
