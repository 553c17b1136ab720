/**
 * The Chinese working-day calendar as data the project owns, and what to do for a year whose
 * arrangement is not out yet.
 *
 * - **Official years**: each year the State Council's General Office publishes the arrangement
 *   (放假安排): the days off (statutory holidays plus bridging days) and the make-up working days
 *   (调休, on weekends). One {@link HolidayArrangement} per year, with its source notice, kept in
 *   `shared/data/holiday-arrangements.json` and replaceable by an operator (`npm run calendar`).
 * - **Provisional years** (no arrangement loaded): only the law is known (全国年节及纪念日放假办法, as
 *   revised in 2024): New Year's Day (1 January), the Spring Festival (lunar New Year's Eve and the
 *   1st–3rd of the first lunar month), Qingming (the solar term), Labour Day (1–2 May), the Dragon
 *   Boat Festival (5th day of the 5th lunar month), Mid-Autumn (15th day of the 8th lunar month) and
 *   National Day (1–3 October); a holiday on a Saturday or Sunday is made up by the next working day
 *   (补假). {@link statutoryArrangement} computes that, with lunar dates from a {@link LunarDates}
 *   port. A deadline whose working days run through such a year is **provisional**: it is stored so
 *   and recomputed when the year's arrangement is loaded.
 *
 * Pure module: no I/O, no clock (pass `now`), lunar conversion through the port.
 */
import * as z from 'zod';
import { chinaDay } from './need-record';
import { addWorkingDays, isCalendarDay, shiftDay, type WorkdayCalendar } from './working-days';

// ---------------------------------------------------------------------------------------------
// The data file

const day = z.string().refine(isCalendarDay, 'a calendar day written YYYY-MM-DD');
const label = z.string().trim().min(1).max(40);

export const holidayArrangementSchema = z
  .strictObject({
    year: z.number().int().min(2000).max(2199),
    /** Where the arrangement comes from: the notice's title, and its number, date and address if known. */
    source: z.strictObject({
      title: z.string().trim().min(1).max(200),
      document: z.string().trim().min(1).max(100).optional(),
      publishedOn: day.optional(),
      url: z.url().optional(),
      /** The arrangement was copied from a package's data (checked against it in the tests). */
      seededFrom: z.string().trim().min(1).max(100).optional(),
    }),
    /** Days off (statutory and bridging), each with the festival it belongs to. */
    holidays: z.record(day, label),
    /** Make-up working days on a Saturday or Sunday, each with the festival it belongs to. */
    workdays: z.record(day, label),
  })
  .superRefine((arrangement, ctx) => {
    const prefix = `${arrangement.year}-`;
    for (const [list, days] of [
      ['holidays', arrangement.holidays],
      ['workdays', arrangement.workdays],
    ] as const) {
      for (const d of Object.keys(days)) {
        if (!d.startsWith(prefix)) ctx.addIssue({ code: 'custom', path: [list, d], message: `${d} is not in ${arrangement.year}` });
      }
    }
    for (const d of Object.keys(arrangement.workdays)) {
      if (d in arrangement.holidays) ctx.addIssue({ code: 'custom', path: ['workdays', d], message: `${d} is both a holiday and a working day` });
      if (!isWeekend(d)) ctx.addIssue({ code: 'custom', path: ['workdays', d], message: `${d} is a weekday: make-up working days fall on weekends` });
    }
    if (Object.keys(arrangement.holidays).length < 7) {
      ctx.addIssue({ code: 'custom', path: ['holidays'], message: 'an arrangement lists at least the 7 statutory festivals' });
    }
  });

export type HolidayArrangement = z.output<typeof holidayArrangementSchema>;

export const holidayArrangementsFileSchema = z
  .strictObject({ format: z.literal(1), arrangements: z.array(holidayArrangementSchema) })
  .superRefine((file, ctx) => {
    const seen = new Set<number>();
    file.arrangements.forEach((a, i) => {
      if (seen.has(a.year)) ctx.addIssue({ code: 'custom', path: ['arrangements', i, 'year'], message: `${a.year} appears twice` });
      seen.add(a.year);
    });
  });

