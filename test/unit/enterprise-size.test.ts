import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import {
  SIZE_THRESHOLDS,
  classifyEnterpriseSize,
  type SizeClass,
  type SizeInputs,
  type SizeMetric,
} from '../../shared/domain/enterprise-size';
import type { SizeCategory } from '../../shared/domain/industry';

/**
 * The table from docs/domain.md, transcribed independently of the module, in its own units
 * (people, 万元). s = staff, r = revenue, a = assets; [large (ceiling), medium, small].
 */
type Row = { s?: [number, number, number]; r?: [number, number, number]; a?: [number, number, number] };
const TABLE: Record<SizeCategory, Row> = {
  agriculture: { r: [20_000, 500, 50] },
  industry: { s: [1000, 300, 20], r: [40_000, 2_000, 300] },
  construction: { r: [80_000, 6_000, 300], a: [80_000, 5_000, 300] },
  wholesale: { s: [200, 20, 5], r: [40_000, 5_000, 1_000] },
  retail: { s: [300, 50, 10], r: [20_000, 500, 100] },
  transport: { s: [1000, 300, 20], r: [30_000, 3_000, 200] },
  warehousing: { s: [200, 100, 20], r: [30_000, 1_000, 100] },
  postal: { s: [1000, 300, 20], r: [30_000, 2_000, 100] },
  accommodationCatering: { s: [300, 100, 10], r: [10_000, 2_000, 100] },
  informationTransmission: { s: [2000, 100, 10], r: [100_000, 1_000, 100] },
  softwareIt: { s: [300, 100, 10], r: [10_000, 1_000, 50] },
  realEstateDevelopment: { r: [200_000, 1_000, 100], a: [10_000, 5_000, 2_000] },
  propertyManagement: { s: [1000, 300, 100], r: [5_000, 1_000, 500] },
  leasingBusinessServices: { s: [300, 100, 10], a: [120_000, 8_000, 100] },
  other: { s: [300, 100, 10] },
};

const CATEGORIES = Object.keys(TABLE) as SizeCategory[];
const METRICS: readonly SizeMetric[] = ['employees', 'annualRevenueYuan', 'totalAssetsYuan'];
const LEVELS = ['large', 'medium', 'small'] as const;
const RANK: Record<SizeClass, number> = { micro: 0, small: 1, medium: 2, large: 3 };

const WAN = 10_000;

function levelOf(row: Row, idx: 0 | 1 | 2): Partial<Record<SizeMetric, number>> {
  const out: Partial<Record<SizeMetric, number>> = {};
  if (row.s) out.employees = row.s[idx];
  if (row.r) out.annualRevenueYuan = row.r[idx] * WAN;
  if (row.a) out.totalAssetsYuan = row.a[idx] * WAN;
  return out;
}

/** Inputs with every listed figure exactly at `level`, and unlisted figures at 0. */
function atLevel(category: SizeCategory, idx: 0 | 1 | 2): SizeInputs {
  return { category, employees: 0, annualRevenueYuan: 0, totalAssetsYuan: 0, ...levelOf(TABLE[category], idx) };
}

function listedMetrics(category: SizeCategory): SizeMetric[] {
  return Object.keys(levelOf(TABLE[category], 0)) as SizeMetric[];
}

describe('SIZE_THRESHOLDS', () => {
  it('matches the table in the domain brief (converted to yuan)', () => {
    for (const c of CATEGORIES) {
      expect(SIZE_THRESHOLDS[c], c).toEqual({
        large: levelOf(TABLE[c], 0),
        medium: levelOf(TABLE[c], 1),
        small: levelOf(TABLE[c], 2),
      });
    }
    expect(Object.keys(SIZE_THRESHOLDS).sort()).toEqual([...CATEGORIES].sort());
  });

  it('is consistent: same figures at every level, strictly rising, whole positive numbers', () => {
    for (const c of CATEGORIES) {
      const t = SIZE_THRESHOLDS[c];
      const keys = Object.keys(t.small).sort();
      expect(keys.length).toBeGreaterThan(0);
      expect(Object.keys(t.medium).sort()).toEqual(keys);
      expect(Object.keys(t.large).sort()).toEqual(keys);
      for (const m of keys as SizeMetric[]) {
        const [s, md, l] = [t.small[m]!, t.medium[m]!, t.large[m]!];
        expect(Number.isSafeInteger(s) && s > 0).toBe(true);
        expect(s < md && md < l, `${c}.${m}`).toBe(true);
      }
    }
  });

  it('is frozen', () => {
    expect(Object.isFrozen(SIZE_THRESHOLDS)).toBe(true);
    expect(Object.isFrozen(SIZE_THRESHOLDS.industry.small)).toBe(true);
  });
});

