import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { constants as fsConstants } from 'node:fs';
import { access, cp, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ownerAlive, ownerTag } from './work-owner.ts';

/**
 * .doc, .wps, .xls, .et, .rtf, .odt, .ods (and OOXML files exceljs chokes on) go through LibreOffice headless.
 * Each conversion gets a fresh temp folder and its own profile (two soffice processes must never share one),
 * runs in its own process group, and is killed with the whole group when it overruns. The profile is copied
 * from one made by the first conversion, because creating a profile from nothing costs seconds.
 */

export interface LibreOfficeOptions {
  /** Executable name or path; default `soffice` from PATH. */
  binary?: string;
  timeoutMs?: number;
  maxOutputBytes?: number;
  /** soffice processes at once; each takes a couple of hundred MB. */
  concurrency?: number;
  tempDir?: string;
}

export type ConvertTarget = 'docx' | 'xlsx';
/** The extension LibreOffice's type detection is given: never the sender's file name. */
export type ConvertSource = 'doc' | 'xls' | 'rtf' | 'odt' | 'ods' | 'docx' | 'xlsx' | 'xml';

export type ConvertResult =
  | { ok: true; bytes: Buffer; ms: number; coldProfile: boolean }
  | { ok: false; reason: 'missing' | 'timeout' | 'failed' | 'too_large'; detail: string; ms: number };

const DEFAULTS = { timeoutMs: 60_000, maxOutputBytes: 20 * 1024 * 1024, concurrency: 2 };

const found = new Map<string, Promise<string | null>>();

async function isExecutable(file: string): Promise<boolean> {
  return access(file, fsConstants.X_OK).then(() => true, () => false);
}

export function findSoffice(binary = 'soffice'): Promise<string | null> {
  let hit = found.get(binary);
  if (!hit) {
    hit = (async () => {
      if (binary.includes('/')) return (await isExecutable(binary)) ? binary : null;
      for (const dir of (process.env.PATH ?? '').split(path.delimiter).filter(Boolean)) {
        const file = path.join(dir, binary);
        if (await isExecutable(file)) return file;
      }
      return null;
    })();
    found.set(binary, hit);
  }
  return hit;
}

let running = 0;
const waiting: Array<() => void> = [];

async function slot<T>(limit: number, fn: () => Promise<T>): Promise<T> {
  if (running >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
  running++;
  try {
    return await fn();
  } finally {
    running--;
    waiting.shift()?.();
  }
}

const templates = new Map<string, string>();
const copying = new Set<string>();
process.once('exit', () => {
  for (const dir of templates.values()) rmSync(dir, { recursive: true, force: true });
});

function killGroup(pid: number | undefined): void {
  if (!pid) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // The group is already gone.
  }
}

/**
 * A sender's document may link pictures, sub-documents or OLE objects on any server or file: opening it must
 * fetch none of them. LibreOffice is told to block every link from a document outside its trusted locations (it
 * has none), to run no macro, and to reach the network only through a proxy that does not exist (port 9 on
 * loopback, closed): two independent locks. Written into each conversion's own profile before it starts.
 */
const LOCKDOWN_MARK = '<!-- contest-intake: no links, no macros, no network -->';
const DEAD_PROXY = { host: '127.0.0.1', port: 9 };

function xcuItem(nodePath: string, name: string, value: string | number | boolean): string {
  return `<item oor:path="${nodePath}"><prop oor:name="${name}" oor:op="fuse"><value>${value}</value></prop></item>`;
}

export function lockdownItems(): string {
  const inet = '/org.openoffice.Inet/Settings';
  const items = [
    xcuItem('/org.openoffice.Office.Common/Security/Scripting', 'BlockUntrustedRefererLinks', true),
    xcuItem('/org.openoffice.Office.Common/Security/Scripting', 'DisableMacrosExecution', true),
    xcuItem('/org.openoffice.Office.Common/Security/Scripting', 'MacroSecurityLevel', 3),
    xcuItem(inet, 'ooInetProxyType', 2),
    xcuItem(inet, 'ooInetNoProxy', ''),
    ...['HTTP', 'HTTPS', 'FTP'].flatMap((p) => [xcuItem(inet, `ooInet${p}ProxyName`, DEAD_PROXY.host), xcuItem(inet, `ooInet${p}ProxyPort`, DEAD_PROXY.port)]),
  ];
  return `${LOCKDOWN_MARK}\n${items.join('\n')}\n`;
}

