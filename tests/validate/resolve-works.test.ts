import { describe, expect, it } from 'vitest';
import type { WorkRow } from '../../src/domain/work-resolution.ts';
import { partyOf, resolveWorks } from '../../src/validate/resolve-works.ts';

let nextId = 1;
function row(over: Partial<WorkRow> & Pick<WorkRow, 'party' | 'receivedAt'>): WorkRow {
  const id = nextId++;
  return { id, messageId: id, sourceIndex: 0, form: 'registration', titleKey: null, authors: [], links: [], ...over };
}

describe('resolving works', () => {
  it('the same answer whatever order the rows come in', () => {
    const rows = [
      row({ party: 'sender:a@163.com', receivedAt: '2024-05-01T00:00:00.000Z', titleKey: '五马街的清晨', links: ['L1'] }),
      row({ party: 'sender:a@163.com', receivedAt: '2024-05-02T00:00:00.000Z', titleKey: '五马街的清晨', links: ['L2'] }),
      row({ party: 'sender:b@qq.com', receivedAt: '2024-05-03T00:00:00.000Z', titleKey: '清晨', links: ['L2'] }),
      row({ party: 'unit:鹿城区网信办', form: 'summary', receivedAt: '2024-05-04T00:00:00.000Z', titleKey: '五马街的清晨', links: ['L2', 'L3'] }),
      row({ party: 'unit:温州日报', form: 'summary', receivedAt: '2024-05-05T00:00:00.000Z', titleKey: 'x', links: ['L3'] }),
    ];
    const [a1, a2, b, unit, other] = rows as [WorkRow, WorkRow, WorkRow, WorkRow, WorkRow];
    const expected = new Map([
      [a1.id, { superseded: true, supersedes: null, duplicateOf: null, merged: false, creditFrom: null }],
      [a2.id, { superseded: false, supersedes: a1.id, duplicateOf: null, merged: false, creditFrom: unit.id }],
      [b.id, { superseded: false, supersedes: null, duplicateOf: a2.id, merged: false, creditFrom: null }],
      [unit.id, { superseded: false, supersedes: null, duplicateOf: a2.id, merged: true, creditFrom: null }],
      [other.id, { superseded: false, supersedes: null, duplicateOf: a2.id, merged: false, creditFrom: null }],
    ]);
    expect(resolveWorks(rows)).toEqual(expected);
    expect(resolveWorks([...rows].reverse())).toEqual(expected);
    expect(resolveWorks([rows[2]!, rows[4]!, rows[0]!, rows[3]!, rows[1]!])).toEqual(expected);
  });

  it('the same link twice in one message is a duplicate, not a new version', () => {
    const first = row({ party: 'unit:鹿城区网信办', form: 'summary', receivedAt: '2024-05-01T00:00:00.000Z', links: ['L1'] });
    const second = row({ ...first, id: 999, sourceIndex: 1 });
    const r = resolveWorks([first, second]);
    expect(r.get(first.id)).toMatchObject({ superseded: false, duplicateOf: null, creditFrom: first.id });
    expect(r.get(999)).toMatchObject({ superseded: false, duplicateOf: first.id, merged: false });
  });

  it('parties: a recognized unit, an unknown one by its spelling, else the sender, else the message alone', () => {
    expect(partyOf('鹿城区网信办', '鹿城区委网信办', 'x@lucheng.gov.cn', 7)).toBe('unit:鹿城区网信办');
    expect(partyOf(null, '鹿城区新闻宣传中心', 'x@lucheng.gov.cn', 7)).toBe('unit?:鹿城区新闻宣传中心');
    expect(partyOf(null, null, ' Chen@163.com ', 7)).toBe('sender:chen@163.com');
    expect(partyOf(null, null, null, 7)).toBe('message:7');
  });
});
