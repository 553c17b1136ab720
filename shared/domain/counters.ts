// Names of the county-day counters (docs/data-model.md): one place for the writers (routing) and the
// reader (the roll-up).

/** Counter attribute for a breakdown, e.g. `declinedBy_tax_arrears`, `offersBy_icbc-hz`. */
export function counterKey(name: string, by: string): string {
  return `${name}By_${by.replace(/[^A-Za-z0-9_-]/g, '_')}`;
}

function assertDays(days: number): void {
  if (!Number.isSafeInteger(days) || days < 0) throw new RangeError(`days must be a non-negative integer, got ${days}`);
}

/** Decisions (grant, or decline after acceptance) taken `days` whole CST calendar days after the offer. */
export function decisionDaysBucketKey(days: number): string {
  assertDays(days);
  return `decisionDaysBucket_${days}`;
}

/** A bank's answers to offers (accept or decline) given `days` whole CST calendar days after the offer. */
export function answerDaysBucketKey(bankId: string, days: number): string {
  assertDays(days);
  return counterKey('answerDaysBucket', `${bankId}_${days}`);
}

/** Reviews decided `days` working days after the need's declaration (the histogram of the median working days to review). */
export function reviewWorkingDaysBucketKey(days: number): string {
  assertDays(days);
  return `reviewWorkingDaysBucket_${days}`;
}

/**
 * The funnel's cohort stages after `declared` (docs/data-model.md, *Funnel*): a need that first
 * reaches one ADDs `funnel<Stage>` once, on the county-day of its declaration (`submittedDay`).
 */
export const FUNNEL_COHORT_STAGES = ['recommended', 'offered', 'accepted', 'granted', 'disbursed'] as const;
export type FunnelCohortStage = (typeof FUNNEL_COHORT_STAGES)[number];

/** `funnelRecommended`, `funnelOffered`, …: the cohort counter of a stage. */
export function funnelCounterKey(stage: FunnelCohortStage): string {
  return `funnel${stage[0]!.toUpperCase()}${stage.slice(1)}`;
}

/** A need matched to its enterprise's visit of that month, counted on the visit's day (the funnel's first step). */
export const FUNNEL_VISIT_CLAIMED = 'funnelVisitClaimed';