/** Adds the lockdown to a profile (fresh, or copied from the template, which LibreOffice may have rewritten). */
export async function lockDownProfile(profile: string): Promise<void> {
  const file = path.join(profile, 'user', 'registrymodifications.xcu');
  await mkdir(path.dirname(file), { recursive: true });
  const existing = await readFile(file, 'utf8').catch(() => '');
  const base = existing.includes('</oor:items>') ? existing.split(LOCKDOWN_MARK)[0]!.replace(/<\/oor:items>\s*$/, '')
    : '<?xml version="1.0" encoding="UTF-8"?>\n<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n';
  await writeFile(file, `${base}${lockdownItems()}</oor:items>\n`, { mode: 0o600 });
}

/**
 * soffice runs in a process group of its own (so a timeout kills oosplash and soffice.bin together), which also
 * means it would outlive us: a SIGKILL of the worker leaves its conversions running. So it is started under a
 * small shell that holds a pipe from us and kills the whole group when the pipe ends, which the kernel does when
 * this process dies, however it dies.
 */
const WATCHDOG = 'exec 3<&0 0</dev/null; "$@" 3<&- & child=$!; (read -r _ <&3; kill -KILL 0) & wait "$child"';

function runSoffice(binary: string, args: string[], home: string, timeoutMs: number): Promise<{ code: number | null; timedOut: boolean; stderr: string }> {
  return new Promise((resolve) => {
    const dead = `http://${DEAD_PROXY.host}:${DEAD_PROXY.port}`;
    const child = spawn('/bin/sh', ['-c', WATCHDOG, 'contest-intake-soffice', binary, ...args], {
      detached: true,
      stdio: ['pipe', 'ignore', 'pipe'],
      // The proxy variables catch any component that reads the environment instead of the profile.
      env: { ...process.env, HOME: home, TMPDIR: home, SAL_USE_VCLPLUGIN: 'svp', http_proxy: dead, https_proxy: dead, ftp_proxy: dead,
        HTTP_PROXY: dead, HTTPS_PROXY: dead, no_proxy: '', NO_PROXY: '' },
    });
    let stderr = '';
    let timedOut = false;
    child.stderr?.on('data', (d: Buffer) => { if (stderr.length < 2000) stderr += d.toString('utf8'); });
    child.stdin?.on('error', () => undefined);
    const timer = setTimeout(() => { timedOut = true; killGroup(child.pid); }, timeoutMs);
    child.on('error', (err) => { clearTimeout(timer); resolve({ code: null, timedOut, stderr: err.message }); });
    child.on('exit', (code) => {
      clearTimeout(timer);
      // oosplash may leave soffice.bin behind, and the watchdog waits on its pipe: the group goes with them.
      killGroup(child.pid);
      child.stdin?.destroy();
      resolve({ code, timedOut, stderr });
    });
  });
}

/**
 * The socket soffice listens on for a second instance of the same profile: /tmp/OSL_PIPE_<uid>_SingleOfficeIPC_<MD5 of
 * the profile's URL in UTF-16, each byte in hex without its leading zero> (LibreOffice's officeipcthread.cxx; checked
 * against soffice in tests). soffice removes it when it ends on its own; a conversion killed over its time box left
 * it behind, one file in /tmp for each, for ever.
 */
export function officePipePaths(profileUrl: string, uid: number = process.getuid?.() ?? 0): string[] {
  const hash = [...createHash('md5').update(Buffer.from(profileUrl, 'utf16le')).digest()].map((b) => b.toString(16)).join('');
  return ['/tmp', '/var/tmp'].map((dir) => `${dir}/OSL_PIPE_${uid}_SingleOfficeIPC_${hash}`);
}

