import { loadConfig } from '../../config';
import {
  addWorkingDays,
  calendarProblems,
  CN_CALENDAR,
  isWorkingDay,
  localDate,
  localMonth,
  startOfLocalDay,
  workingDaysBetween,
  type BusinessCalendar,
} from '../../domain/calendar';

const cn = CN_CALENDAR;

describe('business calendar (working days for M1 and M5)', () => {
  it('weekdays work, weekends rest, in an ordinary week', () => {
    expect(isWorkingDay('2026-03-06', cn)).toBe(true); // Friday
    expect(isWorkingDay('2026-03-07', cn)).toBe(false); // Saturday
    expect(isWorkingDay('2026-03-08', cn)).toBe(false); // Sunday
    expect(addWorkingDays('2026-03-06', 1, cn)).toBe('2026-03-09');
    expect(addWorkingDays('2026-03-06', 0, cn)).toBe('2026-03-06');
  });

  it('holiday runs: the nine-day Spring Festival 2026 (Feb 15-23) counts as no working days', () => {
    for (let d = 15; d <= 23; d++) expect(isWorkingDay(`2026-02-${d}`, cn)).toBe(false);
    // Friday Feb 13 -> Saturday Feb 14 (a make-up day) -> Tuesday Feb 24 (first day after the run)
    expect(addWorkingDays('2026-02-13', 1, cn)).toBe('2026-02-14');
    expect(addWorkingDays('2026-02-13', 2, cn)).toBe('2026-02-24');
    expect(workingDaysBetween('2026-02-14', '2026-02-23', cn)).toBe(0);
  });

  it('holiday runs: Mid-Autumn and National Day 2026 back to back, with make-up Sunday Sep 20 and Saturday Oct 10', () => {
    expect(isWorkingDay('2026-09-20', cn)).toBe(true); // Sunday, make-up
    expect(isWorkingDay('2026-10-10', cn)).toBe(true); // Saturday, make-up
    expect(isWorkingDay('2026-10-11', cn)).toBe(false); // plain Sunday
    expect(addWorkingDays('2026-09-24', 1, cn)).toBe('2026-09-28'); // Sep 25-27 off
    expect(addWorkingDays('2026-09-30', 1, cn)).toBe('2026-10-08'); // Oct 1-7 off
    expect(addWorkingDays('2026-10-09', 1, cn)).toBe('2026-10-10');
    expect(addWorkingDays('2026-10-09', 2, cn)).toBe('2026-10-12');
  });

  it('make-up working days: Sunday Jan 4 2026 and Saturday May 9 2026 are working days', () => {
    expect(isWorkingDay('2026-01-04', cn)).toBe(true);
    expect(isWorkingDay('2026-05-09', cn)).toBe(true);
    expect(addWorkingDays('2025-12-31', 1, cn)).toBe('2026-01-04'); // Jan 1-3 off, Sunday worked
    expect(addWorkingDays('2026-04-30', 1, cn)).toBe('2026-05-06'); // May 1-5 off
  });

  it('year boundary: the last working day of 2026 plus one is Monday Jan 4 2027 (New Year holiday and weekend between)', () => {
    expect(addWorkingDays('2026-12-31', 1, cn)).toBe('2027-01-04');
    expect(workingDaysBetween('2026-12-25', '2027-01-08', cn)).toBe(9);
    expect(workingDaysBetween('2027-01-08', '2026-12-25', cn)).toBe(0);
  });

  it('2027 defaults include the statutory holidays with weekday substitutes (Spring Festival Feb 5-10, National Day Oct 1-5)', () => {
    expect(addWorkingDays('2027-02-04', 1, cn)).toBe('2027-02-11');
    expect(addWorkingDays('2027-09-30', 1, cn)).toBe('2027-10-06');
  });

  it('days and months are counted in the shop time zone, not UTC', () => {
    expect(localDate('2026-01-31T15:59:59Z', 'Asia/Shanghai')).toBe('2026-01-31');
    expect(localDate('2026-01-31T16:00:00Z', 'Asia/Shanghai')).toBe('2026-02-01');
    expect(localMonth('2026-01-31T16:00:00Z', 'Asia/Shanghai')).toBe('2026-02');
    expect(startOfLocalDay('2026-03-16', 'Asia/Shanghai')).toBe('2026-03-15T16:00:00.000Z');
    // a zone with daylight saving: midnight moves by an hour across the change
    expect(startOfLocalDay('2026-03-08', 'America/New_York')).toBe('2026-03-08T05:00:00.000Z');
    expect(startOfLocalDay('2026-03-09', 'America/New_York')).toBe('2026-03-09T04:00:00.000Z');
  });

  it('a deployment replaces the calendar in configuration (holidays, make-up days, weekend days, zone)', () => {
    const custom: BusinessCalendar = {
      timeZone: 'Asia/Dubai',
      weekendDays: [6, 0],
      holidays: ['2026-03-10'],
      makeupWorkdays: [],
    };
    const policy = loadConfig({ POLICY_OVERRIDES: JSON.stringify({ calendar: custom }) }).policy;
    expect(policy.calendar).toEqual(custom);
    expect(addWorkingDays('2026-03-09', 1, policy.calendar)).toBe('2026-03-11');
    expect(isWorkingDay('2026-02-16', policy.calendar)).toBe(true); // no Spring Festival in this calendar
    const fridayOff = { ...custom, weekendDays: [5, 6] };
    expect(isWorkingDay('2026-03-13', fridayOff)).toBe(false);
    expect(isWorkingDay('2026-03-15', fridayOff)).toBe(true);
  });

  it('a malformed calendar fails at start with a readable reason', () => {
    expect(
      calendarProblems({ ...cn, holidays: ['2026-02-30', '2026/10/01'], weekendDays: [7], timeZone: 'Mars/Olympus' }),
    ).toEqual([
      'unknown time zone "Mars/Olympus"',
      'weekendDays: 7 is not 0..6',
      'holidays: "2026-02-30" is not a YYYY-MM-DD date',
      'holidays: "2026/10/01" is not a YYYY-MM-DD date',
    ]);
    expect(() => loadConfig({ POLICY_OVERRIDES: JSON.stringify({ calendar: { holidays: ['tomorrow'] } }) })).toThrow(
      /holidays: "tomorrow"/,
    );
    expect(calendarProblems(cn)).toEqual([]);
  });
});
