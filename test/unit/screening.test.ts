import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { needSubmissionSchema, ENTITY_TYPES, PURPOSES, GUARANTEES, type NeedSubmission } from '../../shared/domain/need';
import { createNeedRecord, type NeedRecord } from '../../shared/domain/need-record';
import {
  DEFAULT_SCREENING_RULES,
  NEGATIVE_LIST_REASONS,
  NEGATIVE_LIST_REASON_CODES,
  SCREENING_REASONS,
  negativeListEntrySchema,
  parseNegativeListCsv,
  screenNeed,
  type NegativeListEntry,
  type NegativeListEntryInput,
  type ScreeningCriterion,
  type ScreeningRules,
} from '../../shared/domain/screening';
import { freshCreditCode, validSubmission } from '../support/needs';

const NOW = new Date('2026-11-30T08:30:00.000Z'); // 16:30 CST, Nov 30

function record(mutate: (body: NeedSubmission) => void = () => {}): NeedRecord {
  const body = validSubmission();
  mutate(body);
  return createNeedRecord({
    input: needSubmissionSchema.parse(body),
    needId: '01JDZ8Q8Y3M3B3X9N7W1V2C4D5',
    now: NOW,
    trackingTokenHash: 'hash',
  });
}

function entry(input: Partial<NegativeListEntryInput> & { creditCode: string }): NegativeListEntry {
  return negativeListEntrySchema.parse({
    jurisdiction: '330000',
    reasonCode: 'dishonest_judgment_debtor',
    source: '浙江省高级人民法院',
    validFrom: '2026-01-01',
    ...input,
  });
}

const codes = (r: NeedRecord, entries: NegativeListEntry[] = [], now = NOW, rules?: ScreeningRules) =>
  screenNeed(r, entries, now, rules).reasons.map((reason) => reason.code);

