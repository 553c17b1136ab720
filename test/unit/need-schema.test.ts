import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import {
  ENTITY_TYPES,
  GUARANTEES,
  NEED_LIMITS,
  PURPOSES,
  needSubmissionSchema,
  normalizeMobile,
  type NeedSubmission,
} from '../../shared/domain/need';
import { MESSAGES, fieldErrorsFromZod } from '../../shared/domain/validation-messages';
import type { FieldError } from '../../shared/domain/problem';
import { CREDIT_CODE_ALPHABET, creditCodeCheckCharacter } from '../../shared/domain/credit-code';
import { freshCreditCode, validSubmission } from '../../test/support/needs';

// A submission as a client sends it: plain JSON, so tests may break it in any way.
type Json = Record<string, unknown>;

function submission(mutate: (body: Json & { enterprise: Json; contact: Json; need: Json; consent: Json }) => void = () => {}): Json {
  const body = structuredClone(validSubmission()) as unknown as Json & {
    enterprise: Json;
    contact: Json;
    need: Json;
    consent: Json;
  };
  mutate(body);
  return body;
}

/** The field errors the API would answer with, or [] when the body is valid. */
function errorsFor(body: unknown): FieldError[] {
  const result = needSubmissionSchema.safeParse(body);
  return result.success ? [] : fieldErrorsFromZod(result.error.issues, body);
}

function pointersAndCodes(body: unknown): [string, string][] {
  return errorsFor(body).map((e) => [e.pointer, e.code]);
}

const SECTIONS = {
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
  consent: ['shareWithBanks', 'textVersion', 'bankIds'],
} as const;
type Section = keyof typeof SECTIONS;
const SECTION_NAMES = Object.keys(SECTIONS) as Section[];
const isSection = (key: string): key is Section => Object.hasOwn(SECTIONS, key);