describe('classifyEnterpriseSize at the boundaries of every row', () => {
  for (const category of CATEGORIES) {
    describe(category, () => {
      const metrics = listedMetrics(category);

      it('exactly at each threshold gives that class', () => {
        expect(classifyEnterpriseSize(atLevel(category, 0))).toBe('large');
        expect(classifyEnterpriseSize(atLevel(category, 1))).toBe('medium');
        expect(classifyEnterpriseSize(atLevel(category, 2))).toBe('small');
      });

      it('one person / one yuan below any threshold drops one class', () => {
        const below: Record<0 | 1 | 2, SizeClass> = { 0: 'medium', 1: 'small', 2: 'micro' };
        for (const idx of [0, 1, 2] as const) {
          for (const m of metrics) {
            const inputs = atLevel(category, idx);
            inputs[m] -= 1;
            expect(classifyEnterpriseSize(inputs), `${category} ${LEVELS[idx]} ${m}-1`).toBe(below[idx]);
          }
        }
      });

      it('zero everywhere is micro', () => {
        expect(classifyEnterpriseSize({ category, employees: 0, annualRevenueYuan: 0, totalAssetsYuan: 0 })).toBe('micro');
      });

      it('figures the row does not list do not matter', () => {
        const unlisted = METRICS.filter((m) => !metrics.includes(m));
        for (const idx of [0, 1, 2] as const) {
          const base = atLevel(category, idx);
          for (const m of unlisted) {
            expect(classifyEnterpriseSize({ ...base, [m]: 9_000_000_000_000 })).toBe(classifyEnterpriseSize(base));
          }
        }
      });
    });
  }
});

