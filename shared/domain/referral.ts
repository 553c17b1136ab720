// A referral: one need offered to one bank. Its life: offered → accepted → granted → disbursed, or
// declined, or expired (the bank missed its deadline), or skipped (the bank or its signing secret
// was gone when the offer was to be sent). The workflow waits on a task token that the
// referral keeps server-side; banks only ever see the opaque referral id.
import type { BankEvent } from './bank-events';
import type { BranchContact } from './branch-contact';
import { declineReason } from './bank-events';
import { chinaDay, type NeedRecord, type NeedStatus } from './need-record';
import { answerDaysBucketKey, counterKey, decisionDaysBucketKey } from './counters';
import { bankOf, timelineEntry, type TimelineEntry } from './timeline';

export const REFERRAL_STAGES = ['offered', 'accepted', 'granted', 'disbursed', 'declined', 'expired', 'skipped', 'withdrawn'] as const;
export type ReferralStage = (typeof REFERRAL_STAGES)[number];

export interface Referral {
  referralId: string;
  needId: string;
  bankId: string;
  bankNameZh: string;
  bankNameEn: string;
  productId: string;
  countyCode: string;
  stage: ReferralStage;
  offeredAt: string;
  /** When the bank must answer the offer (scaled by the time scale locally). */
  deadline: string;
  /** The working days the bank had to answer the offer (to recompute the deadline on a new calendar). */
  acknowledgeWorkingDays?: number;
  /**
   * The deadline was computed on a year without an official holiday arrangement (statutory days
   * only); it is recomputed when the arrangement is loaded.
   */
  deadlineProvisional?: boolean;
  decideWithinDays: number;
  /** When the bank must decide (set on acceptance; scaled locally like `deadline`). */
  decisionDeadline?: string;
  /** Every attempt to deliver the offer's webhook (referral-wait). */
  deliveries?: { webhookId: string; at: string; status?: number; error?: string }[];
  /** The enterprise withdrew or amended the need while the bank had it (need-changes.ts). */
  withdrawn?: { reason: 'need_withdrawn' | 'need_amended'; at: string; fromStage: ReferralStage };
  /** Why the offer was never sent and the need moved on to the next bank. */
  skipped?: { reason: SkipReason; at: string };
  explanation: string[];
  /** The step the workflow is waiting on, and its token. Never leaves the server. */
  waitingFor?: 'offer' | 'decision';
  taskToken?: string;
  /**
   * The waiting task takes a decline as a task failure (BankDeclined) and only acceptances and grants
   * as its output: set with the token by workflows whose waits end that way (all since the route step;
   * an execution started on the earlier definition takes every answer as output).
   */
  declineAsFailure?: boolean;
  /** An answer was applied but the workflow has not confirmed taking it yet; this is what it gets. */
  resumePending?: boolean;
  workflowAnswer?: WorkflowAnswer;
  acceptedAt?: string;
  decidedAt?: string;
  decline?: { reasonCode: string; repairable: boolean; note?: string };
  grant?: { amountYuan: number; annualRateBp: number; termMonths: number; loanType: string; firstLoan: boolean };
  /** The branch the bank named with its acceptance: where the enterprise can turn. */
  branch?: BranchContact;
  disbursement?: { amountYuan: number; disbursedOn: string };
}

/** Why a bank was skipped: it left the registry, or its webhook signing secret is gone. */
export type SkipReason = 'bank_not_in_registry' | 'bank_secret_missing';

/** The step of the workflow that waits for an answer, for each stage that waits. */
export const WAITING_STEP: Partial<Record<ReferralStage, 'offer' | 'decision'>> = { offered: 'offer', accepted: 'decision' };

/** What the workflow receives when a bank answers (SendTaskSuccess output; a decline is SendTaskFailure where `declineAsFailure`). */
export type WorkflowAnswer =
  | { outcome: 'accepted'; decisionTimeoutSeconds: number }
  | { outcome: 'declined'; reasonCode: string }
  | { outcome: 'granted' };

