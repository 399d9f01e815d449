// Loaded with `node --import` into every measured process (plain JavaScript: it runs before tsx is registered).
// At exit it writes what the process cost as a whole, worker threads included, to $BENCH_PROBE_OUT:
// peak resident memory (VmHWM, and getrusage's maxRSS) and CPU time (user + system).
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';

/**
 * CPU milliseconds of each thread (the main thread, worker threads, V8 and libuv helpers), sampled from /proc
 * every 100 ms: a worker thread that ends before the process does is no longer listed there at exit.
 */
const seen = new Map();
/** When the resident memory was at its highest, for telling which phase of a run made the peak. */
let rssPeak = { kb: 0, atMs: 0 };
function sample() {
  const rss = Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? 0);
  if (rss > rssPeak.kb) rssPeak = { kb: rss, atMs: Math.round(process.uptime() * 1000) };
  for (const tid of readdirSync('/proc/self/task')) {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      seen.set(tid, { name: tid === String(process.pid) ? 'main' : name, ms: (Number(f[11]) + Number(f[12])) * 10 });
    } catch {
      // the thread ended meanwhile
    }
  }
}
function threads() {
  sample();
  const out = {};
  for (const { name, ms } of seen.values()) out[name] = (out[name] ?? 0) + ms;
  return { byName: out, busiest: [...seen.values()].map((t) => t.ms).sort((a, b) => b - a).slice(0, 6) };
}

const out = process.env.BENCH_PROBE_OUT;
if (out) {
  setInterval(sample, 100).unref();
  process.on('exit', (code) => {
    const status = readFileSync('/proc/self/status', 'utf8');
    const kb = (name) => Number(new RegExp(`${name}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0);
    const ru = process.resourceUsage();
    writeFileSync(out, JSON.stringify({
      code, vmHwmKb: kb('VmHWM'), maxRssKb: ru.maxRSS, userCpuMs: ru.userCPUTime / 1000, systemCpuMs: ru.systemCPUTime / 1000,
      uptimeMs: process.uptime() * 1000, startEpochMs: Date.now() - process.uptime() * 1000, threads: threads(), rssPeak,
    }));
  });
}
