import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { ParseReply, ParseRequest, ParseTask } from './parse-task.ts';

/**
 * A few reusable parse workers. Each task gets a wall-clock limit; a worker that overruns it, runs out of heap
 * or dies is terminated and replaced, and its task comes back as a failure, never as a throw or a hang.
 */

export interface PoolSettings {
  size: number;
  heapMb: number;
}

/**
 * A small nursery: mammoth and exceljs make many short-lived objects, and a 16 MB young generation holds them as
 * cheaply as 32 MB did (same CPU in npm run bench) for about 20 MB less resident memory per worker.
 */
const YOUNG_GENERATION_MB = 16;

type Outcome = ParseReply;
type Job = { task: ParseRequest; timeoutMs: number; resolve: (o: Outcome) => void };

interface Slot {
  worker: Worker;
  ready: Promise<boolean>;
  job: (Job & { id: number; timer: NodeJS.Timeout }) | null;
  dead: boolean;
}

/**
 * Under tsx (and vitest) this module is a .ts file and the worker must load TypeScript too: the worker registers
 * tsx's loader itself before importing its entry, because loader flags in execArgv are not honoured by workers
 * on Node 20. Built to .js, the entry is imported directly.
 */
function workerSource(): string {
  const self = import.meta.url;
  const entry = new URL(self.endsWith('.ts') ? './parse-worker.ts' : './parse-worker.js', self).href;
  if (!self.endsWith('.ts')) return `import(${JSON.stringify(entry)});`;
  const tsx = import.meta.resolve('tsx/esm/api');
  return `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`;
}

export class ParsePool {
  private readonly slots = new Set<Slot>();
  private readonly queue: Job[] = [];
  private nextId = 1;
  private closed = false;
  private draining = false;

  constructor(readonly settings: PoolSettings) {}

  run(task: ParseRequest, timeoutMs: number): Promise<Outcome> {
    if (this.closed) return Promise.resolve({ id: 0, ok: false, reason: 'crashed', detail: 'parse pool closed' });
    return new Promise((resolve) => {
      this.queue.push({ task, timeoutMs, resolve });
      this.pump();
    });
  }

  /** Starts the workers ahead of the first document, so no task pays for loading the parsers. */
  async warm(): Promise<void> {
    while (this.slots.size < this.settings.size) this.spawn();
    const slots = [...this.slots];
    for (const s of slots) s.worker.ref();
    await Promise.all(slots.map((s) => s.ready));
    for (const s of slots) s.worker.unref();
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) job.resolve({ id: 0, ok: false, reason: 'crashed', detail: 'parse pool closed' });
    await Promise.all([...this.slots].map((slot) => this.retire(slot, 'parse pool closed')));
  }

  /** Takes no new work, lets queued and running tasks finish, then ends its workers. */
  drain(): void {
    this.draining = true;
    this.retireIdle();
  }

  private retireIdle(): void {
    if (!this.draining || this.queue.length) return;
    for (const slot of this.slots) if (!slot.job) void this.retire(slot, 'drained');
  }

  private pump(): void {
    while (this.queue.length) {
      let slot = [...this.slots].find((s) => !s.job && !s.dead);
      if (!slot && this.slots.size < this.settings.size) slot = this.spawn();
      if (!slot) return;
      this.start(slot, this.queue.shift()!);
    }
  }

  private spawn(): Slot {
    const worker = new Worker(workerSource(), {
      eval: true,
      execArgv: [],
      // codeRangeSizeMb: V8 otherwise reserves 128+ MB of address space per worker for code, and under an address-space
      // cap a replacement for a crashed worker could not start.
      resourceLimits: { maxOldGenerationSizeMb: this.settings.heapMb, maxYoungGenerationSizeMb: YOUNG_GENERATION_MB, codeRangeSizeMb: 64, stackSizeMb: 4 },
    });
    // Idle workers must not keep a CLI run alive; a busy one is held by its job's timer.
    worker.unref();
    let markReady: (ok: boolean) => void = () => {};
    const slot: Slot = { worker, ready: new Promise((r) => { markReady = r; }), job: null, dead: false };
    worker.on('message', (msg: ParseReply | { ready: true }) => {
      if ('ready' in msg) return markReady(true);
      if (!slot.job || msg.id !== slot.job.id) return;
      this.finish(slot, msg);
    });
    worker.on('error', (err: Error & { code?: string }) => {
      const reason = err.code === 'ERR_WORKER_OUT_OF_MEMORY' ? 'too_large' : 'crashed';
      this.fail(slot, reason, `${err.code ?? err.name}: ${err.message}`.slice(0, 300));
    });
    worker.on('exit', (code) => {
      markReady(false);
      this.fail(slot, 'crashed', `worker exited with code ${code}`);
    });
    this.slots.add(slot);
    return slot;
  }

  private start(slot: Slot, job: Job): void {
    const id = this.nextId++;
    const timer = setTimeout(() => this.fail(slot, 'timeout', `no answer within ${job.timeoutMs} ms`), job.timeoutMs);
    slot.job = { ...job, id, timer };
    if ('bytes' in job.task) {
      // Copy into a buffer of our own to transfer: the caller's Buffer may be a view on a shared pool.
      const bytes = new Uint8Array(job.task.bytes);
      slot.worker.postMessage({ ...job.task, id, bytes } satisfies ParseTask, [bytes.buffer]);
    } else {
      slot.worker.postMessage({ ...job.task, id } satisfies ParseTask);
    }
  }

  private finish(slot: Slot, outcome: Outcome): void {
    const job = slot.job;
    if (!job) return;
    clearTimeout(job.timer);
    slot.job = null;
    job.resolve({ ...outcome, id: job.id });
    this.pump();
    this.retireIdle();
  }

  private fail(slot: Slot, reason: 'timeout' | 'too_large' | 'crashed', detail: string): void {
    const job = slot.job;
    void this.retire(slot, detail);
    if (job) {
      clearTimeout(job.timer);
      slot.job = null;
      job.resolve({ id: job.id, ok: false, reason, detail });
    }
    if (!this.closed) this.pump();
    this.retireIdle();
  }

  private async retire(slot: Slot, _why: string): Promise<void> {
    if (slot.dead) return;
    slot.dead = true;
    this.slots.delete(slot);
    await slot.worker.terminate().catch(() => undefined);
  }
}

let shared: ParsePool | null = null;

/**
 * One worker per core but one, at most four: the main thread is as busy as a parser (IMAP, SQLite, the archive),
 * and on 2 cores a second parser only adds its own start-up, JIT and heap (npm run bench: +5 s CPU and +80 MB
 * for no gain in time). Never fewer than one.
 */
export function defaultPoolSize(): number {
  return Math.max(1, Math.min(4, availableParallelism() - 1));
}

/** One pool per process; asking with other settings replaces it (tests with a smaller heap cap). */
export function sharedParsePool(settings: PoolSettings): ParsePool {
  if (!shared || shared.settings.size !== settings.size || shared.settings.heapMb !== settings.heapMb) {
    // Work already handed to the old pool still finishes there.
    shared?.drain();
    shared = new ParsePool(settings);
  }
  return shared;
}

/** For a graceful stop of the service (and the end of a test file). */
export async function closeParsePool(): Promise<void> {
  const pool = shared;
  shared = null;
  await pool?.close();
}
