import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterEach, describe, expect, it } from 'vitest';
import { startConsole, type ConsoleServer } from '../../src/console/http-adapter.ts';
import { compactionDue, watchHeap, type QuietCompactionPolicy } from '../../src/heap/quiet-compaction.ts';
import { compactHeap, heapCommittedBytes } from '../../src/heap/v8-heap.ts';
import { runWorker } from '../../src/schedule/worker.ts';
import { makeTestApp, type TestApp } from '../helpers/test-app.ts';

/** The heap a burst of work grew is given back once nothing is under way (issue 15: the console adds at most 30 MB). */

const MB = 1024 * 1024;
const POLICY: QuietCompactionPolicy = { quietMs: 3000, growthBytes: 4 * MB, everyMs: 1000 };

describe('when a compaction is due', () => {
  it.each([
    ['quiet long enough, heap grew enough', 0, 3000, 4 * MB, true],
    ['the last work ended 2.9 s ago', 0, 2900, 50 * MB, false],
    ['a poll still under way', 1, 60_000, 50 * MB, false],
    ['quiet, but the heap grew 3 MB only', 0, 60_000, 3 * MB, false],
    ['quiet for a minute, grew 20 MB', 0, 60_000, 20 * MB, true],
  ])('%s', (_name, underWay, quietFor, growth, due) => {
    expect(compactionDue({ underWay, lastEndMs: 1_000_000, floorBytes: 30 * MB }, 1_000_000 + quietFor, 30 * MB + growth, POLICY)).toBe(due);
  });
});

function fakeHeap(start: number, compactsTo = start + 2 * MB) {
  const heap = { bytes: start, compactions: 0, committedBytes: () => heap.bytes, compact: () => { heap.compactions++; heap.bytes = compactsTo; } };
  return heap;
}

describe('the watch', () => {
  it('compacts once after a burst, not again until the heap has grown again; work under way postpones it', () => {
    let now = 0;
    const heap = fakeHeap(30 * MB);
    const watch = watchHeap(heap, () => new Date(now), POLICY, () => {});
    try {
      const poll = watch.begin();
      heap.bytes = 50 * MB;
      now = 10_000;
      expect(watch.check()).toBe(false); // the poll is still under way
      now = 12_000;
      poll();
      poll(); // ending twice counts once
      now = 14_000;
      const request = watch.begin();
      now = 14_500;
      request();
      now = 17_000;
      expect(watch.check()).toBe(false); // 2.5 s after the last request
      now = 17_500;
      expect(watch.check()).toBe(true);
      expect(heap.compactions).toBe(1);
      now = 60_000;
      expect(watch.check()).toBe(false); // still quiet, nothing grew since
      heap.bytes += 3 * MB;
      expect(watch.check()).toBe(false); // grew, but by less than the policy asks
      heap.bytes += 1 * MB;
      expect(watch.check()).toBe(true);
      expect(heap.compactions).toBe(2);
    } finally {
      watch.stop();
    }
  });

  it('a heap that came down by itself lowers the floor growth is measured from', () => {
    let now = 0;
    const heap = fakeHeap(40 * MB);
    const watch = watchHeap(heap, () => new Date(now), POLICY, () => {});
    try {
      now = 10_000;
      heap.bytes = 30 * MB;
      expect(watch.check()).toBe(false);
      heap.bytes = 34 * MB;
      expect(watch.check()).toBe(true); // 4 MB over 30, though under the 40 it started at
    } finally {
      watch.stop();
    }
  });

  it('tells what each compaction gave back', () => {
    let now = 0;
    const heap = fakeHeap(30 * MB, 31 * MB);
    const seen: { beforeBytes: number; afterBytes: number }[] = [];
    const watch = watchHeap(heap, () => new Date(now), POLICY, (c) => seen.push(c));
    try {
      watch.begin()();
      heap.bytes = 45 * MB;
      now = 5000;
      watch.check();
      expect(seen).toEqual([expect.objectContaining({ beforeBytes: 45 * MB, afterBytes: 31 * MB })]);
    } finally {
      watch.stop();
    }
  });
});

describe('compacting the real V8 heap', () => {
  it('gives back half-empty pages that an ordinary full collection keeps', () => {
    v8.setFlagsFromString('--expose-gc');
    const ordinaryGc = runInNewContext('gc') as () => void;
    v8.setFlagsFromString('--no-expose-gc');
    // Fragmentation as a burst of requests leaves it: many small objects, one in three still alive afterwards (V8's own
    // full collections only move the survivors of pages that are mostly empty).
    let all: { id: number; text: string }[] | null = Array.from({ length: 600_000 }, (_, i) => ({ id: i, text: `作品${i}` }));
    const kept = all.filter((o) => o.id % 3 === 0);
    all = null;
    ordinaryGc();
    ordinaryGc();
    const afterOrdinary = heapCommittedBytes();
    compactHeap();
    const afterCompaction = heapCommittedBytes();
    expect(afterOrdinary - afterCompaction, `ordinary ${(afterOrdinary / MB).toFixed(1)} MB, compacted ${(afterCompaction / MB).toFixed(1)} MB`).toBeGreaterThan(8 * MB);
    expect(kept.length).toBe(200_000);
    expect(kept.every((o, i) => o.id === i * 3 && o.text === `作品${i * 3}`)).toBe(true);
    expect((globalThis as { gc?: unknown }).gc).toBeUndefined(); // no page's script could ever reach gc()
  });
});

describe('the console tells the watch of its requests', () => {
  let app: TestApp | undefined;
  let server: ConsoleServer | undefined;
  afterEach(async () => {
    await server?.close();
    app?.dispose();
  });

  it('compacts only once its requests have stopped for the quiet time', async () => {
    app = makeTestApp();
    const heap = fakeHeap(30 * MB, 30 * MB);
    const watch = watchHeap(heap, app.clock, { quietMs: 400, growthBytes: 2 * MB, everyMs: 25 }, () => {});
    server = await startConsole(app, { host: '127.0.0.1', port: 0, heap: watch });
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    try {
      for (let i = 0; i < 15; i++) {
        expect((await fetch(`${server.url}/login`)).status).toBe(200);
        heap.bytes += 1 * MB;
        await sleep(40);
      }
      expect(heap.compactions).toBe(0);
      await sleep(900);
      expect(heap.compactions).toBe(1);
      await sleep(300);
      expect(heap.compactions).toBe(1);
    } finally {
      watch.stop();
    }
  });
});

describe('the worker tells the watch of its jobs', () => {
  it('a job is under way from its start to its end, so no compaction can pause a poll', async () => {
    const base = makeTestApp({ IMAP_HOST: '127.0.0.1', IMAP_USER: 'u', IMAP_PASS: 'p' });
    let underWay = 0;
    const seen: number[] = [];
    const app = { ...base, heap: { begin: () => { underWay++; return () => { underWay--; }; }, check: () => false, stop: () => {} } };
    try {
      await expect(runWorker(app, [{
        name: 'poll', cron: '0 0 1 1 *',
        run: async () => {
          seen.push(underWay);
          await new Promise((r) => setTimeout(r, 50));
          seen.push(underWay);
          throw new Error('a bug, to stop the worker');
        },
      }], { runAtStart: ['poll'] })).rejects.toThrow('a bug');
      expect(seen).toEqual([1, 1]);
      expect(underWay).toBe(0);
    } finally {
      base.dispose();
    }
  });
});
