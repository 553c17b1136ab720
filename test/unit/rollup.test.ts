import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { countyChain, divisionPicker } from '../../shared/domain/divisions';
import { reportFileKey } from '../../shared/domain/report-publication';
import {
  monthToDate,
  parsePeriod,
  isPeriodId,
  reportSchema,
  scheduledPeriods,
  type Report,
  type Totals,
} from '../../shared/domain/report';
import {
  RETIRED_COUNTIES,
  UNKNOWN_DIVISION,
  answerDaysBucketKey,
  decisionDaysBucketKey,
  levelOf,
  medianFromHistogram,
  publishableReports,
  reportMapKey,
  resolveCountyCode,
  rollUp,
  sumCounters,
  type CounterRow,
} from '../../shared/domain/rollup';

const GENERATED_AT = '2026-12-01T01:00:00+08:00';
const NOV = parsePeriod('2026-11');
const VERSION = 'v0123456789abcdef';
const ALL_COUNTIES = divisionPicker().flatMap((p) => p.prefectures.flatMap((g) => g.counties.map((c) => c.code)));

const row = (countyCode: string, counters: Record<string, number>, day = '2026-11-03'): CounterRow => ({ day, countyCode, counters });
const roll = (rows: CounterRow[], period = NOV) => rollUp({ period, rows, generatedAt: GENERATED_AT });
const report = (reports: Map<string, Report>, key: string): Report => {
  const r = reports.get(key);
  if (!r) throw new Error(`no report ${key}; have ${[...reports.keys()].join(' ')}`);
  return r;
};

/** Every additive cell of totals (counts, amounts, reasons, coverage), by path. */
function additive(t: Totals): Map<string, number> {
  const cells = new Map<string, number>();
  const walk = (value: unknown, path: string): void => {
    if (typeof value === 'number') cells.set(path, value);
    else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) walk(v, `${path}/${k}`);
  };
  const { creditLoanShare: _s, weightedAnnualRateBp: _r, medianDaysToDecision: _m, ...rest } = t;
  walk(rest, '');
  return cells;
}

function sumOf(maps: Map<string, number>[]): Map<string, number> {
  const sum = new Map<string, number>();
  for (const m of maps) for (const [k, v] of m) sum.set(k, (sum.get(k) ?? 0) + v);
  return sum;
}

/** Equal as maps, where a missing key is 0 (byReason lists only non-zero reasons). */
function expectSameCells(actual: Map<string, number>, expected: Map<string, number>, label: string): void {
  for (const key of new Set([...actual.keys(), ...expected.keys()])) {
    expect(actual.get(key) ?? 0, `${label} ${key}`).toBe(expected.get(key) ?? 0);
  }
}

describe('periods (CST calendar days)', () => {
  it('parses a day, a month and a month-to-date, and round-trips the id', () => {
    expect(parsePeriod('2026-11-29')).toEqual({ kind: 'day', id: '2026-11-29', days: ['2026-11-29'] });
    const month = parsePeriod('2026-11');
    expect(month.kind).toBe('month');
    expect(month.days).toHaveLength(30);
    expect(month.days[0]).toBe('2026-11-01');
    expect(month.days[29]).toBe('2026-11-30');
    expect(parsePeriod('2028-02').days).toHaveLength(29);
    expect(parsePeriod('2026-12').days.at(-1)).toBe('2026-12-31');
    const mtd = monthToDate('2026-11-29');
    expect(mtd).toMatchObject({ kind: 'monthToDate', id: '2026-11-mtd-29' });
    expect(mtd.days).toHaveLength(29);
    expect(mtd.days.at(-1)).toBe('2026-11-29');
    expect(monthToDate('2026-11-01').days).toEqual(['2026-11-01']);
    for (const id of ['2026-11-29', '2026-11', '2026-11-mtd-29']) expect(parsePeriod(id).id).toBe(id);
    expect(parsePeriod('2026-11-mtd-29')).toEqual(mtd);
  });

  it.each(['2026-13', '2026-00', '2026-02-30', '2026-02-mtd-30', '2026-11-mtd-00', ' 2026-11', '2026-1', '26-11', '2026/11', '', '2026-11-mtd'])(
    'rejects %j',
    (id) => {
      expect(() => parsePeriod(id)).toThrow(RangeError);
      expect(isPeriodId(id)).toBe(false);
    },
  );

  it('schedules the previous day and its month-to-date, and on the 1st the previous month', () => {
    expect(scheduledPeriods('2026-11-30').map((p) => p.id)).toEqual(['2026-11-29', '2026-11-mtd-29']);
    expect(scheduledPeriods('2026-12-01').map((p) => p.id)).toEqual(['2026-11-30', '2026-11-mtd-30', '2026-11']);
    expect(scheduledPeriods('2027-01-01').map((p) => p.id)).toEqual(['2026-12-31', '2026-12-mtd-31', '2026-12']);
  });
});