/** Work folders carry their owner (work-owner.ts), so that the ones a killed process left behind can be told from a live one's. */
const WORK_PREFIX = 'contest-lo-';

const swept = new Set<string>();

/**
 * Removes the conversion folders and profile copies of processes that are gone (killed before their `finally`
 * ran). Once per temp folder per process; never touches a live process's folders.
 */
export async function sweepOrphanedWork(tempDir: string): Promise<string[]> {
  if (swept.has(tempDir)) return [];
  swept.add(tempDir);
  const removed: string[] = [];
  const names = await readdir(tempDir).catch(() => [] as string[]);
  for (const name of names) {
    const m = /^contest-lo-(?:profile-)?(\d+(?:\.\d+)?)-/.exec(name);
    if (!m || ownerAlive(m[1]!)) continue;
    await rm(path.join(tempDir, name), { recursive: true, force: true }).then(() => removed.push(name), () => undefined);
  }
  return removed;
}

export async function convertWithLibreOffice(bytes: Buffer, from: ConvertSource, to: ConvertTarget, opts: LibreOfficeOptions = {}): Promise<ConvertResult> {
  const started = Date.now();
  const binary = await findSoffice(opts.binary);
  if (!binary) return { ok: false, reason: 'missing', detail: `${opts.binary ?? 'soffice'} not found`, ms: 0 };
  const timeoutMs = opts.timeoutMs ?? DEFAULTS.timeoutMs;
  const maxOutput = opts.maxOutputBytes ?? DEFAULTS.maxOutputBytes;

  const tempDir = opts.tempDir ?? tmpdir();
  await sweepOrphanedWork(tempDir);
  return slot(opts.concurrency ?? DEFAULTS.concurrency, async () => {
    const work = await mkdtemp(path.join(tempDir, `${WORK_PREFIX}${ownerTag()}-`));
    try {
      const profile = path.join(work, 'profile');
      const outDir = path.join(work, 'out');
      const input = path.join(work, `input.${from}`);
      await mkdir(outDir);
      await writeFile(input, bytes, { mode: 0o600 });
      const template = templates.get(binary);
      if (template) await cp(template, profile, { recursive: true }).catch(() => undefined);
      await lockDownProfile(profile);
      const profileUrl = pathToFileURL(profile).href;
      const args = ['--headless', '--norestore', '--nologo', '--nodefault', '--nolockcheck',
        `-env:UserInstallation=${profileUrl}`, '--convert-to', to, '--outdir', outDir, input];
      const run = await runSoffice(binary, args, work, timeoutMs).finally(() =>
        Promise.all(officePipePaths(profileUrl).map((p) => rm(p, { force: true }).catch(() => undefined))));
      const ms = Date.now() - started;
      if (run.timedOut) return { ok: false, reason: 'timeout', detail: `soffice ran over ${timeoutMs} ms`, ms };
      const output = path.join(outDir, `input.${to}`);
      const size = await stat(output).then((s) => s.size, () => -1);
      if (size < 0) return { ok: false, reason: 'failed', detail: `soffice exit ${run.code}: ${run.stderr.replace(/\s+/g, ' ').slice(0, 300)}`, ms };
      if (size > maxOutput) return { ok: false, reason: 'too_large', detail: `converted file ${size} bytes > ${maxOutput}`, ms };
      if (!template && !templates.has(binary) && !copying.has(binary)) {
        copying.add(binary);
        const keep = await mkdtemp(path.join(tempDir, `${WORK_PREFIX}profile-${ownerTag()}-`));
        await cp(profile, keep, { recursive: true }).then(() => templates.set(binary, keep), () => rm(keep, { recursive: true, force: true }));
        copying.delete(binary);
      }
      return { ok: true, bytes: await readFile(output), ms, coldProfile: !template };
    } finally {
      await rm(work, { recursive: true, force: true }).catch(() => undefined);
    }
  });
}