export type HolidayArrangementsFile = z.output<typeof holidayArrangementsFileSchema>;

// ---------------------------------------------------------------------------------------------
// The statutory holidays of a year without an arrangement

/** Lunar-calendar dates, as solar `YYYY-MM-DD` days (an adapter implements it with a lunar library). */
export interface LunarDates {
  /** The solar day of `day` of lunar `month` in lunar year `year` (the lunar year that starts in solar `year`). */
  lunarToSolar(year: number, month: number, day: number): string;
  /** The solar day of the Qingming solar term (清明) in `year`. */
  qingming(year: number): string;
}

function isWeekend(d: string): boolean {
  const weekday = new Date(`${d}T00:00:00.000Z`).getUTCDay();
  return weekday === 0 || weekday === 6;
}

/**
 * What the law alone says about `year`: the statutory days off, and for each one on a weekend a
 * substitute day off (补假) on the next weekday that is not a holiday itself. No make-up working days:
 * those come only with the published arrangement.
 */
export function statutoryArrangement(year: number, lunar: LunarDates): Pick<HolidayArrangement, 'holidays' | 'workdays'> {
  const newYear = lunar.lunarToSolar(year, 1, 1);
  const festivals: [string, string][] = [
    [`${year}-01-01`, '元旦'],
    [shiftDay(newYear, -1), '春节'],
    [newYear, '春节'],
    [shiftDay(newYear, 1), '春节'],
    [shiftDay(newYear, 2), '春节'],
    [lunar.qingming(year), '清明'],
    [`${year}-05-01`, '劳动节'],
    [`${year}-05-02`, '劳动节'],
    [lunar.lunarToSolar(year, 5, 5), '端午'],
    [lunar.lunarToSolar(year, 8, 15), '中秋'],
    [`${year}-10-01`, '国庆节'],
    [`${year}-10-02`, '国庆节'],
    [`${year}-10-03`, '国庆节'],
  ];
  festivals.sort(([a], [b]) => a.localeCompare(b));
  const holidays: Record<string, string> = Object.fromEntries(festivals);
  for (const [d, name] of festivals) {
    if (!isWeekend(d)) continue;
    let substitute = shiftDay(d, 1);
    while (isWeekend(substitute) || substitute in holidays) substitute = shiftDay(substitute, 1);
    holidays[substitute] = name;
  }
  return { holidays: Object.fromEntries(Object.entries(holidays).sort(([a], [b]) => a.localeCompare(b))), workdays: {} };
}

// ---------------------------------------------------------------------------------------------
// The calendar

export type YearStatus = 'official' | 'provisional';

/** A working-day calendar that knows which of its years are official and which provisional. */
export interface ChineseWorkCalendar extends WorkdayCalendar {
  yearStatus(year: number): YearStatus;
  /** The last year of the unbroken run of official years that contains the earliest one, or undefined. */
  readonly lastOfficialYear: number | undefined;
  /** The arrangement used for a year (official, or computed from the law). */
  arrangement(year: number): Pick<HolidayArrangement, 'holidays' | 'workdays'> & { status: YearStatus; source?: HolidayArrangement['source'] };
}

/** Where the workflow steps get the calendar: current, including what an operator has loaded. */
export interface CalendarSource {
  current(): Promise<ChineseWorkCalendar>;
}

/**
 * The calendar of the given official arrangements; years without one get
 * {@link statutoryArrangement} and are provisional. Later entries for a year replace earlier ones
 * (an operator's file over the bundled one).
 */
