import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../src/store/db.ts';
import { addUnitAlias, listUnitAliases, removeUnitAlias } from '../../src/store/units-repo.ts';

let dir: string;
let db: Db;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'ci-units-'));
  db = openDatabase(dir);
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('unit aliases', () => {
  it('adds, lists in the order added, re-points and removes an alias', () => {
    addUnitAlias(db, '鹿城区新闻宣传中心', '鹿城区网信办', new Date('2024-05-01T00:00:00Z'));
    addUnitAlias(db, '瓯海区委宣传部网信科', '瓯海区网信办', new Date('2024-05-02T00:00:00Z'));
    expect(listUnitAliases(db).map((a) => a.alias)).toEqual(['鹿城区新闻宣传中心', '瓯海区委宣传部网信科']);

    addUnitAlias(db, '鹿城区新闻宣传中心', '鹿城区融媒体中心', new Date('2024-05-03T00:00:00Z'));
    expect(listUnitAliases(db)).toEqual([
      { alias: '瓯海区委宣传部网信科', unitName: '瓯海区网信办', addedAt: '2024-05-02T00:00:00.000Z' },
      { alias: '鹿城区新闻宣传中心', unitName: '鹿城区融媒体中心', addedAt: '2024-05-03T00:00:00.000Z' },
    ]);

    expect(removeUnitAlias(db, '鹿城区新闻宣传中心')).toBe(true);
    expect(removeUnitAlias(db, '鹿城区新闻宣传中心')).toBe(false);
    expect(listUnitAliases(db).map((a) => a.alias)).toEqual(['瓯海区委宣传部网信科']);
  });

  it('stores the alias width-folded and trimmed, and refuses an empty one', () => {
    expect(addUnitAlias(db, '　温州ｘｘ中心 ', '温州网', new Date('2024-05-01T00:00:00Z')).alias).toBe('温州xx中心');
    expect(() => addUnitAlias(db, '  ', '温州网', new Date('2024-05-01T00:00:00Z'))).toThrow(/empty/);
  });
});
