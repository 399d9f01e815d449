import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isUsageError } from '../../src/errors.ts';
import { importFiles } from '../../src/pipeline/import-files.ts';
import { correctField, decide, markChecked, noteWork } from '../../src/review/review-work.ts';
import { auditOfEntry } from '../../src/store/audit-repo.ts';
import { listWorks } from '../../src/store/console-repo.ts';
import { readDigestData } from '../../src/digest/collect-digest.ts';
import { readExportData } from '../../src/exports/collect-exports.ts';
import { listEntries } from '../../src/store/entries-repo.ts';
import { unitProgress } from '../../src/entries/unit-progress.ts';
import { listUnitAliases } from '../../src/store/units-repo.ts';
import { reprocessAll } from '../../src/pipeline/reprocess.ts';
import { makeTestApp, type TestApp } from '../helpers/test-app.ts';

/** What a decision means, read back by every reader through reviewed_entries (migration 0007). */

let app: TestApp;
const NOW = new Date('2024-09-27T01:00:00Z');
beforeAll(async () => {
  app = makeTestApp();
  await importFiles(path.resolve('fixtures/demo-mailbox'), app.deps, app.clock, app.limits);
}, 120_000);
afterAll(() => app?.dispose());

const current = (title: string) => listEntries(app.db).find((e) => e.title === title && e.status !== 'superseded')!;
const exportOf = (title: string) => readExportData(app.db, app.config.contest, NOW).entries.find((e) => e.title === title)!;
const counted = (unit: string) => unitProgress(app.db, app.config.contest, listUnitAliases(app.db)).units.find((u) => u.name === unit)!.counted;