describe('screenNeed', () => {
  it('recommends a small enterprise that meets every criterion', () => {
    const r = record();
    expect(r.sizeClass).toBe('small');
    expect(screenNeed(r, [], NOW)).toEqual({ outcome: 'recommended', reasons: [] });
  });

  it('does not recommend a medium enterprise', () => {
    const r = record((b) => {
      b.enterprise.employees = 500;
      b.enterprise.annualRevenueYuan = 100_000_000;
    });
    expect(r.sizeClass).toBe('medium');
    const result = screenNeed(r, [], NOW);
    expect(result.outcome).toBe('not_recommended');
    expect(result.reasons).toEqual([
      expect.objectContaining({ code: 'size_not_eligible', criterion: 'eligible_entity', detail: 'enterprise medium' }),
    ]);
    expect(result.reasons[0]?.message.zh).toContain('中型');
  });

  it.each(['individual_business', 'farmers_cooperative', 'family_farm'] as const)(
    'recommends a %s whatever its size',
    (entityType) => {
      const r = { ...record(), sizeClass: 'large' as const };
      r.enterprise = { ...r.enterprise, entityType };
      expect(screenNeed(r, [], NOW).outcome).toBe('recommended');
    },
  );

  it('recommends micro enterprises and does not recommend large ones', () => {
    expect(screenNeed({ ...record(), sizeClass: 'micro' }, [], NOW).outcome).toBe('recommended');
    expect(codes({ ...record(), sizeClass: 'large' })).toEqual(['size_not_eligible']);
  });

  it('needs fixed premises', () => {
    expect(codes(record((b) => (b.enterprise.hasFixedPremises = false)))).toEqual(['no_fixed_premises']);
  });

  it('lets a business in its first year pass by default, and applies a configured minimum', () => {
    const young = record((b) => (b.enterprise.yearsInOperation = 0));
    expect(codes(young)).toEqual([]);
    const rules = { ...DEFAULT_SCREENING_RULES, minYearsInOperation: 2 };
    expect(codes(record((b) => (b.enterprise.yearsInOperation = 1)), [], NOW, rules)).toEqual([
      'operating_years_below_minimum',
    ]);
    expect(codes(record((b) => (b.enterprise.yearsInOperation = 2)), [], NOW, rules)).toEqual([]);
  });

  it('flags zero revenue after a year in business as contradicting continuing operation', () => {
    const dormant = record((b) => {
      b.enterprise.annualRevenueYuan = 0;
      b.enterprise.yearsInOperation = 3;
    });
    expect(codes(dormant)).toEqual(['no_revenue_while_operating', 'amount_exceeds_revenue_ratio']);
    expect(codes(dormant, [], NOW, { ...DEFAULT_SCREENING_RULES, zeroRevenueFlagAfterYears: null })).toEqual([
      'amount_exceeds_revenue_ratio',
    ]);
    const newBusiness = record((b) => {
      b.enterprise.annualRevenueYuan = 0;
      b.enterprise.yearsInOperation = 0;
    });
    expect(codes(newBusiness)).toEqual(['amount_exceeds_revenue_ratio']);
  });

  it('checks the amount against three times annual revenue, inclusive', () => {
    const at = (amountYuan: number, annualRevenueYuan: number) =>
      codes(
        record((b) => {
          b.need.amountYuan = amountYuan;
          b.enterprise.annualRevenueYuan = annualRevenueYuan;
        }),
      );
    expect(at(1_200_000, 400_000)).toEqual([]);
    expect(at(1_200_001, 400_000)).toEqual(['amount_exceeds_revenue_ratio']);
    const rules = { ...DEFAULT_SCREENING_RULES, maxAmountToRevenueRatio: 5 };
    expect(codes(record((b) => (b.need.amountYuan = 1_800_000)), [], NOW, rules)).toEqual([]);
    const detail = screenNeed(record((b) => (b.need.amountYuan = 20_000_000)), [], NOW).reasons[0]?.detail;
    expect(detail).toBe('amount 20000000 > 3 × revenue 4000000');
  });

  it('does not recommend a renewal for a first-time borrower', () => {
    expect(codes(record((b) => (b.need.purpose = 'renewal')))).toEqual(['renewal_without_existing_loan']);
    expect(
      codes(
        record((b) => {
          b.need.purpose = 'renewal';
          b.need.firstLoan = false;
        }),
      ),
    ).toEqual([]);
  });

  it('needs a description when the purpose is "other"', () => {
    expect(
      codes(
        record((b) => {
          b.need.purpose = 'other';
          delete b.need.description;
        }),
      ),
    ).toEqual(['purpose_other_undescribed']);
    expect(
      codes(
        record((b) => {
          b.need.purpose = 'other';
          b.need.description = '   ';
        }),
      ),
    ).toEqual(['purpose_other_undescribed']);
    expect(
      codes(
        record((b) => {
          b.need.purpose = 'other';
          b.need.description = '购置冷链车辆';
        }),
      ),
    ).toEqual([]);
  });

  it('flags a purpose outside the list (a record read back from storage)', () => {
    const r = record();
    r.need = { ...r.need, purpose: 'speculation' as never };
    expect(screenNeed(r, [], NOW).reasons).toEqual([
      expect.objectContaining({ code: 'purpose_unknown', criterion: 'lawful_purpose', detail: 'speculation' }),
    ]);
  });

  it('lists every reason that applies, in a fixed order', () => {
    const r = {
      ...record((b) => {
        b.enterprise.hasFixedPremises = false;
        b.need.amountYuan = 50_000_000;
        b.need.purpose = 'other';
        delete b.need.description;
      }),
      sizeClass: 'large' as const,
    };
    const entries = [entry({ creditCode: r.enterprise.creditCode, reasonCode: 'abnormal_operation' })];
    expect(codes(r, entries)).toEqual([
      'size_not_eligible',
      'no_fixed_premises',
      'amount_exceeds_revenue_ratio',
      'purpose_other_undescribed',
      'negative_list.abnormal_operation',
    ]);
  });

  it('gives every reason code a message in Chinese and English', () => {
    for (const spec of Object.values(SCREENING_REASONS)) {
      expect(spec.message.zh.length).toBeGreaterThan(0);
      expect(spec.message.en.length).toBeGreaterThan(0);
    }
    for (const label of Object.values(NEGATIVE_LIST_REASONS)) {
      expect(label.zh.length).toBeGreaterThan(0);
      expect(label.en.length).toBeGreaterThan(0);
    }
  });
});