describe('keys, levels and counters', () => {
  it('builds map keys by level and code (S3 keys: test/unit/report-publication.test.ts)', () => {
    expect(reportMapKey('prefecture', '441900')).toBe('prefecture:441900');
  });

  it.each([
    ['000000', 'national'],
    ['330000', 'province'],
    ['330100', 'prefecture'],
    ['330106', 'county'],
    ['110101', 'county'],
    ['419001', 'county'],
    ['441900', 'prefecture'],
    ['999999', 'province'],
    ['110100', undefined],
    ['419000', undefined],
    ['620201', undefined],
    ['123456', undefined],
    ['33010', undefined],
  ] as const)('levelOf(%s) = %s', (code, level) => {
    expect(levelOf(code)).toBe(level);
  });

  it('sums counters key by key and rejects non-numbers', () => {
    expect(sumCounters({ declared: 1, offers: 2 }, { offers: 3, accepted: 1 })).toEqual({ declared: 1, offers: 5, accepted: 1 });
    expect(sumCounters({}, {})).toEqual({});
    expect(() => sumCounters({}, { declared: Number.NaN })).toThrow(TypeError);
    expect(() => sumCounters({}, { declared: '1' as unknown as number })).toThrow(TypeError);
  });

  it('names the proposed histogram counters', () => {
    expect(decisionDaysBucketKey(3)).toBe('decisionDaysBucket_3');
    expect(answerDaysBucketKey('icbc-hz', 0)).toBe('answerDaysBucketBy_icbc-hz_0');
    expect(() => decisionDaysBucketKey(-1)).toThrow(RangeError);
  });

  it('takes medians from day histograms', () => {
    expect(medianFromHistogram(new Map())).toBeNull();
    expect(medianFromHistogram(new Map([[4, 0]]))).toBeNull();
    expect(medianFromHistogram(new Map([[3, 1]]))).toBe(3);
    expect(medianFromHistogram(new Map([[1, 1], [5, 1]]))).toBe(3);
    expect(medianFromHistogram(new Map([[10, 2], [1, 3]]))).toBe(1); // 1 1 1 10 10
    expect(medianFromHistogram(new Map([[2, 2], [7, 2]]))).toBe(4.5);
  });

  it('resolves current, alias, retired and unknown county codes', () => {
    expect(resolveCountyCode('330106')).toMatchObject({ kind: 'current' });
    expect(resolveCountyCode('620201')).toMatchObject({ kind: 'current', chain: { county: { code: '620200' } } });
    expect(resolveCountyCode('330100')).toEqual({ kind: 'unknown', code: '330100' });
    expect(resolveCountyCode('130171')).toEqual({ kind: 'unknown', code: '130171' }); // development zone
    const retired = { '330199': { parent: '330100', name: '旧区', validTo: '2026-11-15' } };
    expect(resolveCountyCode('330199', retired)).toMatchObject({ kind: 'retired', parent: { code: '330100' } });
    expect(resolveCountyCode('330198', { '330198': { parent: '330199', name: 'x', validTo: '2026-01-01' } }).kind).toBe('unknown');
    expect(RETIRED_COUNTIES).toEqual({});
  });
});

