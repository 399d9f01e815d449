import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../fixtures/scripts/hostile/kit.ts';
import { importFiles } from '../../src/pipeline/import-files.ts';
import { reprocessAll } from '../../src/pipeline/reprocess.ts';
import { correctField } from '../../src/review/review-work.ts';
import { listWorks } from '../../src/store/console-repo.ts';
import { CORRECTABLE_FIELDS } from '../../src/store/review-repo.ts';
import { makeTestApp, type TestApp } from '../helpers/test-app.ts';

/**
 * The console's search narrows by a trigram index (migration 0011) before it applies its conditions. The index may
 * only narrow: whatever the corrections, reprocessing and the text searched, the works found are exactly those whose
 * title, authors, unit (as written, credited or named) contain the text, or whose phone ends with four digits typed.
 * The reference below reads the values people see (reviewed_entries) and searches them in JavaScript.
 */

let app: TestApp;
const NOW = new Date('2024-09-27T01:00:00Z');
beforeAll(async () => {
  app = makeTestApp();
  await importFiles(path.resolve('fixtures/demo-mailbox'), app.deps, app.clock, app.limits);
}, 120_000);
afterAll(() => app?.dispose());

interface Shown { id: number; title: string | null; authors: string; unitText: string | null; unit: string | null; phone: string | null }

function shownWorks(): Shown[] {
  return app.db.prepare(`SELECT id, title, authors, unit_text AS unitText,
      coalesce(credited_unit, recommended_by_unit, recommender_text) AS unit, phone
    FROM reviewed_entries WHERE status <> 'superseded' ORDER BY id`).all() as Shown[];
}

/** SQLite's LIKE: case folded for ASCII letters only. */
const fold = (s: string) => s.replace(/[A-Z]/g, (c) => c.toLowerCase());

function expected(text: string): number[] {
  const t = fold(text);
  return shownWorks().filter((w) => {
    const values = [w.title, w.authors, w.unitText, w.unit].filter((v): v is string => v !== null);
    if (values.some((v) => fold(v).includes(t))) return true;
    return /^\d{4}$/.test(text) && w.phone !== null && w.phone.replace(/[- +]/g, '').endsWith(text);
  }).map((w) => w.id);
}

function found(text: string): number[] {
  return listWorks(app.db, { q: text }, { offset: 0, limit: 10_000 }).rows.map((r) => r.id).sort((a, b) => a - b);
}

/** Something to search for: a piece of a value people see, of a phone, or text that is nowhere. */
function queryFrom(rng: Rng, works: Shown[]): string {
  const w = rng.pick(works);
  const kind = rng.int(0, 5);
  if (kind === 0 && w.phone) return w.phone.replace(/[- +]/g, '').slice(-4);
  if (kind === 1) return rng.alnum(rng.int(1, 5));
  const source = rng.pick([w.title, w.authors, w.unitText, w.unit].filter((v): v is string => !!v)) ?? 'x';
  const chars = [...source];
  const start = rng.int(0, Math.max(0, chars.length - 1));
  const piece = chars.slice(start, start + rng.int(1, 6)).join('');
  return kind === 2 ? piece.toUpperCase() : piece;
}

function correctionFrom(rng: Rng, works: Shown[]): { field: (typeof CORRECTABLE_FIELDS)[number]; value: string } {
  const field = rng.pick(['title', 'authors', 'unit', 'phone', 'title', 'intro'] as const);
  if (field === 'phone') return { field, value: rng.pick(['', `1${rng.int(3, 9)}${String(rng.int(0, 999_999_999)).padStart(9, '0')}`, `0577-${rng.int(1000, 9999)} ${rng.int(1000, 9999)}`]) };
  if (rng.int(0, 4) === 0) return { field, value: '' };
  const other = rng.pick(works);
  const borrowed = [...(other.title ?? '瓯江')].slice(0, rng.int(2, 6)).join('');
  return { field, value: `${borrowed}${rng.pick(['', '之夜', 'Wenzhou', ' 新编', '·续'])}` };
}

describe('the search index only narrows', () => {
  it('seeded trials: corrections, corrections taken back and reprocessing, then searches; the index finds exactly what a scan finds', async () => {
    const seeds = Number(process.env.SEARCH_SEEDS ?? 12);
    let searches = 0;
    let nonEmpty = 0;
    for (let seed = 1; seed <= seeds; seed++) {
      const rng = new Rng(seed);
      for (let step = 0; step < 8; step++) {
        const works = shownWorks();
        const { field, value } = correctionFrom(rng, works);
        correctField(app.db, app.config.contest, rng.pick(works).id, field, value, '测试', NOW);
      }
      if (seed % 4 === 0) await reprocessAll(app.deps, app.clock);
      const works = shownWorks();
      for (let q = 0; q < 40; q++) {
        const text = queryFrom(rng, works).trim();
        if (!text) continue;
        const want = expected(text);
        expect(found(text), `seed ${seed}, search "${text}" (SEARCH_SEEDS=${seeds})`).toEqual(want);
        searches++;
        if (want.length) nonEmpty++;
      }
    }
    // The trials must have searched for things that are there, not only for things that are not.
    expect(nonEmpty).toBeGreaterThan(searches / 3);
  }, 120_000);

  it('uses the index for three characters or more (the query plan names works_search)', () => {
    const plan = app.db.prepare(`EXPLAIN QUERY PLAN SELECT rowid FROM works_search WHERE text LIKE ?`).all('%洞头海%') as { detail: string }[];
    expect(plan.map((p) => p.detail).join(' ')).toMatch(/VIRTUAL TABLE INDEX/);
    expect(found('洞头海')).toEqual(expected('洞头海'));
    expect(found('洞头海').length).toBeGreaterThan(0);
  });
});
