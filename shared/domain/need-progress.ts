// Where a need stands with a bank, as its owner may see it: while a bank considers it, only that a bank
// serving the county does and by when it must answer (which bank is not said before it accepts);
// once accepted, the bank's name, the branch it named and when it must decide; once granted, the
// terms (and the disbursement). From the need's latest referral; undefined when no bank has it.
import type { BranchContact } from './branch-contact';
import type { Referral } from './referral';

/**
 * The need's bank, once one has it. A plain type, so the status function loads no schema library;
 * the API document's schema (openapi.ts) is checked against it at compile time.
 */
export type NeedProgress =
  | { stage: 'considering'; answerDueBy: string }
  | { stage: 'accepted'; bank: { zh: string; en: string }; branch?: BranchContact; decisionDueBy?: string }
  | {
      stage: 'granted';
      bank: { zh: string; en: string };
      branch?: BranchContact;
      terms: { amountYuan: number; annualRateBp: number; termMonths: number; loanType: string };
      disbursement?: { amountYuan: number; disbursedOn: string };
    };

export function needProgress(referral: Referral | undefined): NeedProgress | undefined {
  if (!referral) return undefined;
  const bank = { zh: referral.bankNameZh, en: referral.bankNameEn };
  const branch = referral.branch ? { branch: referral.branch } : {};
  switch (referral.stage) {
    case 'offered':
      return { stage: 'considering', answerDueBy: referral.deadline };
    case 'accepted':
      return { stage: 'accepted', bank, ...branch, ...(referral.decisionDeadline ? { decisionDueBy: referral.decisionDeadline } : {}) };
    case 'granted':
    case 'disbursed': {
      if (!referral.grant) return undefined;
      const { amountYuan, annualRateBp, termMonths, loanType } = referral.grant;
      return {
        stage: 'granted',
        bank,
        ...branch,
        terms: { amountYuan, annualRateBp, termMonths, loanType },
        ...(referral.disbursement ? { disbursement: { ...referral.disbursement } } : {}),
      };
    }
    default:
      // Declined, expired or skipped: no bank has the need now (the status and timeline say what next).
      return undefined;
  }
}
