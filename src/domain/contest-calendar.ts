/**
 * The contest's calendar: its dates are calendar days in the contest's time zone ("至 2024 年 9 月 25 日"), so a
 * day ends at local midnight whatever the server's own zone is. Caps count per local day, the digest reports one
 * local day, the deadline is a local day. Days are written YYYY-MM-DD. No date library: Intl knows the zone rules.
 */

type FormatUse = 'wall';

const FORMAT_OPTIONS: Record<FormatUse, [string, Intl.DateTimeFormatOptions]> = {
  // Every field as digits: the zone's offset is read from these.
  wall: ['en-US', { hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' }],
};

// Building a DateTimeFormat costs far more than using one (localDay runs several times per message): one per use
// and zone, kept.
const formats = new Map<string, Intl.DateTimeFormat>();
function format(use: FormatUse, timeZone: string): Intl.DateTimeFormat {
  const key = `${use} ${timeZone}`;
  let f = formats.get(key);
  if (!f) {
    const [locale, options] = FORMAT_OPTIONS[use];
    f = new Intl.DateTimeFormat(locale, { timeZone, ...options });
    formats.set(key, f);
  }
  return f;
}

function partsOf(use: FormatUse, at: Date, timeZone: string): (type: Intl.DateTimeFormatPartTypes) => string {
  const parts = format(use, timeZone).formatToParts(at);
  return (type) => parts.find((p) => p.type === type)?.value ?? '';
}

function zoneOffsetMs(at: Date, timeZone: string): number {
  const get = partsOf('wall', at, timeZone);
  const n = (type: Intl.DateTimeFormatPartTypes): number => Number(get(type));
  const wall = Date.UTC(n('year'), n('month') - 1, n('day'), n('hour'), n('minute'), n('second'));
  return wall - Math.floor(at.getTime() / 1000) * 1000;
}

/**
 * The zone's offset at an instant, asked of Intl once per quarter hour of time: zones' offsets and their changes
 * fall on quarter hours, and a table of works writes a date per row (formatToParts costs microseconds each).
 */
const QUARTER_HOUR = 15 * 60_000;
const offsets = new Map<string, Map<number, number>>();
function offsetAt(at: Date, timeZone: string): number {
  let zone = offsets.get(timeZone);
  if (!zone) offsets.set(timeZone, (zone = new Map()));
  const bucket = Math.floor(at.getTime() / QUARTER_HOUR);
  let offset = zone.get(bucket);
  if (offset === undefined) {
    offset = zoneOffsetMs(new Date(bucket * QUARTER_HOUR), timeZone);
    if (zone.size > 10_000) zone.clear();
    zone.set(bucket, offset);
  }
  return offset;
}

/** The wall clock in the zone at an instant, as the UTC fields of a Date. */
function wallClock(at: Date, timeZone: string): Date {
  return new Date(at.getTime() + offsetAt(at, timeZone));
}

const pad2 = (n: number): string => String(n).padStart(2, '0');

/** The instant local midnight starts the given day (YYYY-MM-DD, with day overflow allowed) in the zone. */
function startOfLocalDay(year: number, month: number, day: number, timeZone: string): Date {
  const wall = Date.UTC(year, month - 1, day);
  let t = wall - zoneOffsetMs(new Date(wall), timeZone);
  // Second pass: the offset at the real instant may differ from the guess across a DST change.
  t = wall - zoneOffsetMs(new Date(t), timeZone);
  return new Date(t);
}

function parseIsoDate(isoDate: string): [number, number, number] {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(isoDate);
  if (!m) throw new Error(`not a YYYY-MM-DD date: ${isoDate}`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

/** Year, month, day of a day already known to be YYYY-MM-DD. */
function ymd(day: string): [number, number, number] {
  const [y, m, d] = day.split('-').map(Number);
  return [y ?? NaN, m ?? NaN, d ?? NaN];
}

// ---- instants and deadlines -------------------------------------------------------------------------------

/**
 * First instant after the given day in the zone: something arriving at or after it missed a deadline
 * that includes that day. 2024-09-25 in Asia/Shanghai → 2024-09-25T16:00:00Z.
 */
export function endOfLocalDay(isoDate: string, timeZone: string): Date {
  const [y, m, d] = parseIsoDate(isoDate);
  return startOfLocalDay(y, m, d + 1, timeZone);
}

/** Collection runs up to and including the deadline day. */
export function isAfterDeadline(receivedAt: Date, deadline: string, timeZone: string): boolean {
  return receivedAt.getTime() >= endOfLocalDay(deadline, timeZone).getTime();
}

/** [start, end) of a local day as instants. */
export function dayRange(day: string, timeZone: string): { start: Date; end: Date } {
  return { start: endOfLocalDay(addDays(day, -1), timeZone), end: endOfLocalDay(day, timeZone) };
}

// ---- days -------------------------------------------------------------------------------------------------

/** The local day (YYYY-MM-DD) an instant falls on in the zone. */
export function localDay(at: Date, timeZone: string): string {
  return wallClock(at, timeZone).toISOString().slice(0, 10);
}

/** The day a morning digest reports on: the local day before `now`. */
export function previousLocalDay(now: Date, timeZone: string): string {
  return addDays(localDay(now, timeZone), -1);
}

/** 2024-06-30 + 1 → 2024-07-01 (plain calendar arithmetic, no zone involved). */
export function addDays(day: string, n: number): string {
  const [y, m, d] = ymd(day);
  return new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10);
}

/** Whole calendar days from a to b (b − a). */
export function daysBetween(a: string, b: string): number {
  const ms = (s: string) => {
    const [y, m, d] = ymd(s);
    return Date.UTC(y, m - 1, d);
  };
  return Math.round((ms(b) - ms(a)) / 86_400_000);
}

export function isIsoDay(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  return addDays(value, 0) === value;
}

// ---- for people -------------------------------------------------------------------------------------------

/** 2024年9月26日 08:15, in the contest's zone, for sentences addressed to people. */
export function formatLocalDateTime(at: Date, timeZone: string): string {
  const w = wallClock(at, timeZone);
  return `${w.getUTCFullYear()}年${w.getUTCMonth() + 1}月${w.getUTCDate()}日 ${pad2(w.getUTCHours())}:${pad2(w.getUTCMinutes())}`;
}

/** 2024-09-25 → 2024年9月25日. */
export function formatIsoDate(isoDate: string): string {
  const [y, m, d] = parseIsoDate(isoDate);
  return `${y}年${m}月${d}日`;
}

/** 2024-06-10 10:00 in the zone: for tables people read. */
export function localStamp(at: Date | string, timeZone: string): string {
  const d = typeof at === 'string' ? new Date(at) : at;
  if (Number.isNaN(d.getTime())) return '';
  return wallClock(d, timeZone).toISOString().slice(0, 16).replace('T', ' ');
}

const WEEKDAYS = ['日', '一', '二', '三', '四', '五', '六'];

/** 2024-06-10 → 2024年6月10日（星期一）. */
export function chineseDay(day: string): string {
  const [y, m, d] = ymd(day);
  return `${y}年${m}月${d}日（星期${WEEKDAYS[new Date(Date.UTC(y, m - 1, d)).getUTCDay()]}）`;
}
