/**
 * Regulator reports: periods and the report shape (full and public editions).
 *
 * **Periods** (all days are China Standard Time calendar days, `YYYY-MM-DD`):
 * - a day: id `2026-11-29`, days `[2026-11-29]`;
 * - a month: id `2026-11`, days `2026-11-01` … `2026-11-30`;
 * - month-to-date: id `2026-11-mtd-29`, days `2026-11-01` … `2026-11-29` (built by
 *   {@link monthToDate}). The id sorts after the month's days and is safe in URLs and S3 keys.
 * {@link parsePeriod} accepts all three ids and is the inverse of `period.id`.
 * {@link scheduledPeriods} is what the 01:00 CST job produces: the previous day and its
 * month-to-date, plus on the 1st the previous month (whose month-to-date covers the same days).
 *
 * **Report** (`edition: 'full'`, for regulators): `{ period, division, generatedAt, edition, totals,
 * children, banks }`.
 * - `totals` are flows counted in the period (an event counts on the CST day it happened, in the
 *   county of the need): see {@link Totals}. Funnel stages of one need may fall in different periods.
 * - `children`: every division one level down in the roll-up tree (a province's prefectures, or its
 *   districts and counties directly for municipalities and province-administered units), with the
 *   same totals, including children without activity (all zeros), sorted by code.
 * - `banks`: every bank with activity in the division, sorted by `bankId`.
 * - Ratios: `creditLoanShare` = credit-loan **amount** / granted amount (the regulators' 信用贷款占比 is
 *   by amount), 4 decimals, null when nothing was granted. `weightedAnnualRateBp` = amount-weighted
 *   mean annual rate in basis points (Σ rate × amount / Σ amount), 2 decimals, null when nothing
 *   was granted. `acceptanceRate` = accepted / offers in the period, 4 decimals, null without offers
 *   (both counted in the period, so for a single day it can exceed 1).
 * - Medians (`medianDaysToDecision`, a bank's `medianDaysToAnswer`) come from day histograms
 *   (see rollup.ts); `decisionsTimed` / `answersTimed` are the numbers of timed observations. Null
 *   when there are none (routing does not count the histograms yet).
 *
 * **Public edition** (`edition: 'public'`): the same shape, where every count or amount may be `null`
 * (suppressed) and `suppressed` lists the JSON Pointers (RFC 6901) of every suppressed cell in that
 * file, derived ratios and medians included; `threshold` is the suppression threshold. A `null` that
 * is not listed in `suppressed` means "not applicable" (e.g. no rate when nothing was granted). See
 * suppression.ts.
 *
 * Pure module: no I/O, no environment, no clock.
 */
import * as z from 'zod';
import type { DivisionLevel } from './divisions';
import { isCalendarDay, shiftDay } from './working-days';

// ---------------------------------------------------------------------------------------------
// Periods

export type PeriodKind = 'day' | 'month' | 'monthToDate';

export interface Period {
  kind: PeriodKind;
  /** `2026-11-29`, `2026-11` or `2026-11-mtd-29`. */
  id: string;
  /** The CST calendar days covered, ascending. */
  days: string[];
}

const MONTH_PATTERN = /^\d{4}-(0[1-9]|1[0-2])$/;
const MTD_PATTERN = /^(\d{4}-(?:0[1-9]|1[0-2]))-mtd-(\d{2})$/;

/** The days of `month` (`YYYY-MM`) from the 1st up to and including `lastDay`, or all of them. */
function monthDays(month: string, lastDay?: string): string[] {
  const days: string[] = [];
  for (let day = `${month}-01`; day.startsWith(month); day = shiftDay(day, 1)) {
    days.push(day);
    if (day === lastDay) break;
  }
  return days;
}

/** The month-to-date period ending on `day` (inclusive): id `YYYY-MM-mtd-DD`. */
export function monthToDate(day: string): Period {
  if (!isCalendarDay(day)) throw new RangeError(`not a calendar day: ${day}`);
  const month = day.slice(0, 7);
  return { kind: 'monthToDate', id: `${month}-mtd-${day.slice(8, 10)}`, days: monthDays(month, day) };
}

/**
 * A period from its id: `YYYY-MM-DD` (day), `YYYY-MM` (month) or `YYYY-MM-mtd-DD` (month to date).
 * Throws RangeError for anything else (2026-13, 2026-02-30, 2026-02-mtd-30, surrounding spaces).
 */
