// A 2027 holiday arrangement for the tests only: shaped like a State Council notice (days off with
// bridging days, make-up Saturdays), not real data — the real 2027 arrangement is loaded by an
// operator from the published notice.
import { holidayArrangementSchema, type HolidayArrangement } from '../../shared/domain/holiday-calendar';
import { shiftDay } from '../../shared/domain/working-days';

/** The days from `from` to `to`, both included. */
export function daysBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = from; d <= to; d = shiftDay(d, 1)) out.push(d);
  return out;
}

export const TEST_2027: HolidayArrangement = holidayArrangementSchema.parse({
  year: 2027,
  source: { title: '测试用安排 / test fixture', document: 'test' },
  holidays: Object.fromEntries([
    ...daysBetween('2027-01-01', '2027-01-03').map((d) => [d, '元旦']),
    ...daysBetween('2027-02-05', '2027-02-13').map((d) => [d, '春节']),
    ...daysBetween('2027-04-03', '2027-04-05').map((d) => [d, '清明']),
    ...daysBetween('2027-05-01', '2027-05-05').map((d) => [d, '劳动节']),
    ...daysBetween('2027-06-09', '2027-06-11').map((d) => [d, '端午']),
    ...daysBetween('2027-09-15', '2027-09-17').map((d) => [d, '中秋']),
    ...daysBetween('2027-10-01', '2027-10-07').map((d) => [d, '国庆节']),
  ]),
  workdays: { '2027-02-20': '春节', '2027-09-26': '国庆节', '2027-10-09': '国庆节' },
});
