// What the owner of a need may do after submitting it, with the tracking token: amend it after a
// non-recommendation, no match or a repairable decline (the need is screened and routed again), or
// withdraw it and the consent (routing stops, the bank that has it is told, contact details are
// erased, the withdrawal is audited). The rules are here; the store and the workflow are ports.
//
// Routing again after an amendment:
// - not recommended, or unmatched: the need's workflow has ended; a new execution routes it, named
//   `<needId>-a<round>` ({@link routingExecutionName}) so it never collides with the first one;
// - offered to a bank after another bank declined for a repairable reason: the offer is withdrawn
//   (the bank is told) and the waiting task fails with `NeedAmended`, which the workflow catches to
//   route again in the same execution.
// Either way the need is `submitted` again, with a fresh round: the banks that had it may be offered
// the amended need again, and the earlier referrals and screening are kept beside it.
//
// A renewed consent (`consent`, naming the banks that serve the county now) is an amendment too: on
// its own it is recorded while the need is open or closed without a grant — and a need no bank
// matched is routed again when the renewal names a bank it did not name before (a bank that started
// serving the county later gets the need only after the owner's renewed consent).
//
// A need the county task force entered from a visit without a signed consent (`awaiting_consent`,
// visit-need.ts) is routed by the owner's first consent: an amendment carrying `consent` records it
// and starts routing in a new round (`consentConfirmed`, timeline `consent_confirmed`).
import * as z from 'zod';
import { consentSchema, enterpriseSchema, needDetailsSchema, type ValidNeed } from './need';
import type { NeedConsent } from './consent';
import { renewConsent, type ConsentRecipient } from './consent-recipients';
import type { FieldError } from './problem';
import type { NeedRecord, NeedStatus } from './need-record';
import type { LocalizedText } from './problem';
import type { Referral } from './referral';
import { personalFields, type PersonalField } from './data-retention';
import { MAX_AMENDMENTS } from './need-actions';
import { routingExecutionName } from './routing-execution';

/** The error the waiting task fails with when the owner withdraws the need (the workflow ends it). */
export const NEED_WITHDRAWN_ERROR = 'NeedWithdrawn';
/** The error the waiting task fails with when the owner amends the need (the workflow routes it again). */
export const NEED_AMENDED_ERROR = 'NeedAmended';

export { MAX_AMENDMENTS } from './need-actions';

/** The amendment's body: only the fields to change, in the submission's own shape. */
export const needAmendmentSchema = z
  .strictObject({
    need: needDetailsSchema.pick({ amountYuan: true, termMonths: true, purpose: true, guarantee: true, description: true }).partial().optional(),
    enterprise: enterpriseSchema.pick({ hasFixedPremises: true }).partial().optional(),
    consent: consentSchema.optional().meta({ description: 'A renewed consent: the text version shown and the banks serving the county now that it names' }),
  })
  .meta({
    title: 'NeedAmendment',
    description: 'The fields to change, in the shape of the submission: amount, term, purpose, guarantee, description, fixed premises; and a renewed consent',
  });

export type NeedAmendment = z.output<typeof needAmendmentSchema>;

/** A need as the changes read it: the record with its routing round and referrals. */
export type ChangeableNeed = NeedRecord & {
  referralIds?: string[];
  /** Routing rounds after amendments (absent: the first). */
  routingRound?: number;
  personalDataErasedAt?: string;
};

export { needIdOfExecution, routingExecutionName } from './routing-execution';