/** The change one bank event makes, for the store to apply atomically (conditional on `fromStage`). */
export interface ReferralTransition {
  fromStage: ReferralStage;
  toStage: ReferralStage;
  /** Whether the workflow waits for this answer: then it is resumed with `answer`. */
  resumesWorkflow: boolean;
  answer?: WorkflowAnswer;
  referralUpdate: Partial<Referral>;
  needStatus: NeedStatus;
  /** What the need's timeline says of it. */
  timelineEntry: TimelineEntry;
  counters: Record<string, number>;
  /** The bank's open-referral count goes down when the referral ends. */
  releasesBankCapacity: boolean;
  /** The need is closed: the enterprise may declare a new one. */
  closesNeed: boolean;
  /** Contact details go to the bank (it accepted): answer with them and audit the disclosure. */
  disclose: boolean;
}

export type BankEventOutcome =
  | { kind: 'transition'; transition: ReferralTransition }
  | { kind: 'late'; counters: Record<string, number> }
  | { kind: 'conflict'; detail: { zh: string; en: string } };

/** The stage each event moves a referral to. */
export const STAGE_AFTER: Record<BankEvent['type'], ReferralStage> = {
  'referral.accepted': 'accepted',
  'referral.declined': 'declined',
  'referral.granted': 'granted',
  'referral.disbursed': 'disbursed',
};

const TERMINAL: ReadonlySet<ReferralStage> = new Set(['declined', 'granted', 'disbursed', 'expired', 'skipped', 'withdrawn']);

/** What a late answer counts: only an answer to a referral that expired (the deadline step ran). */
export const LATE_ANSWER_COUNTERS = (bankId: string): Record<string, number> => ({ lateAnswers: 1, [counterKey('lateAnswers', bankId)]: 1 });

export const MEDIUM_LONG_TERM_MONTHS = 12;

/**
 * What a bank's event does to a referral. `decisionTimeoutSeconds` is computed by the caller from
 * the decision deadline (calendar days, time scale).
 */
