// Synthetic county-day counters for the benchmarks (bench/rollup.bench.ts, bench/national-rollup.bench.ts):
// every county-level unit active, with realistic small daily numbers from a seeded generator.
import { DECLINE_REASONS } from '../shared/domain/bank-events';
import {
  FUNNEL_COHORT_STAGES,
  FUNNEL_VISIT_CLAIMED,
  answerDaysBucketKey,
  counterKey,
  decisionDaysBucketKey,
  funnelCounterKey,
  reviewWorkingDaysBucketKey,
} from '../shared/domain/counters';
import { ESCALATION_ACTIONS, ESCALATION_KINDS, REVIEW_DECISIONS } from '../shared/domain/report';
import { countyCount, divisionPicker } from '../shared/domain/divisions';
import type { CounterRow } from '../shared/domain/rollup';
import { NEGATIVE_LIST_REASON_CODES, SCREENING_REASONS } from '../shared/domain/screening';

/** mulberry32: a small, fast, seeded PRNG (deterministic data, so runs compare). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A small Poisson draw (Knuth), for realistic small daily counts. */
export function poisson(rng: () => number, lambda: number): number {
  const limit = Math.exp(-lambda);
  let k = 0;
  for (let p = rng(); p > limit; p *= rng()) k++;
  return k;
}

export const COUNTIES = divisionPicker().flatMap((p) => p.prefectures.flatMap((g) => g.counties.map((c) => c.code)));
if (COUNTIES.length !== countyCount()) throw new Error(`picker has ${COUNTIES.length} counties, countyCount() ${countyCount()}`);
/** Four banks per province, `bank-<province>-<k>`. */
export const banksOf = (county: string) => [0, 1, 2, 3].map((k) => `bank-${county.slice(0, 2)}-${k}`);
export const DECLINES = DECLINE_REASONS.map((r) => ({ code: r.code, repairable: r.repairable }));
export const SCREENING_CODES = [...Object.keys(SCREENING_REASONS), ...NEGATIVE_LIST_REASON_CODES.map((c) => `negative_list.${c}`)];

/** Counter names per bank and reason, built once (counterKey sanitises with a regex). */
export const BANK_KEYS = new Map<string, ReturnType<typeof bankKeys>>();
export function bankKeys(bank: string) {
  return {
    offers: counterKey('offers', bank),
    accepted: counterKey('accepted', bank),
    declined: counterKey('declinedAtBank', bank),
    missed: counterKey('deadlinesMissed', bank),
    granted: counterKey('grantedAtBank', bank),
    amount: counterKey('grantedAmountYuanAtBank', bank),
    answerDays: Array.from({ length: 40 }, (_, days) => answerDaysBucketKey(bank, days)),
  };
}
export type BankKeys = ReturnType<typeof bankKeys>;
export const keysOf = (bank: string) => BANK_KEYS.get(bank) ?? BANK_KEYS.set(bank, bankKeys(bank)).get(bank)!;
export function addCount(c: Record<string, number>, name: string, n: number): void {
  if (n > 0) c[name] = (c[name] ?? 0) + n;
}
export const DECLINE_KEYS = DECLINES.map((r) => ({ key: counterKey('declined', r.code), repairable: r.repairable }));
export const SCREENING_KEYS = SCREENING_CODES.map((code) => counterKey('notRecommended', code));
export const DECISION_KEYS = Array.from({ length: 40 }, (_, days) => decisionDaysBucketKey(days));
export const pick = <T>(rng: () => number, list: readonly T[]): T => list[Math.floor(rng() * list.length)]!;

