import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../fixtures/scripts/hostile/kit.ts';
import { importFiles } from '../../src/pipeline/import-files.ts';
import { reprocessAll } from '../../src/pipeline/reprocess.ts';
import { correctField, decide, markChecked } from '../../src/review/review-work.ts';
import { listWorks, type WorkQuery } from '../../src/store/console-repo.ts';
import { openDatabase, type Db } from '../../src/store/db.ts';
import { makeTestApp, type TestApp } from '../helpers/test-app.ts';

/**
 * The 作品 list keeps a view's works in order until anything in the database changes (console-repo.ts). The worker
 * and the console may be two processes, so a change made through another connection must be seen as surely as one
 * made through the console's own. Seeded trials of decisions, checks, corrections and reprocessing, made through
 * either connection, each followed by views read through the console's: every page, its rows' values and the total
 * must be what the database says now. The failing seed is printed (VIEW_SEEDS sets how many).
 */

let app: TestApp;
let other: Db;
const NOW = new Date('2024-09-27T01:00:00Z');
beforeAll(async () => {
  app = makeTestApp();
  await importFiles(path.resolve('fixtures/demo-mailbox'), app.deps, app.clock, app.limits);
  other = openDatabase(app.dataDir);
}, 120_000);
afterAll(() => {
  other?.close();
  app?.dispose();
});

interface Shown { id: number; title: string | null; status: string; decision: string | null; checkedBy: string | null; receivedAt: string }

/** What the database says now, read without the console's code: the reference. */
function expected(q: WorkQuery): number[] {
  const rows = app.db.prepare(`SELECT id, title, status, decision, checked_by AS checkedBy, received_at AS receivedAt FROM reviewed_entries`).all() as Shown[];
  const kept = rows.filter((r) => {
    if (q.state === 'superseded') return r.status === 'superseded';
    if (r.status === 'superseded') return false;
    if (q.state === 'checked') return r.checkedBy !== null;
    if (q.state === 'accepted') return r.decision === 'accepted';
    return !q.state || r.status === q.state;
  });
  const sign = q.desc === false ? 1 : -1;
  const key = (r: Shown) => (q.sort === 'title' ? (r.title ?? '') : r.receivedAt);
  // SQLite sorts NULL first and compares titles with NOCASE; the fixture's titles have no ASCII case to fold.
  return kept.sort((a, b) => {
    if (q.sort === 'title' && (a.title === null) !== (b.title === null)) return sign * (a.title === null ? -1 : 1);
    const ka = key(a);
    const kb = key(b);
    return (ka < kb ? -sign : ka > kb ? sign : 0) || sign * (a.id - b.id);
  }).map((r) => r.id);
}

function shownNow(id: number): Omit<Shown, 'receivedAt'> {
  return app.db.prepare('SELECT id, title, status, decision, checked_by AS checkedBy FROM reviewed_entries WHERE id = ?').get(id) as Omit<Shown, 'receivedAt'>;
}

const QUERIES: WorkQuery[] = [{}, { state: 'valid' }, { state: 'problems' }, { state: 'excluded' }, { state: 'checked' }, { state: 'accepted' },
  { sort: 'title', desc: false }, { state: 'superseded' }];

describe('the 作品 list keeps a view until the database changes', () => {
  it('seeded trials: changes through the console\'s connection or another one; every page and total then read is the database\'s', async () => {
    const seeds = Number(process.env.VIEW_SEEDS ?? 10);
    let pages = 0;
    for (let seed = 1; seed <= seeds; seed++) {
      const rng = new Rng(seed);
      for (let step = 0; step < 12; step++) {
        const ids = (app.db.prepare(`SELECT id FROM entries WHERE status <> 'superseded'`).all() as { id: number }[]).map((r) => r.id);
        const db = rng.pick([app.db, other]);
        const id = rng.pick(ids);
        const action = rng.int(0, 4);
        if (action === 0) decide(db, id, rng.pick(['accepted', 'excluded', null] as const), '测试', '测试', NOW);
        else if (action === 1) markChecked(db, id, rng.pick([true, false]), '测试', NOW);
        else if (action === 2) correctField(db, app.config.contest, id, 'title', rng.pick(['', '瓯江夜色', 'Wenzhou 之夜', '雁荡']), '测试', NOW);
        else if (action === 3 && step % 6 === 0) await reprocessAll(app.deps, app.clock);
        for (const q of [rng.pick(QUERIES), rng.pick(QUERIES)]) {
          const want = expected(q);
          const limit = rng.pick([5, 50]);
          const offset = rng.pick([0, limit, 2 * limit]);
          const got = listWorks(app.db, q, { offset, limit });
          const context = `seed ${seed}, step ${step}, ${JSON.stringify(q)} offset ${offset} (VIEW_SEEDS=${seeds})`;
          expect(got.total, context).toBe(want.length);
          expect(got.rows.map((r) => r.id), context).toEqual(want.slice(offset, offset + limit));
          // The page's rows are kept with the view: what each says must be the database's now, not when it was read.
          expect(got.rows.map((r) => ({ id: r.id, title: r.title, status: r.status, decision: r.decision, checkedBy: r.checkedBy })), context)
            .toEqual(got.rows.map((r) => shownNow(r.id)));
          pages++;
        }
      }
    }
    expect(pages).toBe(seeds * 12 * 2);
  }, 120_000);
});
