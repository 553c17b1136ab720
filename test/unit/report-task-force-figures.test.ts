// The reports' visits, coverage, reviews, escalations and the monotonic funnel (issue 8): roll-up
// arithmetic across levels, the median from working-day buckets, zero and absent counters, the
// public edition's suppression of the new cells (and that it leaves the earlier figures as they
// were), the funnel writers' rules, and a property test: the funnel never increases, at any level
// and for any period, whatever order the needs' events come in.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FUNNEL_VISIT_CLAIMED, counterKey, funnelCounterKey, reviewWorkingDaysBucketKey } from '../../shared/domain/counters';
import { FUNNEL_COHORT_STAGES, reachedStages, stagesShown, stagesToAdd, type FunnelCohortStage } from '../../shared/domain/funnel';
import { recomputeCounters } from '../../shared/domain/recompute';
import { parsePeriod, reportSchema, type Report } from '../../shared/domain/report';
import { reportMapKey, rollUp, totalsFromCounters, type CounterRow } from '../../shared/domain/rollup';
import { publicEdition } from '../../shared/domain/suppression';

const GENERATED_AT = '2026-12-01T01:00:00+08:00';
const MONTH = parsePeriod('2026-11');

// Xihu and Binjiang (Hangzhou), Jiande (Hangzhou), Nanshan (Shenzhen, Guangdong).
const XIHU = '330106';
const BINJIANG = '330108';
const NANSHAN = '440305';

function row(day: string, countyCode: string, counters: Record<string, number>): CounterRow {
  return { day, countyCode, counters };
}

const ROWS: CounterRow[] = [
  row('2026-11-02', XIHU, {
    declared: 3,
    visits: 5,
    visitedEntities: 4,
    plannedEntities: 10,
    reviewsMade: 3,
    [counterKey('reviewsMade', 'recommend')]: 2,
    [counterKey('reviewsMade', 'return')]: 1,
    [reviewWorkingDaysBucketKey(1)]: 2,
    [reviewWorkingDaysBucketKey(4)]: 1,
    reviewsOverdue: 1,
    escalationsOpened: 2,
    [counterKey('escalationsOpened', 'unmatched')]: 1,
    [counterKey('escalationsOpened', 'declined_repairable')]: 1,
    [funnelCounterKey('recommended')]: 3,
    [funnelCounterKey('offered')]: 2,
    [funnelCounterKey('accepted')]: 1,
    [FUNNEL_VISIT_CLAIMED]: 2,
  }),
  row('2026-11-20', XIHU, {
    visits: 1,
    visitedEntities: 1,
    escalationsResolved: 1,
    [counterKey('escalationsResolved', 'handed_to_bank')]: 1,
    [reviewWorkingDaysBucketKey(6)]: 1,
    reviewsMade: 1,
    [counterKey('reviewsMade', 'not_recommended')]: 1,
  }),
  row('2026-11-03', BINJIANG, { declared: 1, visits: 2, visitedEntities: 2, plannedEntities: 2, [funnelCounterKey('recommended')]: 1 }),
  row('2026-11-04', NANSHAN, { visits: 7, visitedEntities: 6 }),
];

const reports = (rows: readonly CounterRow[] = ROWS, period = MONTH) => rollUp({ period, rows, generatedAt: GENERATED_AT });