export function parsePeriod(id: string): Period {
  if (isCalendarDay(id)) return { kind: 'day', id, days: [id] };
  if (MONTH_PATTERN.test(id)) return { kind: 'month', id, days: monthDays(id) };
  const mtd = MTD_PATTERN.exec(id);
  if (mtd && isCalendarDay(`${mtd[1]}-${mtd[2]}`)) return monthToDate(`${mtd[1]}-${mtd[2]}`);
  throw new RangeError(`not a period (YYYY-MM-DD, YYYY-MM or YYYY-MM-mtd-DD): ${id}`);
}

/** True when {@link parsePeriod} accepts `id`. */
export function isPeriodId(id: string): boolean {
  try {
    parsePeriod(id);
    return true;
  } catch {
    return false;
  }
}

/**
 * The periods the scheduled roll-up produces when it runs on CST day `runDay` (at 01:00): the
 * previous day, the month-to-date ending on it, and on the 1st also the previous month.
 */
export function scheduledPeriods(runDay: string): Period[] {
  const yesterday = shiftDay(runDay, -1);
  const periods = [parsePeriod(yesterday), monthToDate(yesterday)];
  if (runDay.endsWith('-01')) periods.push(parsePeriod(yesterday.slice(0, 7)));
  return periods;
}

// ---------------------------------------------------------------------------------------------
// Report shape

/** Counts broken down by reason. `byReason` holds only reasons with a non-zero count, sorted. */
export interface Breakdown<C extends number | null = number> {
  total: C;
  byReason: Record<string, C>;
}

export interface CountAmount<C extends number | null = number> {
  count: C;
  amountYuan: C;
}

export interface Coverage {
  /** County-level units under the division with at least one non-zero counter in the period. */
  countiesWithActivity: number;
  /** County-level units under the division that existed in the period. */
  countiesInDivision: number;
}

/**
 * Figures of one division for one period. `C` is `number` in the full edition and
 * `number | null` in the public one (null = suppressed, see suppression.ts).
 */
export interface Totals<C extends number | null = number> {
  /** Needs declared (submitted). */
  declared: C;
  /** Needs put on the recommendation list by screening. */
  recommended: C;
  /** Needs screened out; `byReason` counts every reason that applied (a need may have several, so the reasons add up to at least `total`). */
  notRecommended: Breakdown<C>;
  /** Referrals offered to banks. */
  offered: C;
  /** Referrals accepted by the bank. */
  accepted: C;
  /** Referrals declined; one reason per decline, so `byReason` adds up to `total`. */
  declined: Breakdown<C>;
  /** Bank deadlines missed (offer or decision). */
  deadlinesMissed: C;
  /** Bank answers that arrived after the deadline. */
  lateAnswers: C;
  /** Needs escalated to the county task force (no bank matched). */
  unmatched: C;
  granted: CountAmount<C>;
  /** Granted credit loans (loan type `credit`: no collateral or guarantor), a subset of `granted`. */
  creditLoans: CountAmount<C>;
  /** creditLoans.amountYuan / granted.amountYuan, 4 decimals; null when nothing was granted. */
  creditLoanShare: number | null;
  /** Amount-weighted mean annual rate of granted credit in basis points, 2 decimals; null when nothing was granted. */
  weightedAnnualRateBp: number | null;
  /** Grants to first-time borrowers (首贷户). */
  firstLoans: C;
  /** Grants with a term over 12 months. */
  mediumLongTermLoans: C;
  disbursed: CountAmount<C>;
  /** Decisions (grant or decline) with a recorded duration, i.e. the observations of the median. */
  decisionsTimed: C;
  /** Median calendar days from offer to decision; null without timed decisions. */
  medianDaysToDecision: number | null;
  coverage: Coverage;
  /** The county task forces' visits (千企万户大走访). */
  visits: VisitFigures<C>;
  /** The task forces' manual reviews (审核). */
  reviews: ReviewFigures<C>;
  /** The county escalation inboxes. */
  escalations: EscalationFigures<C>;
  /** The monotonic funnel of the needs declared in the period (funnel.ts): each step ≤ the step before. */
  funnel: Funnel<C>;
}

/** The agreed suffixes of `reviewsMadeBy_<decision>`. */
export const REVIEW_DECISIONS = ['recommend', 'return', 'not_recommended'] as const;
export type ReviewDecision = (typeof REVIEW_DECISIONS)[number];
/** The agreed suffixes of `escalationsOpenedBy_<kind>`. */
export const ESCALATION_KINDS = ['unmatched', 'declined_repairable', 'review_overdue', 'late_answer'] as const;
export type EscalationKind = (typeof ESCALATION_KINDS)[number];
/** The agreed suffixes of `escalationsResolvedBy_<action>`. */
export const ESCALATION_ACTIONS = ['amended', 'handed_to_bank', 'resolved_offline', 'closed'] as const;
export type EscalationAction = (typeof ESCALATION_ACTIONS)[number];

