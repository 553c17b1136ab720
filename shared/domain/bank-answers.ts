/**
 * A bank's answer to a referral, applied exactly once — the use case behind
 * `POST /v1/banks/{bankId}/events` once the signature is verified and the event parsed.
 *
 * The rules, in the order they are checked:
 * 1. The referral must exist and belong to the bank (another bank's referral looks missing): 404.
 * 2. An answer already applied whose resume the workflow has not confirmed (a retry after Step
 *    Functions failed us, or a concurrent delivery) is resumed again, nothing else changes: 200.
 * 3. {@link applyBankEvent} decides: late (the referral expired: the deadline step ran) → stored and
 *    counted as late, 202; conflict → 409 (do not retry); a transition → 4.
 * 4. A transition that resumes the workflow needs the workflow waiting at the step it answers (the
 *    offer for accepted/declined-from-offered, the decision for granted/declined-after-acceptance),
 *    with a live task token and no other answer pending; otherwise the workflow is between steps:
 *    retry shortly (409 referral-not-ready with `Retry-After`).
 * 5. The transition is written in one transaction conditional on the stage, the token and no answer
 *    pending, so of two concurrent answers exactly one is written; the other re-reads and follows
 *    what happened (rule 2, 3 or 4).
 * 6. The workflow is resumed with the token the write was conditioned on: task success with the
 *    answer (accepted, granted), or task failure `BankDeclined` for a decline, which the workflow
 *    catches to route the need on (no Choice state after a wait). If the token has just
 *    timed out, nothing is lost: the deadline step finds the applied answer and continues with it
 *    (routing.ts `deadlineMissedStep`), so an answer in time is never counted late.
 *
 * De-duplication of deliveries (one webhook-id, one answer) is the caller's: it claims the id before
 * calling this (in progress → done). Pure module: the store and the workflow are ports.
 */
import type { DisclosureAudit } from './audit';
import type { BankEvent } from './bank-events';
import type { NeedRecord } from './need-record';
import type { LocalizedText } from './problem';
import { applyBankEvent, STAGE_AFTER, type Referral, type ReferralTransition, type WorkflowAnswer } from './referral';
import { BANK_DECLINED_ERROR, scaledDeadline } from './routing';
import { addCalendarDays } from './working-days';

export interface BankAnswerStore {
  getReferral(referralId: string): Promise<Referral | undefined>;
  getNeed(needId: string): Promise<NeedRecord | undefined>;
  /** Conditional on `transition.fromStage` and, when it resumes the workflow, on `taskToken` and no answer pending. */
  applyTransition(
    referral: Referral,
    need: NeedRecord,
    transition: ReferralTransition,
    now: Date,
    audit: DisclosureAudit | undefined,
    taskToken: string | undefined,
  ): Promise<'written' | 'condition_failed'>;
  recordLateAnswer(referral: Referral, need: NeedRecord, event: unknown, counters: Record<string, number>, now: Date): Promise<void>;
  completeResume(referralId: string, taskToken: string): Promise<void>;
}

/** The waiting task's two ways to end (Step Functions' SendTaskSuccess and SendTaskFailure). */
export interface WorkflowResumer {
  /** `expired` when the task no longer waits (its token timed out or was used). */
  succeed(taskToken: string, output: WorkflowAnswer): Promise<'resumed' | 'expired'>;
  /** Fails the waiting task with a named error the workflow catches; `expired` as for `succeed`. */
  fail(taskToken: string, error: string, cause: string): Promise<'resumed' | 'expired'>;
}

/** Ends the wait with the bank's answer: a decline fails the task (where the wait takes it so), the rest is its output. */
export function endWait(workflow: WorkflowResumer, taskToken: string, answer: WorkflowAnswer, declineAsFailure: boolean): Promise<'resumed' | 'expired'> {
  return answer.outcome === 'declined' && declineAsFailure
    ? workflow.fail(taskToken, BANK_DECLINED_ERROR, JSON.stringify(answer))
    : workflow.succeed(taskToken, answer);
}

export interface BankAnswerDeps {
  store: BankAnswerStore;
  workflow: WorkflowResumer;
  /** Speed-up factor of deadlines (1 in production). */
  timeScale: number;
}

