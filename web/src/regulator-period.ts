// Report periods on the regulator page: what the inputs start with (the previous month, yesterday,
// in China Standard Time) and the period id that the inputs make. Pure functions over
// shared/domain/report.ts.
import { chinaDay } from '../../shared/domain/need-record';
import { monthToDate, parsePeriod } from '../../shared/domain/report';
import { isCalendarDay, shiftDay } from '../../shared/domain/working-days';

/** The kinds offered on the page: a month, a day, or a month to date (ending on a day). */
export type PeriodChoice = 'month' | 'day' | 'monthToDate';

export const PERIOD_CHOICES: readonly PeriodChoice[] = ['month', 'day', 'monthToDate'];

export function isPeriodChoice(value: unknown): value is PeriodChoice {
  return value === 'month' || value === 'day' || value === 'monthToDate';
}

/** The month before the month of `day` (`YYYY-MM-DD` → `YYYY-MM`). */
export function previousMonth(day: string): string {
  if (!isCalendarDay(day)) throw new RangeError(`not a calendar day: ${day}`);
  return shiftDay(`${day.slice(0, 7)}-01`, -1).slice(0, 7);
}

export interface PeriodDefaults {
  /** The previous month (China time): the latest complete monthly report. */
  month: string;
  /** Yesterday (China time): the latest daily and month-to-date report. */
  day: string;
  /** Today (China time): the latest day one can pick. */
  today: string;
}

export function periodDefaults(now: Date): PeriodDefaults {
  const today = chinaDay(now);
  return { month: previousMonth(today), day: shiftDay(today, -1), today };
}

/** The default input value for a kind: a month for months, a day otherwise. */
export function defaultValue(choice: PeriodChoice, defaults: PeriodDefaults): string {
  return choice === 'month' ? defaults.month : defaults.day;
}

/**
 * The period id for an input value: `YYYY-MM` for a month, `YYYY-MM-DD` for a day,
 * `YYYY-MM-mtd-DD` for a month to date ending on a day; undefined when the value does not fit.
 */
export function periodIdFrom(choice: PeriodChoice, value: string): string | undefined {
  const input = value.trim();
  try {
    switch (choice) {
      case 'month': {
        const period = parsePeriod(input);
        return period.kind === 'month' ? period.id : undefined;
      }
      case 'day': {
        const period = parsePeriod(input);
        return period.kind === 'day' ? period.id : undefined;
      }
      case 'monthToDate':
        return isCalendarDay(input) ? monthToDate(input).id : undefined;
    }
  } catch {
    return undefined;
  }
}

/** The kind and input value for a period id (the inverse of {@link periodIdFrom}); undefined when it is not one. */
export function choiceFor(periodId: string): { choice: PeriodChoice; value: string } | undefined {
  try {
    const period = parsePeriod(periodId);
    if (period.kind === 'month') return { choice: 'month', value: period.id };
    if (period.kind === 'day') return { choice: 'day', value: period.id };
    return { choice: 'monthToDate', value: period.days[period.days.length - 1]! };
  } catch {
    return undefined;
  }
}
