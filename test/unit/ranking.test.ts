import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { needSubmissionSchema, type NeedSubmission } from '../../shared/domain/need';
import { createNeedRecord, type NeedRecord } from '../../shared/domain/need-record';
import { bankSchema, type Bank, type BankInput } from '../../shared/domain/bank';
import { explainRanking, productMismatch, rankBanks, type RankingInput } from '../../shared/domain/ranking';
import { validSubmission } from '../support/needs';

function need(mutate: (body: NeedSubmission) => void = () => {}): NeedRecord {
  const body = validSubmission(); // Hangzhou Xihu 330106, C14 manufacturing, 500,000 yuan, 12 months, credit
  mutate(body);
  return createNeedRecord({
    input: needSubmissionSchema.parse(body),
    needId: '01JDZ8Q8Y3M3B3X9N7W1V2C4D5',
    now: new Date('2026-11-30T08:30:00Z'),
    trackingTokenHash: 'hash',
  });
}

type ProductInput = BankInput['products'][number];

function bank(bankId: string, divisions: string[], patch: Partial<BankInput> = {}, product: Partial<ProductInput> = {}): Bank {
  return bankSchema.parse({
    bankId,
    nameZh: `银行 ${bankId}`,
    nameEn: `Bank ${bankId}`,
    divisions,
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
        ...product,
      },
    ],
    capacity: 10,
    webhookUrl: `https://${bankId}.example.cn/hook`,
    ...patch,
  });
}

function input(banks: Bank[], extra: Partial<RankingInput> = {}): RankingInput {
  return { need: need(), banks, openReferrals: {}, lastOfferedAt: {}, excludedBankIds: new Set(), ...extra };
}

const ids = (i: RankingInput) => rankBanks(i).map((r) => r.bankId);

describe('rankBanks: named consent', () => {
  const banks = [bank('consented', ['330106']), bank('joined-later', ['330000']), bank('national', ['000000'])];
  const named = (bankIds: string[]): NeedRecord => {
    const record = need();
    return { ...record, consent: { ...record.consent, textVersion: '2026-12', recipients: bankIds.map((bankId) => ({ bankId, nameZh: bankId, nameEn: bankId })) } };
  };

  it('offers the need only to the banks its consent names: a bank that started serving the county later is not a candidate', () => {
    const { ranked, rejected } = explainRanking(input(banks, { need: named(['consented', 'national']) }));
    expect(ranked.map((r) => r.bankId)).toEqual(['consented', 'national']);
    expect(rejected).toEqual([{ bankId: 'joined-later', reason: 'not among the banks the owner consented to' }]);
  });

  it('offers it to no bank when the consent names none', () => {
    expect(ids(input(banks, { need: named([]) }))).toEqual([]);
  });

  it('a consent from before named consent (recipients described, not listed) leaves every serving bank a candidate', () => {
    expect(typeof need().consent.recipients).toBe('string');
    expect(ids(input(banks))).toEqual(['consented', 'joined-later', 'national']);
  });
});

