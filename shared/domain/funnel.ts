/**
 * The reports' funnel, monotonic by construction (docs/data-model.md, *Funnel*).
 *
 * Steps and units:
 * - `reached` (触达): **entities visited** (`visitedEntities`, distinct per county and CST month)
 *   **plus needs declared that no visit accounts for**: `visitedEntities + declared −
 *   funnelVisitClaimed`. When a need is screened, the month marker of its enterprise's visit in its
 *   county and declaration month (if recorded by then) is claimed by it, once per marker, and
 *   `funnelVisitClaimed` is ADDed on the **visit's** county-day. Each claim takes a marker counted
 *   on that same day, so on every county-day `funnelVisitClaimed ≤ visitedEntities`, hence
 *   `reached ≥ declared` on every day and every sum of days: no clamp. An enterprise whose visit is
 *   recorded after its need was screened (or that declares twice in a month) is counted once more:
 *   the step can over-count, never under-count.
 * - `declared` … `disbursed`: **needs**, the cohort of needs declared in the period (by
 *   `submittedDay`, in the county of the need): `declared` is the existing counter (once per need,
 *   at submission); a need that first reaches a later stage ADDs `funnel<Stage>` once, on the
 *   county-day of its declaration, **with every earlier stage it has not reached yet** (a need
 *   handed to a bank without the recommendation step counts as recommended too). So each step of a
 *   cohort is a subset of the step before, on every county-day and every sum of them.
 *
 * The stages a need has reached are kept on the need item (`funnelStages`, a string set), added in
 * the transaction of the stage change that reaches them.
 *
 * Pure module: no I/O, no environment, no clock.
 */
import { FUNNEL_COHORT_STAGES, funnelCounterKey, type FunnelCohortStage } from './counters';

export { FUNNEL_COHORT_STAGES, funnelCounterKey, type FunnelCohortStage };

/** The stages a need has reached, as stored (a Set from the document client, an array, or absent). */
export function reachedStages(stored: unknown): Set<FunnelCohortStage> {
  const known = new Set<string>(FUNNEL_COHORT_STAGES);
  const values = stored instanceof Set ? [...(stored as Set<unknown>)] : Array.isArray(stored) ? stored : [];
  return new Set(values.filter((v): v is FunnelCohortStage => typeof v === 'string' && known.has(v)));
}

/**
 * The stages to add when a need reaches `stage`: it and every earlier stage not reached yet, in
 * order (empty when `stage` was reached before).
 */
export function stagesToAdd(reached: ReadonlySet<FunnelCohortStage>, stage: FunnelCohortStage): FunnelCohortStage[] {
  if (reached.has(stage)) return [];
  const upTo = FUNNEL_COHORT_STAGES.indexOf(stage);
  return FUNNEL_COHORT_STAGES.slice(0, upTo + 1).filter((s) => !reached.has(s));
}

/** The counters of those stages: `{ funnelRecommended: 1, funnelOffered: 1 }`. */
export function funnelCounters(stages: readonly FunnelCohortStage[]): Record<string, number> {
  return Object.fromEntries(stages.map((s) => [funnelCounterKey(s), 1]));
}

/**
 * The cohort stages the records show a need reached (for the recompute): recommended by a
 * screening, offered when a referral exists, accepted, granted, disbursed by a referral's record;
 * each stage implies the ones before.
 */
export function stagesShown(evidence: { recommended: boolean; offered: boolean; accepted: boolean; granted: boolean; disbursed: boolean }): FunnelCohortStage[] {
  let last = -1;
  FUNNEL_COHORT_STAGES.forEach((stage, i) => {
    if (evidence[stage]) last = i;
  });
  return FUNNEL_COHORT_STAGES.slice(0, last + 1);
}
