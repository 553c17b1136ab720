/**
 * Screening onto the two lists (两张清单), and the negative list it consults.
 *
 * Every need is on the declaration list (申报清单). It goes on the recommendation list (推荐清单) only if
 * no reason below applies; otherwise it is `not_recommended` with every reason that applies, in the
 * order of the table below (negative-list reasons by reason code), each with a stable code and a
 * message in Chinese and English.
 *
 * The official thresholds of the five criteria (五项标准) are not public. These are our reading of
 * "as far as the data tells", configurable through {@link ScreeningRules} ({@link DEFAULT_SCREENING_RULES}):
 *
 * | criterion | code | applies when (defaults) |
 * |---|---|---|
 * | eligible_entity | `size_not_eligible` | entity type `enterprise` whose size class is medium or large. Individual businesses, farmers' cooperatives and family farms are eligible whatever their size (the mechanism names them). |
 * | continuing_operation | `operating_years_below_minimum` | yearsInOperation < `minYearsInOperation` (default 0: any existing business passes, including one in its first year) |
 * | continuing_operation | `no_revenue_while_operating` | annualRevenueYuan = 0 although yearsInOperation ≥ `zeroRevenueFlagAfterYears` (default 1): a year or more in business with no revenue contradicts continuing operation. `null` turns the check off. |
 * | fixed_premises | `no_fixed_premises` | hasFixedPremises is false |
 * | genuine_need | `amount_exceeds_revenue_ratio` | amountYuan > `maxAmountToRevenueRatio` (default 3) × max(annualRevenueYuan, 1). No exemption (a business without revenue fails it; the county task force sees it on the declaration list). |
 * | genuine_need | `renewal_without_existing_loan` | purpose `renewal` (无还本续贷) with firstLoan true: there is no loan to renew |
 * | lawful_purpose | `purpose_unknown` | purpose not one of PURPOSES (records read back from storage) |
 * | lawful_purpose | `purpose_other_undescribed` | purpose `other` without a non-empty description |
 * | negative_list | `negative_list.<reasonCode>` | an entry for the same credit code whose jurisdiction covers the need's county (000000, its province, its prefecture or the county itself) and whose validity window contains the CST day of `now` (validFrom ≤ day ≤ validTo, validTo inclusive, absent = open-ended). One reason per reason code; `detail` lists the matching entries' jurisdiction, source and window. |
 *
 * Good credit standing (`credit_standing`) has no data of its own on the platform beyond the negative
 * list: it is judged through the negative list, whose hits carry criterion `negative_list`.
 * `credit_standing` is kept in the criterion type for a future credit-bureau rule and is not emitted today.
 *
 * The negative list is data kept by task forces and regulators (./negative-list.ts: its entries, their
 * CSV and the workspace's register).
 *
 * Pure module: no I/O, no environment, no clock (pass `now`).
 */
import * as z from 'zod';
import {
  NEGATIVE_LIST_REASONS,
  SCREENING_REASONS,
  type NegativeListReasonCode,
  type ScreeningCriterion,
} from './reasons';
import { PURPOSES } from './need';
import { chinaDay, type NeedRecord } from './need-record';
import type { LocalizedText } from './problem';
import type { NegativeListEntry } from './negative-list';

export {
  NEGATIVE_LIST_REASONS,
  NEGATIVE_LIST_REASON_CODES,
  SCREENING_CRITERIA,
  SCREENING_REASONS,
  type NegativeListReasonCode,
  type ScreeningCriterion,
  type ScreeningReasonCode,
} from './reasons';
// The negative list's data (its entries, their CSV) lives in ./negative-list.ts.
export {
  NEGATIVE_LIST_CSV_COLUMNS,
  NEGATIVE_LIST_MESSAGES,
  negativeListEntrySchema,
  parseNegativeListCsv,
  type CsvLineError,
  type NegativeListEntry,
  type NegativeListEntryInput,
} from './negative-list';

// ---------------------------------------------------------------------------------------------
// Screening


export interface ScreeningReason {
  code: string;
  criterion: ScreeningCriterion;
  message: LocalizedText;
  detail?: string;
}

export interface ScreeningResult {
  outcome: 'recommended' | 'not_recommended';
  reasons: ScreeningReason[];
}

export interface ScreeningRules {
  /** Fewest whole years in operation; 0 lets any existing business pass. */
  minYearsInOperation: number;
  /** Years in operation from which zero annual revenue contradicts continuing operation; null: never. */
  zeroRevenueFlagAfterYears: number | null;
  /** Largest amount as a multiple of annual revenue (revenue counted as at least 1 yuan). */
  maxAmountToRevenueRatio: number;
}

export const screeningRulesSchema = z.strictObject({
  minYearsInOperation: z.number().int().min(0).max(200),
  zeroRevenueFlagAfterYears: z.number().int().min(0).max(200).nullable(),
  maxAmountToRevenueRatio: z.number().positive().max(1_000_000),
});

export const DEFAULT_SCREENING_RULES: Readonly<ScreeningRules> = Object.freeze({
  minYearsInOperation: 0,
  zeroRevenueFlagAfterYears: 1,
  maxAmountToRevenueRatio: 3,
});

