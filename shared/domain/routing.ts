// The workflow's steps as use cases over a small store port: screen a need onto the lists, pick the
// next bank and open a referral with a working-day deadline, decide what a deadline's timer means
// (expired, not due yet, or answered just in time), skip a bank that is gone, escalate.
import type { Bank } from './bank';
import { bankDeadlines } from './bank';
import type { NeedRecord } from './need-record';
import { rankBanks } from './ranking';
import { counterKey } from './counters';
import { WAITING_STEP, type Referral, type SkipReason, type WorkflowAnswer } from './referral';
import { screenNeed, type NegativeListEntry } from './screening';
import { workingDayDeadline, type CalendarSource, type ChineseWorkCalendar } from './holiday-calendar';
import { deadlineSeconds } from './working-days';
import { consentedBankIds } from './consent';
import { handedBankOf } from './escalation-handoff';
import { reviewGate, waitingReview, type ReviewGatePort, type ReviewSettings, type ReviewWait } from './review';

export interface RoutingPort extends Partial<ReviewGatePort> {
  getNeed(needId: string): Promise<(NeedRecord & { referralIds?: string[] }) | undefined>;
  getReferral(referralId: string): Promise<Referral | undefined>;
  listBanks(): Promise<{ bank: Bank; openReferrals: number; lastOfferedAt?: string }[]>;
  negativeEntries(creditCode: string): Promise<NegativeListEntry[]>;
  recordScreening(need: NeedRecord, recommended: boolean, reasons: { code: string }[], now: Date): Promise<void>;
  /**
   * Opens the referral: the referral, the need's status (offered), the bank's load and the counters in
   * one write. With `screening`, the need was still `submitted`: its screening is written in the same
   * write (conditional on the need still being `submitted`), so a need screened and offered costs one write.
   */
  createReferral(
    need: NeedRecord,
    referral: Referral,
    counters: Record<string, number>,
    now: Date,
    screening?: Screening,
  ): Promise<'written' | 'condition_failed'>;
  /** Expires the referral, conditional on it still waiting in the stage of `step` with no answer applied. */
  expireReferral(referral: Referral, need: NeedRecord, step: 'offer' | 'decision', now: Date): Promise<'written' | 'condition_failed'>;
  /** The timer fired before the stored deadline: drop the dead task token (conditional on the stage). */
  releaseWait(referralId: string, step: 'offer' | 'decision'): Promise<'written' | 'condition_failed'>;
  /** The workflow took the answer: the used token goes. */
  completeResume(referralId: string, taskToken: string): Promise<void>;
  /** The offer was never sent (bank or secret gone): the referral ends, the need goes back to routing. */
  skipReferral(referral: Referral, need: NeedRecord, reason: SkipReason, now: Date): Promise<'written' | 'condition_failed'>;
  escalate(need: NeedRecord, now: Date): Promise<void>;
  recordFailure(need: NeedRecord, error: string, now: Date): Promise<void>;
}

export interface RoutingSettings {
  /** The working-day calendar, as loaded now (official arrangements and provisional years). */
  calendar: CalendarSource;
  /** Speed-up factor of deadlines (1 in production). */
  timeScale: number;
  maxOffers: number;
  /** The task force's review (review.ts): absent, every county is routed without it. */
  review?: ReviewSettings;
}

/** The error referral-wait fails the offer task with when the bank or its secret is gone (the workflow catches it by name). */
export const BANK_UNAVAILABLE_ERROR = 'BankUnavailable';

/**
 * The error a bank's decline fails the waiting task with (SendTaskFailure): the workflow catches it by
 * name and routes the need on, so no Choice state sits between a wait and its answer.
 */
export const BANK_DECLINED_ERROR = 'BankDeclined';

/** A need's screening, as the route step writes it. */
export interface Screening {
  recommended: boolean;
  reasons: { code: string; criterion?: string }[];
}

export class BankUnavailableError extends Error {
  override name = BANK_UNAVAILABLE_ERROR;
}

export class NeedNotFoundError extends Error {
  override name = 'NeedNotFound';
}

async function needOrThrow(store: RoutingPort, needId: string) {
  const need = await store.getNeed(needId);
  if (!need) throw new NeedNotFoundError(`need ${needId} not found`);
  return need;
}

/** A deadline for the workflow: the real instant scaled by the time scale (1 in production). */
export function scaledDeadline(now: Date, deadline: Date, timeScale: number): { deadline: Date; timeoutSeconds: number } {
  const timeoutSeconds = deadlineSeconds(now, deadline, timeScale);
  return { deadline: new Date(now.getTime() + timeoutSeconds * 1000), timeoutSeconds };
}

