// Preloaded into the `contest-intake poll` child (node --import): at exit it writes the process's peak resident set
// (VmHWM, worker threads included: they share the process) where HOSTILE_RSS_FILE says. Plain JS: it runs before
// tsx is registered.
import { readFileSync, writeFileSync } from 'node:fs';

const out = process.env.HOSTILE_RSS_FILE;
if (out) {
  process.on('exit', () => {
    try {
      const status = readFileSync('/proc/self/status', 'utf8');
      const kb = (name) => Number(new RegExp(`${name}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
      writeFileSync(out, JSON.stringify({ vmHwmKb: kb('VmHWM'), vmPeakKb: kb('VmPeak') }));
    } catch {
      // Nothing to report: the sampler in run-child.ts still has its last reading.
    }
  });
}

// HOSTILE_MEM_TRACE: the main thread's own heap and buffers every second, to tell its memory from the workers'.
const trace = process.env.HOSTILE_MEM_TRACE;
if (trace) {
  const { appendFileSync } = await import('node:fs');
  setInterval(() => {
    const m = process.memoryUsage();
    appendFileSync(trace, `${JSON.stringify({ pid: process.pid, argv: process.argv.slice(2).join(" "), t: Date.now(), rss: m.rss >> 20, heapTotal: m.heapTotal >> 20, heapUsed: m.heapUsed >> 20, external: m.external >> 20, arrayBuffers: m.arrayBuffers >> 20 })}\n`);
  }, 1000).unref();
}
