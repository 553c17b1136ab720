/**
 * Enterprise size (工信部联企业〔2011〕300号; figures as in 统计上大中小微型企业划分办法(2017)).
 *
 * Each size category lists one to two figures (staff, annual revenue, total assets), with a
 * threshold per level. The rule:
 * - large:  every listed figure is at or above the large threshold (the upper SME ceiling; an
 *           enterprise below ANY ceiling figure is an SME);
 * - medium: not large, and every listed figure is at or above the medium threshold;
 * - small:  not medium, and every listed figure is at or above the small threshold;
 * - micro:  some listed figure is below the small threshold.
 * Figures a category does not list play no part (e.g. agriculture looks at revenue only).
 *
 * The standard states money in 万元 (10,000 yuan); inputs and SIZE_THRESHOLDS here are in whole
 * yuan, so 50 万元 is 500,000 yuan. Staff is a head count.
 *
 * Pure module: no I/O, no environment.
 */
import type { SizeCategory } from './industry';

export type SizeClass = 'large' | 'medium' | 'small' | 'micro';

export interface SizeInputs {
  category: SizeCategory;
  /** Head count. */
  employees: number;
  /** Annual operating revenue (营业收入), whole yuan. */
  annualRevenueYuan: number;
  /** Total assets (资产总额), whole yuan. */
  totalAssetsYuan: number;
}

/** The figures a threshold can be set on: the numeric fields of SizeInputs. */
export type SizeMetric = 'employees' | 'annualRevenueYuan' | 'totalAssetsYuan';

/** Minimum value per listed figure; a figure that is absent is not looked at. */
export type SizeLevelThresholds = Readonly<Partial<Record<SizeMetric, number>>>;

/** Thresholds of one category. All three levels list the same figures. */
export interface CategorySizeThresholds {
  readonly large: SizeLevelThresholds;
  readonly medium: SizeLevelThresholds;
  readonly small: SizeLevelThresholds;
}

/** 万元 → yuan. */
const wan = (n: number): number => n * 10_000;

/**
 * The size table, one entry per category; money in yuan. Each line reads
 * large ≥ (upper SME ceiling) / medium ≥ / small ≥; below small is micro.
 */
export const SIZE_THRESHOLDS: Readonly<Record<SizeCategory, CategorySizeThresholds>> = deepFreeze({
  agriculture: {
    large: { annualRevenueYuan: wan(20_000) },
    medium: { annualRevenueYuan: wan(500) },
    small: { annualRevenueYuan: wan(50) },
  },
  industry: {
    large: { employees: 1000, annualRevenueYuan: wan(40_000) },
    medium: { employees: 300, annualRevenueYuan: wan(2_000) },
    small: { employees: 20, annualRevenueYuan: wan(300) },
  },
  construction: {
    large: { annualRevenueYuan: wan(80_000), totalAssetsYuan: wan(80_000) },
    medium: { annualRevenueYuan: wan(6_000), totalAssetsYuan: wan(5_000) },
    small: { annualRevenueYuan: wan(300), totalAssetsYuan: wan(300) },
  },
  wholesale: {
    large: { employees: 200, annualRevenueYuan: wan(40_000) },
    medium: { employees: 20, annualRevenueYuan: wan(5_000) },
    small: { employees: 5, annualRevenueYuan: wan(1_000) },
  },
  retail: {
    large: { employees: 300, annualRevenueYuan: wan(20_000) },
    medium: { employees: 50, annualRevenueYuan: wan(500) },
    small: { employees: 10, annualRevenueYuan: wan(100) },
  },
  transport: {
    large: { employees: 1000, annualRevenueYuan: wan(30_000) },
    medium: { employees: 300, annualRevenueYuan: wan(3_000) },
    small: { employees: 20, annualRevenueYuan: wan(200) },
  },
  warehousing: {
    large: { employees: 200, annualRevenueYuan: wan(30_000) },
    medium: { employees: 100, annualRevenueYuan: wan(1_000) },
    small: { employees: 20, annualRevenueYuan: wan(100) },
  },
  postal: {
    large: { employees: 1000, annualRevenueYuan: wan(30_000) },
    medium: { employees: 300, annualRevenueYuan: wan(2_000) },
    small: { employees: 20, annualRevenueYuan: wan(100) },
  },
  accommodationCatering: {
    large: { employees: 300, annualRevenueYuan: wan(10_000) },
    medium: { employees: 100, annualRevenueYuan: wan(2_000) },
    small: { employees: 10, annualRevenueYuan: wan(100) },
  },
  informationTransmission: {
    large: { employees: 2000, annualRevenueYuan: wan(100_000) },
    medium: { employees: 100, annualRevenueYuan: wan(1_000) },
    small: { employees: 10, annualRevenueYuan: wan(100) },
  },
  softwareIt: {
    large: { employees: 300, annualRevenueYuan: wan(10_000) },
    medium: { employees: 100, annualRevenueYuan: wan(1_000) },
    small: { employees: 10, annualRevenueYuan: wan(50) },
  },
  realEstateDevelopment: {
    large: { annualRevenueYuan: wan(200_000), totalAssetsYuan: wan(10_000) },
    medium: { annualRevenueYuan: wan(1_000), totalAssetsYuan: wan(5_000) },
    small: { annualRevenueYuan: wan(100), totalAssetsYuan: wan(2_000) },
  },
  propertyManagement: {
    large: { employees: 1000, annualRevenueYuan: wan(5_000) },
    medium: { employees: 300, annualRevenueYuan: wan(1_000) },
    small: { employees: 100, annualRevenueYuan: wan(500) },
  },
  leasingBusinessServices: {
    large: { employees: 300, totalAssetsYuan: wan(120_000) },
    medium: { employees: 100, totalAssetsYuan: wan(8_000) },
    small: { employees: 10, totalAssetsYuan: wan(100) },
  },
  other: {
    large: { employees: 300 },
    medium: { employees: 100 },
    small: { employees: 10 },
  },
});

const METRICS: readonly SizeMetric[] = ['employees', 'annualRevenueYuan', 'totalAssetsYuan'];

/** Levels from the top; the first whose every listed figure is met is the class. */
const LEVELS: readonly Exclude<SizeClass, 'micro'>[] = ['large', 'medium', 'small'];

function meetsAll(inputs: SizeInputs, level: SizeLevelThresholds): boolean {
  return METRICS.every((m) => {
    const min = level[m];
    return min === undefined || inputs[m] >= min;
  });
}

/**
 * Size class of an enterprise. Throws RangeError for an unknown category or for a figure that is
 * not a non-negative whole number (staff in people, money in whole yuan).
 */
export function classifyEnterpriseSize(inputs: SizeInputs): SizeClass {
  const table = Object.hasOwn(SIZE_THRESHOLDS, inputs.category) ? SIZE_THRESHOLDS[inputs.category] : undefined;
  if (table === undefined) throw new RangeError(`unknown size category: ${String(inputs.category)}`);
  for (const m of METRICS) {
    const v = inputs[m];
    if (!Number.isSafeInteger(v) || v < 0) throw new RangeError(`${m} must be a non-negative whole number, got ${String(v)}`);
  }
  for (const level of LEVELS) {
    if (meetsAll(inputs, table[level])) return level;
  }
  return 'micro';
}

function deepFreeze<T extends object>(o: T): T {
  for (const v of Object.values(o)) if (typeof v === 'object' && v !== null) deepFreeze(v as object);
  return Object.freeze(o);
}