describe('screenNeed and the negative list', () => {
  const r = record(); // Hangzhou Xihu 330106, prefecture 330100, province 330000
  const code = r.enterprise.creditCode;

  it.each([
    ['000000', true],
    ['330000', true],
    ['330100', true],
    ['330106', true],
    ['330102', false],
    ['330200', false],
    ['320000', false],
    ['110000', false],
  ])('an entry with jurisdiction %s covers 330106: %s', (jurisdiction, hit) => {
    expect(codes(r, [entry({ creditCode: code, jurisdiction })])).toEqual(hit ? ['negative_list.dishonest_judgment_debtor'] : []);
  });

  it('matches only the same credit code (normalised)', () => {
    expect(codes(r, [entry({ creditCode: freshCreditCode() })])).toEqual([]);
    expect(codes(r, [entry({ creditCode: ` ${code.toLowerCase()} ` })])).toHaveLength(1);
  });

  it('applies within the validity window, inclusive, in China Standard Time', () => {
    const hit = (window: { validFrom: string; validTo?: string }, now = NOW) =>
      codes(r, [entry({ creditCode: code, ...window })], now).length === 1;
    expect(hit({ validFrom: '2026-11-30' })).toBe(true);
    expect(hit({ validFrom: '2026-12-01' })).toBe(false);
    expect(hit({ validFrom: '2026-01-01', validTo: '2026-11-30' })).toBe(true);
    expect(hit({ validFrom: '2026-01-01', validTo: '2026-11-29' })).toBe(false);
    // 2026-11-30T16:00Z is 00:00 on Dec 1 in China.
    expect(hit({ validFrom: '2026-01-01', validTo: '2026-11-30' }, new Date('2026-11-30T15:59:59.999Z'))).toBe(true);
    expect(hit({ validFrom: '2026-01-01', validTo: '2026-11-30' }, new Date('2026-11-30T16:00:00.000Z'))).toBe(false);
    expect(hit({ validFrom: '2026-12-01' }, new Date('2026-11-30T16:00:00.000Z'))).toBe(true);
  });

  it('gives one reason per reason code, with the matching entries in the detail', () => {
    const entries = [
      entry({ creditCode: code, jurisdiction: '330106', source: '西湖区法院' }),
      entry({ creditCode: code, jurisdiction: '000000', source: '最高人民法院', validTo: '2027-12-31' }),
      entry({ creditCode: code, reasonCode: 'abnormal_operation', source: '市场监管局' }),
      entry({ creditCode: code, reasonCode: 'illegal_fundraising', validTo: '2026-06-30' }), // expired
    ];
    const result = screenNeed(r, entries, NOW);
    expect(result.outcome).toBe('not_recommended');
    expect(result.reasons).toEqual([
      {
        code: 'negative_list.abnormal_operation',
        criterion: 'negative_list',
        message: { zh: '列入负面清单：经营异常名录', en: 'On the negative list: Abnormal operation list' },
        detail: '330000 市场监管局 2026-01-01..',
      },
      expect.objectContaining({
        code: 'negative_list.dishonest_judgment_debtor',
        detail: '000000 最高人民法院 2026-01-01..2027-12-31; 330106 西湖区法院 2026-01-01..',
      }),
    ]);
  });
});

