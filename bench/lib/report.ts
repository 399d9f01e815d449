import type { Measured } from './child-run.ts';

/**
 * The benchmark's findings as data (written as JSON) and as the Markdown tables printed and kept in
 * bench/out/latest.md. Pure: numbers in, text out.
 */

export type Contender = 'fetch' | 'parse' | 'naive' | 'intake';
export type CacheState = 'cold' | 'warm';

export const CONTENDER_NAMES: Record<Contender, string> = {
  fetch: '(1) fetch limit',
  parse: '(2) parse limit',
  naive: '(3) naive peer',
  intake: '(4) contest-intake',
};

export interface RunFigures {
  contender: Contender;
  cache: CacheState;
  wallMs: number;
  cpuMs: number;
  mainCpuMs: number;
  peakRssMb: number;
  load: number;
  serverBytes: number;
  messages: number;
  detail: Record<string, unknown> | null;
}

export interface IdleFigures {
  mailbox: string;
  exists: number;
  bareMs: number;
  pollMs: number;
}

export interface OutputFigures {
  entries: number;
  messages: number;
  jsonMs: number;
  xlsxMs: number;
  digestMs: number;
}

export interface BenchFindings {
  date: string;
  machine: string;
  setup: Record<string, unknown>;
  build: { messages: number; bytes: number; seconds: number; videos: number; videoBytes: number; forms: number };
  runs: RunFigures[];
  idle: IdleFigures[];
  outputs: OutputFigures[];
  intakeCheck: Record<string, unknown> | null;
  totalSeconds: number;
}

export function figuresOf(m: Measured, contender: Contender, cache: CacheState, serverBytes: number, messages: number): RunFigures {
  return { contender, cache, wallMs: m.wallMs, cpuMs: m.cpuMs, mainCpuMs: m.mainCpuMs, peakRssMb: m.peakRssMb, load: m.load, serverBytes, messages, detail: m.result };
}

const s = (ms: number) => (ms / 1000).toFixed(ms < 10_000 ? 2 : 1);
const mb = (bytes: number) => (bytes / 1e6 >= 100 ? (bytes / 1e6).toFixed(0) : (bytes / 1e6).toFixed(2));
const x = (r: number) => (Number.isFinite(r) ? `${r >= 100 ? r.toFixed(0) : r.toFixed(2)}×` : '–');
const ok = (pass: boolean | null) => (pass === null ? '–' : pass ? 'met' : '**not met**');

export interface Ratios {
  cache: CacheState;
  intakeVsLimits: number;
  /** The same in CPU time: what a busy machine's load does not skew. */
  intakeVsLimitsCpu: number;
  naiveVsIntakeTime: number;
  naiveVsIntakeBytes: number;
}

export function ratiosOf(runs: RunFigures[]): Ratios[] {
  const get = (c: Contender, cache: CacheState) => runs.find((r) => r.contender === c && r.cache === cache);
  return (['cold', 'warm'] as const).map((cache) => {
    const f = get('fetch', cache);
    const p = get('parse', cache);
    const n = get('naive', cache);
    const i = get('intake', cache);
    return {
      cache,
      intakeVsLimits: i && f && p ? i.wallMs / (f.wallMs + p.wallMs) : NaN,
      intakeVsLimitsCpu: i && f && p ? i.cpuMs / (f.cpuMs + p.cpuMs) : NaN,
      naiveVsIntakeTime: n && i ? n.wallMs / i.wallMs : NaN,
      naiveVsIntakeBytes: n && i ? n.serverBytes / i.serverBytes : NaN,
    };
  });
}

function describeDetail(r: RunFigures): string | null {
  const d = r.detail;
  if (!d) return null;
  const name = `${CONTENDER_NAMES[r.contender]}, ${r.cache}`;
  switch (r.contender) {
    case 'fetch': return `${name}: structure of ${String(d.messages)} messages in ${s(Number(d.structureMs))} s, then ${mb(Number(d.partBytes))} MB of parts in ${String(d.fetches)} FETCHes (${d.binary ? 'BINARY' : 'BODY'}) in ${s(Number(d.partsMs))} s.`;
    case 'parse': return `${name}: ${String(d.documents)} documents (${String(d.docx)} .docx, ${String(d.xlsx)} .xlsx) on ${String(d.threads)} threads${Number(d.failed) ? `, ${String(d.failed)} failed` : ''}.`;
    case 'naive': return `${name}: ${String(d.messages)} whole messages (${mb(Number(d.sourceBytes))} MB), ${String(d.forms)} forms read.`;
    case 'intake': return `${name}: the poll itself took ${s(Number(d.pollMs))} s of the process's ${s(r.wallMs)} s (start-up before it; the delivery of replies to the outbox after it, from ${s(Number(d.pollEndAtMs))} s); memory peaked at ${s(Number(d.rssPeakAtMs))} s.`;
  }
}

