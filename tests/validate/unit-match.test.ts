import { describe, expect, it } from 'vitest';
import { loadContest, type UnitConfig } from '../../src/config.ts';
import { createUnitMatcher, matchUnit, unknownUnitProblem } from '../../src/validate/unit-match.ts';

const contest = loadContest('config');
const units = contest.units;
// The same units without any configured alias: what normalization alone must recognize.
const bare: UnitConfig[] = units.map((u) => ({ ...u, aliases: [] }));
const nameOf = (text: string, list: readonly UnitConfig[] = units): string | null => matchUnit(text, list)?.unit.name ?? null;

describe('unit names as people write them', () => {
  it('鹿城区委网信办, 鹿城区网信办, 中共鹿城区委网信办 and 鹿城区委宣传部 are the Lucheng office', () => {
    for (const spelling of ['鹿城区委网信办', '鹿城区网信办', '中共鹿城区委网信办', '鹿城区委宣传部']) {
      expect(nameOf(spelling), spelling).toBe('鹿城区网信办');
    }
  });

  it('温州日报社 is 温州日报 and 温州市公安局 is 市公安局', () => {
    expect(nameOf('温州日报社')).toBe('温州日报');
    expect(nameOf('温州市公安局')).toBe('市公安局');
  });

  it('recognizes them by normalization alone, without configured aliases', () => {
    expect(nameOf('中共鹿城区委网信办', bare)).toBe('鹿城区网信办');
    expect(nameOf('鹿城区委网信办', bare)).toBe('鹿城区网信办');
    expect(nameOf('鹿城区委网络安全和信息化委员会办公室', bare)).toBe('鹿城区网信办');
    expect(nameOf('温州市鹿城区委网信办', bare)).toBe('鹿城区网信办');
    expect(nameOf('中共温州市鹿城区委网信办', bare)).toBe('鹿城区网信办');
    expect(nameOf('温州日报社', bare)).toBe('温州日报');
    expect(nameOf('温州市公安局', bare)).toBe('市公安局');
    expect(nameOf('温州市教育局', bare)).toBe('市教育局');
  });

  it('tolerates spaces, brackets, full-width characters and a (盖章) note', () => {
    expect(nameOf(' 鹿城区 委 网信办 ')).toBe('鹿城区网信办');
    expect(nameOf('鹿城区委网信办（盖章）')).toBe('鹿城区网信办');
    expect(nameOf('【温州市公安局】')).toBe('市公安局');
    expect(nameOf('（中共）鹿城区委网信办')).toBe('鹿城区网信办');
    expect(nameOf('温州日报社\u3000')).toBe('温州日报');
    expect(nameOf('温度新闻客户端（温州日报报业集团）')).toBe('温度新闻客户端');
    expect(nameOf('温州报业集团（温州日报）')).toBe('温州日报');
    expect(nameOf('ＷＥＮＺＨＯＵ网')).toBeNull();
  });

  it('keeps county offices apart from each other and from city departments', () => {
    expect(nameOf('龙湾区委网信办')).toBe('龙湾区网信办');
    expect(nameOf('瑞安市委宣传部')).toBe('瑞安市网信办');
    expect(nameOf('泰顺县网信办')).toBe('泰顺县网信办');
    expect(nameOf('鹿城区融媒体中心')).toBe('鹿城区融媒体中心');
  });

  it('an unknown unit is null and becomes unknown_unit for the organizers', () => {
    expect(matchUnit('温州市文化广电旅游局', units)).toBeNull();
    expect(matchUnit('', units)).toBeNull();
    expect(matchUnit(null, units)).toBeNull();
    const p = unknownUnitProblem(' 温州市文化广电旅游局 ');
    expect(p).toMatchObject({ code: 'unknown_unit', actor: 'organizer', field: 'unit', detail: '温州市文化广电旅游局' });
    expect(p.message).toContain('“温州市文化广电旅游局”');
  });

  it('uses aliases added at run time, normalized like the rest', () => {
    const extra = [{ alias: '鹿城区新闻宣传中心', unitName: '鹿城区网信办' }];
    expect(matchUnit('鹿城区新闻宣传中心', units)).toBeNull();
    expect(matchUnit('中共 鹿城区新闻宣传中心', units, extra)).toMatchObject({ unit: { name: '鹿城区网信办' }, via: 'added_alias' });
    const match = createUnitMatcher(units, extra);
    expect(match('温州日报')?.via).toBe('name');
    expect(match('温州新闻网')?.via).toBe('alias');
  });

  it('ignores an added alias that points at a unit the config does not have, and never re-points a configured name', () => {
    expect(matchUnit('文广旅局', units, [{ alias: '文广旅局', unitName: '市文广旅局' }])).toBeNull();
    expect(matchUnit('温州日报', units, [{ alias: '温州日报', unitName: '温州晚报' }])?.unit.name).toBe('温州日报');
  });
});