export function holidayCalendar(arrangements: readonly HolidayArrangement[], lunar: LunarDates): ChineseWorkCalendar {
  const official = new Map<number, HolidayArrangement>();
  for (const a of arrangements) official.set(a.year, a);
  const statutory = new Map<number, Pick<HolidayArrangement, 'holidays' | 'workdays'>>();
  const years = [...official.keys()].sort((a, b) => a - b);
  let lastOfficialYear = years[0];
  while (lastOfficialYear !== undefined && official.has(lastOfficialYear + 1)) lastOfficialYear++;

  const arrangement = (year: number) => {
    const found = official.get(year);
    if (found) return { holidays: found.holidays, workdays: found.workdays, status: 'official' as const, source: found.source };
    let computed = statutory.get(year);
    if (!computed) {
      computed = statutoryArrangement(year, lunar);
      statutory.set(year, computed);
    }
    return { ...computed, status: 'provisional' as const };
  };

  return Object.freeze({
    lastOfficialYear,
    yearStatus: (year: number): YearStatus => (official.has(year) ? 'official' : 'provisional'),
    arrangement,
    isWorkday(d: string): boolean {
      if (!isCalendarDay(d)) throw new RangeError(`not a calendar day: ${d}`);
      const { holidays, workdays } = arrangement(Number(d.slice(0, 4)));
      if (d in workdays) return true;
      if (d in holidays) return false;
      return !isWeekend(d);
    },
  });
}

/**
 * End of the `workingDays`-th working day after `start` (see {@link addWorkingDays}), and whether
 * it is provisional: some day it counted lies in a year without an official arrangement.
 */
export function workingDayDeadline(start: Date, workingDays: number, calendar: ChineseWorkCalendar): { deadline: Date; provisional: boolean } {
  const deadline = addWorkingDays(start, workingDays, calendar);
  const firstYear = Number(chinaDay(start).slice(0, 4));
  const lastYear = Number(chinaDay(new Date(deadline.getTime() - 1)).slice(0, 4));
  let provisional = false;
  for (let year = firstYear; year <= lastYear; year++) provisional ||= calendar.yearStatus(year) === 'provisional';
  return { deadline, provisional };
}

/** Whole days from the CST day of `now` to the end of the last official year (negative once past). */
export function officialCoverageDaysLeft(calendar: ChineseWorkCalendar, now: Date): number {
  if (calendar.lastOfficialYear === undefined) return -1;
  const today = Date.parse(`${chinaDay(now)}T00:00:00.000Z`);
  const lastDay = Date.parse(`${calendar.lastOfficialYear}-12-31T00:00:00.000Z`);
  return Math.round((lastDay - today) / 86_400_000);
}

/** The warning threshold of the alarm and of `npm start`: the arrangement is usually out in November. */
export const COVERAGE_WARNING_DAYS = 60;

/**
 * The warning `npm start`, the calendar CLI and the alarm's runbook give when the official
 * arrangements end within {@link COVERAGE_WARNING_DAYS}; undefined when there is time.
 */
export function coverageWarning(calendar: ChineseWorkCalendar, now: Date): { zh: string; en: string; daysLeft: number } | undefined {
  const daysLeft = officialCoverageDaysLeft(calendar, now);
  if (daysLeft >= COVERAGE_WARNING_DAYS) return undefined;
  const last = calendar.lastOfficialYear;
  const next = (last ?? Number(chinaDay(now).slice(0, 4))) + 1;
  return {
    daysLeft,
    zh:
      daysLeft >= 0
        ? `官方放假安排只到 ${last} 年底（还剩 ${daysLeft} 天）：${next} 年的期限将按法定节假日临时计算。国务院办公厅公布安排后，请用 npm run calendar -- load 载入。`
        : `官方放假安排已于 ${last ?? '—'} 年底用尽：期限正按法定节假日临时计算。请用 npm run calendar -- load 载入 ${next} 年的安排。`,
    en:
      daysLeft >= 0
        ? `Official holiday arrangements end with ${last} (${daysLeft} days left): deadlines in ${next} will be provisional (statutory holidays only). Load the State Council's arrangement with npm run calendar -- load once it is published.`
        : `Official holiday arrangements ended with ${last ?? '—'}: deadlines are provisional (statutory holidays only). Load the ${next} arrangement with npm run calendar -- load.`,
  };
}