export function renderMarkdown(f: BenchFindings): string {
  const out: string[] = [];
  out.push(`# contest-intake benchmark — ${f.date}`, '');
  out.push(`Machine: ${f.machine}.`, '');
  out.push(`Mailbox: ${f.build.messages} messages, ${mb(f.build.bytes)} MB (${f.build.videos} with a video, ${mb(f.build.videoBytes)} MB of video; ${f.build.forms} form documents); APPENDed in ${f.build.seconds.toFixed(0)} s. ${Object.entries(f.setup).map(([k, v]) => `${k}: ${String(v)}`).join('; ')}.`, '');
  out.push('## Ingestion', '');
  out.push('| contender | Dovecot cache | wall s | messages/s | MB from server | peak RSS MB | CPU s (main thread) | load |');
  out.push('|---|---|---:|---:|---:|---:|---:|---:|');
  for (const r of f.runs) {
    const perSec = r.messages / (r.wallMs / 1000);
    out.push(`| ${CONTENDER_NAMES[r.contender]} | ${r.cache} | ${s(r.wallMs)} | ${perSec.toFixed(perSec < 10 ? 2 : 0)} | ${r.contender === 'parse' ? '–' : mb(r.serverBytes)} | ${r.peakRssMb.toFixed(0)} | ${s(r.cpuMs)} (${s(r.mainCpuMs)}) | ${r.load.toFixed(1)} |`);
  }
  out.push('', 'Wall time is the whole process, spawn to exit (start-up included, for every contender alike). CPU is user + system of the whole process (worker threads, V8 and libuv helpers included), with the main thread alone in brackets. Peak RSS is the process high-water mark (VmHWM). Bytes are counted by a loopback proxy in front of Dovecot (server to client). Load is the machine\'s 1-minute load average when the run ended: on a shared machine, wall times above ~2 are inflated by other work.', '');
  const details = f.runs.map((r) => describeDetail(r)).filter(Boolean);
  if (details.length) out.push(...details.map((d) => `- ${d}`), '');
  const ratios = ratiosOf(f.runs);
  out.push('## Ratios and targets', '');
  out.push('| cache | (4) / ((1)+(2)), time | target ≤ 1.5× | same in CPU time | (3) / (4), time | target ≥ 20× | (3) / (4), bytes | target ≥ 500× |');
  out.push('|---|---:|---|---:|---:|---|---:|---|');
  for (const r of ratios) {
    out.push(`| ${r.cache} | ${x(r.intakeVsLimits)} | ${ok(Number.isFinite(r.intakeVsLimits) ? r.intakeVsLimits <= 1.5 : null)} | ${x(r.intakeVsLimitsCpu)} | ${x(r.naiveVsIntakeTime)} | ${ok(Number.isFinite(r.naiveVsIntakeTime) ? r.naiveVsIntakeTime >= 20 : null)} | ${x(r.naiveVsIntakeBytes)} | ${ok(Number.isFinite(r.naiveVsIntakeBytes) ? r.naiveVsIntakeBytes >= 500 : null)} |`);
  }
  out.push('', 'Dovecot\'s own CPU is in no column: cold, most of the fetch limit\'s time is the server parsing fresh mail. On a shared machine the wall-time ratio swings with the load; the CPU ratio does not (the service\'s CPU against the limits\' CPU, which on two busy cores is what bounds its time).');
  const intakeRss = Math.max(...f.runs.filter((r) => r.contender === 'intake').map((r) => r.peakRssMb));
  if (Number.isFinite(intakeRss)) {
    const floor = f.intakeCheck?.['idle poll process: peak RSS MB'];
    out.push('', `Peak RSS of contest-intake: ${intakeRss.toFixed(0)} MB (target < 150 MB: ${ok(intakeRss < 150)})${typeof floor === 'number' ? `; the same command with nothing to ingest (no parse worker started) peaks at ${floor} MB` : ''}.`);
  }
  if (f.intakeCheck) out.push('', `contest-intake's database after the run: ${Object.entries(f.intakeCheck).map(([k, v]) => `${k} ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`).join('; ')}.`);
  if (f.idle.length) {
    out.push('', '## Idle poll (no new mail)', '');
    out.push('| mailbox | messages | bare LOGIN+SELECT+LOGOUT ms | idle poll ms | ratio | target ≤ 1.5× |');
    out.push('|---|---:|---:|---:|---:|---|');
    for (const i of f.idle) out.push(`| ${i.mailbox} | ${i.exists} | ${i.bareMs.toFixed(1)} | ${i.pollMs.toFixed(1)} | ${x(i.pollMs / i.bareMs)} | ${ok(i.pollMs / i.bareMs <= 1.5)} |`);
    if (f.idle.length >= 2) {
      const [a, b] = [f.idle[0]!, f.idle[f.idle.length - 1]!];
      out.push('', `Flat: ${b.exists / a.exists}× the messages, ${x(b.pollMs / a.pollMs)} the idle-poll time (medians, in one process, alternating with the bare client).`);
    }
  }
  if (f.outputs.length) {
    out.push('', '## Export and digest', '');
    out.push('| entries | messages | export json ms | export xlsx ms | digest ms (with its xlsx) | json ms / 1,000 | xlsx ms / 1,000 | digest ms / 1,000 |');
    out.push('|---:|---:|---:|---:|---:|---:|---:|---:|');
    for (const o of f.outputs) {
      const per = (ms: number) => (ms / (o.entries / 1000)).toFixed(0);
      out.push(`| ${o.entries} | ${o.messages} | ${o.jsonMs.toFixed(0)} | ${o.xlsxMs.toFixed(0)} | ${o.digestMs.toFixed(0)} | ${per(o.jsonMs)} | ${per(o.xlsxMs)} | ${per(o.digestMs)} |`);
    }
    if (f.outputs.length >= 2) {
      const [a, b] = [f.outputs[0]!, f.outputs[f.outputs.length - 1]!];
      const k = b.entries / a.entries;
      const growth = (x1: number, x2: number) => x2 / x1;
      const lin = (g: number) => (g <= k * 1.5 ? `linear (${g.toFixed(1)}× for ${k}× the entries)` : `**not linear** (${g.toFixed(1)}× for ${k}× the entries)`);
      out.push('', `json: ${lin(growth(a.jsonMs, b.jsonMs))}; xlsx: ${lin(growth(a.xlsxMs, b.xlsxMs))}; digest: ${lin(growth(a.digestMs, b.digestMs))}.`);
    }
  }
  out.push('', `Whole benchmark: ${(f.totalSeconds / 60).toFixed(1)} min.`, '');
  return out.join('\n');
}
