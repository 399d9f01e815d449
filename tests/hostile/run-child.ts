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
  // The command is executed as a deployment executes it (npm start, the Docker ENTRYPOINT): its first line brings
  // the node flags and MALLOC_ARENA_MAX that bound its memory. The probe comes in through NODE_OPTIONS.
  const command = [BIN, ...args];
  const [cmd, ...argv] = opts.addressSpaceBytes ? ['prlimit', `--as=${opts.addressSpaceBytes}`, ...command] : command;
  const started = Date.now();
  const env = { ...opts.env, HOSTILE_RSS_FILE: opts.rssFile, NODE_OPTIONS: `--import=${PROBE}` };
  const child = spawn(cmd!, argv, { cwd: opts.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
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