describe('roll-up of visits, reviews, escalations and the funnel', () => {
  const all = reports();
  const at = (level: Report['division']['level'], code: string): Report => all.get(reportMapKey(level, code))!;

  it('sums every level: county → prefecture → province → national', () => {
    const xihu = at('county', XIHU).totals;
    expect(xihu.visits).toEqual({ visited: 5, visits: 6, planned: 10, coverage: 0.5 });
    expect(xihu.reviews).toEqual({ made: 4, madeBy: { recommend: 2, return: 1, not_recommended: 1 }, timed: 4, medianWorkingDays: 2.5, overdue: 1 });
    expect(xihu.escalations).toEqual({
      opened: 2,
      openedBy: { unmatched: 1, declined_repairable: 1, review_overdue: 0, late_answer: 0 },
      resolved: 1,
      resolvedBy: { amended: 0, handed_to_bank: 1, resolved_offline: 0, closed: 0 },
    });
    // reached = visited 5 + declared 3 − 2 needs matched to a visit.
    expect(xihu.funnel).toEqual({ reached: 6, declared: 3, recommended: 3, offered: 2, accepted: 1, granted: 0, disbursed: 0 });

    const hangzhou = at('prefecture', '330100').totals;
    expect(hangzhou.visits).toEqual({ visited: 7, visits: 8, planned: 12, coverage: 0.5833 });
    expect(hangzhou.funnel).toEqual({ reached: 9, declared: 4, recommended: 4, offered: 2, accepted: 1, granted: 0, disbursed: 0 });
    expect(at('province', '330000').totals.visits).toEqual(hangzhou.visits);

    const national = at('national', '000000').totals;
    expect(national.visits).toEqual({ visited: 13, visits: 15, planned: 12, coverage: 1.0833 });
    expect(national.reviews.medianWorkingDays).toBe(2.5);
    // The children carry the same figures as their own reports.
    const zhejiang = at('national', '000000').children.find((c) => c.division.code === '330000')!;
    expect(zhejiang.totals.visits).toEqual(hangzhou.visits);
    const guangdong = at('national', '000000').children.find((c) => c.division.code === '440000')!;
    expect(guangdong.totals.visits).toEqual({ visited: 6, visits: 7, planned: 0, coverage: null });
    for (const report of all.values()) expect(reportSchema.safeParse(report).success).toBe(true);
  });

  it('a county with visits only has a report, its visit coverage null without a plan', () => {
    const nanshan = at('county', NANSHAN);
    expect(nanshan.totals.declared).toBe(0);
    expect(nanshan.totals.visits.coverage).toBeNull();
    expect(nanshan.totals.funnel.reached).toBe(6);
  });

  it('a day period counts that day only; the month sums the days (visited is distinct per county and month, so the month is the sum)', () => {
    const day = reports(ROWS.filter((r) => r.day === '2026-11-20'), parsePeriod('2026-11-20')).get(reportMapKey('county', XIHU))!;
    expect(day.totals.visits).toEqual({ visited: 1, visits: 1, planned: 0, coverage: null });
    expect(day.totals.reviews).toMatchObject({ made: 1, timed: 1, medianWorkingDays: 6 });
  });

  it('zero and absent counters: zeros, and null where a ratio or median has nothing to stand on', () => {
    const empty = totalsFromCounters({}, { countiesWithActivity: 0, countiesInDivision: 1 });
    expect(empty.visits).toEqual({ visited: 0, visits: 0, planned: 0, coverage: null });
    expect(empty.reviews).toEqual({ made: 0, madeBy: { recommend: 0, return: 0, not_recommended: 0 }, timed: 0, medianWorkingDays: null, overdue: 0 });
    expect(empty.escalations.opened).toBe(0);
    expect(Object.values(empty.funnel).every((v) => v === 0)).toBe(true);
    // Zero counters stored as zeros: the same.
    expect(totalsFromCounters({ plannedEntities: 0, visitedEntities: 0, [reviewWorkingDaysBucketKey(3)]: 0 }, empty.coverage).visits.coverage).toBeNull();
  });

  it('the median working days from the buckets: exact, the mean of the two middle values for an even count', () => {
    const median = (buckets: Record<number, number>) =>
      totalsFromCounters(Object.fromEntries(Object.entries(buckets).map(([d, n]) => [reviewWorkingDaysBucketKey(Number(d)), n])), {
        countiesWithActivity: 0,
        countiesInDivision: 0,
      }).reviews;
    expect(median({ 2: 1 })).toMatchObject({ timed: 1, medianWorkingDays: 2 });
    expect(median({ 1: 1, 3: 1, 10: 1 })).toMatchObject({ timed: 3, medianWorkingDays: 3 });
    expect(median({ 0: 2, 5: 2 })).toMatchObject({ timed: 4, medianWorkingDays: 2.5 });
    expect(median({ 12: 5, 1: 4 })).toMatchObject({ timed: 9, medianWorkingDays: 12 });
  });
});