export interface VisitFigures<C extends number | null = number> {
  /**
   * Enterprises visited (`visitedEntities`): distinct per county and CST calendar month. A period
   * within one month counts each enterprise once per county; a longer period sums its months (an
   * enterprise visited in two months counts twice), and a division sums its counties.
   */
  visited: C;
  /** Visits recorded (`visits`), on the day of the visit. */
  visits: C;
  /** Enterprises in the visit plans (`plannedEntities`), distinct per county and CST month like `visited`. */
  planned: C;
  /** visited / planned, 4 decimals; null when nothing was planned. Above 1 when enterprises outside the plan were visited. */
  coverage: number | null;
}

export interface ReviewFigures<C extends number | null = number> {
  /** Review decisions made (`reviewsMade`), on the decision's day. */
  made: C;
  /** By decision (`reviewsMadeBy_<decision>`): every agreed decision, zeros included. */
  madeBy: Record<ReviewDecision, C>;
  /** Decisions with a recorded duration (`reviewWorkingDaysBucket_<n>`): the observations of the median. */
  timed: C;
  /** Median working days from declaration to the review decision; null without timed decisions. */
  medianWorkingDays: number | null;
  /** Reviews that became overdue (`reviewsOverdue`), on the CST day they did. */
  overdue: C;
}

export interface EscalationFigures<C extends number | null = number> {
  /** Escalations opened in the county inboxes (`escalationsOpened`). */
  opened: C;
  openedBy: Record<EscalationKind, C>;
  /** Escalations resolved (`escalationsResolved`). */
  resolved: C;
  resolvedBy: Record<EscalationAction, C>;
}

/** Funnel steps (funnel.ts): `reached` counts entities (plus needs no visit accounts for), the rest count needs of the period's cohort. */
export interface Funnel<C extends number | null = number> {
  /** Entities visited, plus needs declared that no visit of their enterprise accounts for (≥ declared). */
  reached: C;
  /** Needs declared in the period (the cohort; = `declared`). */
  declared: C;
  /** Of those needs, recommended (by now). */
  recommended: C;
  /** … offered to at least one bank. */
  offered: C;
  /** … accepted by a bank. */
  accepted: C;
  /** … granted credit. */
  granted: C;
  /** … disbursed. */
  disbursed: C;
}

export interface ReportDivision {
  code: string;
  name: string;
  /** English name, where known (national and provinces). */
  nameEn?: string;
  level: DivisionLevel;
}

export interface ReportChild<C extends number | null = number> {
  division: ReportDivision;
  totals: Totals<C>;
}

export interface BankFigures<C extends number | null = number> {
  bankId: string;
  name?: { zh: string; en: string };
  offers: C;
  accepted: C;
  /** accepted / offers in the period, 4 decimals; null without offers. */
  acceptanceRate: number | null;
  declined: C;
  deadlinesMissed: C;
  lateAnswers: C;
  granted: CountAmount<C>;
  /** Answers (accept or decline of an offer) with a recorded duration. */
  answersTimed: C;
  /** Median calendar days from offer to the bank's answer; null without timed answers. */
  medianDaysToAnswer: number | null;
}

interface ReportBody<C extends number | null> {
  /** The period id (see {@link parsePeriod}). */
  period: string;
  division: ReportDivision;
  /** ISO 8601 instant, passed in by the caller (a re-run of a period passes the same one). */
  generatedAt: string;
  totals: Totals<C>;
  children: ReportChild<C>[];
  banks: BankFigures<C>[];
  /**
   * Years of the period without an official holiday arrangement when the report was made: the bank
   * deadlines there were computed on the statutory holidays alone (provisional), and so are the
   * figures that rest on them (deadlines missed, late answers). Absent when every year is official.
   */
  provisionalDeadlineYears?: number[];
}

/** The years among `days` (`YYYY-MM-DD`) that `isProvisional` says lack an official arrangement, ascending; undefined when none. */
export function provisionalYearsOf(days: readonly string[], isProvisional: (year: number) => boolean): number[] | undefined {
  const years = [...new Set(days.map((d) => Number(d.slice(0, 4))))].filter(isProvisional).sort((a, b) => a - b);
  return years.length > 0 ? years : undefined;
}