describe('a valid submission', () => {
  it('parses to the same values when already canonical', () => {
    const body = validSubmission();
    const result = needSubmissionSchema.safeParse(body);
    expect(result.success).toBe(true);
    expect(result.data).toEqual(body);
    expect(errorsFor(body)).toEqual([]);
  });

  it('normalises what people paste: credit code, county, mobile, industry, names', () => {
    const code = '9133010652601815X8';
    const body = submission((b) => {
      b.enterprise.creditCode = '９１３３０１０６５２６０１８１５ｘ８';
      b.enterprise.countyCode = '３３０１０６';
      b.enterprise.industryCode = 'c14';
      // Spaces collapse; tabs and line breaks are refused (one line: see text-rules.test.ts).
      b.enterprise.name = '  杭州  西湖 食品\u3000有限公司 ';
      b.contact.name = ' 王\u3000\u3000丽 ';
      b.contact.mobile = '+86 138 0013 8000';
      b.need.description = '  采购原料  ';
    });
    const data = needSubmissionSchema.parse(body);
    expect(data.enterprise.creditCode).toBe(code);
    expect(data.enterprise.countyCode).toBe('330106');
    expect(data.enterprise.industryCode).toBe('C14');
    expect(data.enterprise.name).toBe('杭州 西湖 食品 有限公司');
    expect(data.contact.name).toBe('王 丽');
    expect(data.contact.mobile).toBe('13800138000');
    expect(data.need.description).toBe('采购原料');
  });

  it.each([
    ['lower case', '9133010652601815x8'],
    ['full-width', '９１３３０１０６５２６０１８１５Ｘ８'],
    ['spaces and hyphens', ' 9133-0106-5260-1815-X8 '],
  ])('accepts a %s credit code and stores the canonical form', (_label, raw) => {
    const data = needSubmissionSchema.parse(submission((b) => (b.enterprise.creditCode = raw)));
    expect(data.enterprise.creditCode).toBe('9133010652601815X8');
  });

  it('accepts a group-level industry code where the size standard splits the division', () => {
    const data = needSubmissionSchema.parse(submission((b) => (b.enterprise.industryCode = ' k701 ')));
    expect(data.enterprise.industryCode).toBe('K701');
  });

  it('accepts every entity type, purpose and guarantee', () => {
    for (const entityType of ENTITY_TYPES) expect(errorsFor(submission((b) => (b.enterprise.entityType = entityType)))).toEqual([]);
    for (const purpose of PURPOSES) expect(errorsFor(submission((b) => (b.need.purpose = purpose)))).toEqual([]);
    for (const guarantee of GUARANTEES) expect(errorsFor(submission((b) => (b.need.guarantee = guarantee)))).toEqual([]);
  });

  it('treats the description as optional', () => {
    const body = submission((b) => delete b.need.description);
    expect(errorsFor(body)).toEqual([]);
    expect(needSubmissionSchema.parse(body).need.description).toBeUndefined();
  });

  it('accepts the limits themselves', () => {
    const { amountYuan, termMonths, employees, yuan, yearsInOperation } = NEED_LIMITS;
    for (const body of [
      submission((b) => Object.assign(b.need, { amountYuan: amountYuan.min, termMonths: termMonths.min })),
      submission((b) => Object.assign(b.need, { amountYuan: amountYuan.max, termMonths: termMonths.max })),
      submission((b) => {
        Object.assign(b.enterprise, {
          employees: employees.max,
          annualRevenueYuan: yuan.max,
          totalAssetsYuan: yuan.min,
          yearsInOperation: yearsInOperation.max,
          name: '企'.repeat(NEED_LIMITS.nameLength),
        });
        b.contact.name = '名'.repeat(NEED_LIMITS.contactNameLength);
        b.need.description = '说'.repeat(NEED_LIMITS.descriptionLength);
      }),
    ]) {
      expect(errorsFor(body)).toEqual([]);
    }
  });

  it('accepts any code made by the check-character algorithm', () => {
    const body17 = fc.array(fc.constantFrom(...CREDIT_CODE_ALPHABET), { minLength: 17, maxLength: 17 }).map((cs) => cs.join(''));
    fc.assert(
      fc.property(body17, (first17) => {
        const code = first17 + creditCodeCheckCharacter(first17);
        const data = needSubmissionSchema.parse(submission((b) => (b.enterprise.creditCode = code.toLowerCase())));
        expect(data.enterprise.creditCode).toBe(code);
      }),
      { numRuns: 50 },
    );
  });
});

describe('normalizeMobile', () => {
  it.each([
    ['+86 138 0013 8000', '13800138000'],
    ['0086-138-0013-8000', '13800138000'],
    ['8613800138000', '13800138000'],
    ['１３８００１３８０００', '13800138000'],
    ['＋８６\u3000138 0013 8000', '13800138000'],
    [' 138 0013 8000 ', '13800138000'],
  ])('%j → %s', (input, expected) => {
    expect(normalizeMobile(input)).toBe(expected);
  });

  it('does not strip 86 when what follows is not an 11-digit mobile', () => {
    expect(normalizeMobile('86138001380')).toBe('86138001380');
  });
});

