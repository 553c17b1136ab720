// The workflow's steps as use cases over a small store port: screen a need onto the lists, pick the
// next bank and open a referral with a working-day deadline, record a missed deadline, escalate.
import type { Bank } from './bank';
import { bankDeadlines } from './bank';
import type { NeedRecord } from './need-record';
import { rankBanks } from './ranking';
import { counterKey } from './counters';
import type { Referral } from './referral';
import { screenNeed, type NegativeListEntry } from './screening';
import { addWorkingDays, deadlineSeconds, type WorkdayCalendar } from './working-days';

export interface RoutingPort {
  getNeed(needId: string): Promise<(NeedRecord & { referralIds?: string[] }) | undefined>;
  getReferral(referralId: string): Promise<Referral | undefined>;
  listBanks(): Promise<{ bank: Bank; openReferrals: number; lastOfferedAt?: string }[]>;
  negativeEntries(creditCode: string): Promise<NegativeListEntry[]>;
  recordScreening(need: NeedRecord, recommended: boolean, reasons: { code: string }[], note: string, now: Date): Promise<void>;
  createReferral(need: NeedRecord, referral: Referral, counters: Record<string, number>, now: Date): Promise<'written' | 'condition_failed'>;
  expireReferral(referral: Referral, need: NeedRecord, stage: 'offer' | 'decision', now: Date): Promise<'written' | 'condition_failed'>;
  escalate(need: NeedRecord, now: Date): Promise<void>;
  recordFailure(need: NeedRecord, error: string, now: Date): Promise<void>;
}

export interface RoutingSettings {
  calendar: WorkdayCalendar;
  /** Speed-up factor of deadlines (1 in production). */
  timeScale: number;
  maxOffers: number;
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
  const { deadline, timeoutSeconds } = scaledDeadline(
    now,
    addWorkingDays(now, deadlines.acknowledgeWorkingDays, settings.calendar),
    settings.timeScale,
  );
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
    decideWithinDays: deadlines.decideCalendarDays,
    explanation: [...best.explanation, `ranked 1 of ${ranked.length}`],
  };
  const written = await store.createReferral(need, referral, { offers: 1, [counterKey('offers', bank.bankId)]: 1 }, now);
  if (written === 'condition_failed') throw new Error(`referral for ${needId} could not be written`);
  return { found: true, referralId: referral.referralId, bankId: bank.bankId, timeoutSeconds };
}

export async function deadlineMissedStep(store: RoutingPort, referralId: string, stage: 'offer' | 'decision', now: Date) {
  const referral = await store.getReferral(referralId);
  if (!referral) throw new Error(`referral ${referralId} not found`);
  const need = await needOrThrow(store, referral.needId);
  return { expired: (await store.expireReferral(referral, need, stage, now)) === 'written' };
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
