import { execFile, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from './setup/net-util.ts';

const run = promisify(execFile);

/**
 * No Docker engine runs here, so the image's layout is rebuilt from the Dockerfile's own COPY lines, and its
 * ENTRYPOINT, CMD and HEALTHCHECK are run as the image would run them: a file the image forgets fails this test.
 */
const dockerfile = readFileSync('Dockerfile', 'utf8');
const root = mkdtempSync(path.join(tmpdir(), 'ci-image-'));
const app = path.join(root, 'app');
const build = path.join(root, 'build');
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

/** Does a stage's COPY lines: plain ones from this checkout, --from ones from `stageRoot`; returns the latter. */
function copyLines(stage: string, stageRoot: string, into: string): string[] {
  const fromStage: string[] = [];
  for (const m of stage.matchAll(/^COPY\s+(--from=\S+\s+)?(.+)$/gm)) {
    const words = m[2]!.trim().split(/\s+/);
    const dest = words.pop()!;
    for (const src of words) {
      const from = m[1] ? path.join(stageRoot, path.relative('/app', src)) : src;
      if (m[1]) fromStage.push(path.relative('/app', src));
      const target = dest.endsWith('/') ? path.join(into, dest, path.basename(src)) : path.join(into, dest);
      mkdirSync(path.dirname(target), { recursive: true });
      if (path.basename(from) === 'node_modules') symlinkSync(path.resolve('node_modules'), target);
      else cpSync(from, target, { recursive: true, dereference: false });
    }
  }
  return fromStage;
}

describe('the Docker image, without a Docker engine', () => {
  it('runs the demo through its ENTRYPOINT and CMD, and its HEALTHCHECK reads the result', async () => {
    // The build stage: its COPY lines into a folder of their own (with this checkout's node_modules for its `npm ci`),
    // then its build command, so a file the build forgets fails here.
    const buildStage = dockerfile.slice(dockerfile.indexOf('AS build'), dockerfile.lastIndexOf('\nFROM '));
    copyLines(buildStage, '.', build);
    symlinkSync(path.resolve('node_modules'), path.join(build, 'node_modules'));
    const buildCmd = /^RUN (npm run build)\b/m.exec(buildStage);
    expect(buildCmd, 'the build stage compiles with npm run build').not.toBeNull();
    await run('npm', ['run', 'build', '--silent'], { cwd: build, timeout: 120_000 });

    // The final stage's COPY lines; what it takes from the build stage comes from that folder.
    const final = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
    const fromBuild = copyLines(final, build, app);
    expect(fromBuild.sort()).toEqual(['dist', 'node_modules']);
    // No TypeScript sources in the image: it must run the compiled dist/.
    expect(existsSync(path.join(app, 'src'))).toBe(false);
    const inApp = (p: string) => p.replace(/^\/app\//, `${app}/`);
    const [bin, ...entry] = jsonArray('ENTRYPOINT').map(inApp);
    const cmd = jsonArray('CMD');
    const e: Record<string, string> = { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn', ...env() };
    expect(e.DATA_DIR).toBe(data);
    // The image serves the console on the port it EXPOSEs; here on a free loopback port instead (as `docker run -e`
    // would override it), and the demo keeps serving until it is stopped.
    const exposed = /^EXPOSE\s+(\d+)\s*$/m.exec(dockerfile);
    expect(exposed, 'the image EXPOSEs the console').not.toBeNull();
    expect(e.WEB_PORT).toBe(exposed![1]);
    expect(e.WEB_HOST).toBe('0.0.0.0');
    const port = await freePort();
    const child = spawn(bin!, [...entry, ...cmd], { cwd: app, env: { ...e, WEB_PORT: String(port), WEB_HOST: '127.0.0.1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout!.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr!.on('data', (d: Buffer) => { stdout += d.toString(); });
    const deadline = Date.now() + 120_000;
    while (!/演示账号：demo \/ \S+/.test(stdout) && Date.now() < deadline && child.exitCode === null) await new Promise((r) => setTimeout(r, 200));
    expect(stdout).toMatch(/演示：新收 22 封/);
    expect(stdout).toMatch(/演示账号：demo \/ \S+/);
    const login = await fetch(`http://127.0.0.1:${port}/login`);
    expect(login.status).toBe(200);
    expect(await login.text()).toContain('登录');
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));

    const health = /HEALTHCHECK[\s\S]*?CMD\s+(\[.*\])/.exec(dockerfile)![1]!;
    const [hbin, ...hargs] = (JSON.parse(health) as string[]).map(inApp);
    const r = await run(hbin!, hargs, { cwd: app, env: e, timeout: 60_000 });
    expect(r.stdout).toMatch(/运行状态：正常/);
  }, 300_000);
});