/** Entity types eligible whatever their size class. */
export const SIZE_EXEMPT_ENTITY_TYPES: ReadonlySet<string> = new Set([
  'individual_business',
  'farmers_cooperative',
  'family_farm',
]);
export const ELIGIBLE_SIZE_CLASSES: ReadonlySet<string> = new Set(['small', 'micro']);



function reason(code: keyof typeof SCREENING_REASONS, detail?: string): ScreeningReason {
  const spec = SCREENING_REASONS[code];
  return { code, criterion: spec.criterion, message: spec.message, ...(detail !== undefined ? { detail } : {}) };
}

/** Whether the entry is in force on `day` and covers the county of the need. */
function entryApplies(entry: NegativeListEntry, jurisdictions: ReadonlySet<string>, day: string): boolean {
  return jurisdictions.has(entry.jurisdiction) && entry.validFrom <= day && (entry.validTo === undefined || day <= entry.validTo);
}

/** The negative-list entries that exclude the need's enterprise at `now`, in a stable order. */
export function matchingNegativeListEntries(
  record: NeedRecord,
  negativeEntries: readonly NegativeListEntry[],
  now: Date,
): NegativeListEntry[] {
  const { enterprise } = record;
  const jurisdictions = new Set(
    ['000000', enterprise.provinceCode, enterprise.prefectureCode, enterprise.countyCode].filter(
      (code): code is string => code !== undefined,
    ),
  );
  const day = chinaDay(now);
  return negativeEntries
    .filter((entry) => entry.creditCode === enterprise.creditCode && entryApplies(entry, jurisdictions, day))
    .sort(
      (a, b) =>
        compare(a.reasonCode, b.reasonCode) ||
        compare(a.jurisdiction, b.jurisdiction) ||
        compare(a.validFrom, b.validFrom) ||
        compare(a.source, b.source),
    );
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Screens a need onto the lists. Pure: `now` decides which negative-list entries are in force
 * (compared as CST calendar days); `rules` defaults to {@link DEFAULT_SCREENING_RULES}.
 */
export function screenNeed(
  record: NeedRecord,
  negativeEntries: readonly NegativeListEntry[],
  now: Date,
  rules: ScreeningRules = DEFAULT_SCREENING_RULES,
): ScreeningResult {
  const { enterprise, need } = record;
  const reasons: ScreeningReason[] = [];

  // Eligible entity.
  if (!SIZE_EXEMPT_ENTITY_TYPES.has(enterprise.entityType) && !ELIGIBLE_SIZE_CLASSES.has(record.sizeClass)) {
    reasons.push(reason('size_not_eligible', `${enterprise.entityType} ${record.sizeClass}`));
  }

  // Continuing operation.
  if (enterprise.yearsInOperation < rules.minYearsInOperation) {
    reasons.push(
      reason('operating_years_below_minimum', `${enterprise.yearsInOperation} < ${rules.minYearsInOperation} years`),
    );
  }
  if (
    rules.zeroRevenueFlagAfterYears !== null &&
    enterprise.annualRevenueYuan === 0 &&
    enterprise.yearsInOperation >= rules.zeroRevenueFlagAfterYears
  ) {
    reasons.push(reason('no_revenue_while_operating', `revenue 0 after ${enterprise.yearsInOperation} years`));
  }

  // Fixed premises.
  if (enterprise.hasFixedPremises !== true) reasons.push(reason('no_fixed_premises'));

  // Genuine need.
  const ceiling = rules.maxAmountToRevenueRatio * Math.max(enterprise.annualRevenueYuan, 1);
  if (need.amountYuan > ceiling) {
    reasons.push(
      reason(
        'amount_exceeds_revenue_ratio',
        `amount ${need.amountYuan} > ${rules.maxAmountToRevenueRatio} × revenue ${enterprise.annualRevenueYuan}`,
      ),
    );
  }
  if (need.purpose === 'renewal' && need.firstLoan === true) reasons.push(reason('renewal_without_existing_loan'));

  // Lawful purpose.
  if (!(PURPOSES as readonly string[]).includes(need.purpose)) {
    reasons.push(reason('purpose_unknown', String(need.purpose)));
  } else if (need.purpose === 'other' && (need.description ?? '').trim() === '') {
    reasons.push(reason('purpose_other_undescribed'));
  }

  // Good credit standing and the negative list.
  const byReason = new Map<NegativeListReasonCode, NegativeListEntry[]>();
  for (const entry of matchingNegativeListEntries(record, negativeEntries, now)) {
    const list = byReason.get(entry.reasonCode) ?? [];
    list.push(entry);
    byReason.set(entry.reasonCode, list);
  }
  for (const [code, entries] of byReason) {
    const label = NEGATIVE_LIST_REASONS[code];
    reasons.push({
      code: `negative_list.${code}`,
      criterion: 'negative_list',
      message: { zh: `列入负面清单：${label.zh}`, en: `On the negative list: ${label.en}` },
      detail: entries
        .map((e) => `${e.jurisdiction} ${e.source} ${e.validFrom}..${e.validTo ?? ''}`)
        .filter((value, index, all) => all.indexOf(value) === index)
        .join('; '),
    });
  }

  return { outcome: reasons.length === 0 ? 'recommended' : 'not_recommended', reasons };
}