describe('public edition of the new figures', () => {
  it('suppresses small counts, their complements and the ratios and medians on them; funnel.declared goes with declared', () => {
    const pub = publicEdition(reports());
    const xihu = pub.get(reportMapKey('county', XIHU))!;
    expect(xihu.totals.visits.visited).toBeNull();
    expect(xihu.totals.visits.coverage).toBeNull();
    expect(xihu.suppressed).toEqual(expect.arrayContaining(['/totals/visits/visited', '/totals/visits/coverage', '/totals/reviews/medianWorkingDays', '/totals/funnel/declared']));
    expect(xihu.totals.declared).toBeNull();
    expect(xihu.totals.funnel.declared).toBeNull();
    // Binjiang's 2 planned is suppressed, so Xihu's 10 goes with it (Hangzhou's 12 is published); no published count is in (0, 5).
    expect(pub.get(reportMapKey('county', BINJIANG))!.totals.visits.planned).toBeNull();
    expect(xihu.totals.visits.planned).toBeNull();
    expect(pub.get(reportMapKey('prefecture', '330100'))!.totals.visits.planned).toBe(12);
    for (const report of pub.values()) {
      for (const totals of [report.totals, ...report.children.map((c) => c.totals)]) {
        const { coverage: _c, ...visits } = totals.visits;
        const { medianWorkingDays: _m, madeBy, ...reviews } = totals.reviews;
        const { openedBy, resolvedBy, ...escalations } = totals.escalations;
        const counts = [visits, madeBy, reviews, openedBy, resolvedBy, escalations, totals.funnel].flatMap((o) => Object.values(o as Record<string, number | null>));
        for (const n of counts) expect(n === null || n === 0 || n >= 5).toBe(true);
      }
    }
  });

  it('a suppressed part of a breakdown is not the total minus the published parts', () => {
    const pub = publicEdition(reports());
    const reviews = pub.get(reportMapKey('county', XIHU))!.totals.reviews;
    const hidden = Object.values(reviews.madeBy).filter((v) => v === null).length;
    expect(hidden === 0 || hidden >= 2 || reviews.made === null).toBe(true);
  });

  it('leaves the earlier figures exactly as they were without the new ones', () => {
    const withNew = publicEdition(reports());
    const isNew = (name: string): boolean => /^(visits|visitedEntities|plannedEntities|reviews|reviewWorkingDays|escalations|funnel)/.test(name);
    const earlierOnly = ROWS.map((r) => row(r.day, r.countyCode, Object.fromEntries(Object.entries(r.counters).filter(([name]) => !isNew(name)))));
    const withoutNew = publicEdition(reports(earlierOnly.filter((r) => Object.keys(r.counters).length > 0)));
    expect(withoutNew.size).toBeGreaterThan(3);
    for (const [key, report] of withoutNew) {
      const other = withNew.get(key)!;
      const earlier = (r: typeof report) => r.suppressed.filter((p) => !/\/(visits|reviews|escalations|funnel)\//.test(p));
      expect(earlier(other)).toEqual(earlier(report));
    }
  });
});

describe('the funnel writers’ rules', () => {
  it('a stage reached adds it and every earlier stage not reached yet, once', () => {
    expect(stagesToAdd(new Set(), 'recommended')).toEqual(['recommended']);
    expect(stagesToAdd(new Set(), 'accepted')).toEqual(['recommended', 'offered', 'accepted']);
    expect(stagesToAdd(new Set(['recommended', 'offered']), 'offered')).toEqual([]);
    expect(stagesToAdd(new Set(['recommended', 'offered', 'accepted', 'granted']), 'disbursed')).toEqual(['disbursed']);
    expect(reachedStages(new Set(['offered', 'junk']))).toEqual(new Set(['offered']));
    expect(reachedStages(['granted'])).toEqual(new Set(['granted']));
    expect(reachedStages(undefined)).toEqual(new Set());
    expect(stagesShown({ recommended: false, offered: false, accepted: true, granted: false, disbursed: false })).toEqual(['recommended', 'offered', 'accepted']);
  });

  it('the recompute counts a need’s stages on its declaration day and a claimed visit on the visit’s day', () => {
    const rows = recomputeCounters({
      needs: [{ needId: 'n1', submittedAt: '2026-11-02T02:00:00Z', submittedDay: '2026-11-02', enterprise: { countyCode: XIHU }, funnelStages: ['offered', 'recommended'] }],
      referrals: [],
      visitedEntities: [
        { countyCode: XIHU, visitedOn: '2026-11-01', funnelNeedId: 'n1' },
        { countyCode: XIHU, visitedOn: '2026-11-01' },
      ],
    });
    expect(rows).toEqual([
      { day: '2026-11-01', countyCode: XIHU, counters: { [FUNNEL_VISIT_CLAIMED]: 1, visitedEntities: 2 } },
      { day: '2026-11-02', countyCode: XIHU, counters: { declared: 1, funnelOffered: 1, funnelRecommended: 1 } },
    ]);
  });
});

// ---------------------------------------------------------------------------------------------
// Property: monotonic on random cohorts

type Event = FunnelCohortStage;
interface SimNeed {
  county: string;
  day: number;
  creditCode: number;
  /** The stage changes of the need, in the order they happen (a need may skip stages or repeat them: three banks offered, a decline, an offer again). */
  events: Event[];
}
interface SimVisit {
  county: string;
  day: number;
  creditCode: number;
}

/** What the live writers leave in the counters: markers, claims at screening, cohort stages with their closure. */
function simulate(needs: readonly SimNeed[], visits: readonly SimVisit[]): CounterRow[] {
  const cells = new Map<string, Record<string, number>>();
  const add = (day: number, county: string, name: string): void => {
    const key = `${day}|${county}`;
    const cell = cells.get(key) ?? {};
    cell[name] = (cell[name] ?? 0) + 1;
    cells.set(key, cell);
  };
  // Markers: the first visit of an enterprise in the county (one month) counts a visited entity on its day.
  const markers = new Map<string, { day: number; claimed: boolean }>();
  for (const v of visits) {
    add(v.day, v.county, 'visits');
    const key = `${v.county}|${v.creditCode}`;
    if (!markers.has(key)) {
      markers.set(key, { day: v.day, claimed: false });
      add(v.day, v.county, 'visitedEntities');
    }
  }
  for (const need of needs) {
    add(need.day, need.county, 'declared');
    // Screening claims the enterprise's marker of that month, once per marker.
    const marker = markers.get(`${need.county}|${need.creditCode}`);
    if (marker && !marker.claimed) {
      marker.claimed = true;
      add(marker.day, need.county, FUNNEL_VISIT_CLAIMED);
    }
    const reached = new Set<FunnelCohortStage>();
    for (const event of need.events) {
      for (const stage of stagesToAdd(reached, event)) {
        reached.add(stage);
        add(need.day, need.county, funnelCounterKey(stage));
      }
    }
  }
  return [...cells].map(([key, counters]) => {
    const [day, county] = key.split('|') as [string, string];
    return row(`2026-11-${day.padStart(2, '0')}`, county, counters);
  });
}

const STEPS = ['reached', 'declared', 'recommended', 'offered', 'accepted', 'granted', 'disbursed'] as const;

describe('the funnel is monotonic', () => {
  const counties = fc.constantFrom(XIHU, BINJIANG, '330122', NANSHAN, '110101');
  const day = fc.integer({ min: 1, max: 30 });
  const need = fc.record({ county: counties, day, creditCode: fc.integer({ min: 0, max: 30 }), events: fc.array(fc.constantFrom(...FUNNEL_COHORT_STAGES), { maxLength: 8 }) });
  const visit = fc.record({ county: counties, day, creditCode: fc.integer({ min: 0, max: 30 }) });

  it('on random cohorts, at every level and for a day, a month-to-date and the month: reached ≥ declared ≥ recommended ≥ … ≥ disbursed', () => {
    fc.assert(
      fc.property(fc.array(need, { maxLength: 40 }), fc.array(visit, { maxLength: 40 }), day, (needs, visits, last) => {
        const rows = simulate(needs, visits);
        const mtd = parsePeriod(`2026-11-mtd-${String(last).padStart(2, '0')}`);
        const oneDay = parsePeriod(`2026-11-${String(last).padStart(2, '0')}`);
        for (const period of [MONTH, mtd, oneDay]) {
          const inPeriod = rows.filter((r) => period.days.includes(r.day));
          for (const report of reports(inPeriod, period).values()) {
            for (const totals of [report.totals, ...report.children.map((c) => c.totals)]) {
              const f = totals.funnel;
              for (let i = 1; i < STEPS.length; i++) expect(f[STEPS[i - 1]!]).toBeGreaterThanOrEqual(f[STEPS[i]!]);
              expect(f.declared).toBe(totals.declared);
              // A whole month holds every claim with its need: reached ≥ visited too (a day may not: the claim counts on the visit's day, the need on its own).
              if (period === MONTH) expect(f.reached).toBeGreaterThanOrEqual(totals.visits.visited);
            }
          }
        }
      }),
      { numRuns: 25 },
    );
  }, 120_000);

  it('where the event counters are not: a need offered to three banks and granted at the last', () => {
    const rows = simulate([{ county: XIHU, day: 2, creditCode: 1, events: ['recommended', 'offered', 'offered', 'offered', 'accepted', 'granted'] }], []);
    const naive = { ...rows[0]!.counters, offers: 3, granted: 1 };
    const xihu = reports([row(rows[0]!.day, XIHU, naive)]).get(reportMapKey('county', XIHU))!.totals;
    expect(xihu.offered).toBe(3); // the event count: 3 offers for one need declared
    expect(xihu.funnel).toEqual({ reached: 1, declared: 1, recommended: 1, offered: 1, accepted: 1, granted: 1, disbursed: 0 });
  });
});