/** The screening of a need still `submitted`: the outcome and its reason codes (the timeline shows them). */
function screening(need: NeedRecord, negative: NegativeListEntry[], now: Date): Screening {
  const result = screenNeed(need, negative, now);
  return { recommended: result.outcome === 'recommended', reasons: result.reasons.map((r) => ({ code: r.code, criterion: r.criterion })) };
}

/** The screening step of workflows started before the route step (kept for executions still running). */
export async function screenStep(store: RoutingPort, needId: string, now: Date) {
  const need = await needOrThrow(store, needId);
  if (need.status !== 'submitted') {
    // A retried step: answer as before.
    const recommended = need.status !== 'not_recommended';
    return { recommended, reasons: [] as string[] };
  }
  const result = screening(need, await store.negativeEntries(need.enterprise.creditCode), now);
  await store.recordScreening(need, result.recommended, result.reasons, now);
  return { recommended: result.recommended, reasons: result.reasons.map((r) => r.code) };
}

export type NextBankResult =
  | { found: true; referralId: string; bankId: string; timeoutSeconds: number }
  | { found: false; reason: 'no_bank_fits' | 'offer_limit_reached' };

/** The next bank of workflows started before the route step (kept for executions still running). */
export async function nextBankStep(
  store: RoutingPort,
  settings: RoutingSettings,
  needId: string,
  now: Date,
  newReferralId: () => string,
): Promise<NextBankResult> {
  return offerNextBank(store, settings, await needOrThrow(store, needId), undefined, now, newReferralId);
}

/**
 * Picks the best bank that has not had the need yet and opens the referral (with the screening, when
 * given: one write). A retried step finds the referral it opened and continues with it.
 */
async function offerNextBank(
  store: RoutingPort,
  settings: RoutingSettings,
  need: NeedRecord & { referralIds?: string[] },
  screened: Screening | undefined,
  now: Date,
  newReferralId: () => string,
): Promise<NextBankResult> {
  const needId = need.needId;
  const previous = await Promise.all((need.referralIds ?? []).map((id) => store.getReferral(id)));
  const open = previous.find((r) => r && (r.stage === 'offered' || r.stage === 'accepted'));
  if (open) {
    // A retried step after the referral was written: continue with it.
    const { timeoutSeconds } = scaledDeadline(now, new Date(open.deadline), 1);
    return { found: true, referralId: open.referralId, bankId: open.bankId, timeoutSeconds };
  }
  if (previous.length >= settings.maxOffers) return { found: false, reason: 'offer_limit_reached' };

  // A round the county task force handed to one bank (escalation.ts hand_to_bank) offers it to that bank only.
  const handed = handedBankOf(need);
  const states = (await store.listBanks()).filter((s) => handed === undefined || s.bank.bankId === handed);
  const ranked = rankBanks({
    need,
    banks: states.map((s) => s.bank),
    openReferrals: Object.fromEntries(states.map((s) => [s.bank.bankId, s.openReferrals])),
    lastOfferedAt: Object.fromEntries(states.map((s) => [s.bank.bankId, s.lastOfferedAt])),
    excludedBankIds: new Set(previous.filter((r): r is Referral => r !== undefined).map((r) => r.bankId)),
  });
  const best = ranked[0] ?? (handed ? handedOffer(need, states[0]?.bank, previous) : undefined);
  if (!best) return { found: false, reason: 'no_bank_fits' };
  const bank = states.find((s) => s.bank.bankId === best.bankId)!.bank;
  const deadlines = bankDeadlines(bank);
  const acknowledge = workingDayDeadline(now, deadlines.acknowledgeWorkingDays, await settings.calendar.current());
  const { deadline, timeoutSeconds } = scaledDeadline(now, acknowledge.deadline, settings.timeScale);
  const referral: Referral = {
    referralId: newReferralId(),
    needId,
    bankId: bank.bankId,
    bankNameZh: bank.nameZh,
    bankNameEn: bank.nameEn,
    productId: best.productId,
    countyCode: need.enterprise.countyCode,
    stage: 'offered',
    offeredAt: now.toISOString(),
    deadline: deadline.toISOString(),
    acknowledgeWorkingDays: deadlines.acknowledgeWorkingDays,
    ...(acknowledge.provisional ? { deadlineProvisional: true } : {}),
    decideWithinDays: deadlines.decideCalendarDays,
    explanation: [...best.explanation, `ranked 1 of ${ranked.length}`],
  };
  const counters = { offers: 1, [counterKey('offers', bank.bankId)]: 1, ...(screened ? { recommended: 1 } : {}) };
  const written = await store.createReferral(need, referral, counters, now, screened);
  if (written === 'condition_failed') throw new Error(`referral for ${needId} could not be written`);
  return { found: true, referralId: referral.referralId, bankId: bank.bankId, timeoutSeconds };
}

/**
 * The offer to the bank the task force handed the need to, when the ranking would not offer it (its
 * products or capacity do not fit: the task force arranged it with the bank): the bank must still be
 * active, named by the consent, and not have answered this round already.
 */