describe('screenNeed properties', () => {
  const base = record();
  const OTHER_CODES = Array.from({ length: 5 }, () => freshCreditCode());

  /** Needs that pass every criterion, with harmless negative-list entries (other codes, expired, elsewhere). */
  const passing = fc
    .record({
      entityType: fc.constantFrom(...ENTITY_TYPES),
      sizeClass: fc.constantFrom('micro', 'small', 'medium', 'large') as fc.Arbitrary<NeedRecord['sizeClass']>,
      annualRevenueYuan: fc.integer({ min: 334, max: 1_000_000_000 }),
      amountFraction: fc.double({ min: 0, max: 1, noNaN: true }),
      yearsInOperation: fc.integer({ min: 0, max: 200 }),
      termMonths: fc.integer({ min: 1, max: 360 }),
      purpose: fc.constantFrom(...PURPOSES),
      guarantee: fc.constantFrom(...GUARANTEES),
      firstLoan: fc.boolean(),
      description: fc.option(fc.string({ minLength: 1, maxLength: 20 }).filter((s) => s.trim() !== ''), { nil: undefined }),
      harmless: fc.array(
        fc.oneof(
          fc.record({ creditCode: fc.constantFrom(...OTHER_CODES), jurisdiction: fc.constant('330106') }),
          fc.record({ creditCode: fc.constant(base.enterprise.creditCode), jurisdiction: fc.constantFrom('330102', '320000', '110000') }),
          fc.record({
            creditCode: fc.constant(base.enterprise.creditCode),
            jurisdiction: fc.constant('330000'),
            validFrom: fc.constant('2025-01-01'),
            validTo: fc.constant('2026-11-29'),
          }),
        ),
        { maxLength: 4 },
      ),
    })
    .map((f) => {
      const sizeClass = f.entityType === 'enterprise' && (f.sizeClass === 'medium' || f.sizeClass === 'large') ? 'small' : f.sizeClass;
      const maxAmount = Math.min(500_000_000, 3 * f.annualRevenueYuan);
      const amountYuan = Math.floor(1_000 + f.amountFraction * (maxAmount - 1_000));
      const purpose = f.purpose === 'renewal' && f.firstLoan ? 'working_capital' : f.purpose;
      const description = purpose === 'other' ? (f.description ?? '用途说明') : f.description;
      const r: NeedRecord = {
        ...base,
        sizeClass,
        enterprise: {
          ...base.enterprise,
          entityType: f.entityType,
          annualRevenueYuan: f.annualRevenueYuan,
          yearsInOperation: f.yearsInOperation,
          hasFixedPremises: true,
        },
        need: {
          amountYuan,
          termMonths: f.termMonths,
          purpose,
          guarantee: f.guarantee,
          firstLoan: f.firstLoan,
          ...(description !== undefined ? { description } : {}),
        },
      };
      return { record: r, entries: f.harmless.map((e) => entry(e)) };
    });

  type Mutation = { criterion: ScreeningCriterion; apply: (r: NeedRecord) => { record: NeedRecord; entries?: NegativeListEntry[]; rules?: ScreeningRules } };
  const mutations: Mutation[] = [
    {
      criterion: 'eligible_entity',
      apply: (r) => ({ record: { ...r, sizeClass: 'medium', enterprise: { ...r.enterprise, entityType: 'enterprise' } } }),
    },
    {
      criterion: 'continuing_operation',
      apply: (r) => ({
        record: r,
        rules: { ...DEFAULT_SCREENING_RULES, minYearsInOperation: r.enterprise.yearsInOperation + 1 },
      }),
    },
    { criterion: 'fixed_premises', apply: (r) => ({ record: { ...r, enterprise: { ...r.enterprise, hasFixedPremises: false } } }) },
    {
      criterion: 'genuine_need',
      apply: (r) => ({
        record: {
          ...r,
          enterprise: { ...r.enterprise, annualRevenueYuan: Math.floor(r.need.amountYuan / 3) - 1 },
        },
      }),
    },
    {
      criterion: 'genuine_need',
      apply: (r) => ({ record: { ...r, need: { ...r.need, purpose: 'renewal', firstLoan: true } } }),
    },
    {
      criterion: 'lawful_purpose',
      apply: (r) => {
        const { description: _drop, ...need } = r.need;
        return { record: { ...r, need: { ...need, purpose: 'other' } } };
      },
    },
    ...NEGATIVE_LIST_REASON_CODES.map(
      (reasonCode): Mutation => ({
        criterion: 'negative_list',
        apply: (r) => ({ record: r, entries: [entry({ creditCode: r.enterprise.creditCode, reasonCode, jurisdiction: '330100' })] }),
      }),
    ),
  ];

  it('property: recommended exactly when no reason applies', () => {
    fc.assert(
      fc.property(passing, fc.boolean(), ({ record: r, entries }, withMedium) => {
        const subject = withMedium ? { ...r, sizeClass: 'medium' as const } : r;
        const result = screenNeed(subject, entries, NOW);
        expect(result.outcome === 'recommended').toBe(result.reasons.length === 0);
      }),
    );
  });

  it('property: a need that fails no criterion is recommended', () => {
    fc.assert(
      fc.property(passing, ({ record: r, entries }) => {
        expect(screenNeed(r, entries, NOW)).toEqual({ outcome: 'recommended', reasons: [] });
      }),
    );
  });

  it('property: any single failing criterion makes it not recommended, for that criterion only', () => {
    fc.assert(
      fc.property(passing, fc.constantFrom(...mutations), ({ record: r, entries }, mutation) => {
        const changed = mutation.apply(r);
        const result = screenNeed(changed.record, [...entries, ...(changed.entries ?? [])], NOW, changed.rules);
        expect(result.outcome).toBe('not_recommended');
        expect(result.reasons.length).toBeGreaterThan(0);
        for (const reason of result.reasons) expect(reason.criterion).toBe(mutation.criterion);
      }),
    );
  });
});