describe('rollUp', () => {
  it('sums a county into its prefecture, province and national, with derived figures', () => {
    const reports = roll([
      row('330106', {
        declared: 4,
        recommended: 3,
        notRecommended: 1,
        'notRecommendedBy_negative_list_dishonest_judgment_debtor': 1,
        notRecommendedBy_size_not_eligible: 1,
        offers: 3,
        'offersBy_icbc-hz': 2,
        offersBy_abc: 1,
        accepted: 2,
        'acceptedBy_icbc-hz': 2,
        declined: 1,
        declinedBy_tax_arrears: 1,
        declinedAtBankBy_abc: 1,
        declinedRepairable: 1,
        granted: 2,
        grantedAmountYuan: 300_000,
        'grantedAtBankBy_icbc-hz': 2,
        'grantedAmountYuanAtBankBy_icbc-hz': 300_000,
        grantedRateBpSum: 700,
        grantedRateBpAmountSum: 100_000 * 300 + 200_000 * 400,
        creditLoans: 1,
        creditLoanAmountYuan: 100_000,
        firstLoans: 1,
        mediumLongTermLoans: 1,
        disbursed: 1,
        disbursedAmountYuan: 200_000,
        routingFailures: 1,
        decisionDaysBucket_2: 1,
        decisionDaysBucket_9: 2,
        'answerDaysBucketBy_icbc-hz_1': 2,
      }),
      row('330106', { declared: 1, unmatched: 1, deadlinesMissed: 1, 'deadlinesMissedBy_icbc-hz': 1, lateAnswers: 1, 'lateAnswersBy_icbc-hz': 1 }, '2026-11-04'),
    ]);
    expect([...reports.keys()]).toEqual(['national:000000', 'province:330000', 'prefecture:330100', 'county:330106']);
    const county = report(reports, 'county:330106');
    expect(reportSchema.parse(county)).toEqual(county);
    expect(county.division).toEqual({ code: '330106', name: '西湖区', nameEn: 'Xihu District', level: 'county' });
    expect(county.children).toEqual([]);
    const { visits: _v, reviews: _r, escalations: _e, funnel, ...earlier } = county.totals;
    expect(funnel).toEqual({ reached: 5, declared: 5, recommended: 0, offered: 0, accepted: 0, granted: 0, disbursed: 0 });
    expect(earlier).toEqual({
      declared: 5,
      recommended: 3,
      notRecommended: { total: 1, byReason: { 'negative_list.dishonest_judgment_debtor': 1, size_not_eligible: 1 } },
      offered: 3,
      accepted: 2,
      declined: { total: 1, byReason: { tax_arrears: 1 } },
      deadlinesMissed: 1,
      lateAnswers: 1,
      unmatched: 1,
      granted: { count: 2, amountYuan: 300_000 },
      creditLoans: { count: 1, amountYuan: 100_000 },
      creditLoanShare: 0.3333,
      weightedAnnualRateBp: 366.67,
      firstLoans: 1,
      mediumLongTermLoans: 1,
      disbursed: { count: 1, amountYuan: 200_000 },
      decisionsTimed: 3,
      medianDaysToDecision: 9,
      coverage: { countiesWithActivity: 1, countiesInDivision: 1 },
    });
    expect(county.banks).toEqual([
      {
        bankId: 'abc',
        offers: 1,
        accepted: 0,
        acceptanceRate: 0,
        declined: 1,
        deadlinesMissed: 0,
        lateAnswers: 0,
        granted: { count: 0, amountYuan: 0 },
        answersTimed: 0,
        medianDaysToAnswer: null,
      },
      {
        bankId: 'icbc-hz',
        offers: 2,
        accepted: 2,
        acceptanceRate: 1,
        declined: 0,
        deadlinesMissed: 1,
        lateAnswers: 1,
        granted: { count: 2, amountYuan: 300_000 },
        answersTimed: 2,
        medianDaysToAnswer: 1,
      },
    ]);
    const prefecture = report(reports, 'prefecture:330100');
    expect(prefecture.division).toEqual({ code: '330100', name: '杭州市', nameEn: 'Hangzhou', level: 'prefecture' });
    expect(prefecture.totals).toEqual({ ...county.totals, coverage: { countiesWithActivity: 1, countiesInDivision: prefecture.children.length } });
    expect(prefecture.children.find((c) => c.division.code === '330106')!.totals).toEqual(county.totals);
    expect(prefecture.children.filter((c) => c.totals.declared === 0).length).toBe(prefecture.children.length - 1);
    expect(prefecture.banks).toEqual(county.banks);
    const province = report(reports, 'province:330000');
    expect(province.division).toEqual({ code: '330000', name: '浙江省', nameEn: 'Zhejiang', level: 'province' });
    expect(province.children.map((c) => c.division.level)).toEqual(province.children.map(() => 'prefecture'));
    const national = report(reports, 'national:000000');
    expect(national.division).toEqual({ code: '000000', name: '全国', nameEn: 'National', level: 'national' });
    expect(national.totals.declared).toBe(5);
    expect(national.children).toHaveLength(31);
    expect(national.generatedAt).toBe(GENERATED_AT);
    expect(national.period).toBe('2026-11');
  });

  it('always produces national, with zeros and null ratios when nothing happened', () => {
    const reports = roll([]);
    expect([...reports.keys()]).toEqual(['national:000000']);
    const { totals } = report(reports, 'national:000000');
    expect(totals.declared).toBe(0);
    expect(totals.creditLoanShare).toBeNull();
    expect(totals.weightedAnnualRateBp).toBeNull();
    expect(totals.medianDaysToDecision).toBeNull();
    expect(totals.coverage.countiesWithActivity).toBe(0);
    expect(totals.coverage.countiesInDivision).toBe(ALL_COUNTIES.length);
  });

  it('rolls municipality districts and province-administered units straight into the province', () => {
    const reports = roll([row('110101', { declared: 1 }), row('419001', { declared: 2 }), row('469001', { declared: 4 })]);
    expect(reports.has('prefecture:110100')).toBe(false);
    expect(reports.has('prefecture:419000')).toBe(false);
    const beijing = report(reports, 'province:110000');
    expect(beijing.children.every((c) => c.division.level === 'county')).toBe(true);
    expect(beijing.children.find((c) => c.division.code === '110101')!.totals.declared).toBe(1);
    const henan = report(reports, 'province:410000');
    expect(henan.children.find((c) => c.division.code === '419001')).toMatchObject({ division: { level: 'county' }, totals: { declared: 2 } });
    const hainan = report(reports, 'province:460000');
    // Hainan: real prefectures (incl. 儋州 460400 without counties) and province-administered units.
    expect(hainan.children.some((c) => c.division.level === 'prefecture')).toBe(true);
    expect(hainan.children.find((c) => c.division.code === '469001')).toMatchObject({ division: { level: 'county' }, totals: { declared: 4 } });
    expect(report(reports, 'national:000000').totals.declared).toBe(7);
  });

  it('keeps a prefecture-level city without counties at both levels (441900), and files one report per code', () => {
    const reports = roll([row('441900', { declared: 6 }), row('620201', { declared: 1 })]);
    const county = report(reports, 'county:441900');
    const prefecture = report(reports, 'prefecture:441900');
    expect(county.division.level).toBe('county');
    expect(prefecture.division.level).toBe('prefecture');
    expect(prefecture.children).toEqual([{ division: county.division, totals: county.totals }]);
    expect(report(reports, 'province:440000').children.find((c) => c.division.code === '441900')!.division.level).toBe('prefecture');
    expect(report(reports, 'national:000000').totals.declared).toBe(7);
    // The alias 620201 sums into Jiayuguan 620200.
    expect(report(reports, 'county:620200').totals.declared).toBe(1);
    const files = publishableReports(reports);
    expect(files.map((r) => `${r.division.level}:${r.division.code}`)).toEqual([
      'national:000000',
      'province:440000',
      'province:620000',
      'prefecture:441900',
      'prefecture:620200',
    ]);
    expect(new Set(files.map((r) => reportFileKey(NOV.id, VERSION, r.division.code, 'full', 'json'))).size).toBe(files.length);
  });

  it('puts unknown county codes in an explicit bucket under national instead of dropping them', () => {
    const reports = roll([row('123456', { declared: 2 }), row('330100', { declared: 1 }), row('330106', { declared: 1 })]);
    const national = report(reports, 'national:000000');
    expect(national.totals.declared).toBe(4);
    const bucket = national.children.at(-1)!;
    expect(bucket.division).toEqual({ code: UNKNOWN_DIVISION.code, name: '未知地区', nameEn: 'Unknown division', level: 'province' });
    expect(bucket.totals.declared).toBe(3);
    expect(bucket.totals.coverage).toEqual({ countiesWithActivity: 2, countiesInDivision: 2 });
    const bucketReport = report(reports, 'province:999999');
    expect(bucketReport.children.map((c) => [c.division.code, c.totals.declared])).toEqual([
      ['123456', 2],
      ['330100', 1],
    ]);
    expect(national.totals.coverage.countiesInDivision).toBe(ALL_COUNTIES.length + 2);
    expect(reports.has('county:123456')).toBe(false);
  });

  it('rolls retired county codes into their old parent, and counts them in coverage while they existed', () => {
    const retired = { '330199': { parent: '330100', name: '旧区', validTo: '2026-11-15' } };
    const hangzhouCounties = report(roll([row('330106', { declared: 1 })]), 'prefecture:330100').children.length;
    const nov = rollUp({ period: NOV, generatedAt: GENERATED_AT, retiredCounties: retired, rows: [row('330199', { declared: 2 })] });
    expect(report(nov, 'county:330199').division).toEqual({ code: '330199', name: '旧区', level: 'county' });
    const prefecture = report(nov, 'prefecture:330100');
    expect(prefecture.totals.declared).toBe(2);
    expect(prefecture.totals.coverage.countiesInDivision).toBe(hangzhouCounties + 1);
    expect(prefecture.children.at(-1)!.division.code).toBe('330199');
    // After validTo: not in the denominator, unless events of earlier needs still arrive.
    const dec = parsePeriod('2026-12');
    const quiet = rollUp({ period: dec, generatedAt: GENERATED_AT, retiredCounties: retired, rows: [row('330106', { declared: 1 }, '2026-12-02')] });
    expect(report(quiet, 'prefecture:330100').totals.coverage.countiesInDivision).toBe(hangzhouCounties);
    expect(report(quiet, 'prefecture:330100').children.some((c) => c.division.code === '330199')).toBe(false);
    const late = rollUp({ period: dec, generatedAt: GENERATED_AT, retiredCounties: retired, rows: [row('330199', { granted: 1 }, '2026-12-02')] });
    expect(report(late, 'prefecture:330100').totals).toMatchObject({ granted: { count: 1 }, coverage: { countiesWithActivity: 1, countiesInDivision: hangzhouCounties + 1 } });
    // A code in the data set that was abolished leaves the denominator after validTo.
    const abolished = rollUp({ period: dec, generatedAt: GENERATED_AT, retiredCounties: { '330106': { parent: '330100', name: '西湖区', validTo: '2026-11-30' } }, rows: [] });
    expect(report(abolished, 'national:000000').totals.coverage.countiesInDivision).toBe(ALL_COUNTIES.length - 1);
  });

  it('rejects rows outside the period, non-numeric counters and a malformed generatedAt', () => {
    expect(() => roll([row('330106', { declared: 1 }, '2026-12-01')])).toThrow(RangeError);
    expect(() => roll([row('330106', { declared: 1 }, '2026-11-31')])).toThrow(RangeError);
    expect(() => roll([row('330106', { declared: Number.POSITIVE_INFINITY })])).toThrow(TypeError);
    for (const generatedAt of ['2026-12-01', '2026-12-01T01:00:00', 'yesterday', '2026-13-01T01:00:00Z']) {
      expect(() => rollUp({ period: NOV, rows: [], generatedAt })).toThrow(RangeError);
    }
  });

  it('adds bank names when given', () => {
    const reports = rollUp({
      period: NOV,
      generatedAt: GENERATED_AT,
      bankNames: { abc: { zh: '农业银行', en: 'ABC' } },
      rows: [row('330106', { offers: 1, offersBy_abc: 1 })],
    });
    expect(report(reports, 'county:330106').banks[0]).toMatchObject({ bankId: 'abc', name: { zh: '农业银行', en: 'ABC' } });
  });

  // Its speed is measured in bench/rollup.bench.ts and bench/report-figures.bench.ts, not asserted here.
  it('rolls up every county over a month (the scheduled cost does not depend on needs)', () => {
    const rows = NOV.days.flatMap((day) => ALL_COUNTIES.map((code, i) => row(code, { declared: (i % 7) + 1, offers: i % 3, offersBy_abc: i % 3 }, day)));
    const reports = roll(rows);
    expect(report(reports, 'national:000000').totals.coverage.countiesWithActivity).toBe(ALL_COUNTIES.length);
    expect(report(reports, 'national:000000').totals.declared).toBe(rows.reduce((sum, r) => sum + (r.counters.declared ?? 0), 0));
    expect(reports.size).toBeGreaterThan(ALL_COUNTIES.length);
  });
});

