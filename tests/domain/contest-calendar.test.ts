import { describe, expect, it } from 'vitest';
import { Rng } from '../../fixtures/scripts/hostile/kit.ts';
import { formatLocalDateTime, localDay, localStamp } from '../../src/domain/contest-calendar.ts';

/** What Intl itself says, field by field: the reference the fast path must agree with. */
function intl(at: Date, timeZone: string): { y: string; mo: string; d: string; h: string; mi: string } {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' }).formatToParts(at);
  const get = (t: string) => parts.find((p) => p.type === t)!.value;
  return { y: get('year'), mo: get('month'), d: get('day'), h: get('hour'), mi: get('minute') };
}

const ZONES = ['Asia/Shanghai', 'America/New_York', 'Europe/London', 'Australia/Lord_Howe', 'Asia/Kathmandu', 'Pacific/Chatham', 'UTC'];

describe('the contest calendar writes local times as Intl does', () => {
  it('seeded instants in zones with and without summer time, across their changes', () => {
    const rng = new Rng(20261203);
    for (let i = 0; i < 20_000; i++) {
      const zone = ZONES[i % ZONES.length]!;
      // Spread over 2020–2030, and every fourth one within an hour of a DST change (March/April, October/November).
      const base = Date.UTC(2020 + rng.int(0, 10), rng.pick([2, 3, 9, 10]), rng.int(1, 28), rng.int(0, 23), rng.int(0, 59), rng.int(0, 59));
      const at = new Date(i % 4 === 0 ? base : Date.UTC(2020, 0, 1) + Math.floor(rng.next() * 11 * 365 * 86_400_000));
      const f = intl(at, zone);
      expect(localStamp(at, zone), `${at.toISOString()} ${zone}`).toBe(`${f.y}-${f.mo}-${f.d} ${f.h}:${f.mi}`);
      expect(localDay(at, zone), `${at.toISOString()} ${zone}`).toBe(`${f.y}-${f.mo}-${f.d}`);
      expect(formatLocalDateTime(at, zone)).toBe(`${Number(f.y)}年${Number(f.mo)}月${Number(f.d)}日 ${f.h}:${f.mi}`);
    }
  });

  it('the contest day ends at local midnight', () => {
    expect(localDay(new Date('2024-09-25T15:59:59Z'), 'Asia/Shanghai')).toBe('2024-09-25');
    expect(localDay(new Date('2024-09-25T16:00:00Z'), 'Asia/Shanghai')).toBe('2024-09-26');
    expect(localStamp('2024-06-10T02:00:00.000Z', 'Asia/Shanghai')).toBe('2024-06-10 10:00');
  });
});
