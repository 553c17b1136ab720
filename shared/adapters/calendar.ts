/**
 * The Chinese working-day calendar: public holidays and make-up working days (调休) as announced by
 * the State Council, from the npm package `chinese-days` (maintained; holiday data 2004 onwards, a new
 * year is added when the State Council publishes it, usually in November).
 *
 * - Inside the years the package covers, a day is a working day when the package says so: a make-up
 *   working day is one even on a Saturday or Sunday (2025-09-28, 2025-10-11), and a holiday is not
 *   one even on a weekday (2025-10-01 … 2025-10-08).
 * - Outside those years (see {@link calendarCoverage}) the package knows no holidays, and this
 *   calendar says so explicitly: Monday to Friday are working days. Deadlines that run into an
 *   uncovered year can then be a few days early around New Year and the Spring Festival: keep the
 *   package current, and alarm when `calendarCoverage().lastYear` is behind the year of a deadline.
 *
 * The coverage is read from the package's own data file (the years that have holiday entries).
 */
import chineseDays from 'chinese-days';
import chineseDaysData from 'chinese-days/dist/chinese-days.json';
import { isCalendarDay, weekdayCalendar, type WorkdayCalendar } from '../domain/working-days';

export interface CalendarCoverage {
  /** First year with holiday data. */
  firstYear: number;
  /** Last year with holiday data. */
  lastYear: number;
}

let coverage: CalendarCoverage | undefined;

/** The years for which `chinese-days` has holiday and make-up-day data. */
export function calendarCoverage(): CalendarCoverage {
  if (!coverage) {
    const holidays = chineseDaysData.holidays as Record<string, string>;
    const years = Object.keys(holidays).map((day) => Number(day.slice(0, 4)));
    if (years.length === 0) throw new Error('chinese-days: no holiday data');
    coverage = Object.freeze({ firstYear: Math.min(...years), lastYear: Math.max(...years) });
  }
  return coverage;
}

/** Chinese working days (holidays and make-up days) where known; Monday–Friday elsewhere. */
export const chineseCalendar: WorkdayCalendar = Object.freeze({
  isWorkday(day: string): boolean {
    if (!isCalendarDay(day)) throw new RangeError(`not a calendar day: ${day}`);
    const year = Number(day.slice(0, 4));
    const { firstYear, lastYear } = calendarCoverage();
    if (year < firstYear || year > lastYear) return weekdayCalendar.isWorkday(day);
    // The package parses `YYYY-MM-DD` as a UTC date, so the answer does not depend on the host's zone.
    return chineseDays.isWorkday(day);
  },
});
