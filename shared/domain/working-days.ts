/**
 * Bank deadlines in working days and calendar days, counted in China Standard Time (UTC+8, no
 * daylight saving), and their conversion to a Step Functions wait.
 *
 * Rules:
 * - A day is a `YYYY-MM-DD` calendar day in CST. Whether it is a working day is the business of a
 *   {@link WorkdayCalendar} (Chinese public holidays and make-up working days, 调休): the adapter
 *   `shared/adapters/calendar.ts` provides one; {@link weekdayCalendar} (Monday–Friday) serves tests
 *   and years the holiday data does not cover.
 * - A deadline is the END of its last day: 24:00 CST, which is 16:00Z of that day. The day the clock
 *   starts on never counts, whether or not it is a working day, and whatever the hour: an offer made at
 *   23:59 on a Monday with 3 working days is due at the end of Thursday, as is one made at 00:01.
 *   - {@link addWorkingDays}(start, n): end of the n-th working day after the start day.
 *     n = 0 gives the end of the start day itself.
 *   - {@link addCalendarDays}(start, n): end of the n-th calendar day after the start day
 *     (holidays and weekends count). n = 0 gives the end of the start day.
 * - {@link deadlineSeconds}(now, deadline, timeScale) is the wait for `TimeoutSecondsPath`:
 *   `max(1, ceil(((deadline − now) / 1000) / timeScale))`, an integer ≥ 1 (Step Functions rejects 0).
 *   `timeScale` is the speed-up factor of simulated time over real time: how many simulated seconds
 *   pass in one real second. Production uses 1; the local runtime may use e.g. 8640, so that a 24-hour
 *   day (86,400 s) passes in 10 real seconds. The deadline itself (stored, shown, sent to the bank) is
 *   always computed on the real calendar; only the wait is compressed. A deadline already past gives
 *   1 second, so the timeout fires at once instead of failing the state machine.
 *
 * Defaults ({@link DEFAULT_DEADLINES}): acknowledge within 3 working days, decide within 30 calendar
 * days (the mechanism's "within one month"); banks may have their own (see bank.ts).
 *
 * Pure module: no I/O, no environment, no clock (pass `now`/`start` in).
 */

export interface WorkdayCalendar {
  /** Whether `day` (`YYYY-MM-DD`, China Standard Time) is a working day. */
  isWorkday(day: string): boolean;
}

export const DEFAULT_DEADLINES = Object.freeze({ acknowledgeWorkingDays: 3, decideCalendarDays: 30 });

export type Deadlines = { acknowledgeWorkingDays: number; decideCalendarDays: number };

const CST_OFFSET_MS = 8 * 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;
const DAY_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * Upper bound on the days scanned for working days: a calendar with no working day at all (a
 * broken data file) must fail loudly instead of looping for ever. Chinese holidays never close more
 * than about ten consecutive days, so 7 calendar days per working day plus a month is generous.
 */
const maxScan = (workingDays: number): number => workingDays * 7 + 31;

function assertValidDate(value: Date, name: string): void {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) {
    throw new RangeError(`${name} must be a valid Date`);
  }
}

function assertCount(value: number, name: string): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`${name} must be a non-negative integer, got ${String(value)}`);
  }
}

/** Milliseconds of 00:00 CST of the CST day that contains `instant`. */
function startOfChinaDayMs(instant: Date): number {
  return Math.floor((instant.getTime() + CST_OFFSET_MS) / DAY_MS) * DAY_MS - CST_OFFSET_MS;
}

/** The CST day (`YYYY-MM-DD`) that starts at `startMs` (00:00 CST). */
function dayAt(startMs: number): string {
  return new Date(startMs + CST_OFFSET_MS).toISOString().slice(0, 10);
}

/** True for a real calendar day written `YYYY-MM-DD` (no 2026-02-30). */
export function isCalendarDay(day: string): boolean {
  const match = DAY_PATTERN.exec(day);
  if (!match) return false;
  const [, y, m, d] = match;
  const date = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d)));
  return date.toISOString().slice(0, 10) === day;
}

/** The day `days` calendar days after `day` (negative goes back). `day` must be `YYYY-MM-DD`. */
export function shiftDay(day: string, days: number): string {
  if (!isCalendarDay(day)) throw new RangeError(`not a calendar day: ${day}`);
  const ms = Date.parse(`${day}T00:00:00.000Z`) + days * DAY_MS;
  return new Date(ms).toISOString().slice(0, 10);
}

/** The instant a CST day ends: 24:00 CST = 16:00Z of that day. */
export function endOfChinaDay(day: string): Date {
  if (!isCalendarDay(day)) throw new RangeError(`not a calendar day: ${day}`);
  return new Date(Date.parse(`${day}T00:00:00.000Z`) + DAY_MS - CST_OFFSET_MS);
}

/** Monday to Friday, ignoring holidays: the fallback for years without holiday data, and for tests. */
export const weekdayCalendar: WorkdayCalendar = Object.freeze({
  isWorkday(day: string): boolean {
    if (!isCalendarDay(day)) throw new RangeError(`not a calendar day: ${day}`);
    const weekday = new Date(`${day}T00:00:00.000Z`).getUTCDay();
    return weekday >= 1 && weekday <= 5;
  },
});

/**
 * End (24:00 CST) of the `workingDays`-th working day after the CST day of `start`. The start day
 * never counts. `workingDays` = 0 gives the end of the start day.
 * @throws RangeError for an invalid date, a negative or fractional count, or a calendar without
 *   enough working days in sight.
 */
export function addWorkingDays(start: Date, workingDays: number, calendar: WorkdayCalendar): Date {
  assertValidDate(start, 'start');
  assertCount(workingDays, 'workingDays');
  let dayStart = startOfChinaDayMs(start);
  let remaining = workingDays;
  const limit = maxScan(workingDays);
  for (let scanned = 0; remaining > 0; scanned++) {
    if (scanned >= limit) {
      throw new RangeError(`no ${workingDays} working days within ${limit} days after ${dayAt(startOfChinaDayMs(start))}`);
    }
    dayStart += DAY_MS;
    if (calendar.isWorkday(dayAt(dayStart))) remaining--;
  }
  return new Date(dayStart + DAY_MS);
}

/**
 * End (24:00 CST) of the `days`-th calendar day after the CST day of `start`. `days` = 0 gives the
 * end of the start day.
 */
export function addCalendarDays(start: Date, days: number): Date {
  assertValidDate(start, 'start');
  assertCount(days, 'days');
  return new Date(startOfChinaDayMs(start) + (days + 1) * DAY_MS);
}

/**
 * Seconds to wait from `now` until `deadline`, divided by `timeScale` (simulated seconds per real
 * second; 1 in production), rounded up, at least 1: `max(1, ceil(((deadline − now)/1000)/timeScale))`.
 * For `TimeoutSecondsPath`, which takes a positive integer.
 */
export function deadlineSeconds(now: Date, deadline: Date, timeScale: number): number {
  assertValidDate(now, 'now');
  assertValidDate(deadline, 'deadline');
  if (!Number.isFinite(timeScale) || timeScale <= 0) {
    throw new RangeError(`timeScale must be a positive number, got ${String(timeScale)}`);
  }
  const seconds = (deadline.getTime() - now.getTime()) / 1000 / timeScale;
  return Math.max(1, Math.ceil(seconds));
}