/** The amended need's fields, and the JSON pointers of those that differ from the record. */
export function applyAmendment(need: Pick<NeedRecord, 'need' | 'enterprise'>, amendment: NeedAmendment): { need: ValidNeed['need']; hasFixedPremises: boolean; changed: string[] } {
  const next = { ...need.need, ...definedOnly(amendment.need ?? {}) };
  const hasFixedPremises = amendment.enterprise?.hasFixedPremises ?? need.enterprise.hasFixedPremises;
  const changed = (Object.keys(next) as (keyof typeof next)[]).filter((key) => next[key] !== need.need[key]).map((key) => `/need/${key}`);
  if (hasFixedPremises !== need.enterprise.hasFixedPremises) changed.push('/enterprise/hasFixedPremises');
  return { need: next, hasFixedPremises, changed };
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Why a change is refused, for the 409 answer. */
export type RefusalReason = 'not_amendable' | 'bank_deciding' | 'closed' | 'withdrawn' | 'too_many_amendments' | 'busy' | 'open_need_exists' | 'consent_needed';

export const REFUSALS: Record<RefusalReason, LocalizedText> = {
  not_amendable: {
    zh: '只有在未列入推荐清单、暂未匹配到银行，或银行以可补正的原因拒绝后，才能修改需求',
    en: 'A need can be amended after it was not recommended, found no bank, or a bank declined it for a reason that can be put right',
  },
  bank_deciding: {
    zh: '银行已受理本需求，正在审批：请直接与银行联系修改',
    en: 'A bank has accepted the need and is deciding: contact the bank to change it',
  },
  closed: {
    zh: '银行已授信，本需求已办结：请直接与银行联系',
    en: 'A bank has granted credit and the need is closed: contact the bank',
  },
  withdrawn: { zh: '本需求已撤回', en: 'The need was withdrawn' },
  too_many_amendments: {
    zh: `本需求已修改 ${MAX_AMENDMENTS} 次：请联系县级工作专班，或重新提交需求`,
    en: `The need was amended ${MAX_AMENDMENTS} times already: contact the county task force, or declare a new need`,
  },
  busy: { zh: '正在为本需求匹配银行，请稍后重试', en: 'A bank is being chosen for the need right now; try again shortly' },
  open_need_exists: {
    zh: '该企业已有另一笔办理中的融资需求，不能同时重新办理本需求',
    en: 'The enterprise has another open need: this one cannot be routed again at the same time',
  },
  consent_needed: {
    zh: '本需求由县级工作专班代为登记，请先确认授权同意（列明接收需求的银行），再修改需求',
    en: 'The county task force entered this need for you: confirm your consent (naming the banks that receive it) first',
  },
};

/** What an amendment does to a need in its current state. */
export type AmendmentPlan =
  | { kind: 'restart'; round: number }
  | { kind: 'retract'; referral: Referral & { taskToken: string } }
  | { kind: 'refused'; reason: RefusalReason };

/** The referral a bank holds now (offered or accepted), among the need's referrals. */
export function openReferral(referrals: readonly (Referral | undefined)[]): Referral | undefined {
  return referrals.find((r): r is Referral => r !== undefined && (r.stage === 'offered' || r.stage === 'accepted'));
}

const REFUSED_BY_STATUS: Partial<Record<NeedStatus, RefusalReason>> = {
  accepted: 'bank_deciding',
  granted: 'closed',
  disbursed: 'closed',
  withdrawn: 'withdrawn',
};

export function amendmentPlan(need: ChangeableNeed, referrals: readonly (Referral | undefined)[]): AmendmentPlan {
  const refused = REFUSED_BY_STATUS[need.status];
  if (refused) return { kind: 'refused', reason: refused };
  if ((need.routingRound ?? 0) >= MAX_AMENDMENTS) return { kind: 'refused', reason: 'too_many_amendments' };
  // A need the task force's review returned (review.ts) is amended like a non-recommendation: a new round, reviewed again.
  if (need.status === 'not_recommended' || need.status === 'unmatched' || need.status === 'returned') return { kind: 'restart', round: (need.routingRound ?? 0) + 1 };
  const repairableDecline = referrals.some((r) => r?.stage === 'declined' && r.decline?.repairable === true);
  if (!repairableDecline) return { kind: 'refused', reason: 'not_amendable' };
  const open = openReferral(referrals);
  // Between two steps of the workflow (a bank being chosen, or an answer being taken): shortly.
  if (need.status !== 'offered' || open?.stage !== 'offered' || !open.taskToken || open.resumePending) return { kind: 'refused', reason: 'busy' };
  return { kind: 'retract', referral: open as Referral & { taskToken: string } };
}

/** What a withdrawal does to a need in its current state. */
export type WithdrawalPlan =
  | { kind: 'withdraw'; referral?: Referral; erase: PersonalField[] }
  | { kind: 'done' }
  | { kind: 'refused'; reason: RefusalReason };

export function withdrawalPlan(need: ChangeableNeed, referrals: readonly (Referral | undefined)[]): WithdrawalPlan {
  if (need.status === 'withdrawn') return { kind: 'done' };
  if (need.status === 'granted' || need.status === 'disbursed') return { kind: 'refused', reason: 'closed' };
  const open = openReferral(referrals);
  // A bank's answer is applied and the workflow is about to take it: shortly.
  if (open?.resumePending) return { kind: 'refused', reason: 'busy' };
  return { kind: 'withdraw', ...(open ? { referral: open } : {}), erase: need.personalDataErasedAt ? [] : personalFields(need) };
}

export interface NeedChangeStore {
  getNeed(needId: string): Promise<ChangeableNeed | undefined>;
  getReferral(referralId: string): Promise<Referral | undefined>;
  /**
   * One write, conditional on the need unchanged since read (status and `updatedAt`) and, for a
   * retraction, on the referral still waiting with this token and no answer pending. `claim_taken`:
   * the enterprise has another open need (a restart must claim the credit code again).
   */
  amend(need: ChangeableNeed, change: AmendmentWrite, now: Date): Promise<'written' | 'condition_failed' | 'claim_taken'>;
  /** A renewed consent alone, the need otherwise unchanged (status and round): one write conditional like `amend`. */
  recordConsent(need: ChangeableNeed, consent: NeedConsent, now: Date): Promise<'written' | 'condition_failed'>;
  /** One write: the need withdrawn and erased, the open referral withdrawn, the claim released, the audit record; conditional like `amend`. */
  withdraw(need: ChangeableNeed, referral: Referral | undefined, erase: readonly PersonalField[], now: Date): Promise<'written' | 'condition_failed'>;
}

export interface AmendmentWrite {
  need: ValidNeed['need'];
  hasFixedPremises: boolean;
  changed: string[];
  /** The round the need is routed in after the amendment. */
  round: number;
  /** The offer withdrawn by the amendment (the retract plan). */
  retracted?: Referral;
  /** The renewed consent, when the amendment carries one. */
  consent?: NeedConsent;
  /** The consent is the owner's first, confirming a need entered from a visit (timeline `consent_confirmed`). */
  consentConfirmed?: true;
}

export interface NeedChangeWorkflow {
  /** Fails a waiting task with a named error the workflow catches; `expired` when it no longer waits. */
  fail(taskToken: string, error: string, cause: string): Promise<'resumed' | 'expired'>;
  /** Starts routing a need in an execution of this name (a repeat starts nothing). */
  start(needId: string, executionName: string): Promise<'started' | 'already_started'>;
}

export type ChangeOutcome =
  | { kind: 'changed'; need: ChangeableNeed }
  | { kind: 'not_found' }
  | { kind: 'nothing_changed' }
  | { kind: 'invalid'; errors: FieldError[] }
  | { kind: 'refused'; reason: RefusalReason };

export interface NeedChangeDeps {
  store: NeedChangeStore;
  workflow: NeedChangeWorkflow;
  /** The banks serving a county now (a renewed consent may name only them). */
  servingBanks(countyCode: string): Promise<ConsentRecipient[]>;
}

const sameBanks = (a: NeedConsent['recipients'], b: NeedConsent['recipients']) =>
  Array.isArray(a) && Array.isArray(b) && a.map((r) => r.bankId).join() === b.map((r) => r.bankId).join();

const ATTEMPTS = 3;

async function referralsOf(store: NeedChangeStore, need: ChangeableNeed) {
  return Promise.all((need.referralIds ?? []).map((id) => store.getReferral(id)));
}

/**
 * Amends the need: validated changes only, in one write conditional on what was read (re-read and
 * decided again when something moved meanwhile), then routing again (a new execution, or the
 * waiting task failed with `NeedAmended`).
 */
export async function amendNeed(deps: NeedChangeDeps, needId: string, amendment: NeedAmendment, now: Date): Promise<ChangeOutcome> {
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const need = await deps.store.getNeed(needId);
    if (!need) return { kind: 'not_found' };
    if (need.status === 'awaiting_consent') {
      // Entered from a visit without consent (visit-need.ts): the owner's consent, naming the banks
      // serving the county now, is what routes it — in a new round, as an amendment is routed again.
      if (!amendment.consent) return { kind: 'refused', reason: 'consent_needed' };
      const given = renewConsent(need.consent, amendment.consent.bankIds ?? [], await deps.servingBanks(need.enterprise.countyCode), amendment.consent.textVersion, now);
      if (!given.ok) return { kind: 'invalid', errors: given.errors };
      const round = (need.routingRound ?? 0) + 1;
      const written = await deps.store.amend(need, { ...applyAmendment(need, amendment), round, consent: given.consent, consentConfirmed: true }, now);
      if (written === 'claim_taken') return { kind: 'refused', reason: 'open_need_exists' };
      if (written === 'condition_failed') continue;
      await deps.workflow.start(needId, routingExecutionName({ needId, routingRound: round }));
      return { kind: 'changed', need: (await deps.store.getNeed(needId)) ?? need };
    }
    let consent: NeedConsent | undefined;
    let addsBanks = false;
    if (amendment.consent) {
      const renewed = renewConsent(need.consent, amendment.consent.bankIds ?? [], await deps.servingBanks(need.enterprise.countyCode), amendment.consent.textVersion, now);
      if (!renewed.ok) return { kind: 'invalid', errors: renewed.errors };
      if (!(sameBanks(renewed.consent.recipients, need.consent.recipients) && renewed.consent.textVersion === need.consent.textVersion)) consent = renewed.consent;
      addsBanks = renewed.added.length > 0;
    }
    const applied = applyAmendment(need, amendment);
    if (applied.changed.length === 0 && !consent) return { kind: 'nothing_changed' };
    const referrals = await referralsOf(deps.store, need);
    if (applied.changed.length === 0 && consent) {
      // A renewed consent alone: routed again when it names a bank for a need no bank matched, else recorded.
      const restart = need.status === 'unmatched' && addsBanks ? amendmentPlan(need, referrals) : undefined;
      if (restart?.kind === 'restart') {
        const written = await deps.store.amend(need, { ...applied, changed: ['/consent'], round: restart.round, consent }, now);
        if (written === 'claim_taken') return { kind: 'refused', reason: 'open_need_exists' };
        if (written === 'condition_failed') continue;
        await deps.workflow.start(needId, routingExecutionName({ needId, routingRound: restart.round }));
        return { kind: 'changed', need: (await deps.store.getNeed(needId)) ?? need };
      }
      const refused = need.status === 'withdrawn' ? 'withdrawn' : need.status === 'granted' || need.status === 'disbursed' ? 'closed' : undefined;
      if (refused) return { kind: 'refused', reason: refused };
      if ((await deps.store.recordConsent(need, consent, now)) === 'condition_failed') continue;
      return { kind: 'changed', need: (await deps.store.getNeed(needId)) ?? need };
    }
    const plan = amendmentPlan(need, referrals);
    if (plan.kind === 'refused') return plan;
    const round = plan.kind === 'restart' ? plan.round : (need.routingRound ?? 0);
    const retracted = plan.kind === 'retract' ? plan.referral : undefined;
    const changed = consent ? [...applied.changed, '/consent'] : applied.changed;
    const written = await deps.store.amend(need, { ...applied, changed, round, ...(retracted ? { retracted } : {}), ...(consent ? { consent } : {}) }, now);
    if (written === 'claim_taken') return { kind: 'refused', reason: 'open_need_exists' };
    if (written === 'condition_failed') continue;
    if (retracted) {
      // If the wait has just timed out, the deadline step finds the offer withdrawn and routes on.
      await deps.workflow.fail(retracted.taskToken, NEED_AMENDED_ERROR, 'the enterprise amended the need');
    } else {
      await deps.workflow.start(needId, routingExecutionName({ needId, routingRound: round }));
    }
    return { kind: 'changed', need: (await deps.store.getNeed(needId)) ?? need };
  }
  return { kind: 'refused', reason: 'busy' };
}

