// Realistic reports for the render benchmark and the renderers' golden fixtures: a month of
// synthetic county-day counters for every county-level unit (seeded, so every run gives the same
// reports), rolled up the division tree, with the period-wide public edition. Picks one report per
// level: national, Zhejiang, Hangzhou, Xihu (a county with small counts, so its public edition hides
// cells), each in both editions.
import { DECLINE_REASONS } from '../shared/domain/bank-events';
import { answerDaysBucketKey, counterKey, decisionDaysBucketKey } from '../shared/domain/counters';
import { divisionPicker } from '../shared/domain/divisions';
import { parsePeriod, type PublicReport, type Report } from '../shared/domain/report';
import { rollUp, type CounterRow } from '../shared/domain/rollup';
import { NEGATIVE_LIST_REASON_CODES, SCREENING_REASONS } from '../shared/domain/screening';
import { publicEdition } from '../shared/domain/suppression';
import { addTaskForceCounters, prng } from './synthetic-counters';

export const RENDER_LEVELS = ['county', 'prefecture', 'province', 'national'] as const;
export type RenderLevel = (typeof RENDER_LEVELS)[number];
const PICKED: Readonly<Record<RenderLevel, string>> = { national: 'national:000000', province: 'province:330000', prefecture: 'prefecture:330100', county: 'county:330106' };

function monthOfCounters(days: readonly string[]): CounterRow[] {
  const rng = prng(20261130);
  // The task forces' counters (visits, reviews, escalations, the funnel's cohort) from a generator
  // of their own, so the other counters are drawn as before they existed.
  const taskForceRng = prng(20261208);
  const draw = (max: number): number => Math.floor(rng() * rng() * (max + 1));
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rng() * list.length)]!;
  const screening = [...Object.keys(SCREENING_REASONS), ...NEGATIVE_LIST_REASON_CODES.map((c) => `negative_list.${c}`)];
  const declines = DECLINE_REASONS.map((r) => r.code);
  const counties = divisionPicker().flatMap((p) => p.prefectures.flatMap((g) => g.counties.map((c) => c.code)));
  const rows: CounterRow[] = [];
  for (const day of days) {
    for (const county of counties) {
      const c: Record<string, number> = {};
      const add = (name: string, n: number): void => {
        if (n > 0) c[name] = (c[name] ?? 0) + n;
      };
      const declared = draw(6);
      if (declared === 0) continue;
      const notRecommended = draw(Math.min(2, declared));
      add('declared', declared);
      add('recommended', declared - notRecommended);
      add('notRecommended', notRecommended);
      add(counterKey('notRecommended', pick(screening)), notRecommended);
      for (let i = 0; i < declared - notRecommended; i++) {
        const bank = `bank-${county.slice(0, 2)}-${Math.floor(rng() * 4)}`;
        const days = draw(6);
        add('offers', 1);
        add(counterKey('offers', bank), 1);
        const r = rng();
        if (r < 0.2) {
          add('declined', 1);
          add(counterKey('declined', pick(declines)), 1);
          add(counterKey('declinedAtBank', bank), 1);
          add(answerDaysBucketKey(bank, days), 1);
        } else if (r < 0.25) {
          add('deadlinesMissed', 1);
          add(counterKey('deadlinesMissed', bank), 1);
        } else {
          add('accepted', 1);
          add(counterKey('accepted', bank), 1);
          add(answerDaysBucketKey(bank, days), 1);
          if (r < 0.7) {
            const amount = 10_000 * (5 + Math.floor(rng() * 300));
            const rate = 300 + Math.floor(rng() * 300);
            add('granted', 1);
            add('grantedAmountYuan', amount);
            add(counterKey('grantedAtBank', bank), 1);
            add(counterKey('grantedAmountYuanAtBank', bank), amount);
            add('grantedRateBpSum', rate);
            add('grantedRateBpAmountSum', rate * amount);
            if (rng() < 0.4) {
              add('creditLoans', 1);
              add('creditLoanAmountYuan', amount);
            }
            if (rng() < 0.3) add('firstLoans', 1);
            if (rng() < 0.25) add('mediumLongTermLoans', 1);
            add(decisionDaysBucketKey(days + draw(10)), 1);
            if (rng() < 0.8) {
              add('disbursed', 1);
              add('disbursedAmountYuan', amount);
            }
          }
        }
      }
      if (rng() < 0.05) add('unmatched', 1);
      if (rng() < 0.02) add('lateAnswers', 1);
      addTaskForceCounters(taskForceRng, c, declared);
      rows.push({ day, countyCode: county, counters: c });
    }
  }
  return rows;
}

export interface RenderFixture {
  level: RenderLevel;
  full: Report;
  public: PublicReport;
}

/** The four picked reports of November 2026, both editions (deterministic). */
export function realisticReports(): RenderFixture[] {
  const period = parsePeriod('2026-11');
  const bankNames: Record<string, { zh: string; en: string }> = {};
  for (const p of divisionPicker()) {
    for (const k of [0, 1, 2]) bankNames[`bank-${p.code.slice(0, 2)}-${k}`] = { zh: `${p.name}第${k + 1}银行`, en: `Bank ${k + 1} of ${p.code}` };
  }
  const full = rollUp({ period, rows: monthOfCounters(period.days), generatedAt: '2026-11-30T16:00:00.000Z', bankNames });
  const pub = publicEdition(full);
  return RENDER_LEVELS.map((level) => ({ level, full: full.get(PICKED[level])!, public: pub.get(PICKED[level])! }));
}
