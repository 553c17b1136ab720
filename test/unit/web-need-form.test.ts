import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { needSubmissionSchema } from '../../shared/domain/need';
import { fieldErrorsFromZod } from '../../shared/domain/validation-messages';
import { CURRENT_CONSENT_VERSION } from '../../shared/domain/consent';
import {
  errorIdFor,
  fieldIdForPointer,
  parseBoolean,
  parseChoice,
  parseWholeNumber,
  parseYuan,
  unitControlName,
  sortFieldErrors,
  toSubmission,
  type FormValues,
} from '../../web/src/need-form';

const html = readFileSync(new URL('../../web/public/index.html', import.meta.url), 'utf8');
const idsInPage = new Set([...html.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]!));

const FILLED: FormValues = {
  'enterprise.name': ' 杭州西湖食品有限公司 ',
  'enterprise.creditCode': '9133010652601815x8',
  'enterprise.entityType': 'enterprise',
  'enterprise.countyCode': '330106',
  'enterprise.industryCode': 'C14',
  'enterprise.employees': '8',
  'enterprise.annualRevenueYuan': '2,000,000',
  'enterprise.totalAssetsYuan': '１５０００００',
  'enterprise.yearsInOperation': '3',
  'enterprise.hasFixedPremises': 'true',
  'contact.name': '王丽',
  'contact.mobile': '+86 138-0013-8000',
  'need.amountYuan': '500 000',
  'need.termMonths': '12',
  'need.purpose': 'working_capital',
  'need.guarantee': 'credit',
  'need.firstLoan': 'false',
  'need.description': '',
  'consent.shareWithBanks': 'true',
};

describe('parseYuan', () => {
  it('takes amounts in 万元 and sends yuan', () => {
    expect(parseYuan('50', 'wan')).toBe(500_000);
    expect(parseYuan('12.5', 'wan')).toBe(125_000);
    expect(parseYuan('0.1234', 'wan')).toBe(1_234);
    expect(parseYuan('１２', 'wan')).toBe(120_000);
    expect(parseYuan('500000', 'yuan')).toBe(500_000);
    expect(parseYuan('500000', undefined)).toBe(500_000);
  });

  it('leaves what is not a whole number of yuan for the schema to report', () => {
    expect(parseYuan('0.00001', 'wan')).toBeCloseTo(0.1);
    expect(parseYuan('12.5', 'yuan')).toBe(12.5);
    expect(parseYuan('五十', 'wan')).toBe('五十');
    expect(parseYuan('', 'wan')).toBeUndefined();
  });

  it('is what toSubmission uses for the three amounts, with their unit controls', () => {
    const draft = toSubmission(
      {
        'need.amountYuan': '50',
        [unitControlName('need.amountYuan')]: 'wan',
        'enterprise.annualRevenueYuan': '4000000',
        [unitControlName('enterprise.annualRevenueYuan')]: 'yuan',
        'enterprise.totalAssetsYuan': '300',
        [unitControlName('enterprise.totalAssetsYuan')]: 'wan',
      },
      '2026-11',
    );
    expect(draft.need.amountYuan).toBe(500_000);
    expect(draft.enterprise.annualRevenueYuan).toBe(4_000_000);
    expect(draft.enterprise.totalAssetsYuan).toBe(3_000_000);
  });
});

describe('parseWholeNumber', () => {
  it('reads whole numbers with separators, spaces and full-width digits', () => {
    expect(parseWholeNumber('1,000,000')).toBe(1_000_000);
    expect(parseWholeNumber(' 50 000 ')).toBe(50_000);
    expect(parseWholeNumber('１２')).toBe(12);
    expect(parseWholeNumber('1，000')).toBe(1000);
    expect(parseWholeNumber('0')).toBe(0);
  });

  it('gives undefined for nothing typed, so the schema says "required"', () => {
    expect(parseWholeNumber(undefined)).toBeUndefined();
    expect(parseWholeNumber('')).toBeUndefined();
    expect(parseWholeNumber('   ')).toBeUndefined();
  });

  it('keeps fractions and negatives as numbers and other text as text, for the schema to reject', () => {
    expect(parseWholeNumber('12.5')).toBe(12.5);
    expect(parseWholeNumber('-3')).toBe(-3);
    expect(parseWholeNumber('50万')).toBe('50万');
    expect(parseWholeNumber('1e5')).toBe('1e5');
  });
});

