// Test data: valid submissions with fresh credit codes.
import { randomInt } from 'node:crypto';
import { CREDIT_CODE_ALPHABET, creditCodeCheckCharacter } from '../../shared/domain/credit-code';
import type { NeedSubmission } from '../../shared/domain/need';

/** A valid unified social credit code no other test uses (registered in Hangzhou Xihu, 330106). */
export function freshCreditCode(): string {
  let body = '91330106';
  for (let i = 0; i < 9; i++) body += CREDIT_CODE_ALPHABET[randomInt(CREDIT_CODE_ALPHABET.length)];
  return body + creditCodeCheckCharacter(body);
}

/**
 * A valid submission in Hangzhou Xihu (330106). Its consent is under the 2026-11 text, which named no
 * bank (API clients may still send it): the need keeps the banks serving the county at submission,
 * whatever banks a test registered. Named consent (2026-12, `bankIds`): test/integration/named-consent.test.ts.
 */
export function validSubmission(): NeedSubmission {
  return {
    enterprise: {
      name: '杭州西湖食品有限公司',
      creditCode: freshCreditCode(),
      entityType: 'enterprise',
      countyCode: '330106',
      industryCode: 'C14',
      employees: 25,
      annualRevenueYuan: 4_000_000,
      totalAssetsYuan: 3_000_000,
      yearsInOperation: 5,
      hasFixedPremises: true,
    },
    contact: { name: '王丽', mobile: '13800138000' },
    need: {
      amountYuan: 500_000,
      termMonths: 12,
      purpose: 'working_capital',
      guarantee: 'credit',
      firstLoan: true,
      description: '采购原料',
    },
    consent: { shareWithBanks: true, textVersion: '2026-11' },
  };
}