describe('each field reports exactly its own problem', () => {
  const cases: [label: string, mutate: Parameters<typeof submission>[0], pointer: string, code: string][] = [
    ['credit code too short', (b) => (b.enterprise.creditCode = '91330106526018'), '/enterprise/creditCode', 'credit_code.length'],
    ['credit code too long', (b) => (b.enterprise.creditCode = '9133010652601815X80'), '/enterprise/creditCode', 'credit_code.length'],
    ['credit code not a string', (b) => (b.enterprise.creditCode = 913301065260181), '/enterprise/creditCode', 'credit_code.length'],
    ['credit code with I', (b) => (b.enterprise.creditCode = '9133010652601815I8'), '/enterprise/creditCode', 'credit_code.alphabet'],
    ['credit code with O', (b) => (b.enterprise.creditCode = 'O133010652601815X8'), '/enterprise/creditCode', 'credit_code.alphabet'],
    ['credit code wrong check', (b) => (b.enterprise.creditCode = '9133010652601815X9'), '/enterprise/creditCode', 'credit_code.check'],
    ['county is a province', (b) => (b.enterprise.countyCode = '330000'), '/enterprise/countyCode', 'county_code.unknown'],
    ['county is a prefecture', (b) => (b.enterprise.countyCode = '330100'), '/enterprise/countyCode', 'county_code.unknown'],
    ['county is a development zone', (b) => (b.enterprise.countyCode = '130171'), '/enterprise/countyCode', 'county_code.unknown'],
    ['county does not exist', (b) => (b.enterprise.countyCode = '999999'), '/enterprise/countyCode', 'county_code.unknown'],
    ['county is a number', (b) => (b.enterprise.countyCode = 330106), '/enterprise/countyCode', 'county_code.unknown'],
    ['industry is the split division K70', (b) => (b.enterprise.industryCode = 'K70'), '/enterprise/industryCode', 'industry_code.unknown'],
    ['industry does not exist', (b) => (b.enterprise.industryCode = 'Z99'), '/enterprise/industryCode', 'industry_code.unknown'],
    ['industry is a bare section', (b) => (b.enterprise.industryCode = 'C'), '/enterprise/industryCode', 'industry_code.unknown'],
    ['mobile too short', (b) => (b.contact.mobile = '1380013800'), '/contact/mobile', 'mobile.invalid'],
    ['mobile not starting with 1', (b) => (b.contact.mobile = '23800138000'), '/contact/mobile', 'mobile.invalid'],
    ['mobile is a landline', (b) => (b.contact.mobile = '0571-87654321'), '/contact/mobile', 'mobile.invalid'],
    ['mobile is a number', (b) => (b.contact.mobile = 13800138000), '/contact/mobile', 'mobile.invalid'],
    ['amount below the minimum', (b) => (b.need.amountYuan = 999), '/need/amountYuan', 'amount.range'],
    ['amount above the maximum', (b) => (b.need.amountYuan = 500_000_001), '/need/amountYuan', 'amount.range'],
    ['amount not whole yuan', (b) => (b.need.amountYuan = 12.5), '/need/amountYuan', 'amount.range'],
    ['amount as a string', (b) => (b.need.amountYuan = '500000'), '/need/amountYuan', 'amount.range'],
    ['term zero', (b) => (b.need.termMonths = 0), '/need/termMonths', 'term.range'],
    ['term above 360', (b) => (b.need.termMonths = 361), '/need/termMonths', 'term.range'],
    ['term fractional', (b) => (b.need.termMonths = 1.5), '/need/termMonths', 'term.range'],
    ['employees negative', (b) => (b.enterprise.employees = -1), '/enterprise/employees', 'employees.range'],
    ['revenue fractional', (b) => (b.enterprise.annualRevenueYuan = 0.5), '/enterprise/annualRevenueYuan', 'yuan.range'],
    ['assets negative', (b) => (b.enterprise.totalAssetsYuan = -1), '/enterprise/totalAssetsYuan', 'yuan.range'],
    ['years above 200', (b) => (b.enterprise.yearsInOperation = 201), '/enterprise/yearsInOperation', 'years.range'],
    ['enterprise name blank', (b) => (b.enterprise.name = ' \u3000 '), '/enterprise/name', 'enterprise.name'],
    ['enterprise name too long', (b) => (b.enterprise.name = '企'.repeat(101)), '/enterprise/name', 'enterprise.name'],
    ['contact name too long', (b) => (b.contact.name = '名'.repeat(51)), '/contact/name', 'contact.name'],
    ['description too long', (b) => (b.need.description = '说'.repeat(1001)), '/need/description', 'description.length'],
    ['consent refused', (b) => (b.consent.shareWithBanks = false), '/consent/shareWithBanks', 'consent.required'],
    ['consent as a string', (b) => (b.consent.shareWithBanks = 'true'), '/consent/shareWithBanks', 'consent.required'],
    ['consent text version unknown', (b) => (b.consent.textVersion = '2020-01'), '/consent/textVersion', 'consent.version'],
    ['entity type not in the list', (b) => (b.enterprise.entityType = 'corporation'), '/enterprise/entityType', 'enum'],
    ['purpose not in the list', (b) => (b.need.purpose = 'speculation'), '/need/purpose', 'enum'],
    ['premises not a boolean', (b) => (b.enterprise.hasFixedPremises = 'yes'), '/enterprise/hasFixedPremises', 'type'],
  ];

  it.each(cases)('%s', (_label, mutate, pointer, code) => {
    expect(pointersAndCodes(submission(mutate))).toEqual([[pointer, code]]);
  });

  it('gives the bilingual message of the code', () => {
    const [error] = errorsFor(submission((b) => (b.enterprise.creditCode = '9133010652601815X9')));
    expect(error?.message).toEqual(MESSAGES['credit_code.check']);
  });
});