/** Withdraws the need and its consent; a repeat answers as the first did. */
export async function withdrawNeed(deps: NeedChangeDeps, needId: string, now: Date): Promise<ChangeOutcome> {
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const need = await deps.store.getNeed(needId);
    if (!need) return { kind: 'not_found' };
    const plan = withdrawalPlan(need, await referralsOf(deps.store, need));
    if (plan.kind === 'done') return { kind: 'changed', need };
    if (plan.kind === 'refused') return plan;
    if ((await deps.store.withdraw(need, plan.referral, plan.erase, now)) === 'condition_failed') continue;
    // The workflow waits on the bank: end the wait (it tells the bank and stops). Between steps, its
    // next step finds the need withdrawn and stops.
    if (plan.referral?.taskToken) await deps.workflow.fail(plan.referral.taskToken, NEED_WITHDRAWN_ERROR, 'the enterprise withdrew the need');
    const withdrawn = (await deps.store.getNeed(needId)) ?? need;
    // The workflow waits for the task force's review (review.ts): end that wait too. Read after the
    // write, when no new token can be kept (the need is no longer in review): this one is the last.
    const reviewToken = need.status === 'in_review' ? (withdrawn as { review?: { taskToken?: string } }).review?.taskToken : undefined;
    if (reviewToken) await deps.workflow.fail(reviewToken, NEED_WITHDRAWN_ERROR, 'the enterprise withdrew the need');
    return { kind: 'changed', need: withdrawn };
  }
  return { kind: 'refused', reason: 'busy' };
}
