import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Runs `contest-intake <args>` as a child process of its own and measures it: exit code, output, wall time and the
 * peak resident set of the whole process (VmHWM, which counts the parse worker threads). Optionally under an
 * address-space cap (prlimit --as), as the "4 GB" run asks.
 */

export interface ChildRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
  /** Peak RSS in KiB: from the exit probe, else the highest VmHWM the sampler saw. */
  peakRssKb: number;
  /** Peak address space (VmPeak) in KiB: what an address-space cap holds against. */
  peakVmKb: number;
}

// HOSTILE_BIN: another checkout's bin (to measure a proposed change without touching this tree).
const BIN = path.resolve(process.env.HOSTILE_BIN ?? 'bin/contest-intake.js');

/**
 * The node command line the worker needs to hold its peak RSS under 300 MB and to run under a 4 GB address-space
 * cap (bin/contest-intake.js and the Dockerfile do not set it yet: see the hostile-senders report).
 * - `--max-semi-space-size=2 --heap-growing-percent=10`: hostile mail (tens of thousands of headers or of MIME
 *   parts) leaves 100+ MB of garbage in the main thread, and V8 lets every heap grow far before collecting it.
 *   Measured on the full corpus: peak RSS 398–426 MB without, 280 MB with; no measurable cost on ordinary mail,
 *   about a third more time on the MIME family.
 * - `--disable-wasm-trap-handler --wasm-max-mem-pages=1024`: without them every WebAssembly memory (tsx's module
 *   lexers, one per thread that loads TypeScript) reserves 8 GB of address space, or 4 GB without a declared
 *   maximum, and the process cannot start under the cap. (MALLOC_ARENA_MAX=2 in the environment goes with them.)
 */
export const SERVICE_NODE_FLAGS = ['--max-semi-space-size=2', '--heap-growing-percent=10', '--disable-wasm-trap-handler', '--wasm-max-mem-pages=1024'];
const PROBE = path.resolve('tests/hostile/rss-probe.mjs');

function statusOf(pid: number): { hwm: number; peak: number; rss: number } {
  try {
    const s = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (name: string) => Number(new RegExp(`${name}:\\s+(\\d+)`).exec(s)?.[1] ?? 0);
    return { hwm: kb('VmHWM'), peak: kb('VmPeak'), rss: kb('VmRSS') };
  } catch {
    return { hwm: 0, peak: 0, rss: 0 };
  }
}

export function runCli(args: string[], opts: { env: Record<string, string>; cwd: string; rssFile: string; addressSpaceBytes?: number; timeoutMs: number; traceFile?: string }): Promise<ChildRun> {
  const extra = (process.env.HOSTILE_NODE_FLAGS ?? '').split(' ').filter(Boolean);
  const node = [process.execPath, ...SERVICE_NODE_FLAGS, ...extra, '--import', PROBE, BIN, ...args];
  const [cmd, ...argv] = opts.addressSpaceBytes ? ['prlimit', `--as=${opts.addressSpaceBytes}`, ...node] : node;
  const started = Date.now();
  const child = spawn(cmd!, argv, { cwd: opts.cwd, env: { ...opts.env, HOSTILE_RSS_FILE: opts.rssFile }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (b: Buffer) => { if (stdout.length < 20_000_000) stdout += b.toString('utf8'); });
  child.stderr!.on('data', (b: Buffer) => { if (stderr.length < 200_000) stderr += b.toString('utf8'); });
  let sampled = 0;
  let sampledVm = 0;
  const trace: Array<[number, number]> = [];
  const sampler = setInterval(() => {
    if (!child.pid) return;
    const s = statusOf(child.pid);
    sampled = Math.max(sampled, s.hwm);
    sampledVm = Math.max(sampledVm, s.peak);
    if (opts.traceFile && s.rss) trace.push([Date.now(), s.rss]);
  }, 50);
  const killer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs);
  return new Promise((resolve) => {
    child.on('close', (code, signal) => {
      clearInterval(sampler);
      clearTimeout(killer);
      if (opts.traceFile) writeFileSync(opts.traceFile, JSON.stringify(trace));
      let probed = { vmHwmKb: 0, vmPeakKb: 0 };
      if (existsSync(opts.rssFile)) probed = JSON.parse(readFileSync(opts.rssFile, 'utf8')) as typeof probed;
      resolve({ code, signal, stdout, stderr, ms: Date.now() - started, peakRssKb: Math.max(probed.vmHwmKb, sampled), peakVmKb: Math.max(probed.vmPeakKb, sampledVm) });
    });
  });
}