describe('missing fields are "required"', () => {
  // The description is optional; the consent's banks are required only with a text that names them (below).
  const fields = SECTION_NAMES.flatMap((section) =>
    SECTIONS[section].filter((field) => field !== 'description' && field !== 'bankIds').map((field) => [section, field] as const),
  );

  it.each(fields)('%s.%s', (section, field) => {
    const body = submission((b) => delete b[section][field]);
    expect(errorsFor(body)).toEqual([{ pointer: `/${section}/${field}`, code: 'required', message: MESSAGES.required }]);
  });

  it.each(SECTION_NAMES)('the whole %s object', (section) => {
    expect(pointersAndCodes(submission((b) => delete b[section]))).toEqual([[`/${section}`, 'required']]);
  });

  it('every field of empty sections, in schema order', () => {
    const body = { enterprise: {}, contact: {}, need: {}, consent: {} };
    expect(pointersAndCodes(body)).toEqual(
      fields.map(([section, field]) => [`/${section}/${field}`, 'required'] as [string, string]),
    );
  });

  it('a body that is not an object is a type error at the root', () => {
    for (const body of [null, [], 'need', 42, true]) {
      expect(pointersAndCodes(body)).toEqual([['', 'type']]);
    }
  });

  it('a section that is not an object is a type error at the section', () => {
    expect(pointersAndCodes(submission((b) => ((b as Json).contact = null)))).toEqual([['/contact', 'type']]);
    expect(pointersAndCodes(submission((b) => ((b as Json).need = [])))).toEqual([['/need', 'type']]);
  });
});

describe('unknown fields', () => {
  it('point at the unknown member itself', () => {
    expect(pointersAndCodes(submission((b) => (b.enterprise.legalPerson = '张三')))).toEqual([
      ['/enterprise/legalPerson', 'unknown_field'],
    ]);
    expect(pointersAndCodes(submission((b) => (b.consent.at = '2026-11-30')))).toEqual([['/consent/at', 'unknown_field']]);
  });

  it('at the top level point at the top-level key', () => {
    expect(pointersAndCodes(submission((b) => (b.needId = 'x')))).toEqual([['/needId', 'unknown_field']]);
  });

  it('each unknown member gets its own error, named in both languages', () => {
    const errors = errorsFor(submission((b) => Object.assign(b.need, { rate: 3.5, bank: 'x' })));
    expect(errors.map((e) => [e.pointer, e.code])).toEqual([
      ['/need/rate', 'unknown_field'],
      ['/need/bank', 'unknown_field'],
    ]);
    expect(errors[0]?.message.zh).toContain('rate');
    expect(errors[0]?.message.en).toContain('rate');
  });

  it('escape ~ and / in the pointer (RFC 6901)', () => {
    expect(pointersAndCodes(submission((b) => (b.need['a/b~c'] = 1)))).toEqual([['/need/a~1b~0c', 'unknown_field']]);
  });

  it('include a JSON "__proto__" member', () => {
    const body: unknown = JSON.parse(JSON.stringify(validSubmission()).replace('"contact":{', '"contact":{"__proto__":{"x":1},'));
    expect(pointersAndCodes(body)).toEqual([['/contact/__proto__', 'unknown_field']]);
  });
});

