import type { Clock } from '../clock.ts';

/**
 * After a burst of work (a poll, a run of console requests) the process keeps the heap it grew to: V8 leaves
 * half-empty pages where they are, and its memory reducer does not start for a heap this small. So once nothing has
 * been under way for a while and the heap has grown since the last time, it is compacted once. One V8 heap per
 * process, so one watch per app (`app.heap`), told by the worker and the console when work begins and ends.
 */
export interface QuietCompactionPolicy {
  /** Nothing under way for this long: nobody waits on the pause of a compaction. */
  quietMs: number;
  /** Growth of the committed heap since the last compaction that makes one worth its pause. */
  growthBytes: number;
  /** How often the quiet is checked. */
  everyMs: number;
}

export const QUIET_COMPACTION: QuietCompactionPolicy = { quietMs: 3_000, growthBytes: 4 * 1024 * 1024, everyMs: 1_000 };

export interface QuietState {
  underWay: number;
  lastEndMs: number;
  /** The committed heap after the last compaction (or when the watch was made, or lower if it came down alone). */
  floorBytes: number;
}

export function compactionDue(state: QuietState, nowMs: number, heapBytes: number, policy: QuietCompactionPolicy): boolean {
  return state.underWay === 0 && nowMs - state.lastEndMs >= policy.quietMs && heapBytes - state.floorBytes >= policy.growthBytes;
}

export interface HeapAccess {
  committedBytes(): number;
  compact(): void;
}

export interface Compaction {
  beforeBytes: number;
  afterBytes: number;
  ms: number;
}

export interface HeapWatch {
  /** Work begins; call what it returns when it ends (however it ends). The watch's timer starts at the first. */
  begin(): () => void;
  /** One check now (the timer calls it); true when it compacted. */
  check(): boolean;
  stop(): void;
}

export function watchHeap(heap: HeapAccess, clock: Clock, policy: QuietCompactionPolicy, onCompaction: (c: Compaction) => void): HeapWatch {
  const state: QuietState = { underWay: 0, lastEndMs: clock().getTime(), floorBytes: heap.committedBytes() };
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;
  const check = (): boolean => {
    const before = heap.committedBytes();
    if (!compactionDue(state, clock().getTime(), before, policy)) {
      state.floorBytes = Math.min(state.floorBytes, before);
      return false;
    }
    const t0 = performance.now();
    heap.compact();
    state.floorBytes = heap.committedBytes();
    onCompaction({ beforeBytes: before, afterBytes: state.floorBytes, ms: performance.now() - t0 });
    return true;
  };
  return {
    begin: () => {
      if (!timer && !stopped) {
        timer = setInterval(check, policy.everyMs);
        timer.unref();
      }
      state.underWay++;
      let ended = false;
      return () => {
        if (ended) return;
        ended = true;
        state.underWay--;
        state.lastEndMs = clock().getTime();
      };
    },
    check,
    stop: () => {
      stopped = true;
      if (timer) clearInterval(timer);
      timer = null;
    },
  };
}