function handedOffer(need: NeedRecord, bank: Bank | undefined, previous: readonly (Referral | undefined)[]) {
  if (!bank || !bank.active || previous.some((r) => r?.bankId === bank.bankId)) return undefined;
  const consented = consentedBankIds(need.consent);
  if (consented && !consented.has(bank.bankId)) return undefined;
  return { bankId: bank.bankId, productId: bank.products[0]!.productId, score: 0, explanation: ['handed to this bank by the county task force'] };
}

/**
 * What the route step tells the workflow: not recommended (done), offered to a bank (wait for its
 * answer), or no bank left (escalated to the county task force already: done).
 */
export type RouteResult =
  | { recommended: false; found: false; withdrawn: true }
  /** No consent on record yet (a need entered from a visit, visit-need.ts): offered to no bank; the owner's confirmation starts a new round. */
  | { recommended: false; found: false; awaitingConsent: true }
  | { recommended: false; found: false }
  | { recommended: true; found: true; referralId: string; bankId: string; timeoutSeconds: number }
  | { recommended: true; found: false; reason: 'no_bank_fits' | 'offer_limit_reached'; escalated: true }
  /** Recommended by the screening in a county that reviews by hand: the workflow waits for the task force (review.ts). */
  | ReviewWait;

/**
 * The one routing step of the workflow, run first and after every bank that declined, missed its
 * deadline or was unavailable: screens a need still `submitted` (recommended and offered to the best
 * bank in one write), offers a routed need to the next bank, and escalates a need no bank is left
 * for. Retried safely: each part finds what an earlier attempt wrote.
 */
export async function routeStep(
  store: RoutingPort,
  settings: RoutingSettings,
  needId: string,
  now: Date,
  newReferralId: () => string,
): Promise<RouteResult> {
  const need = await needOrThrow(store, needId);
  // The enterprise withdrew it: routing stops here.
  if (need.status === 'withdrawn') return { recommended: false, found: false, withdrawn: true };
  // The consent gate: without consent on record nothing goes to a bank (no workflow is started for
  // such a need; this stops one that was, e.g. by a redrive).
  if (need.status === 'awaiting_consent') return { recommended: false, found: false, awaitingConsent: true };
  if (need.status === 'not_recommended') return { recommended: false, found: false };
  if (need.status === 'unmatched') return { recommended: true, found: false, reason: 'no_bank_fits', escalated: true };
  if (need.status === 'in_review') return waitingReview(need, now); // a retried step: the review has started
  if (need.status === 'returned') return { recommended: false, found: false };
  let screened: Screening | undefined;
  if (need.status === 'submitted') {
    screened = screening(need, await store.negativeEntries(need.enterprise.creditCode), now);
    if (!screened.recommended) {
      await store.recordScreening(need, false, screened.reasons, now);
      return { recommended: false, found: false };
    }
    // The review gate (counties set to `review: manual`): the need waits for the task force.
    const gated = settings.review && store.reviewMode && store.startReview;
    const review = gated ? await reviewGate(store as ReviewGatePort, settings.review!, need, { recommended: true, reasons: screened.reasons }, now) : undefined;
    if (review) return review;
  }
  const next = await offerNextBank(store, settings, need, screened, now, newReferralId);
  if (next.found) return { recommended: true, ...next };
  if (screened) {
    // Recommended, and no bank serves it: on the recommendation list first, then to the task force.
    await store.recordScreening(need, true, screened.reasons, now);
    await store.escalate({ ...need, status: 'recommended' }, now);
  } else {
    await store.escalate(need, now);
  }
  return { recommended: true, found: false, reason: next.reason, escalated: true };
}

/**
 * What a deadline timer firing means, by the stored due time and the referral's state:
 * - `answered`: the bank's answer was applied just as the timer fired (its resume found the task
 *   gone): the workflow continues with that answer, as if it had resumed;
 * - `not_due`: the stored deadline is later than the timer (the holiday arrangement of the year was
 *   loaded and moved it): the workflow waits on for `timeoutSeconds`, so a deadline never fires early;
 * - `expired`: the referral expires (the bank missed it) and the need moves on to the next bank.
 * Conditional writes decide a race with a bank answer: whichever is written first wins, and the
 * loser re-reads and follows it.
 */
export type DeadlineOutcome =
  | { outcome: 'expired'; bankId: string; expiredNow: boolean }
  | { outcome: 'not_due'; timeoutSeconds: number }
  | { outcome: 'answered'; answer: WorkflowAnswer };

