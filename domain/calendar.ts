// Business calendar: working days in the shop's time zone, with public holidays and make-up
// working days (weekend days worked to bridge a holiday). Pure and deterministic, so workflows
// use it too. Dates are local calendar dates as 'YYYY-MM-DD'.
import { DAY } from './time';

export interface BusinessCalendar {
  /** IANA zone in which days and months are counted. */
  timeZone: string;
  /** 0 = Sunday ... 6 = Saturday */
  weekendDays: number[];
  /** days off that would otherwise be working days */
  holidays: string[];
  /** weekend days that are working days */
  makeupWorkdays: string[];
}

// Mainland China, State Council notice of 2025-11-04 (国办发明电 2026 arrangement).
const CN_2026_HOLIDAYS = [
  '2026-01-01',
  '2026-01-02',
  '2026-01-03',
  '2026-02-15',
  '2026-02-16',
  '2026-02-17',
  '2026-02-18',
  '2026-02-19',
  '2026-02-20',
  '2026-02-21',
  '2026-02-22',
  '2026-02-23',
  '2026-04-04',
  '2026-04-05',
  '2026-04-06',
  '2026-05-01',
  '2026-05-02',
  '2026-05-03',
  '2026-05-04',
  '2026-05-05',
  '2026-06-19',
  '2026-06-20',
  '2026-06-21',
  '2026-09-25',
  '2026-09-26',
  '2026-09-27',
  '2026-10-01',
  '2026-10-02',
  '2026-10-03',
  '2026-10-04',
  '2026-10-05',
  '2026-10-06',
  '2026-10-07',
];
const CN_2026_MAKEUP = ['2026-01-04', '2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10'];

// 2027: the statutory days (元旦 1, 春节 4, 清明 1, 劳动节 2, 端午 1, 中秋 1, 国庆 3) with weekday
// substitutes for those falling on a weekend. Provisional: the State Council's notice adds bridging
// days and make-up Saturdays; a deployment replaces this list when it is published.
const CN_2027_HOLIDAYS = [
  '2027-01-01',
  '2027-02-05',
  '2027-02-06',
  '2027-02-07',
  '2027-02-08',
  '2027-02-09',
  '2027-02-10',
  '2027-04-05',
  '2027-05-01',
  '2027-05-02',
  '2027-05-03',
  '2027-05-04',
  '2027-06-09',
  '2027-09-15',
  '2027-10-01',
  '2027-10-02',
  '2027-10-03',
  '2027-10-04',
  '2027-10-05',
];

export const CN_CALENDAR: BusinessCalendar = {
  timeZone: 'Asia/Shanghai',
  weekendDays: [0, 6],
  holidays: [...CN_2026_HOLIDAYS, ...CN_2027_HOLIDAYS],
  makeupWorkdays: [...CN_2026_MAKEUP],
};

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function dayNumber(date: string): number {
  const m = DATE.exec(date);
  if (!m) throw new RangeError(`not a YYYY-MM-DD date: "${date}"`);
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) / DAY;
}
const fromDayNumber = (n: number): string => new Date(n * DAY).toISOString().slice(0, 10);

export function addDays(date: string, n: number): string {
  return fromDayNumber(dayNumber(date) + n);
}

export function dayOfWeek(date: string): number {
  return new Date(dayNumber(date) * DAY).getUTCDay();
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function partsIn(ms: number, timeZone: string): { y: number; mo: number; d: number; h: number; mi: number; s: number } {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  const p: Record<string, number> = {};
  for (const part of f.formatToParts(new Date(ms))) if (part.type !== 'literal') p[part.type] = Number(part.value);
  return { y: p.year, mo: p.month, d: p.day, h: p.hour, mi: p.minute, s: p.second };
}

/** The local calendar date of an instant, e.g. 2026-01-31T16:00:00Z in Asia/Shanghai -> '2026-02-01'. */
export function localDate(at: string | number, timeZone: string): string {
  const p = partsIn(typeof at === 'number' ? at : Date.parse(at), timeZone);
  return `${p.y}-${String(p.mo).padStart(2, '0')}-${String(p.d).padStart(2, '0')}`;
}

/** 'YYYY-MM' of an instant in the zone (M6 counts per calendar month). */
export function localMonth(at: string | number, timeZone: string): string {
  return localDate(at, timeZone).slice(0, 7);
}

function offsetMs(ms: number, timeZone: string): number {
  const p = partsIn(ms, timeZone);
  return Date.UTC(p.y, p.mo - 1, p.d, p.h, p.mi, p.s) - Math.floor(ms / 1000) * 1000;
}

/** The instant (UTC ISO) at which the local date begins in the zone. */
export function startOfLocalDay(date: string, timeZone: string): string {
  const guess = dayNumber(date) * DAY;
  let at = guess - offsetMs(guess, timeZone);
  at = guess - offsetMs(at, timeZone); // second pass settles a DST change between guess and result
  return new Date(at).toISOString();
}

export function isWorkingDay(date: string, cal: BusinessCalendar): boolean {
  if (cal.makeupWorkdays.includes(date)) return true;
  if (cal.holidays.includes(date)) return false;
  return !cal.weekendDays.includes(dayOfWeek(date));
}

/** The n-th working day after `date` (n >= 1); n = 0 gives `date` itself. */
export function addWorkingDays(date: string, n: number, cal: BusinessCalendar): string {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`working days must be a non-negative integer, got ${n}`);
  let d = date;
  for (let found = 0; found < n;) {
    d = addDays(d, 1);
    if (isWorkingDay(d, cal)) found++;
    if (dayNumber(d) - dayNumber(date) > 3660) throw new RangeError('no working days in ten years: check the calendar');
  }
  return d;
}

/** Working days d with from < d <= to (0 when to <= from). */
export function workingDaysBetween(from: string, to: string, cal: BusinessCalendar): number {
  let count = 0;
  for (let d = addDays(from, 1); dayNumber(d) <= dayNumber(to); d = addDays(d, 1)) if (isWorkingDay(d, cal)) count++;
  return count;
}

/** A readable complaint for each malformed entry, so a bad configuration fails at start. */
export function calendarProblems(cal: BusinessCalendar): string[] {
  const problems: string[] = [];
  try {
    localDate(0, cal.timeZone);
  } catch {
    problems.push(`unknown time zone "${cal.timeZone}"`);
  }
  for (const d of cal.weekendDays)
    if (!Number.isInteger(d) || d < 0 || d > 6) problems.push(`weekendDays: ${d} is not 0..6`);
  for (const [field, dates] of [
    ['holidays', cal.holidays],
    ['makeupWorkdays', cal.makeupWorkdays],
  ] as const) {
    for (const d of dates)
      if (!DATE.test(d) || fromDayNumber(dayNumber(d)) !== d)
        problems.push(`${field}: "${d}" is not a YYYY-MM-DD date`);
  }
  return problems;
}