/** The answer to a delivery. `final` answers are kept for redeliveries of the same webhook-id. */
export type BankAnswer =
  | {
      kind: 'answered';
      status: 200 | 202;
      body: { status: string; referralId: string; note?: string };
      /** The bank accepted: the answer carries the contact details (rebuilt, never stored) and is audited. */
      disclose: boolean;
      /** What changed: `applied` (this delivery), `resumed` (an earlier answer resumed again), `late`. */
      effect: 'applied' | 'resumed' | 'late';
      needId: string;
    }
  | { kind: 'problem'; problem: 'notFound' | 'referralConflict'; detail: LocalizedText }
  | { kind: 'retry'; problem: 'referralNotReady'; detail: LocalizedText; retryAfterSeconds: number };

const NOT_READY: BankAnswer = {
  kind: 'retry',
  problem: 'referralNotReady',
  detail: { zh: '该推荐正在处理上一步答复，请稍后重试', en: 'The referral is between steps; retry in a few seconds' },
  retryAfterSeconds: 5,
};

const LATE_NOTE = 'The deadline had passed; the answer is recorded.';

/** How many times a lost race is re-read before the bank is asked to retry. */
const MAX_ROUNDS = 4;

export async function answerBankEvent(deps: BankAnswerDeps, bankId: string, event: BankEvent, now: Date): Promise<BankAnswer> {
  const { store } = deps;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const referral = await store.getReferral(event.data.referralId);
    const need = referral && (await store.getNeed(referral.needId));
    if (!referral || !need || referral.bankId !== bankId) {
      return { kind: 'problem', problem: 'notFound', detail: { zh: '未找到该推荐', en: 'No such referral for this bank' } };
    }
    const answered = (effect: 'applied' | 'resumed', stage: string, disclose: boolean): BankAnswer => ({
      kind: 'answered',
      status: 200,
      body: { status: stage, referralId: referral.referralId },
      disclose,
      effect,
      needId: need.needId,
    });

    // Rule 2: the same answer, applied already, not yet taken by the workflow.
    if (referral.resumePending && referral.workflowAnswer && referral.stage === STAGE_AFTER[event.type]) {
      if (referral.taskToken) await resume(deps, referral, referral.taskToken, referral.workflowAnswer);
      return answered('resumed', referral.stage, referral.stage === 'accepted');
    }

    // Rule 3.
    const decision = scaledDeadline(now, addCalendarDays(now, referral.decideWithinDays), deps.timeScale);
    const outcome = applyBankEvent(referral, event, decision.timeoutSeconds, now, decision.deadline);
    if (outcome.kind === 'late') {
      await store.recordLateAnswer(referral, need, event, outcome.counters, now);
      return {
        kind: 'answered',
        status: 202,
        body: { status: 'late', referralId: referral.referralId, note: LATE_NOTE },
        disclose: false,
        effect: 'late',
        needId: need.needId,
      };
    }
    if (outcome.kind === 'conflict') return { kind: 'problem', problem: 'referralConflict', detail: outcome.detail };

    // Rule 4.
    const { transition } = outcome;
    let token: string | undefined;
    if (transition.resumesWorkflow) {
      const step = transition.fromStage === 'offered' ? 'offer' : 'decision';
      if (referral.waitingFor !== step || !referral.taskToken || referral.resumePending) return NOT_READY;
      token = referral.taskToken;
      transition.referralUpdate = { ...transition.referralUpdate, workflowAnswer: transition.answer };
    }

    // Rule 5.
    const audit = transition.disclose ? disclosureAudit(need.needId, bankId, referral.referralId, now, 'acceptance') : undefined;
    const written = await store.applyTransition(referral, need, transition, now, audit, token);
    if (written === 'condition_failed') continue;

    // Rule 6.
    if (token && transition.answer) await resume(deps, referral, token, transition.answer);
    return answered('applied', transition.toStage, transition.disclose);
  }
  return NOT_READY;
}

async function resume(deps: BankAnswerDeps, referral: Referral, taskToken: string, answer: WorkflowAnswer): Promise<void> {
  // `expired`: the timer fired meanwhile; the deadline step takes the stored answer and clears the token.
  const ended = await endWait(deps.workflow, taskToken, answer, referral.declineAsFailure === true);
  if (ended === 'resumed') await deps.store.completeResume(referral.referralId, taskToken);
}

/** The audit record of contact details disclosed to a bank: which fields, never their values. */
export function disclosureAudit(needId: string, bankId: string, referralId: string, at: Date, occasion: 'acceptance' | 'redelivery'): DisclosureAudit {
  return {
    kind: 'disclosure',
    at: at.toISOString(),
    needId,
    bankId,
    referralId,
    occasion,
    disclosed: ['enterprise.name', 'enterprise.creditCode', 'contact.name', 'contact.mobile'],
  };
}
