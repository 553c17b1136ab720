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

export interface RoutingPort {
  getNeed(needId: string): Promise<(NeedRecord & { referralIds?: string[] }) | undefined>;
  getReferral(referralId: string): Promise<Referral | undefined>;
  listBanks(): Promise<{ bank: Bank; openReferrals: number; lastOfferedAt?: string }[]>;
  negativeEntries(creditCode: string): Promise<NegativeListEntry[]>;
  recordScreening(need: NeedRecord, recommended: boolean, reasons: { code: string }[], note: string, now: Date): Promise<void>;
  createReferral(need: NeedRecord, referral: Referral, counters: Record<string, number>, now: Date): Promise<'written' | 'condition_failed'>;
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
}

/** The error referral-wait fails the offer task with when the bank or its secret is gone (the workflow catches it by name). */
export const BANK_UNAVAILABLE_ERROR = 'BankUnavailable';

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

export async function screenStep(store: RoutingPort, needId: string, now: Date) {
  const need = await needOrThrow(store, needId);
  if (need.status !== 'submitted') {
    // A retried step: answer as before.
    const recommended = need.status !== 'not_recommended';
    return { recommended, reasons: [] as string[] };
  }
  const result = screenNeed(need, await store.negativeEntries(need.enterprise.creditCode), now);
  const recommended = result.outcome === 'recommended';
  const note = recommended
    ? '已列入推荐清单，正在匹配银行 / On the recommendation list; matching a bank'
    : `未列入推荐清单：${result.reasons.map((r) => r.message.zh).join('；')} / Not recommended: ${result.reasons.map((r) => r.message.en).join('; ')}`;
  await store.recordScreening(need, recommended, result.reasons.map((r) => ({ code: r.code, criterion: r.criterion })), note, now);
  return { recommended, reasons: result.reasons.map((r) => r.code) };
}

export type NextBankResult =
  | { found: true; referralId: string; bankId: string; timeoutSeconds: number }
  | { found: false; reason: 'no_bank_fits' | 'offer_limit_reached' };

export async function nextBankStep(
  store: RoutingPort,
  settings: RoutingSettings,
  needId: string,
  now: Date,
  newReferralId: () => string,
): Promise<NextBankResult> {
  const need = await needOrThrow(store, needId);
  const previous = await Promise.all((need.referralIds ?? []).map((id) => store.getReferral(id)));
  const open = previous.find((r) => r && (r.stage === 'offered' || r.stage === 'accepted'));
  if (open) {
    // A retried step after the referral was written: continue with it.
    const { timeoutSeconds } = scaledDeadline(now, new Date(open.deadline), 1);
    return { found: true, referralId: open.referralId, bankId: open.bankId, timeoutSeconds };
  }
  if (previous.length >= settings.maxOffers) return { found: false, reason: 'offer_limit_reached' };

  const states = await store.listBanks();
  const ranked = rankBanks({
    need,
    banks: states.map((s) => s.bank),
    openReferrals: Object.fromEntries(states.map((s) => [s.bank.bankId, s.openReferrals])),
    lastOfferedAt: Object.fromEntries(states.map((s) => [s.bank.bankId, s.lastOfferedAt])),
    excludedBankIds: new Set(previous.filter((r): r is Referral => r !== undefined).map((r) => r.bankId)),
  });
  const best = ranked[0];
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
  const written = await store.createReferral(need, referral, { offers: 1, [counterKey('offers', bank.bankId)]: 1 }, now);
  if (written === 'condition_failed') throw new Error(`referral for ${needId} could not be written`);
  return { found: true, referralId: referral.referralId, bankId: bank.bankId, timeoutSeconds };
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
  | { outcome: 'expired' }
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
    if (WAITING_STEP[referral.stage] !== step) return { outcome: 'expired' }; // expired already: a retried step
    const due = step === 'offer' ? referral.deadline : referral.decisionDeadline;
    if (due !== undefined && Date.parse(due) > now.getTime()) {
      if ((await store.releaseWait(referralId, step)) === 'condition_failed') continue;
      return { outcome: 'not_due', timeoutSeconds: deadlineSeconds(now, new Date(due), 1) };
    }
    const need = await needOrThrow(store, referral.needId);
    if ((await store.expireReferral(referral, need, step, now)) === 'written') return { outcome: 'expired' };
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
