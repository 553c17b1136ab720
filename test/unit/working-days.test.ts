import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import {
  DEFAULT_DEADLINES,
  addCalendarDays,
  addWorkingDays,
  deadlineSeconds,
  endOfChinaDay,
  isCalendarDay,
  shiftDay,
  weekdayCalendar,
  type WorkdayCalendar,
} from '../../shared/domain/working-days';
import { chinaDay } from '../../shared/domain/need-record';
import { calendarOf } from '../../shared/adapters/calendar';

const chineseCalendar = calendarOf();

const at = (iso: string) => new Date(iso);

/** Working days strictly after `fromDay` up to and including `toDay`. */
function workdaysBetween(fromDay: string, toDay: string, calendar: WorkdayCalendar): number {
  let count = 0;
  for (let day = shiftDay(fromDay, 1); day <= toDay; day = shiftDay(day, 1)) if (calendar.isWorkday(day)) count++;
  return count;
}

const instants = fc.date({ min: new Date('2005-01-01T00:00:00Z'), max: new Date('2032-12-31T00:00:00Z'), noInvalidDate: true });

describe('the Chinese calendar (bundled arrangements)', () => {
  it('knows the 2025 National Day and Mid-Autumn holiday, Oct 1–8, and its make-up days Sun Sept 28 and Sat Oct 11', () => {
    expect(chineseCalendar.isWorkday('2025-09-27')).toBe(false); // Saturday
    expect(chineseCalendar.isWorkday('2025-09-28')).toBe(true); // Sunday, make-up working day
    expect(chineseCalendar.isWorkday('2025-09-30')).toBe(true);
    for (let d = 1; d <= 8; d++) expect(chineseCalendar.isWorkday(`2025-10-0${d}`)).toBe(false);
    expect(chineseCalendar.isWorkday('2025-10-09')).toBe(true);
    expect(chineseCalendar.isWorkday('2025-10-11')).toBe(true); // Saturday, make-up working day
    expect(chineseCalendar.isWorkday('2025-10-12')).toBe(false); // Sunday
  });

  it('knows 2026: New Year make-up Sunday Jan 4, Spring Festival Feb 15–23 with make-up Saturdays Feb 14 and 28', () => {
    expect(chineseCalendar.isWorkday('2026-01-01')).toBe(false);
    expect(chineseCalendar.isWorkday('2026-01-02')).toBe(false);
    expect(chineseCalendar.isWorkday('2026-01-04')).toBe(true);
    expect(chineseCalendar.isWorkday('2026-02-14')).toBe(true);
    expect(chineseCalendar.isWorkday('2026-02-16')).toBe(false);
    expect(chineseCalendar.isWorkday('2026-02-23')).toBe(false); // Monday, still holiday
    expect(chineseCalendar.isWorkday('2026-02-24')).toBe(true);
    expect(chineseCalendar.isWorkday('2026-02-28')).toBe(true);
    expect(chineseCalendar.isWorkday('2026-10-07')).toBe(false);
    expect(chineseCalendar.isWorkday('2026-10-10')).toBe(true);
  });

  it('rejects what is not a calendar day', () => {
    expect(() => chineseCalendar.isWorkday('2025-02-30')).toThrow(RangeError);
    expect(() => chineseCalendar.isWorkday('2025-9-28')).toThrow(RangeError);
  });
});

describe('addWorkingDays (end of the n-th working day after the start day, CST)', () => {
  it.each([
    // Friday before the National Day week: Sun Sept 28 (make-up), Mon 29, Tue 30.
    ['2025-09-26T02:00:00.000Z', 3, '2025-09-30T16:00:00.000Z'],
    // Tuesday Sept 30: Oct 1–8 are holidays; Thu 9, Fri 10, Sat 11 (make-up).
    ['2025-09-30T02:00:00.000Z', 3, '2025-10-11T16:00:00.000Z'],
    // 23:59:59 CST on Sept 30 still starts on Sept 30.
    ['2025-09-30T15:59:59.999Z', 3, '2025-10-11T16:00:00.000Z'],
    // 00:00 CST on Oct 1 starts on a holiday, which does not count either.
    ['2025-09-30T16:00:00.000Z', 3, '2025-10-11T16:00:00.000Z'],
    ['2025-09-30T16:00:00.000Z', 4, '2025-10-13T16:00:00.000Z'],
    // 2026 Spring Festival: Sat Feb 14 (make-up), Feb 15–23 off, Tue 24, Wed 25.
    ['2026-02-13T01:00:00.000Z', 3, '2026-02-25T16:00:00.000Z'],
    // 2026 National Day: Oct 1–7 off; Thu 8, Fri 9, Sat 10 (make-up).
    ['2026-09-30T09:00:00.000Z', 3, '2026-10-10T16:00:00.000Z'],
    // A Saturday start: Mon, Tue, Wed.
    ['2025-11-15T03:00:00.000Z', 3, '2025-11-19T16:00:00.000Z'],
    // Zero: the end of the start day.
    ['2025-11-15T03:00:00.000Z', 0, '2025-11-15T16:00:00.000Z'],
  ])('%s + %i working days → %s', (start, days, deadline) => {
    expect(addWorkingDays(at(start), days, chineseCalendar).toISOString()).toBe(deadline);
  });

  it('defaults to 3 working days to acknowledge and 30 days to decide', () => {
    expect(DEFAULT_DEADLINES).toEqual({ acknowledgeWorkingDays: 3, decideCalendarDays: 30 });
  });

  it('rejects negative or fractional counts and invalid dates', () => {
    expect(() => addWorkingDays(at('2025-11-15T03:00:00Z'), -1, weekdayCalendar)).toThrow(RangeError);
    expect(() => addWorkingDays(at('2025-11-15T03:00:00Z'), 1.5, weekdayCalendar)).toThrow(RangeError);
    expect(() => addWorkingDays(new Date(Number.NaN), 1, weekdayCalendar)).toThrow(RangeError);
  });

  it('fails loudly, instead of looping, on a calendar without working days', () => {
    expect(() => addWorkingDays(at('2025-11-15T03:00:00Z'), 3, { isWorkday: () => false })).toThrow(/no 3 working days/);
  });

  it('property: ends at 24:00 CST of a working day, with exactly n working days after the start day', () => {
    fc.assert(
      fc.property(instants, fc.integer({ min: 1, max: 40 }), fc.constantFrom(chineseCalendar, weekdayCalendar), (start, n, calendar) => {
        const deadline = addWorkingDays(start, n, calendar);
        expect(deadline.toISOString().slice(10)).toBe('T16:00:00.000Z');
        const lastDay = deadline.toISOString().slice(0, 10);
        expect(calendar.isWorkday(lastDay)).toBe(true);
        expect(workdaysBetween(chinaDay(start), lastDay, calendar)).toBe(n);
        expect(deadline.getTime()).toBeGreaterThan(start.getTime());
        expect(addWorkingDays(start, n + 1, calendar).getTime()).toBeGreaterThan(deadline.getTime());
      }),
    );
  });

  it('property: depends only on the CST day of the start, not the hour', () => {
    fc.assert(
      fc.property(instants, fc.integer({ min: 0, max: 86_399_999 }), fc.integer({ min: 0, max: 20 }), (start, offset, n) => {
        const dayStart = endOfChinaDay(chinaDay(start)).getTime() - 86_400_000;
        const other = new Date(dayStart + offset);
        expect(addWorkingDays(other, n, chineseCalendar)).toEqual(addWorkingDays(start, n, chineseCalendar));
      }),
    );
  });
});