/** The full edition, for regulators. */
export interface Report extends ReportBody<number> {
  edition: 'full';
}

/** The public edition: suppressed cells are null and listed in `suppressed` (JSON Pointers). */
export interface PublicReport extends ReportBody<number | null> {
  edition: 'public';
  /** Counts below this (and above 0) are suppressed. */
  threshold: number;
  suppressed: string[];
}

// ---------------------------------------------------------------------------------------------
// Schemas (strict: unknown keys are rejected)

const count = z.number().int().nonnegative();
const ratio = z.number().nonnegative().nullable();

/** An object with exactly these keys, each a cell. */
function fixedKeys<K extends string, C extends z.ZodType<number | null>>(keys: readonly K[], cell: C) {
  return z.strictObject(Object.fromEntries(keys.map((k) => [k, cell])) as Record<K, C>);
}

function schemas<C extends z.ZodType<number | null>>(cell: C) {
  const breakdown = z.strictObject({ total: cell, byReason: z.record(z.string().min(1), cell) });
  const countAmount = z.strictObject({ count: cell, amountYuan: cell });
  const totals = z.strictObject({
    declared: cell,
    recommended: cell,
    notRecommended: breakdown,
    offered: cell,
    accepted: cell,
    declined: breakdown,
    deadlinesMissed: cell,
    lateAnswers: cell,
    unmatched: cell,
    granted: countAmount,
    creditLoans: countAmount,
    creditLoanShare: ratio,
    weightedAnnualRateBp: ratio,
    firstLoans: cell,
    mediumLongTermLoans: cell,
    disbursed: countAmount,
    decisionsTimed: cell,
    medianDaysToDecision: ratio,
    coverage: z.strictObject({ countiesWithActivity: count, countiesInDivision: count }),
    visits: z.strictObject({ visited: cell, visits: cell, planned: cell, coverage: ratio }),
    reviews: z.strictObject({
      made: cell,
      madeBy: fixedKeys(REVIEW_DECISIONS, cell),
      timed: cell,
      medianWorkingDays: ratio,
      overdue: cell,
    }),
    escalations: z.strictObject({
      opened: cell,
      openedBy: fixedKeys(ESCALATION_KINDS, cell),
      resolved: cell,
      resolvedBy: fixedKeys(ESCALATION_ACTIONS, cell),
    }),
    funnel: z.strictObject({
      reached: cell,
      declared: cell,
      recommended: cell,
      offered: cell,
      accepted: cell,
      granted: cell,
      disbursed: cell,
    }),
  });
  const division = z.strictObject({
    code: z.string().regex(/^\d{6}$/),
    name: z.string().min(1),
    nameEn: z.string().min(1).optional(),
    level: z.enum(['national', 'province', 'prefecture', 'county']),
  });
  const bank = z.strictObject({
    bankId: z.string().min(1),
    name: z.strictObject({ zh: z.string(), en: z.string() }).optional(),
    offers: cell,
    accepted: cell,
    acceptanceRate: ratio,
    declined: cell,
    deadlinesMissed: cell,
    lateAnswers: cell,
    granted: countAmount,
    answersTimed: cell,
    medianDaysToAnswer: ratio,
  });
  return {
    period: z.string().refine(isPeriodId, 'not a period id'),
    division,
    generatedAt: z.iso.datetime({ offset: true }),
    provisionalDeadlineYears: z.array(z.number().int().min(2000).max(2199)).min(1).optional(),
    totals,
    children: z.array(z.strictObject({ division, totals })),
    banks: z.array(bank),
  };
}

const fullParts = schemas(count);
const publicParts = schemas(count.nullable());

export const reportSchema: z.ZodType<Report> = z.strictObject({
  period: fullParts.period,
  division: fullParts.division,
  generatedAt: fullParts.generatedAt,
  provisionalDeadlineYears: fullParts.provisionalDeadlineYears,
  edition: z.literal('full'),
  totals: fullParts.totals,
  children: fullParts.children,
  banks: fullParts.banks,
});

export const publicReportSchema: z.ZodType<PublicReport> = z.strictObject({
  period: publicParts.period,
  division: publicParts.division,
  generatedAt: publicParts.generatedAt,
  provisionalDeadlineYears: publicParts.provisionalDeadlineYears,
  edition: z.literal('public'),
  totals: publicParts.totals,
  children: publicParts.children,
  banks: publicParts.banks,
  threshold: z.number().int().positive(),
  suppressed: z.array(z.string().startsWith('/')),
});