describe('negativeListEntrySchema', () => {
  const code = freshCreditCode();

  it('normalises the credit code and the jurisdiction', () => {
    const parsed = entry({ creditCode: ` ${code.toLowerCase()}`, jurisdiction: '３３００００' });
    expect(parsed.creditCode).toBe(code);
    expect(parsed.jurisdiction).toBe('330000');
    expect(parsed.validTo).toBeUndefined();
  });

  it.each([
    [{ creditCode: '91330106ABC' }, 'creditCode'],
    [{ jurisdiction: '999999' }, 'jurisdiction'],
    [{ jurisdiction: '110100' }, 'jurisdiction'],
    [{ reasonCode: 'bad_vibes' }, 'reasonCode'],
    [{ source: '  ' }, 'source'],
    [{ validFrom: '2026-02-30' }, 'validFrom'],
    [{ validFrom: '2026/01/01' }, 'validFrom'],
    [{ validTo: '2025-12-31' }, 'validTo'],
    [{ extra: 'x' }, 'extra'],
  ])('rejects %j at %s', (patch, field) => {
    const result = negativeListEntrySchema.safeParse({
      creditCode: code,
      jurisdiction: '330000',
      reasonCode: 'other',
      source: 'x',
      validFrom: '2026-01-01',
      ...patch,
    });
    expect(result.success).toBe(false);
    const paths = result.error?.issues.map((i) => (i.code === 'unrecognized_keys' ? i.keys.join('/') : i.path.join('/')));
    expect(paths).toContain(field);
  });
});