describe('decisions about works', () => {
  it('accepting a work with problems makes it valid for the export, the digest and the list; taking it back restores it', () => {
    const late = current('寒露时节的洞头渔港');
    expect(exportOf('寒露时节的洞头渔港')).toMatchObject({ status: 'problems', state: 'ineligible' });
    const valid0 = readDigestData(app.db, app.config.contest, '2024-09-26').totals.byState.registered;
    decide(app.db, late.id, 'accepted', '组委会同意', '张三', NOW);
    expect(exportOf('寒露时节的洞头渔港')).toMatchObject({ status: 'valid', state: 'registered', problems: [], review: ['人工接受：组委会同意（张三）'] });
    expect(readDigestData(app.db, app.config.contest, '2024-09-26').totals.byState.registered).toBe(valid0 + 1);
    expect(listWorks(app.db, { state: 'accepted' }, { offset: 0, limit: 10 }).rows.map((r) => r.id)).toEqual([late.id]);
    decide(app.db, late.id, null, '', '张三', NOW);
    expect(exportOf('寒露时节的洞头渔港').status).toBe('problems');
    expect(auditOfEntry(app.db, late.id).map((a) => [a.action, a.before, a.after])).toEqual([
      ['accept', '未决定', '人工接受：组委会同意'], ['undecide', '人工接受：组委会同意', '未决定'],
    ]);
  });

  it('an excluded work is received but never counts for its unit, and survives reprocessing', async () => {
    const work = current('江心屿四季');
    const before = counted('鹿城区网信办');
    decide(app.db, work.id, 'excluded', '侵权，取消资格', '李四', NOW);
    expect(counted('鹿城区网信办')).toBe(before - 1);
    expect(exportOf('江心屿四季')).toMatchObject({ status: 'excluded', state: 'excluded', review: ['已排除：侵权，取消资格（李四）'] });
    expect(readDigestData(app.db, app.config.contest, '2024-09-26').totals.byState.excluded).toBe(1);
    await reprocessAll(app.deps, app.clock);
    expect(counted('鹿城区网信办')).toBe(before - 1);
    expect(exportOf('江心屿四季').status).toBe('excluded');
  });

  it('a correction replaces the value everywhere while the entry keeps what the form said; an empty one takes it back', () => {
    const work = current('洞头海岛的日出');
    correctField(app.db, app.config.contest, work.id, 'phone', '13812345678', '王五', NOW);
    correctField(app.db, app.config.contest, work.id, 'authors', '黄立新、黄小新', '王五', NOW);
    expect(exportOf('洞头海岛的日出')).toMatchObject({ phone: '13812345678', authors: ['黄立新', '黄小新'] });
    expect(current('洞头海岛的日出')).toMatchObject({ phone: null, authors: ['黄立新'] });
    correctField(app.db, app.config.contest, work.id, 'phone', '', '王五', NOW);
    expect(exportOf('洞头海岛的日出').phone).toBeNull();
    expect(auditOfEntry(app.db, work.id).map((a) => [a.action, a.field, a.before, a.after])).toEqual([
      ['correct', 'phone', '', '13812345678'], ['correct', 'authors', '黄立新', '黄立新、黄小新'], ['correction_removed', 'phone', '13812345678', ''],
    ]);
  });

  it('a correction is checked by the field rules again: the right link or phone registers the work, a wrong one brings its problem back, and it survives reprocessing', async () => {
    // A bilibili link: not registered until a Douyin link arrives.
    const bridge = '温州的桥';
    expect(exportOf(bridge)).toMatchObject({ status: 'problems', state: 'needs_fix', problems: [expect.stringContaining('哔哩哔哩')] });
    const registered0 = readDigestData(app.db, app.config.contest, '2024-09-26').totals.byState.registered;
    expect(listWorks(app.db, { problemCodes: ['link_not_douyin'] }, { offset: 0, limit: 50 }).rows.map((r) => r.id)).toContain(current(bridge).id);
    correctField(app.db, app.config.contest, current(bridge).id, 'link', 'https://v.douyin.com/iRk3Qa9x/', '王五', NOW);
    expect(exportOf(bridge)).toMatchObject({ status: 'valid', state: 'registered', problems: [] });
    expect(readDigestData(app.db, app.config.contest, '2024-09-26').totals.byState.registered).toBe(registered0 + 1);
    expect(listWorks(app.db, { state: 'valid', q: bridge }, { offset: 0, limit: 10 }).rows.map((r) => r.id)).toEqual([current(bridge).id]);
    // The console's list shows the problems that still stand, and its problem filter reads the same.
    expect(listWorks(app.db, { q: bridge }, { offset: 0, limit: 10 }).rows[0]!.problems).toEqual([]);
    expect(listWorks(app.db, { problemCodes: ['link_not_douyin'] }, { offset: 0, limit: 50 }).rows.map((r) => r.id)).not.toContain(current(bridge).id);
    correctField(app.db, app.config.contest, current(bridge).id, 'link', 'https://www.bilibili.com/video/BV1xx411c7mD', '王五', NOW);
    expect(exportOf(bridge)).toMatchObject({ status: 'problems', state: 'needs_fix', problems: [expect.stringContaining('哔哩哔哩')] });

    // No phone on the form: the right one registers it, a wrong one is invalid_phone, taking it back restores the form's.
    const sunrise = '洞头海岛的日出';
    const phoneProblems = () => exportOf(sunrise).problems.filter((p) => p.includes('手机号码'));
    const missing = [expect.stringContaining('缺少“手机号码”')];
    expect(phoneProblems()).toEqual(missing);
    correctField(app.db, app.config.contest, current(sunrise).id, 'phone', '12345', '王五', NOW);
    expect(phoneProblems()).toEqual([expect.stringContaining('不是有效的手机号码')]);
    correctField(app.db, app.config.contest, current(sunrise).id, 'phone', '0577-88881234', '王五', NOW);
    expect(phoneProblems()).toEqual([]);
    const others = exportOf(sunrise).problems;
    expect(exportOf(sunrise).status).toBe(others.length ? 'problems' : 'valid');

    await reprocessAll(app.deps, app.clock);
    expect(phoneProblems()).toEqual([]);
    expect(exportOf(sunrise).phone).toBe('0577-88881234');
    correctField(app.db, app.config.contest, current(sunrise).id, 'phone', '', '王五', NOW);
    expect(phoneProblems()).toEqual(missing);
    expect(exportOf(sunrise).status).toBe('problems');
  });

  it('checked and notes show in the export; refusals are clear and change nothing', () => {
    const work = current('瓯窑的火');
    markChecked(app.db, work.id, true, '赵六', NOW);
    noteWork(app.db, work.id, '已电话联系', '赵六', NOW);
    expect(exportOf('瓯窑的火').review).toEqual(['已核对（赵六）', '备注：已电话联系']);
    const superseded = listEntries(app.db, { includeSuperseded: true }).find((e) => e.status === 'superseded')!;
    for (const attempt of [
      () => decide(app.db, work.id, 'excluded', '  ', '赵六', NOW),
      () => decide(app.db, superseded.id, 'accepted', '旧版本', '赵六', NOW),
      () => noteWork(app.db, 999_999, '没有这个作品', '赵六', NOW),
      () => correctField(app.db, app.config.contest, work.id, 'intro', '长'.repeat(1001), '赵六', NOW),
    ]) {
      let err: unknown;
      try { attempt(); } catch (e) { err = e; }
      expect(isUsageError(err)).toBe(true);
    }
    expect(auditOfEntry(app.db, work.id).map((a) => a.action)).toEqual(['checked', 'note']);
  });
});
