import { spawn } from 'node:child_process';
import { createWriteStream, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Runs one contender in a process of its own, so peak memory and CPU time are its alone: the exit probe
 * (exit-probe.mjs, loaded first with --import) writes the process's VmHWM and CPU time when it exits; wall
 * time is measured here, from spawn to exit. stdout and stderr go to a log file; the contender's own figures
 * come back on a `BENCH_RESULT {json}` line.
 */

export interface Measured {
  label: string;
  code: number | null;
  /** Spawn to exit. */
  wallMs: number;
  cpuMs: number;
  /** CPU of the main thread alone (the rest: worker threads, V8 and libuv helpers). */
  mainCpuMs: number;
  peakRssMb: number;
  /** 1-minute load average of the machine when the process ended (other work on the machine skews wall times). */
  load: number;
  /** When, from the process's start, resident memory was highest; and when the process started (epoch ms). */
  rssPeakAtMs: number;
  startEpochMs: number;
  /** What the contender reported about itself (null for a process that reports nothing, like the service). */
  result: Record<string, unknown> | null;
  logFile: string;
}

const PROBE = fileURLToPath(new URL('./exit-probe.mjs', import.meta.url));

export interface RunOptions {
  label: string;
  /** Script (and its arguments) to run with node; or, with tsx false, the program to execute. */
  args: string[];
  /**
   * true: `node --import tsx script` (our TypeScript contenders). false: the program is executed as a deployment
   * executes it (the service's bin, whose first line carries its node flags); the probe comes in through NODE_OPTIONS.
   */
  tsx: boolean;
  env: NodeJS.ProcessEnv;
  cwd: string;
  logDir: string;
  timeoutMs?: number;
}

interface Probe {
  vmHwmKb: number; maxRssKb: number; userCpuMs: number; systemCpuMs: number; startEpochMs?: number;
  threads?: { byName: Record<string, number> }; rssPeak?: { kb: number; atMs: number };
}

function readProbe(file: string): Probe | null {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Probe;
  } catch {
    return null; // killed before its exit handler ran: no figures
  }
}

export async function runMeasured(o: RunOptions): Promise<Measured> {
  const slug = o.label.replace(/[^a-z0-9]+/gi, '-').toLowerCase();
  const probeOut = path.join(o.logDir, `${slug}.probe.json`);
  const logFile = path.join(o.logDir, `${slug}.log`);
  rmSync(probeOut, { force: true });
  const log = createWriteStream(logFile);
  const [cmd, ...argv] = o.tsx ? [process.execPath, '--import', PROBE, '--import', 'tsx', ...o.args] : o.args;
  const env = { ...o.env, BENCH_PROBE_OUT: probeOut, ...(o.tsx ? {} : { NODE_OPTIONS: `--import=${PROBE}` }) };
  const started = performance.now();
  const child = spawn(cmd!, argv, { cwd: o.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let result: Record<string, unknown> | null = null;
  let pending = '';
  child.stdout.on('data', (d: Buffer) => {
    log.write(d);
    pending += d.toString('utf8');
    let eol: number;
    while ((eol = pending.indexOf('\n')) >= 0) {
      const line = pending.slice(0, eol);
      pending = pending.slice(eol + 1);
      if (line.startsWith('BENCH_RESULT ')) result = JSON.parse(line.slice('BENCH_RESULT '.length)) as Record<string, unknown>;
    }
  });
  child.stderr.on('data', (d: Buffer) => log.write(d));
  const timer = o.timeoutMs ? setTimeout(() => child.kill('SIGKILL'), o.timeoutMs) : null;
  const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  const wallMs = performance.now() - started;
  if (timer) clearTimeout(timer);
  await new Promise<void>((resolve) => log.end(resolve));
  const probe = readProbe(probeOut);
  if (code !== 0) {
    const tail = readFileSync(logFile, 'utf8').split('\n').slice(-15).join('\n');
    throw new Error(`${o.label} exited with ${code}; log ${logFile}:\n${tail}`);
  }
  return {
    label: o.label, code, wallMs,
    cpuMs: probe ? probe.userCpuMs + probe.systemCpuMs : NaN,
    mainCpuMs: probe?.threads?.byName.main ?? NaN,
    load: os.loadavg()[0]!,
    rssPeakAtMs: probe?.rssPeak?.atMs ?? NaN,
    startEpochMs: probe?.startEpochMs ?? NaN,
    peakRssMb: probe ? Math.max(probe.vmHwmKb, probe.maxRssKb) / 1024 : NaN,
    result, logFile,
  };
}
