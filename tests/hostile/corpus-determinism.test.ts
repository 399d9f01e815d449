import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { makeHostileCorpus } from '../../fixtures/scripts/make-hostile.ts';

/** The corpus is made from a seed: a failing case replays byte for byte, in the fast subset and in the full run. */

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('the hostile corpus generator', () => {
  it('gives the same bytes for the same seed, other bytes for another seed', async () => {
    const pick = (seed: number) => makeHostileCorpus({ seed, canary: 'http://127.0.0.1:9' })
      .filter((c) => /^(mime\/(truncated-body|tens-of-thousands-of-headers)|documents\/(zip-overlapping-entries|docx-external-relationships)|injection\/crlf-in-names)#1$/.test(c.id));
    const [a, b, other] = [pick(1), pick(1), pick(2)];
    expect(a.map((c) => c.id)).toHaveLength(5);
    const hashes = async (cases: typeof a) => Promise.all(cases.map(async (c) => sha(await c.build())));
    const [ha, hb, ho] = [await hashes(a), await hashes(b), await hashes(other)];
    expect(ha).toEqual(hb);
    expect(ha.filter((h, i) => h === ho[i])).toEqual([]);
  });

  it('the fast subset is the first case of each kind of the full corpus, the same mails', async () => {
    const fast = makeHostileCorpus({ seed: 5 });
    const full = makeHostileCorpus({ seed: 5, full: true });
    expect(full.length).toBeGreaterThanOrEqual(1_000);
    expect(new Set(full.map((c) => c.id)).size).toBe(full.length);
    const byId = new Map(full.map((c) => [c.id, c]));
    for (const c of fast.filter((x) => x.family === 'injection')) {
      expect(sha(await c.build()), c.id).toBe(sha(await byId.get(c.id)!.build()));
    }
    expect(new Set(fast.map((c) => c.family))).toEqual(new Set(['mime', 'documents', 'filenames', 'injection', 'floods']));
  });
});