export async function deadlineMissedStep(store: RoutingPort, referralId: string, step: 'offer' | 'decision', now: Date): Promise<DeadlineOutcome> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const referral = await store.getReferral(referralId);
    if (!referral) throw new Error(`referral ${referralId} not found`);
    if (referral.resumePending && referral.workflowAnswer) {
      if (referral.taskToken) await store.completeResume(referralId, referral.taskToken);
      return { outcome: 'answered', answer: referral.workflowAnswer };
    }
    if (WAITING_STEP[referral.stage] !== step) return { outcome: 'expired', bankId: referral.bankId, expiredNow: false }; // expired already: a retried step
    const due = step === 'offer' ? referral.deadline : referral.decisionDeadline;
    if (due !== undefined && Date.parse(due) > now.getTime()) {
      if ((await store.releaseWait(referralId, step)) === 'condition_failed') continue;
      return { outcome: 'not_due', timeoutSeconds: deadlineSeconds(now, new Date(due), 1) };
    }
    const need = await needOrThrow(store, referral.needId);
    if ((await store.expireReferral(referral, need, step, now)) === 'written') return { outcome: 'expired', bankId: referral.bankId, expiredNow: true };
  }
  throw new Error(`referral ${referralId} kept changing while its deadline was handled`);
}

/** The bank or its secret is gone: the referral ends with the reason and the need moves on at once. */
export async function skipBankStep(store: RoutingPort, referralId: string, reason: SkipReason, now: Date): Promise<{ skipped: boolean }> {
  const referral = await store.getReferral(referralId);
  if (!referral) throw new Error(`referral ${referralId} not found`);
  if (referral.stage !== 'offered') return { skipped: referral.stage === 'skipped' };
  const need = await needOrThrow(store, referral.needId);
  return { skipped: (await store.skipReferral(referral, need, reason, now)) === 'written' };
}

/** What loading a year's arrangement changed for one open referral with a provisional deadline. */
export interface DeadlineChange {
  referralId: string;
  from: string;
  to: string;
  provisional: boolean;
}

/**
 * The offer deadline of `referral` on `calendar` (scaled as at the offer), or undefined when it has
 * no recomputable deadline (not waiting for the offer, or from before the working days were stored).
 */
export function recomputedDeadline(referral: Referral, calendar: ChineseWorkCalendar, timeScale: number): { deadline: string; provisional: boolean } | undefined {
  if (referral.stage !== 'offered' || referral.acknowledgeWorkingDays === undefined) return undefined;
  const offeredAt = new Date(referral.offeredAt);
  const real = workingDayDeadline(offeredAt, referral.acknowledgeWorkingDays, calendar);
  return { deadline: scaledDeadline(offeredAt, real.deadline, timeScale).deadline.toISOString(), provisional: real.provisional };
}

export async function escalateStep(store: RoutingPort, needId: string, now: Date) {
  await store.escalate(await needOrThrow(store, needId), now);
  return { escalated: true };
}

export async function recordFailureStep(store: RoutingPort, needId: string, error: unknown, now: Date) {
  const need = await store.getNeed(needId);
  if (need) await store.recordFailure(need, JSON.stringify(error).slice(0, 1000), now);
  return { recorded: Boolean(need) };
}

/** What recomputing the provisional deadlines needs from the store. */
export interface ProvisionalDeadlinesPort {
  provisionalReferralIds(): Promise<string[]>;
  getReferral(referralId: string): Promise<Referral | undefined>;
  /** Conditional on the referral still waiting for the offer's answer. */
  moveDeadline(referralId: string, deadline: string, provisional: boolean, now: Date): Promise<'written' | 'condition_failed'>;
  forgetProvisional(referralId: string): Promise<void>;
}

/**
 * After a year's arrangement is loaded: every open referral whose deadline was provisional gets its
 * deadline recomputed on `calendar` (from its offer time and working days). The running workflow
 * honours the new time: its timer, if earlier, finds the deadline not due and waits on
 * ({@link deadlineMissedStep}). Referrals no longer waiting are forgotten.
 */
export async function recomputeProvisionalDeadlines(
  store: ProvisionalDeadlinesPort,
  calendar: ChineseWorkCalendar,
  timeScale: number,
  now: Date,
): Promise<{ changed: DeadlineChange[]; unchanged: number; closed: number }> {
  const changed: DeadlineChange[] = [];
  let unchanged = 0;
  let closed = 0;
  for (const referralId of await store.provisionalReferralIds()) {
    const referral = await store.getReferral(referralId);
    const next = referral && recomputedDeadline(referral, calendar, timeScale);
    if (!referral || !next) {
      await store.forgetProvisional(referralId);
      closed++;
      continue;
    }
    if (next.deadline === referral.deadline && next.provisional) {
      unchanged++;
      continue;
    }
    if ((await store.moveDeadline(referralId, next.deadline, next.provisional, now)) === 'written') {
      changed.push({ referralId, from: referral.deadline, to: next.deadline, provisional: next.provisional });
    } else {
      await store.forgetProvisional(referralId);
      closed++;
    }
  }
  return { changed, unchanged, closed };
}
