/**
 * Contest dates are calendar days in the contest's time zone ("至 2024 年 9 月 25 日"): a day ends at local
 * midnight, whatever the server's own zone is. No date library: Intl knows the zone rules.
 */

// Building a DateTimeFormat costs far more than using one: one per zone, kept.
const formats = new Map<string, Intl.DateTimeFormat>();
function wallClock(timeZone: string): Intl.DateTimeFormat {
  let f = formats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit',
      hour: '2-digit', minute: '2-digit', second: '2-digit',
    });
    formats.set(timeZone, f);
  }
  return f;
}

function zoneOffsetMs(at: Date, timeZone: string): number {
  const parts = wallClock(timeZone).formatToParts(at);
  const get = (type: Intl.DateTimeFormatPartTypes): number => Number(parts.find((p) => p.type === type)?.value);
  const wall = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return wall - Math.floor(at.getTime() / 1000) * 1000;
}

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

/** 2024年9月26日 08:15, in the contest's zone, for sentences addressed to people. */
export function formatLocalDateTime(at: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: '2-digit', minute: '2-digit',
  }).formatToParts(at);
  const get = (type: Intl.DateTimeFormatPartTypes): string => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}年${get('month')}月${get('day')}日 ${get('hour')}:${get('minute')}`;
}

/** 2024-09-25 → 2024年9月25日. */
export function formatIsoDate(isoDate: string): string {
  const [y, m, d] = parseIsoDate(isoDate);
  return `${y}年${m}月${d}日`;
}