describe('rankBanks: who is a candidate', () => {
  it('keeps active banks serving the county, not excluded, below capacity, with a fitting product', () => {
    const banks = [
      bank('ok', ['330000']),
      bank('inactive', ['330000'], { active: false }),
      bank('elsewhere', ['320000']),
      bank('declined-before', ['330000']),
      bank('full', ['330000'], { capacity: 2 }),
      bank('too-small', ['330000'], {}, { maxAmountYuan: 100_000 }),
    ];
    const result = explainRanking(
      input(banks, { openReferrals: { full: 2, ok: 9 }, excludedBankIds: new Set(['declined-before']) }),
    );
    expect(result.ranked.map((r) => r.bankId)).toEqual(['ok']);
    expect(result.rejected).toEqual([
      { bankId: 'declined-before', reason: 'already declined or missed a deadline on this need' },
      { bankId: 'elsewhere', reason: 'does not serve 330106' },
      { bankId: 'full', reason: 'at capacity 2/2' },
      { bankId: 'inactive', reason: 'inactive' },
      { bankId: 'too-small', reason: 'no product fits (sme-credit: amount 500000 outside 10000..100000)' },
    ]);
  });

  const fits = (product: Partial<ProductInput>, mutate?: (body: NeedSubmission) => void) =>
    rankBanks({ ...input([bank('b1', ['000000'], {}, product)]), need: need(mutate) }).length === 1;

  it('matches amount and term ranges inclusively', () => {
    expect(fits({ minAmountYuan: 500_000, maxAmountYuan: 500_000 })).toBe(true);
    expect(fits({ minAmountYuan: 500_001 })).toBe(false);
    expect(fits({ minTermMonths: 12, maxTermMonths: 12 })).toBe(true);
    expect(fits({ minTermMonths: 13, maxTermMonths: 24 })).toBe(false);
    expect(fits({ maxTermMonths: 11 })).toBe(false);
  });

  it('matches the guarantee, and `any` matches every product', () => {
    expect(fits({ guarantees: ['collateral'] })).toBe(false);
    expect(fits({ guarantees: ['collateral', 'credit'] })).toBe(true);
    expect(fits({ guarantees: ['collateral'] }, (b) => (b.need.guarantee = 'any'))).toBe(true);
    expect(fits({ guarantees: ['pledge'] }, (b) => (b.need.guarantee = 'pledge'))).toBe(true);
  });

  it('matches industry sections and exclusions by section, division or group', () => {
    expect(fits({ industrySections: ['C', 'F'] })).toBe(true);
    expect(fits({ industrySections: ['A'] })).toBe(false);
    expect(fits({ excludedIndustries: ['C'] })).toBe(false);
    expect(fits({ excludedIndustries: ['C14'] })).toBe(false);
    expect(fits({ excludedIndustries: ['C13', 'K'] })).toBe(true);
    const realEstate = (b: NeedSubmission) => (b.enterprise.industryCode = 'K701');
    expect(fits({ excludedIndustries: ['K70'] }, realEstate)).toBe(false);
    expect(fits({ excludedIndustries: ['K702'] }, realEstate)).toBe(true);
    expect(fits({ excludedIndustries: ['K701'] }, realEstate)).toBe(false);
  });

  it('matches purposes when the product lists them', () => {
    expect(fits({ purposes: ['working_capital'] })).toBe(true);
    expect(fits({ purposes: ['equipment', 'technology'] })).toBe(false);
  });

  it('explains product mismatches', () => {
    const product = bank('b1', ['000000'], {}, { guarantees: ['pledge'] }).products[0]!;
    const facts = { amountYuan: 500_000, termMonths: 12, guarantee: 'credit', purpose: 'equipment', industryCode: 'C14', industrySection: 'C' };
    expect(productMismatch(product, facts)).toBe('guarantee credit not accepted');
    expect(productMismatch(product, { ...facts, guarantee: 'pledge' })).toBeUndefined();
  });

  it('offers one product per bank: a credit product first when the need accepts credit, then by productId', () => {
    const twoProducts = (guarantee: 'any' | 'collateral') => {
      const b = bank('b1', ['000000']);
      const products = [
        { ...b.products[0]!, productId: 'a-mortgage', guarantees: ['collateral' as const] },
        { ...b.products[0]!, productId: 'z-credit', guarantees: ['credit' as const, 'collateral' as const] },
      ];
      return rankBanks({ ...input([{ ...b, products }]), need: need((n) => (n.need.guarantee = guarantee)) })[0]?.productId;
    };
    expect(twoProducts('any')).toBe('z-credit');
    expect(twoProducts('collateral')).toBe('a-mortgage');
  });

  it('throws on two banks with the same id', () => {
    expect(() => rankBanks(input([bank('b1', ['000000']), bank('b1', ['330000'])]))).toThrow(/duplicate bankId b1/);
  });
});

describe('rankBanks: order', () => {
  it('puts the most local first: county > prefecture > province > national', () => {
    const banks = [bank('national', ['000000']), bank('province', ['330000']), bank('county', ['330106']), bank('city', ['330100'])];
    // Locality wins over load.
    expect(ids(input(banks, { openReferrals: { county: 9, city: 5 } }))).toEqual(['county', 'city', 'province', 'national']);
  });

  it('then the lower load ratio, compared exactly', () => {
    const banks = [
      bank('aa', ['330000'], { capacity: 3 }),
      bank('bb', ['330000'], { capacity: 10 }),
      bank('cc', ['330000'], { capacity: 100 }),
    ];
    // 1/3 ≈ 0.333 > 33/100 = 0.33 > 3/10 = 0.3
    expect(ids(input(banks, { openReferrals: { aa: 1, bb: 3, cc: 33 } }))).toEqual(['bb', 'cc', 'aa']);
  });

  it('then the least recently offered, never offered first, then bankId', () => {
    const banks = ['dd', 'cc', 'bb', 'aa'].map((id) => bank(id, ['330000']));
    const lastOfferedAt = { aa: '2026-11-28T09:00:00.000Z', bb: '2026-11-20T09:00:00.000Z', cc: undefined };
    expect(ids(input(banks, { lastOfferedAt }))).toEqual(['cc', 'dd', 'bb', 'aa']);
  });

  it('explains each candidate', () => {
    const banks = [bank('hz-bank', ['330000'], { capacity: 10 })];
    const [ranked] = rankBanks(input(banks, { openReferrals: { 'hz-bank': 2 }, lastOfferedAt: { 'hz-bank': '2026-11-28T09:00:00.000Z' } }));
    expect(ranked).toEqual({
      bankId: 'hz-bank',
      productId: 'sme-credit',
      score: 1.8,
      explanation: [
        'serves 330106 via province 330000',
        'product sme-credit fits amount 500000, term 12, guarantee credit',
        'load 2/10',
        'last offered 2026-11-28T09:00:00.000Z',
      ],
    });
    expect(rankBanks(input([bank('xx', ['330106'])]))[0]).toMatchObject({ score: 4, explanation: expect.arrayContaining(['never offered']) });
  });
});