describe('classifyEnterpriseSize: worked examples (people, yuan)', () => {
  const cases: [SizeInputs, SizeClass][] = [
    // Agriculture: revenue only; 50 万元 = 500,000 yuan.
    [{ category: 'agriculture', employees: 5000, annualRevenueYuan: 499_999, totalAssetsYuan: 1e10 }, 'micro'],
    [{ category: 'agriculture', employees: 0, annualRevenueYuan: 500_000, totalAssetsYuan: 0 }, 'small'],
    [{ category: 'agriculture', employees: 0, annualRevenueYuan: 5_000_000, totalAssetsYuan: 0 }, 'medium'],
    [{ category: 'agriculture', employees: 0, annualRevenueYuan: 199_999_999, totalAssetsYuan: 0 }, 'medium'],
    [{ category: 'agriculture', employees: 0, annualRevenueYuan: 200_000_000, totalAssetsYuan: 0 }, 'large'],
    // Industry: large needs 1000 staff AND 40,000 万元.
    [{ category: 'industry', employees: 999, annualRevenueYuan: 400_000_000, totalAssetsYuan: 0 }, 'medium'],
    [{ category: 'industry', employees: 1000, annualRevenueYuan: 399_999_999, totalAssetsYuan: 0 }, 'medium'],
    [{ category: 'industry', employees: 1000, annualRevenueYuan: 400_000_000, totalAssetsYuan: 0 }, 'large'],
    [{ category: 'industry', employees: 5000, annualRevenueYuan: 2_999_999, totalAssetsYuan: 0 }, 'micro'],
    [{ category: 'industry', employees: 19, annualRevenueYuan: 1e9, totalAssetsYuan: 0 }, 'micro'],
    [{ category: 'industry', employees: 20, annualRevenueYuan: 3_000_000, totalAssetsYuan: 0 }, 'small'],
    [{ category: 'industry', employees: 299, annualRevenueYuan: 20_000_000, totalAssetsYuan: 0 }, 'small'],
    [{ category: 'industry', employees: 300, annualRevenueYuan: 20_000_000, totalAssetsYuan: 0 }, 'medium'],
    // Construction: revenue and assets.
    [{ category: 'construction', employees: 10_000, annualRevenueYuan: 3_000_000, totalAssetsYuan: 2_999_999 }, 'micro'],
    [{ category: 'construction', employees: 0, annualRevenueYuan: 60_000_000, totalAssetsYuan: 50_000_000 }, 'medium'],
    [{ category: 'construction', employees: 0, annualRevenueYuan: 800_000_000, totalAssetsYuan: 799_999_999 }, 'medium'],
    // Wholesale.
    [{ category: 'wholesale', employees: 5, annualRevenueYuan: 10_000_000, totalAssetsYuan: 0 }, 'small'],
    [{ category: 'wholesale', employees: 4, annualRevenueYuan: 10_000_000, totalAssetsYuan: 0 }, 'micro'],
    [{ category: 'wholesale', employees: 200, annualRevenueYuan: 400_000_000, totalAssetsYuan: 0 }, 'large'],
    // Retail.
    [{ category: 'retail', employees: 10, annualRevenueYuan: 999_999, totalAssetsYuan: 0 }, 'micro'],
    [{ category: 'retail', employees: 50, annualRevenueYuan: 5_000_000, totalAssetsYuan: 0 }, 'medium'],
    [{ category: 'retail', employees: 300, annualRevenueYuan: 200_000_000, totalAssetsYuan: 0 }, 'large'],
    // Transport / warehousing / postal.
    [{ category: 'transport', employees: 20, annualRevenueYuan: 2_000_000, totalAssetsYuan: 0 }, 'small'],
    [{ category: 'transport', employees: 300, annualRevenueYuan: 29_999_999, totalAssetsYuan: 0 }, 'small'],
    [{ category: 'warehousing', employees: 100, annualRevenueYuan: 10_000_000, totalAssetsYuan: 0 }, 'medium'],
    [{ category: 'warehousing', employees: 200, annualRevenueYuan: 300_000_000, totalAssetsYuan: 0 }, 'large'],
    [{ category: 'postal', employees: 20, annualRevenueYuan: 999_999, totalAssetsYuan: 0 }, 'micro'],
    [{ category: 'postal', employees: 300, annualRevenueYuan: 20_000_000, totalAssetsYuan: 0 }, 'medium'],
    // Accommodation and catering.
    [{ category: 'accommodationCatering', employees: 10, annualRevenueYuan: 1_000_000, totalAssetsYuan: 0 }, 'small'],
    [{ category: 'accommodationCatering', employees: 300, annualRevenueYuan: 100_000_000, totalAssetsYuan: 0 }, 'large'],
    // Information transmission, software.
    [{ category: 'informationTransmission', employees: 1999, annualRevenueYuan: 1e10, totalAssetsYuan: 0 }, 'medium'],
    [{ category: 'informationTransmission', employees: 2000, annualRevenueYuan: 1_000_000_000, totalAssetsYuan: 0 }, 'large'],
    [{ category: 'softwareIt', employees: 10, annualRevenueYuan: 500_000, totalAssetsYuan: 0 }, 'small'],
    [{ category: 'softwareIt', employees: 10, annualRevenueYuan: 499_999, totalAssetsYuan: 0 }, 'micro'],
    // Real-estate development: revenue and assets; ceiling 200,000 万元 revenue / 10,000 万元 assets.
    [{ category: 'realEstateDevelopment', employees: 0, annualRevenueYuan: 1_000_000, totalAssetsYuan: 20_000_000 }, 'small'],
    [{ category: 'realEstateDevelopment', employees: 0, annualRevenueYuan: 1_000_000, totalAssetsYuan: 19_999_999 }, 'micro'],
    [{ category: 'realEstateDevelopment', employees: 0, annualRevenueYuan: 10_000_000, totalAssetsYuan: 50_000_000 }, 'medium'],
    [{ category: 'realEstateDevelopment', employees: 0, annualRevenueYuan: 2_000_000_000, totalAssetsYuan: 100_000_000 }, 'large'],
    [{ category: 'realEstateDevelopment', employees: 0, annualRevenueYuan: 1_999_999_999, totalAssetsYuan: 1e12 }, 'medium'],
    // Property management.
    [{ category: 'propertyManagement', employees: 100, annualRevenueYuan: 5_000_000, totalAssetsYuan: 0 }, 'small'],
    [{ category: 'propertyManagement', employees: 99, annualRevenueYuan: 5_000_000, totalAssetsYuan: 0 }, 'micro'],
    [{ category: 'propertyManagement', employees: 1000, annualRevenueYuan: 50_000_000, totalAssetsYuan: 0 }, 'large'],
    // Leasing and business services: staff and assets, revenue ignored.
    [{ category: 'leasingBusinessServices', employees: 10, annualRevenueYuan: 0, totalAssetsYuan: 1_000_000 }, 'small'],
    [{ category: 'leasingBusinessServices', employees: 100, annualRevenueYuan: 0, totalAssetsYuan: 79_999_999 }, 'small'],
    [{ category: 'leasingBusinessServices', employees: 300, annualRevenueYuan: 0, totalAssetsYuan: 1_200_000_000 }, 'large'],
    // Other: staff only.
    [{ category: 'other', employees: 9, annualRevenueYuan: 1e12, totalAssetsYuan: 1e12 }, 'micro'],
    [{ category: 'other', employees: 10, annualRevenueYuan: 0, totalAssetsYuan: 0 }, 'small'],
    [{ category: 'other', employees: 100, annualRevenueYuan: 0, totalAssetsYuan: 0 }, 'medium'],
    [{ category: 'other', employees: 300, annualRevenueYuan: 0, totalAssetsYuan: 0 }, 'large'],
  ];
  it.each(cases)('%o → %s', (inputs, expected) => {
    expect(classifyEnterpriseSize(inputs)).toBe(expected);
  });
});

