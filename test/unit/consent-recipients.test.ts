// Named consent (PIPL art. 23): the consent's shape by text version, which banks a county's consent
// may name, a submission's recipients checked against them, the renewed consent, and the text with
// the banks' names.
import { describe, expect, it } from 'vitest';
import { bankSchema, type Bank, type BankInput } from '../../shared/domain/bank';
import {
  consentNamesRecipients,
  consentTextFor,
  CURRENT_CONSENT_VERSION,
  findConsentText,
  RECIPIENTS_PLACEHOLDER,
  type NeedConsent,
} from '../../shared/domain/consent';
import { consentRecipients, renewConsent, servingRecipients } from '../../shared/domain/consent-recipients';
import { createNeedRecord } from '../../shared/domain/need-record';
import { needSubmissionSchema } from '../../shared/domain/need';
import { fieldErrorsFromZod, MESSAGES } from '../../shared/domain/validation-messages';
import { validSubmission } from '../support/needs';

function bank(bankId: string, divisions: string[], patch: Partial<BankInput> = {}): Bank {
  return bankSchema.parse({
    bankId,
    nameZh: `${bankId}银行`,
    nameEn: `${bankId} Bank`,
    divisions,
    products: [{ productId: 'p', nameZh: '贷', nameEn: 'Loan', guarantees: ['credit'], minAmountYuan: 1, maxAmountYuan: 10, minTermMonths: 1, maxTermMonths: 12 }],
    capacity: 1,
    webhookUrl: `https://${bankId}.example.cn/hook`,
    ...patch,
  });
}

// Hangzhou Xihu (330106): a county bank, a prefecture's, a province's, a national one; one elsewhere; one inactive.
const REGISTRY = [
  bank('national', ['000000']),
  bank('zhejiang', ['330000']),
  bank('hangzhou', ['330100']),
  bank('xihu', ['330106']),
  bank('guangdong', ['440000']),
  bank('closed', ['330106'], { active: false }),
];
const SERVING = servingRecipients(REGISTRY, '330106');

describe('servingRecipients', () => {
  it('lists the active banks serving the county, the most local first, with their names only', () => {
    expect(SERVING).toEqual([
      { bankId: 'xihu', nameZh: 'xihu银行', nameEn: 'xihu Bank' },
      { bankId: 'hangzhou', nameZh: 'hangzhou银行', nameEn: 'hangzhou Bank' },
      { bankId: 'zhejiang', nameZh: 'zhejiang银行', nameEn: 'zhejiang Bank' },
      { bankId: 'national', nameZh: 'national银行', nameEn: 'national Bank' },
    ]);
  });

  it('lists only national banks for a county elsewhere, and none for a code that is no county', () => {
    expect(servingRecipients(REGISTRY, '510107').map((b) => b.bankId)).toEqual(['national']);
    expect(servingRecipients(REGISTRY, '330100')).toEqual([]);
  });
});

describe('the consent schema by text version', () => {
  const consentErrors = (consent: unknown) => {
    const body = { ...validSubmission(), consent };
    const parsed = needSubmissionSchema.safeParse(body);
    return parsed.success ? [] : fieldErrorsFromZod(parsed.error.issues, body).map((e) => [e.pointer, e.code]);
  };

  it('the current version names its recipients and needs bankIds; 2026-11 named none and takes none', () => {
    expect(CURRENT_CONSENT_VERSION).toBe('2026-12');
    expect(consentNamesRecipients('2026-12')).toBe(true);
    expect(consentNamesRecipients('2026-11')).toBe(false);
    expect(consentErrors({ shareWithBanks: true, textVersion: '2026-12' })).toEqual([['/consent/bankIds', 'required']]);
    expect(consentErrors({ shareWithBanks: true, textVersion: '2026-12', bankIds: ['xihu', 'national'] })).toEqual([]);
    expect(consentErrors({ shareWithBanks: true, textVersion: '2026-11' })).toEqual([]);
  });

  it('refuses bank ids that are not registry keys, at the item, with the bilingual message', () => {
    const body = { ...validSubmission(), consent: { shareWithBanks: true, textVersion: '2026-12', bankIds: ['xihu', 'Not A Bank'] } };
    const parsed = needSubmissionSchema.safeParse(body);
    expect(parsed.success).toBe(false);
    expect(fieldErrorsFromZod(parsed.error!.issues, body)).toEqual([{ pointer: '/consent/bankIds/1', code: 'consent.bank_ids', message: MESSAGES['consent.bank_ids'] }]);
    expect(consentErrors({ shareWithBanks: true, textVersion: '2026-12', bankIds: 'xihu' })).toEqual([['/consent/bankIds', 'consent.bank_ids']]);
    expect(consentErrors({ shareWithBanks: true, textVersion: '2026-12', bankIds: Array.from({ length: 101 }, (_, i) => `bank-${i}`) })).toEqual([
      ['/consent/bankIds', 'consent.bank_ids'],
    ]);
  });

  it('keeps each bank once', () => {
    const parsed = needSubmissionSchema.parse({ ...validSubmission(), consent: { shareWithBanks: true, textVersion: '2026-12', bankIds: ['xihu', 'xihu', 'national'] } });
    expect(parsed.consent.bankIds).toEqual(['xihu', 'national']);
  });
});