describe('several problems at once', () => {
  it('reports one error per field, every broken field', () => {
    const body = submission((b) => {
      b.enterprise.creditCode = '91330106';
      b.contact.mobile = '123';
      b.need.amountYuan = 12.5;
      b.consent.shareWithBanks = false;
    });
    expect(pointersAndCodes(body)).toEqual([
      ['/enterprise/creditCode', 'credit_code.length'],
      ['/contact/mobile', 'mobile.invalid'],
      ['/need/amountYuan', 'amount.range'],
      ['/consent/shareWithBanks', 'consent.required'],
    ]);
  });
});

describe('MESSAGES', () => {
  const CJK = /[\u4e00-\u9fff]/u;
  it.each(Object.entries(MESSAGES))('%s has a Chinese and an English text', (_code, message) => {
    expect(message.zh.trim()).not.toBe('');
    expect(message.zh).toMatch(CJK);
    expect(message.en.trim()).not.toBe('');
    expect(message.en).toMatch(/[A-Za-z]/);
  });

  it('covers every code the schema reports', () => {
    const codes = [
      'required',
      'enterprise.name',
      'credit_code.length',
      'credit_code.alphabet',
      'credit_code.check',
      'county_code.unknown',
      'industry_code.unknown',
      'mobile.invalid',
      'contact.name',
      'amount.range',
      'term.range',
      'employees.range',
      'yuan.range',
      'years.range',
      'description.length',
      'consent.required',
      'consent.version',
      'consent.bank_ids',
      'text.lone_surrogate',
      'text.replacement_character',
      'text.single_line',
      'text.control',
      'text.bidi',
      // The status-link verification's code (shared/domain/status-link.ts).
      'status_link.code',
    ];
    expect(Object.keys(MESSAGES).sort()).toEqual([...codes].sort());
  });
});

// ---------------------------------------------------------------------------------------------
// Property: whatever JSON arrives, validation answers with well-formed, bilingual field errors.

const RFC6901 = /^(\/([^~/]|~[01])*)*$/u;

function decodePointer(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((token) => token.replace(/~1/g, '/').replace(/~0/g, '~'));
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** The value at a path of own members (and array items), or `absent`. */
const ABSENT = Symbol('absent');
function resolve(input: unknown, tokens: readonly string[]): unknown {
  let value = input;
  for (const token of tokens) {
    if (Array.isArray(value) && /^\d+$/.test(token) && Number(token) < value.length) value = value[Number(token)] as unknown;
    else if (!isPlainObject(value) || !Object.hasOwn(value, token)) return ABSENT;
    else value = value[token];
  }
  return value;
}

const anyJson = fc.jsonValue({ maxDepth: 2 });
const key = fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom('__proto__', 'constructor', 'a/b', '~0', ''));

/** A section that is usually an object with some of its fields (valid or arbitrary) and maybe extra keys. */
function sectionArbitrary(section: Section, valid: Json): fc.Arbitrary<unknown> {
  const fields = Object.fromEntries(
    SECTIONS[section].map((field) => [field, fc.oneof({ weight: 3, arbitrary: fc.constant(valid[field]) }, { weight: 1, arbitrary: anyJson })]),
  );
  const object = fc
    .tuple(fc.record(fields, { requiredKeys: [] }), fc.dictionary(key, anyJson, { maxKeys: 2 }))
    .map(([known, extra]) => ({ ...extra, ...known }));
  return fc.oneof({ weight: 4, arbitrary: object }, { weight: 1, arbitrary: anyJson });
}

const VALID = validSubmission() as unknown as Record<Section, Json>;
const nearlyValid = fc
  .tuple(
    fc.record(Object.fromEntries(SECTION_NAMES.map((s) => [s, sectionArbitrary(s, VALID[s])])), { requiredKeys: [] }),
    fc.dictionary(key, anyJson, { maxKeys: 2 }),
  )
  .map(([known, extra]) => ({ ...extra, ...known }));

/** What the API parses from a request body: always the result of JSON.parse. */
const jsonInput = fc.oneof(
  fc.json({ maxDepth: 3 }),
  nearlyValid.map((value) => JSON.stringify(value)),
).map((text) => JSON.parse(text) as unknown);

