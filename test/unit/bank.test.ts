import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import {
  bankDeadlines,
  bankServiceMatch,
  parseBank,
  servesCounty,
  type Bank,
  type BankInput,
} from '../../shared/domain/bank';
import { countyChain } from '../../shared/domain/divisions';

function bankInput(mutate: (bank: BankInput & Record<string, unknown>) => void = () => {}): BankInput {
  const bank: BankInput & Record<string, unknown> = {
    bankId: 'hz-united-rural',
    nameZh: '杭州联合农村商业银行',
    nameEn: 'Hangzhou United Rural Commercial Bank',
    divisions: ['330100'],
    products: [
      {
        productId: 'sme-credit',
        nameZh: '小微信用贷',
        nameEn: 'SME credit loan',
        guarantees: ['credit'],
        minAmountYuan: 10_000,
        maxAmountYuan: 3_000_000,
        minTermMonths: 3,
        maxTermMonths: 36,
      },
    ],
    capacity: 10,
    webhookUrl: 'https://bank.example.cn/smefin/events',
  };
  mutate(bank);
  return bank;
}

function parsed(mutate?: (bank: BankInput & Record<string, unknown>) => void): Bank {
  const result = parseBank(bankInput(mutate));
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.bank;
}

function errorsOf(mutate: (bank: BankInput & Record<string, unknown>) => void) {
  const result = parseBank(bankInput(mutate));
  if (result.ok) throw new Error('expected the bank to be rejected');
  return result.errors;
}

const product = (bank: BankInput) => bank.products[0]!;