describe('consentRecipients (a submission)', () => {
  it('keeps the banks named, each serving the county, with their names', () => {
    expect(consentRecipients({ bankIds: ['national', 'xihu'] }, SERVING)).toEqual({
      ok: true,
      recipients: [SERVING[0], SERVING[3]],
    });
  });

  it('refuses a bank that does not serve the county, or is inactive, at /consent/bankIds in both languages', () => {
    const result = consentRecipients({ bankIds: ['xihu', 'guangdong', 'closed'] }, SERVING);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]).toMatchObject({ pointer: '/consent/bankIds', code: 'consent.bank_not_serving' });
    expect(result.errors[0]!.message.zh).toContain('guangdong, closed');
    expect(result.errors[0]!.message.en).toContain('guangdong, closed');
  });

  it('under the 2026-11 text (no bankIds): every bank serving the county at submission, what that text promised', () => {
    expect(consentRecipients({}, SERVING)).toEqual({ ok: true, recipients: SERVING });
  });

  it('an empty list is a consent to no bank (the need then goes to the task force)', () => {
    expect(consentRecipients({ bankIds: [] }, SERVING)).toEqual({ ok: true, recipients: [] });
  });

  it('the need record keeps the list, the version and the time', () => {
    const input = needSubmissionSchema.parse({ ...validSubmission(), consent: { shareWithBanks: true, textVersion: '2026-12', bankIds: ['xihu'] } });
    const record = createNeedRecord({ input, needId: '01JDZ8Q8Y3M3B3X9N7W1V2C4D5', now: new Date('2026-12-01T02:00:00Z'), trackingTokenHash: 'h', recipients: [SERVING[0]!] });
    expect(record.consent).toEqual({ shareWithBanks: true, textVersion: '2026-12', at: '2026-12-01T02:00:00.000Z', recipients: [SERVING[0]] });
  });
});

describe('renewConsent', () => {
  const before: NeedConsent = { shareWithBanks: true, textVersion: '2026-12', at: '2026-12-01T02:00:00.000Z', recipients: [SERVING[0]!] };
  const now = new Date('2026-12-10T03:00:00Z');

  it('gives the new consent (list, version, time) and says which banks it adds and removes', () => {
    const renewed = renewConsent(before, ['hangzhou', 'national'], SERVING, '2026-12', now);
    expect(renewed).toEqual({
      ok: true,
      consent: { shareWithBanks: true, textVersion: '2026-12', at: '2026-12-10T03:00:00.000Z', recipients: [SERVING[1], SERVING[3]] },
      added: [SERVING[1], SERVING[3]],
      removed: [SERVING[0]],
    });
    // The consent it replaces is not touched.
    expect(before.recipients).toEqual([SERVING[0]]);
  });

  it('renews a consent from before named consent: every bank of the new list is added', () => {
    const legacy: NeedConsent = { shareWithBanks: true, textVersion: '2026-11', at: before.at, recipients: 'banks serving the county' };
    const renewed = renewConsent(legacy, ['xihu'], SERVING, '2026-12', now);
    expect(renewed).toMatchObject({ ok: true, added: [SERVING[0]], removed: [] });
  });

  it('refuses a bank that does not serve the county, and a text version that names no banks, changing nothing', () => {
    const notServing = renewConsent(before, ['guangdong'], SERVING, '2026-12', now);
    expect(notServing).toEqual({ ok: false, errors: [expect.objectContaining({ pointer: '/consent/bankIds', code: 'consent.bank_not_serving' })] });
    for (const version of ['2026-11', '2099-01']) {
      const renewed = renewConsent(before, ['xihu'], SERVING, version, now);
      expect(renewed.ok).toBe(false);
      if (renewed.ok) continue;
      expect(renewed.errors).toEqual([{ pointer: '/consent/textVersion', code: 'consent.version', message: { zh: expect.any(String), en: expect.any(String) } }]);
    }
  });
});

describe('consentTextFor', () => {
  it('names the banks in place of the placeholder, in each language', () => {
    const zh = consentTextFor('2026-12', 'zh', SERVING.slice(0, 2));
    const en = consentTextFor('2026-12', 'en', SERVING.slice(0, 2));
    expect(zh).toContain('xihu银行、hangzhou银行');
    expect(en).toContain('xihu Bank, hangzhou Bank');
    expect(zh + en).not.toContain(RECIPIENTS_PLACEHOLDER);
  });

  it('says so when no bank serves the area, and before the county is chosen', () => {
    expect(consentTextFor('2026-12', 'zh', [])).toContain('目前没有服务该地区的银行');
    expect(consentTextFor('2026-12', 'en', [])).toContain('no bank serves this area');
    expect(consentTextFor('2026-12', 'en', undefined)).toContain('listed here once you choose');
  });

  it('leaves a text that names no banks as it is, and an unknown version empty', () => {
    expect(consentTextFor('2026-11', 'zh', SERVING)).toBe(findConsentText('2026-11')!.zh);
    expect(consentTextFor('1999-01', 'en', SERVING)).toBe('');
  });
});