describe('parseBoolean and parseChoice', () => {
  it('maps radio values and empty selects', () => {
    expect(parseBoolean('true')).toBe(true);
    expect(parseBoolean('false')).toBe(false);
    expect(parseBoolean(undefined)).toBeUndefined();
    expect(parseBoolean('yes')).toBeUndefined();
    expect(parseChoice('')).toBeUndefined();
    expect(parseChoice(undefined)).toBeUndefined();
    expect(parseChoice('credit')).toBe('credit');
  });
});

describe('toSubmission', () => {
  it('builds the exact POST body shape, with numbers and booleans typed', () => {
    const body = toSubmission(FILLED, CURRENT_CONSENT_VERSION, ['huimin-bank', 'zj-fengshou-rcb']);
    expect(body).toEqual({
      enterprise: {
        name: ' 杭州西湖食品有限公司 ',
        creditCode: '9133010652601815x8',
        entityType: 'enterprise',
        countyCode: '330106',
        industryCode: 'C14',
        employees: 8,
        annualRevenueYuan: 2_000_000,
        totalAssetsYuan: 1_500_000,
        yearsInOperation: 3,
        hasFixedPremises: true,
      },
      contact: { name: '王丽', mobile: '+86 138-0013-8000' },
      need: { amountYuan: 500_000, termMonths: 12, purpose: 'working_capital', guarantee: 'credit', firstLoan: false },
      consent: { shareWithBanks: true, textVersion: CURRENT_CONSENT_VERSION, bankIds: ['huimin-bank', 'zj-fengshou-rcb'] },
    });
  });

  it('produces a body the shared schema accepts, and whose normalised form it accepts again', () => {
    const parsed = needSubmissionSchema.safeParse(toSubmission(FILLED, CURRENT_CONSENT_VERSION, ['huimin-bank']));
    expect(parsed.success).toBe(true);
    if (!parsed.success) return;
    expect(parsed.data.enterprise.creditCode).toBe('9133010652601815X8');
    expect(parsed.data.contact.mobile).toBe('13800138000');
    // The page sends the normalised values; the server must read them back unchanged.
    const again = needSubmissionSchema.safeParse(JSON.parse(JSON.stringify(parsed.data)));
    expect(again.success && again.data).toEqual(parsed.data);
  });

  it('sends a description only when one was written', () => {
    expect(toSubmission({ ...FILLED, 'need.description': '  ' }, 'v').need).not.toHaveProperty('description');
    expect(toSubmission({ ...FILLED, 'need.description': '备货' }, 'v').need.description).toBe('备货');
  });

  it('treats an unticked consent box as no consent', () => {
    const { 'consent.shareWithBanks': _omitted, ...rest } = FILLED;
    expect(toSubmission(rest, 'v').consent).toEqual({ shareWithBanks: false, textVersion: 'v' });
  });

  it("sends the consent's banks when given (none serving the county is an empty list), and the current text needs them", () => {
    expect(toSubmission(FILLED, CURRENT_CONSENT_VERSION, []).consent).toEqual({ shareWithBanks: true, textVersion: CURRENT_CONSENT_VERSION, bankIds: [] });
    expect(needSubmissionSchema.safeParse(toSubmission(FILLED, CURRENT_CONSENT_VERSION)).success).toBe(false);
  });
});