describe('parseBank', () => {
  it('accepts a valid bank and defaults active to true', () => {
    const bank = parsed();
    expect(bank.active).toBe(true);
    expect(bank.bankId).toBe('hz-united-rural');
    expect(bank.products[0]?.guarantees).toEqual(['credit']);
  });

  it('keeps active false and the bank’s own deadlines', () => {
    const bank = parsed((b) => {
      b.active = false;
      b.deadlines = { acknowledgeWorkingDays: 2 };
    });
    expect(bank.active).toBe(false);
    expect(bankDeadlines(bank)).toEqual({ acknowledgeWorkingDays: 2, decideCalendarDays: 30 });
    expect(bankDeadlines(parsed())).toEqual({ acknowledgeWorkingDays: 3, decideCalendarDays: 30 });
  });

  it('normalises: canonical division codes without duplicates, trimmed names, upper-case industries', () => {
    const bank = parsed((b) => {
      b.divisions = ['620201', '330100', '330100', '000000', '３３００００'];
      b.nameZh = '  杭州联合   农商行 ';
      product(b).industrySections = ['c', 'C', 'F'];
      product(b).excludedIndustries = ['k70', 'C14', 'b'];
      product(b).guarantees = ['credit', 'pledge', 'credit'];
    });
    expect(bank.divisions).toEqual(['620200', '330100', '000000', '330000']);
    expect(bank.nameZh).toBe('杭州联合 农商行');
    expect(bank.products[0]?.industrySections).toEqual(['C', 'F']);
    expect(bank.products[0]?.excludedIndustries).toEqual(['K70', 'C14', 'B']);
    expect(bank.products[0]?.guarantees).toEqual(['credit', 'pledge']);
  });

  it.each(['A', 'hz_bank', '-hz', 'h', 'a'.repeat(64), 'hz bank', ''])('rejects the bank id %j', (bankId) => {
    expect(errorsOf((b) => (b.bankId = bankId))).toContainEqual(expect.objectContaining({ pointer: '/bankId' }));
  });

  it('accepts 2- and 63-character bank ids', () => {
    expect(parsed((b) => (b.bankId = 'hz')).bankId).toBe('hz');
    expect(parsed((b) => (b.bankId = `a${'-'.repeat(62)}`)).bankId).toHaveLength(63);
  });

  it.each([
    ['123456', 'unknown'],
    ['110100', 'municipality placeholder'],
    ['419000', 'province-administered placeholder'],
    ['130171', 'development zone'],
    ['33010', 'five digits'],
    ['3301066', 'seven digits'],
  ])('rejects the division %s (%s)', (code) => {
    const errors = errorsOf((b) => (b.divisions = ['330000', code]));
    expect(errors).toEqual([expect.objectContaining({ pointer: '/divisions/1', code: 'bank.division' })]);
    expect(errors[0]?.message.en).toMatch(/division/);
  });

  it('needs at least one division and one product', () => {
    expect(errorsOf((b) => (b.divisions = []))).toContainEqual(expect.objectContaining({ pointer: '/divisions' }));
    expect(errorsOf((b) => (b.products = []))).toContainEqual(expect.objectContaining({ pointer: '/products' }));
  });

  it('checks the product ranges', () => {
    expect(
      errorsOf((b) => {
        product(b).minAmountYuan = 5_000_000;
      }),
    ).toEqual([expect.objectContaining({ pointer: '/products/0/maxAmountYuan', code: 'bank.amount_range' })]);
    expect(
      errorsOf((b) => {
        product(b).minTermMonths = 48;
      }),
    ).toEqual([expect.objectContaining({ pointer: '/products/0/maxTermMonths', code: 'bank.term_range' })]);
    expect(errorsOf((b) => (product(b).maxTermMonths = 361))).toContainEqual(
      expect.objectContaining({ pointer: '/products/0/maxTermMonths', code: 'too_big' }),
    );
    expect(errorsOf((b) => (product(b).minAmountYuan = 1.5))).toContainEqual(
      expect.objectContaining({ pointer: '/products/0/minAmountYuan' }),
    );
  });

  it('accepts a product with equal min and max', () => {
    const bank = parsed((b) => {
      product(b).minAmountYuan = 100_000;
      product(b).maxAmountYuan = 100_000;
    });
    expect(bank.products[0]?.minAmountYuan).toBe(100_000);
  });

  it('needs concrete guarantee types: non-empty, no `any`', () => {
    expect(errorsOf((b) => (product(b).guarantees = []))).toContainEqual(
      expect.objectContaining({ pointer: '/products/0/guarantees' }),
    );
    expect(errorsOf((b) => (product(b).guarantees = ['any' as never]))).toContainEqual(
      expect.objectContaining({ pointer: '/products/0/guarantees/0', code: 'enum' }),
    );
  });

  it('checks industries, sections and purposes', () => {
    expect(errorsOf((b) => (product(b).industrySections = ['Z']))).toContainEqual(
      expect.objectContaining({ pointer: '/products/0/industrySections/0', code: 'bank.industry_section' }),
    );
    expect(errorsOf((b) => (product(b).industrySections = []))).toContainEqual(
      expect.objectContaining({ pointer: '/products/0/industrySections' }),
    );
    expect(errorsOf((b) => (product(b).excludedIndustries = ['C1']))).toContainEqual(
      expect.objectContaining({ pointer: '/products/0/excludedIndustries/0', code: 'bank.industry' }),
    );
    expect(errorsOf((b) => (product(b).purposes = ['gambling' as never]))).toContainEqual(
      expect.objectContaining({ pointer: '/products/0/purposes/0' }),
    );
    const bank = parsed((b) => {
      product(b).excludedIndustries = ['K70', 'K701', 'G59', 'J'];
      product(b).purposes = ['working_capital', 'renewal'];
    });
    expect(bank.products[0]?.excludedIndustries).toEqual(['K70', 'K701', 'G59', 'J']);
  });

  it('rejects duplicate product ids within a bank', () => {
    const errors = errorsOf((b) => (b.products = [product(b), { ...product(b), nameEn: 'Again' }]));
    expect(errors).toEqual([expect.objectContaining({ pointer: '/products/1/productId', code: 'bank.product_duplicate' })]);
  });

  it.each([
    ['https://bank.example.cn/hook', true],
    ['https://bank.example.cn:8443/hook?x=1', true],
    ['http://127.0.0.1:4010/banks/a', true],
    ['http://localhost:4010/banks/a', true],
    ['http://bank.example.cn/hook', false],
    ['http://10.0.0.1/hook', false],
    ['ftp://bank.example.cn/hook', false],
    ['https://user:secret@bank.example.cn/hook', false],
    ['bank.example.cn/hook', false],
    ['', false],
  ])('webhook URL %j accepted: %s', (url, ok) => {
    expect(parseBank(bankInput((b) => (b.webhookUrl = url))).ok).toBe(ok);
  });

  it('checks capacity and deadlines', () => {
    for (const capacity of [0, -1, 2.5]) {
      expect(errorsOf((b) => (b.capacity = capacity))).toContainEqual(expect.objectContaining({ pointer: '/capacity' }));
    }
    expect(errorsOf((b) => (b.deadlines = { acknowledgeWorkingDays: 0 }))).toContainEqual(
      expect.objectContaining({ pointer: '/deadlines/acknowledgeWorkingDays' }),
    );
    expect(errorsOf((b) => (b.deadlines = { decideCalendarDays: 366 }))).toContainEqual(
      expect.objectContaining({ pointer: '/deadlines/decideCalendarDays' }),
    );
  });

  it('rejects unknown fields, such as a signing secret, and reports missing ones', () => {
    expect(errorsOf((b) => (b.secret = 'whsec_abc'))).toEqual([
      expect.objectContaining({ pointer: '/secret', code: 'unknown_field' }),
    ]);
    expect(errorsOf((b) => delete (b as Partial<BankInput>).nameEn)).toEqual([
      expect.objectContaining({ pointer: '/nameEn', code: 'required' }),
    ]);
    expect(parseBank(null).ok).toBe(false);
  });

  it('gives every error a message in Chinese and English', () => {
    const errors = errorsOf((b) => {
      b.bankId = 'X';
      b.divisions = ['999999'];
      b.webhookUrl = 'http://x';
      b.capacity = 0;
    });
    expect(errors.length).toBe(4);
    for (const e of errors) {
      expect(e.message.zh.length).toBeGreaterThan(0);
      expect(e.message.en.length).toBeGreaterThan(0);
    }
  });
});

