import { endOfLocalDay } from '../validate/contest-time.ts';

/**
 * Calendar days in the contest's time zone (YYYY-MM-DD): caps count per local day, the digest reports one local
 * day, and the deadline is a local day. Intl knows the zone rules; no date library.
 */

// Building a DateTimeFormat costs far more than using one (localDay runs several times per message): one per use and
// zone, kept.
const formats = new Map<string, Intl.DateTimeFormat>();
function format(use: 'day' | 'stamp', timeZone: string): Intl.DateTimeFormat {
  const key = `${use} ${timeZone}`;
  let f = formats.get(key);
  if (!f) {
    // en-CA writes YYYY-MM-DD.
    f = use === 'day'
      ? new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' })
      : new Intl.DateTimeFormat('en-CA', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' });
    formats.set(key, f);
  }
  return f;
}

export function localDay(at: Date, timeZone: string): string {
  return format('day', timeZone).format(at);
}

/** 2024-06-30 + 1 → 2024-07-01 (plain calendar arithmetic, no zone involved). */
export function addDays(day: string, n: number): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10);
}

/** Whole calendar days from a to b (b − a). */
export function daysBetween(a: string, b: string): number {
  const ms = (s: string) => {
    const [y, m, d] = s.split('-').map(Number) as [number, number, number];
    return Date.UTC(y, m - 1, d);
  };
  return Math.round((ms(b) - ms(a)) / 86_400_000);
}

/** [start, end) of a local day as instants. */
export function dayRange(day: string, timeZone: string): { start: Date; end: Date } {
  return { start: endOfLocalDay(addDays(day, -1), timeZone), end: endOfLocalDay(day, timeZone) };
}

/** The day a morning digest reports on: the local day before `now`. */
export function previousLocalDay(now: Date, timeZone: string): string {
  return addDays(localDay(now, timeZone), -1);
}

export function isIsoDay(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  return addDays(value, 0) === value;
}

/** 2024-06-10 10:00 in the zone: for tables people read. */
export function localStamp(at: Date | string, timeZone: string): string {
  const d = typeof at === 'string' ? new Date(at) : at;
  if (Number.isNaN(d.getTime())) return '';
  const parts = format('stamp', timeZone).formatToParts(d);
  const get = (type: Intl.DateTimeFormatPartTypes): string => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')}`;
}

const WEEKDAYS = ['日', '一', '二', '三', '四', '五', '六'];

/** 2024-06-10 → 2024年6月10日（星期一）. */
export function chineseDay(day: string): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return `${y}年${m}月${d}日（星期${WEEKDAYS[new Date(Date.UTC(y, m - 1, d)).getUTCDay()]}）`;
}