describe('pointers and element ids', () => {
  it('turns a JSON pointer into the form element id', () => {
    expect(fieldIdForPointer('/enterprise/creditCode')).toBe('enterprise-creditCode');
    expect(fieldIdForPointer('/consent/shareWithBanks')).toBe('consent-shareWithBanks');
    expect(fieldIdForPointer('')).toBe('');
    expect(fieldIdForPointer('/a~1b/c~0d')).toBe('a/b-c~d');
    expect(errorIdFor('need-amountYuan')).toBe('need-amountYuan-error');
  });

  it('places every error of an empty form next to an element of the page', () => {
    const draft = toSubmission({}, CURRENT_CONSENT_VERSION);
    const parsed = needSubmissionSchema.safeParse(draft);
    expect(parsed.success).toBe(false);
    if (parsed.success) return;
    const errors = fieldErrorsFromZod(parsed.error.issues, draft);
    const { byField, unplaced } = sortFieldErrors(errors, (id) => idsInPage.has(id));
    expect(unplaced).toEqual([]);
    expect(byField.size).toBe(errors.length);
    for (const id of byField.keys()) expect(idsInPage.has(errorIdFor(id)), id).toBe(true);
  });

  it('keeps the first message per field and leaves errors for unknown places aside', () => {
    const message = (text: string) => ({ zh: text, en: text });
    const { byField, unplaced } = sortFieldErrors(
      [
        { pointer: '/enterprise/creditCode', code: 'a', message: message('first') },
        { pointer: '/enterprise/creditCode', code: 'b', message: message('second') },
        { pointer: '/consent/textVersion', code: 'c', message: message('version') },
        { pointer: '', code: 'd', message: message('body') },
      ],
      (id) => id === 'enterprise-creditCode',
    );
    expect([...byField]).toEqual([['enterprise-creditCode', message('first')]]);
    expect(unplaced.map((e) => e.code)).toEqual(['c', 'd']);
  });
});

describe('index.html carries the ids the e2e tests rely on', () => {
  const leaves: Record<string, readonly string[]> = {
    enterprise: [
      'name',
      'creditCode',
      'entityType',
      'countyCode',
      'industryCode',
      'employees',
      'annualRevenueYuan',
      'totalAssetsYuan',
      'yearsInOperation',
      'hasFixedPremises',
    ],
    contact: ['name', 'mobile'],
    need: ['amountYuan', 'termMonths', 'purpose', 'guarantee', 'firstLoan', 'description'],
    consent: ['shareWithBanks'],
  };
  const booleans = new Set(['enterprise.hasFixedPremises', 'need.firstLoan']);

  it("lists every member of the schema (except the consent's version and banks, which are not typed)", () => {
    const shape = needSubmissionSchema.shape;
    for (const [group, members] of Object.entries(leaves)) {
      const schemaMembers = Object.keys(shape[group as keyof typeof shape].shape).filter((m) => m !== 'textVersion' && m !== 'bankIds');
      expect([...members].sort()).toEqual(schemaMembers.sort());
    }
  });

  for (const [group, members] of Object.entries(leaves)) {
    for (const member of members) {
      const id = `${group}-${member}`;
      const name = `${group}.${member}`;
      it(`${name}: #${id}, #${id}-error and name="${name}"`, () => {
        expect(idsInPage.has(id)).toBe(true);
        expect(idsInPage.has(`${id}-error`)).toBe(true);
        if (booleans.has(name)) {
          expect(html).toMatch(new RegExp(`id="${id}-true" name="${name}" value="true"`));
          expect(html).toMatch(new RegExp(`id="${id}-false" name="${name}" value="false"`));
        } else {
          expect(html).toMatch(new RegExp(`id="${id}" name="${name.replace('.', '\\.')}"`));
        }
      });
    }
  }

  it('has the pickers, the submit button, the language switch and the receipt', () => {
    for (const id of [
      'enterprise-province',
      'enterprise-prefecture',
      'enterprise-industrySection',
      'submit',
      'lang-switch',
      'receipt',
      'receipt-needId',
      'receipt-status-link',
      'form-alert',
    ]) {
      expect(idsInPage.has(id), id).toBe(true);
    }
    expect(html).toMatch(/<html lang="zh-CN">/);
    expect(html).toMatch(/id="form-alert"[^>]*role="alert"/);
  });

  it('has no inline script or style (the CSP forbids them)', () => {
    expect(html).not.toMatch(/<style|\sstyle=|<script(?![^>]*\ssrc=)/i);
    expect(html).not.toMatch(/\son[a-z]+=/i);
  });
});
