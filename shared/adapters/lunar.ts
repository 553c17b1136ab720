// Lunar-calendar dates for the statutory holidays of a year without a published arrangement, from
// `lunar-typescript` (6tail's maintained lunar calendar: lunar↔solar conversion and the solar terms).
import { Lunar } from 'lunar-typescript';
import type { LunarDates } from '../domain/holiday-calendar';

export const lunarDates: LunarDates = Object.freeze({
  lunarToSolar(year: number, month: number, day: number): string {
    return Lunar.fromYmd(year, month, day).getSolar().toYmd();
  },
  qingming(year: number): string {
    // The jie-qi table of a lunar year holds the solar terms of the solar year it mostly covers.
    const term = Lunar.fromYmd(year, 3, 1).getJieQiTable()['清明'];
    if (!term || term.getYear() !== year) throw new Error(`no Qingming term found for ${year}`);
    return term.toYmd();
  },
});