describe('classifyEnterpriseSize: input checks', () => {
  const ok: SizeInputs = { category: 'industry', employees: 20, annualRevenueYuan: 3_000_000, totalAssetsYuan: 0 };
  it.each([
    ['employees', -1],
    ['employees', 1.5],
    ['annualRevenueYuan', Number.NaN],
    ['annualRevenueYuan', Number.POSITIVE_INFINITY],
    ['totalAssetsYuan', -0.01],
  ] as const)('rejects %s = %s', (field, value) => {
    expect(() => classifyEnterpriseSize({ ...ok, [field]: value })).toThrow(RangeError);
  });
  it('rejects an unknown category', () => {
    expect(() => classifyEnterpriseSize({ ...ok, category: 'mining' as SizeCategory })).toThrow(RangeError);
    expect(() => classifyEnterpriseSize({ ...ok, category: 'toString' as SizeCategory })).toThrow(RangeError);
  });
});

// ---- properties -------------------------------------------------------------------------------

/** Every threshold value in the table, per metric: generated figures cluster around them. */
const POINTS: Record<SizeMetric, number[]> = {
  employees: [],
  annualRevenueYuan: [],
  totalAssetsYuan: [],
};
for (const c of CATEGORIES) for (const l of LEVELS) for (const [m, v] of Object.entries(SIZE_THRESHOLDS[c][l])) POINTS[m as SizeMetric].push(v);

function figure(m: SizeMetric): fc.Arbitrary<number> {
  const max = m === 'employees' ? 10_000 : 5_000_000_000;
  return fc.oneof(
    fc.integer({ min: 0, max }),
    fc.constantFrom(...POINTS[m]).chain((v) => fc.integer({ min: Math.max(0, v - 2), max: v + 2 })),
  );
}

const arbInputs: fc.Arbitrary<SizeInputs> = fc.record({
  category: fc.constantFrom(...CATEGORIES),
  employees: figure('employees'),
  annualRevenueYuan: figure('annualRevenueYuan'),
  totalAssetsYuan: figure('totalAssetsYuan'),
});

const meets = (inputs: SizeInputs, level: (typeof LEVELS)[number]): boolean =>
  Object.entries(SIZE_THRESHOLDS[inputs.category][level]).every(([m, v]) => inputs[m as SizeMetric] >= v);

describe('classifyEnterpriseSize: properties', () => {
  it('is monotone: raising any figure never lowers the class', () => {
    fc.assert(
      fc.property(arbInputs, fc.constantFrom(...METRICS), fc.integer({ min: 0, max: 1_000_000_000 }), (inputs, m, delta) => {
        const raised = { ...inputs, [m]: inputs[m] + delta };
        expect(RANK[classifyEnterpriseSize(raised)]).toBeGreaterThanOrEqual(RANK[classifyEnterpriseSize(inputs)]);
      }),
      { numRuns: 2000 },
    );
  });

  it("is 'micro' iff some small threshold is not met", () => {
    fc.assert(
      fc.property(arbInputs, (inputs) => {
        const small = SIZE_THRESHOLDS[inputs.category].small;
        const someBelow = Object.entries(small).some(([m, v]) => inputs[m as SizeMetric] < v);
        expect(classifyEnterpriseSize(inputs) === 'micro').toBe(someBelow);
      }),
      { numRuns: 2000 },
    );
  });

  it("is 'large' iff every ceiling figure is met (an SME is below at least one)", () => {
    fc.assert(
      fc.property(arbInputs, (inputs) => {
        expect(classifyEnterpriseSize(inputs) === 'large').toBe(meets(inputs, 'large'));
      }),
      { numRuns: 2000 },
    );
  });

  it('is the highest level whose every listed threshold is met', () => {
    fc.assert(
      fc.property(arbInputs, (inputs) => {
        const expected: SizeClass = LEVELS.find((l) => meets(inputs, l)) ?? 'micro';
        expect(classifyEnterpriseSize(inputs)).toBe(expected);
      }),
      { numRuns: 2000 },
    );
  });

  it('meets every threshold of its own class (and of the classes below)', () => {
    fc.assert(
      fc.property(arbInputs, (inputs) => {
        const cls = classifyEnterpriseSize(inputs);
        for (const l of LEVELS) if (RANK[l] <= RANK[cls]) expect(meets(inputs, l)).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  it('ignores the figures a row does not list', () => {
    fc.assert(
      fc.property(arbInputs, fc.constantFrom(...METRICS), fc.integer({ min: 0, max: 1e12 }), (inputs, m, value) => {
        fc.pre(SIZE_THRESHOLDS[inputs.category].small[m] === undefined);
        expect(classifyEnterpriseSize({ ...inputs, [m]: value })).toBe(classifyEnterpriseSize(inputs));
      }),
      { numRuns: 1000 },
    );
  });
});