// ---------------------------------------------------------------------------------------------
// Property: every parent equals the sum of its children; national equals the sum of provinces.

const BANKS = ['icbc-hz', 'abc', 'ccb-gd'];
const COUNTER_KEYS = [
  'declared',
  'recommended',
  'notRecommended',
  'notRecommendedBy_size_not_eligible',
  'notRecommendedBy_negative_list_other',
  'offers',
  'accepted',
  'declined',
  'declinedBy_tax_arrears',
  'declinedBy_fraud_suspected',
  'deadlinesMissed',
  'lateAnswers',
  'unmatched',
  'granted',
  'grantedAmountYuan',
  'grantedRateBpAmountSum',
  'creditLoans',
  'creditLoanAmountYuan',
  'firstLoans',
  'mediumLongTermLoans',
  'disbursed',
  'disbursedAmountYuan',
  'decisionDaysBucket_0',
  'decisionDaysBucket_4',
  ...BANKS.flatMap((b) => [`offersBy_${b}`, `acceptedBy_${b}`, `grantedAtBankBy_${b}`, `grantedAmountYuanAtBankBy_${b}`, `answerDaysBucketBy_${b}_2`]),
];

const rowArb = fc.record({
  day: fc.constantFrom('2026-11-01', '2026-11-15', '2026-11-30'),
  countyCode: fc.oneof({ weight: 9, arbitrary: fc.constantFrom(...ALL_COUNTIES) }, { weight: 1, arbitrary: fc.constantFrom('441900', '123456', '620201') }),
  counters: fc.dictionary(fc.constantFrom(...COUNTER_KEYS), fc.integer({ min: 0, max: 1_000_000 }), { maxKeys: 8 }),
});