/** One county-day of realistic small numbers: every county active every day (the ceiling). */
export function syntheticRow(rng: () => number, countyCode: string, day: string, lambda: number, banks: readonly BankKeys[]): CounterRow {
  // A dictionary from the start: rows have ~20 of thousands of possible attribute names.
  const c: Record<string, number> = Object.create(null) as Record<string, number>;
  const declared = 1 + poisson(rng, lambda);
  addCount(c, 'declared', declared);
  const notRecommended = poisson(rng, declared * 0.15);
  addCount(c, 'recommended', Math.max(0, declared - notRecommended));
  if (notRecommended) {
    addCount(c, 'notRecommended', notRecommended);
    addCount(c, pick(rng, SCREENING_KEYS), notRecommended);
  }
  const offers = poisson(rng, declared * 1.2);
  for (let i = 0; i < offers; i++) {
    const bank = pick(rng, banks);
    addCount(c, 'offers', 1);
    addCount(c, bank.offers, 1);
    const r = rng();
    const days = Math.min(39, poisson(rng, 1.5));
    if (r < 0.65) {
      addCount(c, 'accepted', 1);
      addCount(c, bank.accepted, 1);
      addCount(c, bank.answerDays[days]!, 1);
    } else if (r < 0.85) {
      const reason = pick(rng, DECLINE_KEYS);
      addCount(c, 'declined', 1);
      addCount(c, reason.key, 1);
      addCount(c, bank.declined, 1);
      if (reason.repairable) addCount(c, 'declinedRepairable', 1);
      addCount(c, bank.answerDays[days]!, 1);
    } else {
      addCount(c, 'deadlinesMissed', 1);
      addCount(c, bank.missed, 1);
    }
  }
  const granted = poisson(rng, declared * 0.5);
  for (let i = 0; i < granted; i++) {
    const bank = pick(rng, banks);
    const amount = 10_000 * (5 + Math.floor(rng() * 200));
    const rate = 300 + Math.floor(rng() * 300);
    addCount(c, 'granted', 1);
    addCount(c, 'grantedAmountYuan', amount);
    addCount(c, bank.granted, 1);
    addCount(c, bank.amount, amount);
    addCount(c, 'grantedRateBpSum', rate);
    addCount(c, 'grantedRateBpAmountSum', rate * amount);
    if (rng() < 0.4) {
      addCount(c, 'creditLoans', 1);
      addCount(c, 'creditLoanAmountYuan', amount);
    }
    if (rng() < 0.3) addCount(c, 'firstLoans', 1);
    if (rng() < 0.25) addCount(c, 'mediumLongTermLoans', 1);
    addCount(c, DECISION_KEYS[Math.min(39, poisson(rng, 4))]!, 1);
  }
  const disbursed = poisson(rng, declared * 0.4);
  if (disbursed) {
    addCount(c, 'disbursed', disbursed);
    addCount(c, 'disbursedAmountYuan', disbursed * 10_000 * (5 + Math.floor(rng() * 100)));
  }
  addCount(c, 'unmatched', poisson(rng, declared * 0.1));
  addCount(c, 'lateAnswers', poisson(rng, 0.05));
  return { day, countyCode, counters: c };
}

/** Every county active every day of `days` (the ceiling): rows by day, one Query per day. */
export function countersOfDays(days: readonly string[], seed: number): Map<string, CounterRow[]> {
  const rng = prng(seed);
  const lambdas = COUNTIES.map(() => 0.2 + rng() * rng() * 4);
  const banks = COUNTIES.map((county) => banksOf(county).map(keysOf));
  return new Map(days.map((day) => [day, COUNTIES.map((county, i) => syntheticRow(rng, county, day, lambdas[i]!, banks[i]!))]));
}

const REVIEW_KEYS = REVIEW_DECISIONS.map((d) => counterKey('reviewsMade', d));
const REVIEW_DAY_KEYS = Array.from({ length: 20 }, (_, days) => reviewWorkingDaysBucketKey(days));
const OPENED_KEYS = ESCALATION_KINDS.map((k) => counterKey('escalationsOpened', k));
const RESOLVED_KEYS = ESCALATION_ACTIONS.map((a) => counterKey('escalationsResolved', a));

/**
 * The task forces' counters of one county-day with `declared` needs (issue 8): visits and visited
 * entities, plans, reviews with their working-day buckets, escalations opened and resolved, and
 * the funnel's cohort counters, consistent with one another (each cohort stage at most the one
 * before, claims at most the visited entities and the needs). Drawn from `rng` alone, so adding
 * them to rows leaves the other counters' draws as they were.
 */
export function addTaskForceCounters(rng: () => number, c: Record<string, number>, declared: number): void {
  const small = (lambda: number): number => poisson(rng, lambda);
  const visited = small(3);
  addCount(c, 'visitedEntities', visited);
  addCount(c, 'visits', visited + small(1));
  if (rng() < 0.6) addCount(c, 'plannedEntities', visited + small(4));
  addCount(c, 'declaredFromVisits', Math.min(declared, small(visited * 0.2)));
  const reviews = small(declared * 0.3);
  for (let i = 0; i < reviews; i++) {
    addCount(c, 'reviewsMade', 1);
    const r = rng();
    addCount(c, REVIEW_KEYS[r < 0.7 ? 0 : r < 0.85 ? 1 : 2]!, 1);
    addCount(c, REVIEW_DAY_KEYS[Math.min(19, small(2.5))]!, 1);
  }
  addCount(c, 'reviewsOverdue', small(0.1));
  const opened = small(declared * 0.15);
  for (let i = 0; i < opened; i++) {
    addCount(c, 'escalationsOpened', 1);
    addCount(c, pick(rng, OPENED_KEYS), 1);
  }
  const resolved = small(declared * 0.1);
  for (let i = 0; i < resolved; i++) {
    addCount(c, 'escalationsResolved', 1);
    addCount(c, pick(rng, RESOLVED_KEYS), 1);
  }
  // The cohort: each need declared that day reaches a last stage (-1: declared only).
  for (let i = 0; i < declared; i++) {
    const r = rng();
    const last = r < 0.15 ? -1 : r < 0.2 ? 0 : r < 0.3 ? 1 : r < 0.4 ? 2 : r < 0.55 ? 3 : 4;
    for (let s = 0; s <= last; s++) addCount(c, funnelCounterKey(FUNNEL_COHORT_STAGES[s]!), 1);
  }
  addCount(c, FUNNEL_VISIT_CLAIMED, Math.min(visited, declared, small(visited * 0.3)));
}