describe('parseNegativeListCsv', () => {
  const a = freshCreditCode();
  const b = freshCreditCode();
  const header = 'creditCode,jurisdiction,reasonCode,source,validFrom,validTo';

  it('reads a plain file', () => {
    const { entries, errors } = parseNegativeListCsv(
      `${header}\n${a},330000,dishonest_judgment_debtor,浙江省高级人民法院,2026-01-01,2026-12-31\n${b},000000,illegal_fundraising,人民银行,2025-06-01,\n`,
    );
    expect(errors).toEqual([]);
    expect(entries).toEqual([
      {
        creditCode: a,
        jurisdiction: '330000',
        reasonCode: 'dishonest_judgment_debtor',
        source: '浙江省高级人民法院',
        validFrom: '2026-01-01',
        validTo: '2026-12-31',
      },
      { creditCode: b, jurisdiction: '000000', reasonCode: 'illegal_fundraising', source: '人民银行', validFrom: '2025-06-01' },
    ]);
  });

  it('handles a BOM, CRLF, quoted commas, doubled quotes and line breaks inside quotes', () => {
    const text =
      `\uFEFF${header}\r\n` +
      `${a},330100,other,"市场监管局, ""双随机"" 抽查",2026-01-01,\r\n` +
      `${b},330106,abnormal_operation,"第一行\r\n第二行",2026-02-01,2026-03-01\r\n` +
      `bad,330106,other,x,2026-01-01,\r\n`;
    const { entries, errors } = parseNegativeListCsv(text);
    // Sources are one line of text: inner whitespace, line breaks included, collapses to one space.
    expect(entries.map((e) => e.source)).toEqual(['市场监管局, "双随机" 抽查', '第一行 第二行']);
    // The quoted line break moves the next record to line 5.
    expect(errors).toEqual([{ line: 5, message: expect.objectContaining({ en: expect.stringContaining('creditCode') }) }]);
  });

  it('accepts the columns in any order, without validTo, and skips blank lines', () => {
    const { entries, errors } = parseNegativeListCsv(`source,creditCode,validFrom,reasonCode,jurisdiction\n\n"法院",${a},2026-01-01,other,330000\n\n`);
    expect(errors).toEqual([]);
    expect(entries).toEqual([{ creditCode: a, jurisdiction: '330000', reasonCode: 'other', source: '法院', validFrom: '2026-01-01' }]);
  });

  it('reports each bad record with its line and keeps the good ones', () => {
    const text = [
      header,
      `${a},330000,other,x,2026-01-01,`,
      `${a},999999,nope,x,2026-02-30,`,
      `${a},330000,other,x`,
      `${b},330000,other,x,2026-03-01,2026-02-01`,
      `${b},330000,other,x,2026-03-01,2026-04-01`,
    ].join('\n');
    const { entries, errors } = parseNegativeListCsv(text);
    expect(entries).toHaveLength(2);
    expect(errors.map((e) => e.line)).toEqual([3, 4, 5]);
    expect(errors[0]?.message.en).toMatch(/jurisdiction: .*; reasonCode: .*; validFrom: /);
    expect(errors[0]?.message.zh).toMatch(/jurisdiction：/);
    expect(errors[1]?.message.en).toBe('Expected 6 fields, found 4');
    expect(errors[2]?.message.en).toMatch(/^validTo: validTo must not be earlier than validFrom$/);
  });

  it('rejects a wrong header as a whole', () => {
    const { entries, errors } = parseNegativeListCsv(`creditCode,jurisdiction,reason,source,validFrom\n${a},330000,other,x,2026-01-01\n`);
    expect(entries).toEqual([]);
    expect(errors).toHaveLength(1);
    expect(errors[0]?.line).toBe(1);
    expect(errors[0]?.message.en).toContain('unknown columns: reason');
    expect(errors[0]?.message.en).toContain('missing columns: reasonCode');
  });

  it('reports an empty file, an unclosed quote and text after a closing quote', () => {
    expect(parseNegativeListCsv('').errors).toEqual([{ line: 1, message: expect.objectContaining({ en: expect.stringContaining('empty') }) }]);
    expect(parseNegativeListCsv('\uFEFF\r\n\r\n').errors).toHaveLength(1);
    const unclosed = parseNegativeListCsv(`${header}\n${a},330000,other,"x,2026-01-01,\n${b},330000,other,y,2026-01-01,\n`);
    expect(unclosed.entries).toEqual([]);
    expect(unclosed.errors).toEqual([{ line: 2, message: { zh: '引号未闭合', en: 'A quoted field is not closed' } }]);
    const trailing = parseNegativeListCsv(`${header}\n${a},330000,other,"x"y,2026-01-01,\n${b},330000,other,"y" ,2026-01-01,\n`);
    expect(trailing.errors).toEqual([{ line: 2, message: expect.objectContaining({ en: expect.stringContaining('closing quote') }) }]);
    expect(trailing.entries.map((e) => e.source)).toEqual(['y']);
  });

  it('reads a file without a final line break', () => {
    expect(parseNegativeListCsv(`${header}\n${a},330000,other,x,2026-01-01,2026-01-31`).entries).toHaveLength(1);
  });

  it('property: any entries written as CSV (quoting every field) read back the same', () => {
    const field = fc.string({ unit: fc.constantFrom('a', '法', ',', '"', '\n', ' ', 'x'), minLength: 1, maxLength: 12 }).filter(
      (s) => s.trim() !== '' && s.trim() === s && !/\s\s/.test(s) && !s.includes('\n'),
    );
    const arbitraryEntry = fc.record({
      creditCode: fc.constantFrom(a, b),
      jurisdiction: fc.constantFrom('000000', '330000', '330100', '330106'),
      reasonCode: fc.constantFrom(...NEGATIVE_LIST_REASON_CODES),
      source: field,
      validFrom: fc.constantFrom('2025-01-01', '2026-06-30'),
      validTo: fc.option(fc.constantFrom('2026-12-31', '2027-01-01'), { nil: undefined }),
    });
    fc.assert(
      fc.property(fc.array(arbitraryEntry, { maxLength: 6 }), fc.constantFrom('\n', '\r\n'), (list, eol) => {
        const quote = (s: string) => `"${s.replace(/"/g, '""')}"`;
        const text = [
          header,
          ...list.map((e) =>
            [e.creditCode, e.jurisdiction, e.reasonCode, e.source, e.validFrom, e.validTo ?? ''].map(quote).join(','),
          ),
        ].join(eol);
        const { entries, errors } = parseNegativeListCsv(text);
        expect(errors).toEqual([]);
        expect(entries).toEqual(list.map((e) => negativeListEntrySchema.parse(e.validTo ? e : { ...e, validTo: undefined })));
      }),
    );
  });
});