describe('rollUp properties', () => {
  it('every parent equals the sum of its children; national the sum of provinces and of all rows', () => {
    fc.assert(
      fc.property(fc.array(rowArb, { maxLength: 60 }), (rows) => {
        const reports = roll(rows);
        const national = report(reports, 'national:000000');
        // National = Σ every row.
        const direct = rows.reduce<Record<string, number>>((s, r) => sumCounters(s, r.counters), {});
        expect(national.totals.declared).toBe(direct.declared ?? 0);
        expect(national.totals.granted.amountYuan).toBe(direct.grantedAmountYuan ?? 0);
        // National = Σ provinces (+ the unknown bucket only when a row has an unknown code).
        const provinces = national.children.filter((c) => c.division.code !== UNKNOWN_DIVISION.code);
        expect(provinces).toHaveLength(31);
        const unknownRows = rows.filter((r) => r.countyCode === '123456');
        if (!unknownRows.some((r) => Object.values(r.counters).some((v) => v > 0))) {
          expectSameCells(sumOf(provinces.map((c) => additive(c.totals))), additive(national.totals), 'national vs provinces');
        }
        for (const [key, r] of reports) {
          expect(reportSchema.parse(r)).toEqual(r);
          // Parent = Σ children, cell by cell (coverage included).
          if (r.children.length > 0) expectSameCells(sumOf(r.children.map((c) => additive(c.totals))), additive(r.totals), key);
          // A child with activity has its own report with the same totals; one without has none.
          for (const child of r.children) {
            const own = reports.get(reportMapKey(child.division.level, child.division.code));
            if (own) expect(own.totals).toEqual(child.totals);
            else if (r.division.code !== UNKNOWN_DIVISION.code) expect([...additive(child.totals)].filter(([p, v]) => !p.startsWith('/coverage') && v !== 0)).toEqual([]);
          }
          // Banks add up to the totals they break down.
          const banks = (f: (b: Report['banks'][number]) => number) => r.banks.reduce((s, b) => s + f(b), 0);
          const direct = rows
            .filter((row) => {
              const chain = countyChain(row.countyCode);
              const codes = chain ? [chain.county.code, chain.prefecture?.code, chain.province.code, '000000'] : ['000000', '999999'];
              return codes.includes(r.division.code);
            })
            .reduce((s, row) => s + BANKS.reduce((t, b) => t + (row.counters[`offersBy_${b}`] ?? 0), 0), 0);
          expect(banks((b) => b.offers)).toBe(direct);
        }
        // Re-running gives identical reports, whatever the order of the rows.
        expect(JSON.stringify([...roll([...rows].reverse())])).toBe(JSON.stringify([...reports]));
      }),
      { numRuns: 60 },
    );
  }, 120_000);
});
