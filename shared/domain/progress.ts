// A division's progress as the workspace shows it to task forces and coordinators: the live roll-up
// of the counters of one month (the month to date while it runs), for the division and its direct
// children (a prefecture's counties, a province's prefectures). The same arithmetic as the published
// reports (./rollup.ts), read live instead of from yesterday's files, in the full edition (the
// callers are officials of the division). Pure: the counter rows and the clock come in.
import { findDivision } from './divisions';
import { monthToDate, parsePeriod, type Period, type Report } from './report';
import { levelOf, reportMapKey, rollUp, totalsFromCounters, type CounterRow } from './rollup';

export type ProgressPeriodResult = { ok: true; period: Period } | { ok: false; reason: 'malformed' | 'future' };

/**
 * The period of `month` (`YYYY-MM`) as of CST day `today`: the month to date for the current month
 * (and when no month is given), the whole month for a past one; a later month has nothing yet.
 */
export function progressPeriod(month: string | undefined, today: string): ProgressPeriodResult {
  const current = today.slice(0, 7);
  const wanted = month ?? current;
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(wanted)) return { ok: false, reason: 'malformed' };
  if (wanted > current) return { ok: false, reason: 'future' };
  return { ok: true, period: wanted === current ? monthToDate(today) : parsePeriod(wanted) };
}

/** The leading digits every county of the division shares (national: none): what the counters are read by. */
export function countyPrefixOf(divisionCode: string): string {
  switch (levelOf(divisionCode)) {
    case 'province':
      return divisionCode.slice(0, 2);
    case 'prefecture':
      return divisionCode.slice(0, 4);
    case 'county':
      return divisionCode;
    default:
      return '';
  }
}

/** The progress of `divisionCode` (a current division) from the period's counter rows; undefined for an unknown code. */
export function divisionProgress(divisionCode: string, period: Period, rows: readonly CounterRow[], generatedAt: string): Report | undefined {
  const level = levelOf(divisionCode);
  const division = findDivision(divisionCode);
  if (!level || !division) return undefined;
  const reports = rollUp({ period, rows, generatedAt });
  const found = reports.get(reportMapKey(level, divisionCode));
  if (found) return found;
  // No activity in the division yet: its figures are zero (the page lists its children from the division data).
  return {
    period: period.id,
    division: { code: division.code, name: division.name, ...(division.nameEn ? { nameEn: division.nameEn } : {}), level: division.level },
    generatedAt,
    edition: 'full',
    totals: totalsFromCounters({}, { countiesWithActivity: 0, countiesInDivision: 0 }),
    children: [],
    banks: [],
  };
}