describe('rankBanks properties', () => {
  const DIVISIONS = ['000000', '330000', '330100', '330106', '330102', '320000'];
  const arbitraryWorld = fc
    .uniqueArray(
      fc.record({
        id: fc.stringMatching(/^[a-z][a-z0-9]{1,6}$/),
        divisions: fc.uniqueArray(fc.constantFrom(...DIVISIONS), { minLength: 1, maxLength: 3 }),
        capacity: fc.integer({ min: 1, max: 5 }),
        open: fc.integer({ min: 0, max: 6 }),
        lastOffered: fc.option(fc.integer({ min: 0, max: 5 }), { nil: undefined }),
        active: fc.boolean(),
        excluded: fc.boolean(),
        maxAmount: fc.constantFrom(100_000, 1_000_000),
      }),
      { selector: (b) => b.id, maxLength: 12 },
    )
    .map((list) => {
      const banks = list.map((b) =>
        bank(b.id, b.divisions, { capacity: b.capacity, active: b.active }, { maxAmountYuan: b.maxAmount }),
      );
      const openReferrals = Object.fromEntries(list.map((b) => [b.id, b.open]));
      // Few distinct times, so ties on load and time are common and the bankId tie-break is exercised.
      const lastOfferedAt = Object.fromEntries(
        list.map((b) => [b.id, b.lastOffered === undefined ? undefined : `2026-11-2${b.lastOffered}T00:00:00.000Z`]),
      );
      const excludedBankIds = new Set(list.filter((b) => b.excluded).map((b) => b.id));
      return { banks, openReferrals, lastOfferedAt, excludedBankIds };
    });

  it('property: deterministic and independent of the order of the banks', () => {
    const n = need();
    fc.assert(
      fc.property(
        arbitraryWorld.chain((world) => fc.tuple(fc.constant(world), fc.shuffledSubarray(world.banks, { minLength: world.banks.length }))),
        ([world, shuffled]) => {
          const first = rankBanks({ need: n, ...world });
          expect(rankBanks({ need: n, ...world })).toEqual(first);
          expect(rankBanks({ need: n, ...world, banks: shuffled })).toEqual(first);
          expect(explainRanking({ need: n, ...world, banks: shuffled }).rejected).toEqual(explainRanking({ need: n, ...world }).rejected);
        },
      ),
    );
  });

  it('property: every bank is either ranked or rejected; the ranked are eligible and in order', () => {
    const n = need();
    const level = (b: Bank) =>
      b.divisions.includes('330106') ? 3 : b.divisions.includes('330100') ? 2 : b.divisions.includes('330000') ? 1 : 0;
    fc.assert(
      fc.property(arbitraryWorld, (world) => {
        const { ranked, rejected } = explainRanking({ need: n, ...world });
        expect(ranked.length + rejected.length).toBe(world.banks.length);
        const byId = new Map(world.banks.map((b) => [b.bankId, b]));
        const entries = ranked.map((r) => byId.get(r.bankId)!);
        for (const b of entries) {
          expect(b.active).toBe(true);
          expect(world.excludedBankIds.has(b.bankId)).toBe(false);
          expect(world.openReferrals[b.bankId]!).toBeLessThan(b.capacity);
          expect(b.divisions.some((d) => ['000000', '330000', '330100', '330106'].includes(d))).toBe(true);
          expect(b.products[0]!.maxAmountYuan).toBeGreaterThanOrEqual(500_000);
        }
        for (let i = 1; i < entries.length; i++) {
          const [prev, next] = [entries[i - 1]!, entries[i]!];
          expect(level(prev)).toBeGreaterThanOrEqual(level(next));
          if (level(prev) === level(next)) {
            const loadPrev = world.openReferrals[prev.bankId]! / prev.capacity;
            const loadNext = world.openReferrals[next.bankId]! / next.capacity;
            expect(loadPrev).toBeLessThanOrEqual(loadNext);
          }
        }
        expect(new Set(ranked.map((r) => r.bankId)).size).toBe(ranked.length);
      }),
    );
  });
});
