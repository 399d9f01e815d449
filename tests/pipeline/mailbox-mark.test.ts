import { describe, expect, it } from 'vitest';
import { Rng } from '../../fixtures/scripts/hostile/kit.ts';
import { advanceMark, planCycle } from '../../src/pipeline/mailbox-mark.ts';
import { newTrack, noteDeath, strategiesFor } from '../../src/pipeline/load-with-fallbacks.ts';

describe('the contiguous mark', () => {
  it('steps over settled UIDs and UIDs that do not exist, and stops at the first unsettled one', () => {
    expect(advanceMark(3, [5, 6, 9, 12], (u) => u !== 9)).toBe(6);
    expect(advanceMark(3, [5, 6, 9, 12], () => true)).toBe(12);
    expect(advanceMark(3, [5, 6], () => false)).toBe(3);
    expect(advanceMark(10, [5, 6, 11], () => true)).toBe(11);
  });

  it('seeded trials: never passes an unsettled listed UID, and goes as far as it may', () => {
    for (let seed = 1; seed <= 2_000; seed++) {
      const rng = new Rng(seed);
      const listed = [...new Set(Array.from({ length: rng.int(0, 40) }, () => rng.int(1, 120)))].sort((a, b) => a - b);
      const mark = rng.int(0, 60);
      const settled = new Set(listed.filter(() => rng.next() < 0.8));
      const above = listed.filter((u) => u > mark);
      const next = advanceMark(mark, above, (u) => settled.has(u));
      const firstOpen = above.find((u) => !settled.has(u));
      const unsettledBelow = above.filter((u) => u <= next && !settled.has(u));
      expect(unsettledBelow, `seed ${seed}`).toEqual([]);
      expect(next, `seed ${seed}`).toBe(firstOpen === undefined ? Math.max(mark, above.at(-1) ?? mark) : Math.max(mark, ...above.filter((u) => u < firstOpen)));
    }
  });

  it('splits a listing into new work, gaps below the mark and UIDs recorded above it', () => {
    expect(planCycle([1, 2, 3, 5, 8, 9, 10], 5, new Set([1, 3, 5, 9]))).toEqual({ todo: [8, 10], gaps: [2], recordedAbove: [9] });
    expect(planCycle([], 0, new Set())).toEqual({ todo: [], gaps: [], recordedAbove: [] });
  });
});

describe('the ways of reading a message', () => {
  const listed = { uid: 1, size: 1_000, internalDate: new Date(0), rawHeaders: Buffer.alloc(0), contentHash: 'h', plan: [] };
  it('BINARY first where offered, then raw sections, then the whole source under the size cap', () => {
    expect(strategiesFor({ ...listed, sections: new Map() }, { binary: true, partMaxBytes: 10_000 })).toEqual(['binary', 'body', 'source']);
    expect(strategiesFor({ ...listed, sections: new Map() }, { binary: false, partMaxBytes: 10_000 })).toEqual(['body', 'source']);
    expect(strategiesFor({ ...listed, sections: new Map() }, { binary: true, partMaxBytes: 500 })).toEqual(['binary', 'body']);
    expect(strategiesFor({ ...listed, structureless: true }, { binary: true, partMaxBytes: 10_000 })).toEqual(['source']);
  });

  it('a broken connection counts against a message again only when other messages were read in between', () => {
    const t = newTrack();
    noteDeath(t, 0, 'binary: broke');
    noteDeath(t, 0, 'body: broke');
    expect(t.deaths).toBe(1);
    noteDeath(t, 3, 'source: broke');
    expect(t.deaths).toBe(2);
    expect(t.answers).toHaveLength(3);
  });
});
