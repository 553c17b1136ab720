// What the owner sees of the bank that has the need (shared/domain/need-progress.ts).
import { describe, expect, it } from 'vitest';
import { needProgress } from '../../shared/domain/need-progress';
import type { Referral } from '../../shared/domain/referral';

const referral = (change: Partial<Referral>): Referral => ({
  referralId: 'r1',
  needId: 'n1',
  bankId: 'huimin',
  bankNameZh: '惠民银行',
  bankNameEn: 'Huimin Bank',
  productId: 'p',
  countyCode: '330106',
  stage: 'offered',
  offeredAt: '2026-12-01T02:00:00Z',
  deadline: '2026-12-03T16:00:00Z',
  decideWithinDays: 30,
  explanation: [],
  taskToken: 'secret-token',
  ...change,
});

describe('needProgress', () => {
  it('while offered: only the answer’s due time, not which bank', () => {
    const progress = needProgress(referral({}));
    expect(progress).toEqual({ stage: 'considering', answerDueBy: '2026-12-03T16:00:00Z' });
    expect(JSON.stringify(progress)).not.toContain('惠民');
  });

  it('once accepted: the bank, its branch and the decision deadline; never the task token', () => {
    const branch = { name: '惠民银行西湖支行', phone: '0571-87000000' };
    const progress = needProgress(referral({ stage: 'accepted', branch, decisionDeadline: '2026-12-31T16:00:00Z' }));
    expect(progress).toEqual({ stage: 'accepted', bank: { zh: '惠民银行', en: 'Huimin Bank' }, branch, decisionDueBy: '2026-12-31T16:00:00Z' });
    expect(JSON.stringify(progress)).not.toContain('secret-token');
  });

  it('once granted (and disbursed): the terms', () => {
    const grant = { amountYuan: 300_000, annualRateBp: 345, termMonths: 12, loanType: 'credit', firstLoan: true };
    expect(needProgress(referral({ stage: 'granted', grant }))).toEqual({
      stage: 'granted',
      bank: { zh: '惠民银行', en: 'Huimin Bank' },
      terms: { amountYuan: 300_000, annualRateBp: 345, termMonths: 12, loanType: 'credit' },
    });
    expect(needProgress(referral({ stage: 'disbursed', grant, disbursement: { amountYuan: 300_000, disbursedOn: '2026-12-05' } }))).toMatchObject({
      stage: 'granted',
      disbursement: { amountYuan: 300_000, disbursedOn: '2026-12-05' },
    });
  });

  it('nothing once the bank declined, let its deadline pass or was skipped, and nothing without a referral', () => {
    for (const stage of ['declined', 'expired', 'skipped'] as const) expect(needProgress(referral({ stage }))).toBeUndefined();
    expect(needProgress(undefined)).toBeUndefined();
  });
});