describe('addCalendarDays (end of the n-th calendar day after the start day, CST)', () => {
  it.each([
    ['2025-11-30T08:30:00.000Z', 30, '2025-12-30T16:00:00.000Z'],
    // 01:00 CST on Dec 1.
    ['2025-11-30T17:00:00.000Z', 30, '2025-12-31T16:00:00.000Z'],
    // Holidays count.
    ['2025-09-30T02:00:00.000Z', 30, '2025-10-30T16:00:00.000Z'],
    ['2028-02-01T02:00:00.000Z', 28, '2028-02-29T16:00:00.000Z'],
    ['2025-09-30T02:00:00.000Z', 0, '2025-09-30T16:00:00.000Z'],
  ])('%s + %i days → %s', (start, days, deadline) => {
    expect(addCalendarDays(at(start), days).toISOString()).toBe(deadline);
  });

  it('property: n days after the end of the start day', () => {
    fc.assert(
      fc.property(instants, fc.integer({ min: 0, max: 400 }), (start, n) => {
        const deadline = addCalendarDays(start, n);
        expect(deadline.getTime() - endOfChinaDay(chinaDay(start)).getTime()).toBe(n * 86_400_000);
        expect(deadline.toISOString().slice(0, 10)).toBe(shiftDay(chinaDay(start), n));
      }),
    );
  });

  it('rejects negative counts', () => {
    expect(() => addCalendarDays(at('2025-11-30T08:30:00Z'), -1)).toThrow(RangeError);
  });
});

describe('deadlineSeconds', () => {
  const now = at('2025-11-17T02:00:00.000Z');
  it.each([
    [0, 1, 1],
    [-5_000, 1, 1],
    [1, 1, 1],
    [1_500, 1, 2],
    [3 * 86_400_000, 1, 259_200],
    // 8640× speed-up: a day in 10 seconds.
    [86_400_000, 8_640, 10],
    [86_401_000, 8_640, 11],
    [30 * 86_400_000, 8_640, 300],
  ])('%i ms ahead at time scale %d → %i s', (ahead, scale, seconds) => {
    expect(deadlineSeconds(now, new Date(now.getTime() + ahead), scale)).toBe(seconds);
  });

  it('rejects a time scale that is not a positive number', () => {
    for (const scale of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => deadlineSeconds(now, now, scale)).toThrow(RangeError);
    }
  });

  it('property: a positive integer that covers the scaled wait with less than a second to spare', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -1_000_000_000, max: 400 * 86_400_000 }),
        fc.constantFrom(1, 2, 60, 8_640, 86_400),
        (ahead, scale) => {
          const seconds = deadlineSeconds(now, new Date(now.getTime() + ahead), scale);
          expect(Number.isInteger(seconds)).toBe(true);
          expect(seconds).toBeGreaterThanOrEqual(1);
          if (ahead > 0) {
            expect(seconds * 1000 * scale).toBeGreaterThanOrEqual(ahead);
            expect((seconds - 1) * 1000 * scale).toBeLessThan(ahead);
          }
        },
      ),
    );
  });
});

describe('day helpers', () => {
  it('isCalendarDay accepts real days only', () => {
    expect(isCalendarDay('2028-02-29')).toBe(true);
    expect(isCalendarDay('2026-02-29')).toBe(false);
    expect(isCalendarDay('2026-13-01')).toBe(false);
    expect(isCalendarDay('2026-1-01')).toBe(false);
  });

  it('endOfChinaDay is 16:00Z', () => {
    expect(endOfChinaDay('2025-12-31').toISOString()).toBe('2025-12-31T16:00:00.000Z');
  });

  it('weekdayCalendar is Monday to Friday', () => {
    expect(['2025-11-15', '2025-11-16', '2025-11-17', '2025-11-21'].map((d) => weekdayCalendar.isWorkday(d))).toEqual([
      false,
      false,
      true,
      true,
    ]);
  });
});