function checkErrors(input: unknown, errors: readonly FieldError[]): void {
  const pointers = new Set<string>();
  for (const error of errors) {
    const { pointer, code, message } = error;
    expect(pointer, pointer).toMatch(RFC6901);
    expect(pointers.has(pointer), `duplicate ${pointer}`).toBe(false);
    pointers.add(pointer);
    expect(message.zh.length, `${pointer} zh`).toBeGreaterThan(0);
    expect(message.en.length, `${pointer} en`).toBeGreaterThan(0);
    expect(code).toMatch(/^[a-z_.]+$/);

    const tokens = decodePointer(pointer);
    if (code === 'unknown_field') {
      // The pointer names an existing member of the body that the contract does not have.
      const parentTokens = tokens.slice(0, -1);
      const last = tokens.at(-1);
      expect(last).toBeDefined();
      expect(parentTokens.length <= 1).toBe(true);
      const parent = resolve(input, parentTokens);
      expect(isPlainObject(parent) && last !== undefined && Object.hasOwn(parent, last), pointer).toBe(true);
      const [section] = parentTokens;
      const known: readonly string[] = section === undefined ? SECTION_NAMES : isSection(section) ? SECTIONS[section] : [];
      expect(section === undefined || isSection(section), pointer).toBe(true);
      expect(known, pointer).not.toContain(last);
      continue;
    }
    // Everything else is the body itself or a member of the contract under one of its sections (or an item of the consent's banks).
    const [section, field, ...rest] = tokens;
    const bankItem = section === 'consent' && field === 'bankIds' && rest.length === 1 && /^\d+$/.test(rest[0]!);
    expect(bankItem ? [] : rest, pointer).toEqual([]);
    if (section !== undefined) {
      expect(isSection(section), pointer).toBe(true);
      if (field !== undefined && isSection(section)) expect(SECTIONS[section] as readonly string[], pointer).toContain(field);
    }
    const value = resolve(input, tokens);
    if (code === 'required') {
      expect(value, pointer).toBe(ABSENT);
      expect(isPlainObject(resolve(input, tokens.slice(0, -1))), pointer).toBe(true);
    } else {
      expect(value, pointer).not.toBe(ABSENT);
    }
  }
}

describe('property: any JSON body', () => {
  it('never makes safeParse or fieldErrorsFromZod throw, and gives well-formed bilingual errors', () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(jsonInput, (input) => {
        const result = needSubmissionSchema.safeParse(input);
        if (result.success) return;
        const errors = fieldErrorsFromZod(result.error.issues, input);
        expect(errors.length).toBeGreaterThan(0);
        checkErrors(input, errors);
        for (const error of errors) seen.add(error.pointer === '' ? `root:${error.code}` : error.code);
      }),
      { numRuns: 500 },
    );
    // The generator reaches every kind of error, so the property is not vacuous.
    for (const code of ['root:type', 'type', 'required', 'unknown_field', 'enum', 'mobile.invalid', 'credit_code.length']) {
      expect(seen, code).toContain(code);
    }
  });

  it('a valid body with one arbitrary extra member in a section is refused at that member only', () => {
    fc.assert(
      fc.property(fc.constantFrom(...SECTION_NAMES), key, anyJson, (section, extraKey, value) => {
        fc.pre(!(SECTIONS[section] as readonly string[]).includes(extraKey));
        const body = JSON.parse(JSON.stringify(validSubmission())) as Record<Section, Json>;
        Object.defineProperty(body[section], extraKey, { value, enumerable: true, configurable: true, writable: true });
        const input: unknown = JSON.parse(JSON.stringify(body));
        const pointer = `/${section}/${extraKey.replace(/~/g, '~0').replace(/\//g, '~1')}`;
        expect(pointersAndCodes(input)).toEqual([[pointer, 'unknown_field']]);
      }),
      { numRuns: 200 },
    );
  });

  it('fresh credit codes from the test support always validate', () => {
    for (let i = 0; i < 20; i++) {
      const body: NeedSubmission = validSubmission();
      body.enterprise.creditCode = freshCreditCode();
      expect(errorsFor(body)).toEqual([]);
    }
  });
});