describe('servesCounty / bankServiceMatch', () => {
  const serves = (divisions: string[], county: string) => servesCounty({ divisions }, county);

  it.each([
    [['330106'], '330106', true],
    [['330100'], '330106', true],
    [['330000'], '330106', true],
    [['000000'], '330106', true],
    [['330102'], '330106', false],
    [['330200'], '330106', false],
    [['320000'], '330106', false],
    // Municipality: districts roll up to the province directly.
    [['110000'], '110105', true],
    [['110100'], '110105', false],
    // Province-administered county-level city (Jiyuan).
    [['410000'], '419001', true],
    [['419000'], '419001', false],
    // Prefecture-level city without counties (Dongguan): one code at two levels.
    [['441900'], '441900', true],
    [['440000'], '441900', true],
    [['440300'], '441900', false],
  ])('%j serves %s: %s', (divisions, county, expected) => {
    expect(countyChain(county)).toBeDefined();
    expect(serves(divisions, county)).toBe(expected);
  });

  it('picks the most local match', () => {
    expect(bankServiceMatch({ divisions: ['000000', '330000', '330106'] }, '330106')).toEqual({ level: 'county', division: '330106' });
    expect(bankServiceMatch({ divisions: ['000000', '330000', '330100'] }, '330106')).toEqual({
      level: 'prefecture',
      division: '330100',
    });
    expect(bankServiceMatch({ divisions: ['000000', '330000'] }, '330106')).toEqual({ level: 'province', division: '330000' });
    expect(bankServiceMatch({ divisions: ['000000'] }, '330106')).toEqual({ level: 'national', division: '000000' });
  });

  it('serves nothing that is not a county-level unit', () => {
    expect(serves(['000000'], '330100')).toBe(false);
    expect(serves(['000000'], '999999')).toBe(false);
  });

  it('property: a national bank serves every county, and a county bank exactly its own county', () => {
    const counties = ['330106', '330102', '110105', '419001', '441900', '650102', '540102'];
    fc.assert(
      fc.property(fc.constantFrom(...counties), fc.constantFrom(...counties), (a, b) => {
        expect(serves(['000000'], a)).toBe(true);
        expect(serves([a], b)).toBe(a === b);
      }),
    );
  });
});