export function applyBankEvent(
  referral: Referral,
  event: BankEvent,
  decisionTimeoutSeconds: number,
  now: Date,
  decisionDeadline?: Date,
): BankEventOutcome {
  const bank = referral.bankId;
  // Days from the offer, in whole CST calendar days: the histograms behind the reports' medians.
  const days = Math.max(0, Math.round((Date.parse(chinaDay(now)) - Date.parse(chinaDay(new Date(referral.offeredAt)))) / 86_400_000));
  const answerTiming = { [answerDaysBucketKey(bank, days)]: 1 };
  const decisionTiming = { [decisionDaysBucketKey(days)]: 1 };
  if (referral.stage === 'expired') return { kind: 'late', counters: LATE_ANSWER_COUNTERS(bank) };
  if (referral.stage === 'skipped') return { kind: 'conflict', detail: { zh: '该推荐已撤回，未发送给贵行', en: 'The referral was withdrawn before it was sent to you' } };
  if (referral.stage === 'withdrawn') {
    return referral.withdrawn?.reason === 'need_amended'
      ? { kind: 'conflict', detail: { zh: '企业已修改需求，该推荐已撤回', en: 'The enterprise amended the need; this referral was withdrawn' } }
      : { kind: 'conflict', detail: { zh: '企业已撤回需求和授权同意，该推荐已撤回', en: 'The enterprise withdrew the need and its consent; this referral was withdrawn' } };
  }
  const conflict = (zh: string, en: string): BankEventOutcome => ({ kind: 'conflict', detail: { zh, en } });
  const base = { releasesBankCapacity: false, closesNeed: false, disclose: false };
  const at = now.toISOString();
  const bankName = bankOf(referral);

  switch (event.type) {
    case 'referral.accepted':
      if (referral.stage !== 'offered') return conflict('该推荐已不处于待受理状态', 'The referral is no longer waiting for acceptance');
      return {
        kind: 'transition',
        transition: {
          ...base,
          fromStage: 'offered',
          toStage: 'accepted',
          resumesWorkflow: true,
          answer: { outcome: 'accepted', decisionTimeoutSeconds },
          referralUpdate: {
            ...(decisionDeadline ? { decisionDeadline: decisionDeadline.toISOString() } : {}),
            ...(event.data.branch ? { branch: event.data.branch } : {}),
          },
          needStatus: 'accepted',
          timelineEntry: timelineEntry('accepted', at, 'accepted', { bank: bankName }),
          counters: { accepted: 1, [counterKey('accepted', bank)]: 1, ...answerTiming },
          disclose: true,
        },
      };
    case 'referral.declined': {
      if (referral.stage !== 'offered' && referral.stage !== 'accepted') {
        return conflict('该推荐已结束，不能再拒绝', 'The referral has ended and cannot be declined');
      }
      const reason = declineReason(event.data.reasonCode);
      return {
        kind: 'transition',
        transition: {
          ...base,
          fromStage: referral.stage,
          toStage: 'declined',
          resumesWorkflow: true,
          answer: { outcome: 'declined', reasonCode: event.data.reasonCode },
          referralUpdate: {
            decline: {
              reasonCode: event.data.reasonCode,
              repairable: reason?.repairable ?? false,
              ...(event.data.note ? { note: event.data.note } : {}),
            },
          },
          needStatus: 'recommended',
          timelineEntry: timelineEntry('declined', at, 'recommended', {
            bank: bankName,
            reasonCode: event.data.reasonCode,
            repairable: reason?.repairable ?? false,
          }),
          counters: {
            declined: 1,
            [counterKey('declined', event.data.reasonCode)]: 1,
            [counterKey('declinedAtBank', bank)]: 1,
            ...(reason?.repairable ? { declinedRepairable: 1 } : {}),
            // Declining an offer answers it; declining after acceptance is the credit decision.
            ...(referral.stage === 'offered' ? answerTiming : decisionTiming),
          },
          releasesBankCapacity: true,
        },
      };
    }
    case 'referral.granted': {
      if (referral.stage === 'offered') return conflict('请先受理（referral.accepted）再发送授信结果', 'Accept the referral (referral.accepted) before granting');
      if (referral.stage !== 'accepted') return conflict('该推荐已结束', 'The referral has ended');
      const grant = event.data;
      return {
        kind: 'transition',
        transition: {
          ...base,
          fromStage: 'accepted',
          toStage: 'granted',
          resumesWorkflow: true,
          answer: { outcome: 'granted' },
          referralUpdate: {
            grant: {
              amountYuan: grant.amountYuan,
              annualRateBp: grant.annualRateBp,
              termMonths: grant.termMonths,
              loanType: grant.loanType,
              firstLoan: grant.firstLoan,
            },
          },
          needStatus: 'granted',
          timelineEntry: timelineEntry('granted', at, 'granted', {
            bank: bankName,
            amountYuan: grant.amountYuan,
            annualRateBp: grant.annualRateBp,
            termMonths: grant.termMonths,
          }),
          counters: {
            granted: 1,
            grantedAmountYuan: grant.amountYuan,
            [counterKey('grantedAtBank', bank)]: 1,
            [counterKey('grantedAmountYuanAtBank', bank)]: grant.amountYuan,
            grantedRateBpSum: grant.annualRateBp,
            grantedRateBpAmountSum: grant.annualRateBp * grant.amountYuan,
            ...(grant.loanType === 'credit' ? { creditLoans: 1, creditLoanAmountYuan: grant.amountYuan } : {}),
            ...(grant.firstLoan ? { firstLoans: 1 } : {}),
            ...(grant.termMonths > MEDIUM_LONG_TERM_MONTHS ? { mediumLongTermLoans: 1 } : {}),
            ...decisionTiming,
          },
          releasesBankCapacity: true,
          closesNeed: true,
        },
      };
    }
    case 'referral.disbursed':
      if (referral.stage !== 'granted') {
        return conflict(
          TERMINAL.has(referral.stage) ? '该推荐未获授信，不能放款' : '请先发送授信结果（referral.granted）',
          TERMINAL.has(referral.stage) ? 'The referral was not granted' : 'Send referral.granted before referral.disbursed',
        );
      }
      return {
        kind: 'transition',
        transition: {
          ...base,
          fromStage: 'granted',
          toStage: 'disbursed',
          resumesWorkflow: false,
          referralUpdate: { disbursement: { amountYuan: event.data.amountYuan, disbursedOn: event.data.disbursedOn } },
          needStatus: 'disbursed',
          timelineEntry: timelineEntry('disbursed', at, 'disbursed', { bank: bankName, amountYuan: event.data.amountYuan }),
          counters: { disbursed: 1, disbursedAmountYuan: event.data.amountYuan },
        },
      };
  }
}

/** Disclosed to a bank that accepted: who to contact. */
export function disclosure(need: NeedRecord) {
  return {
    enterprise: { name: need.enterprise.name, creditCode: need.enterprise.creditCode, countyCode: need.enterprise.countyCode },
    contact: { name: need.contact.name, mobile: need.contact.mobile },
    need: need.need,
    consent: { textVersion: need.consent.textVersion, at: need.consent.at },
  };
}
