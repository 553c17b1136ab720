/**
 * The bank registry record: who a bank is, where it lends, what it lends, how many referrals it
 * takes at once, where its webhook is, and its own deadlines if it has any.
 *
 * Rules:
 * - `bankId`: lower-case slug `^[a-z0-9][a-z0-9-]{1,62}$` (2–63 characters); it is the key of the
 *   registry and appears in the events URL `/v1/banks/{bankId}/events`.
 * - `divisions`: 6-digit codes at any level: `000000` national, `XX0000` province, `XXXX00`
 *   prefecture, or a county-level unit. Each must exist ({@link canonicalDivisionCode}); aliases are
 *   stored canonical (620201 → 620200), duplicates are dropped. At least one.
 * - Products: `productId` a slug like `bankId` (1–63 characters), unique within the bank; `guarantees`
 *   are the concrete guarantee types the product accepts ({@link PRODUCT_GUARANTEES}: `any` is what
 *   an enterprise says, not what a product offers); amount and term ranges with min ≤ max;
 *   `industrySections` (letters A–T) absent = every section; `excludedIndustries` are section letters
 *   (`K`), divisions (`K70`, `C14`) or groups (`K701`), matched by prefix of the need's industry code;
 *   `purposes` absent = every purpose.
 * - `capacity`: open referrals the bank takes at once (offered or accepted, not yet decided), ≥ 1.
 * - `webhookUrl`: `https:` anywhere; `http:` only to `127.0.0.1` or `localhost` (the local bank
 *   simulator). No user name or password in the URL.
 * - `deadlines`: the bank's own acknowledge (working days, 1–30) and decide (calendar days, 1–365)
 *   deadlines; absent fields take {@link DEFAULT_DEADLINES} ({@link bankDeadlines}).
 * - `active`: default true; an inactive bank is never offered a referral.
 * - The signing secret is not part of the record (Secrets Manager / a git-ignored local file); the
 *   schema is strict, so a record carrying a `secret` (or any unknown field) is rejected.
 *
 * A bank serves a county when one of its divisions is the county, the county's prefecture, its
 * province or 000000 ({@link bankServiceMatch}, {@link servesCounty}).
 *
 * Pure module: no I/O, no environment.
 */
import * as z from 'zod';
import { BANK_ID_PATTERN } from './bank-id';
import { PURPOSES, type Guarantee } from './need';
import { canonicalDivisionCode, countyCodes, NATIONAL } from './divisions';
import { INDUSTRIES, INDUSTRY_DIVISIONS, INDUSTRY_SECTIONS, normalizeIndustryCode } from './industry';
import { fieldErrorsFromZod } from './validation-messages';
import { toJsonPointer, type FieldError, type LocalizedText } from './problem';
import { DEFAULT_DEADLINES, type Deadlines } from './working-days';

export { BANK_ID_PATTERN };
export const PRODUCT_ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** Guarantee types a product can accept: every need guarantee except `any`. */
export const PRODUCT_GUARANTEES = ['credit', 'collateral', 'guarantor', 'pledge'] as const satisfies readonly Exclude<
  Guarantee,
  'any'
>[];
export type ProductGuarantee = (typeof PRODUCT_GUARANTEES)[number];

export const BANK_LIMITS = {
  nameLength: 100,
  amountYuan: { min: 0, max: 10_000_000_000_000 },
  termMonths: { min: 1, max: 360 },
  capacity: { min: 1, max: 1_000_000 },
  acknowledgeWorkingDays: { min: 1, max: 30 },
  decideCalendarDays: { min: 1, max: 365 },
} as const;

/** Messages of the registry's own checks (zod's generic issues get the generic messages). */
export const BANK_MESSAGES = {
  'bank.id': {
    zh: '银行标识应为 2–63 位小写字母、数字或连字符，且以字母或数字开头',
    en: 'The bank id must be 2–63 lower-case letters, digits or hyphens, starting with a letter or digit',
  },
  'bank.product_id': {
    zh: '产品标识应为 1–63 位小写字母、数字或连字符，且以字母或数字开头',
    en: 'The product id must be 1–63 lower-case letters, digits or hyphens, starting with a letter or digit',
  },
  'bank.product_duplicate': { zh: '产品标识重复', en: 'Duplicate product id' },
  'bank.division': {
    zh: '行政区划代码无效（6 位：000000 全国、省、地市或区县）',
    en: 'Unknown division code (6 digits: 000000 national, a province, prefecture or county)',
  },
  'bank.industry_section': { zh: '行业门类应为 A–T 中的字母', en: 'Industry sections are letters A–T' },
  'bank.industry': {
    zh: '行业应为门类字母（如 K）、大类（如 C14）或中类（如 K701）',
    en: 'An industry is a section letter (K), a division (C14) or a group (K701)',
  },
  'bank.amount_range': {
    zh: '最低金额不得高于最高金额',
    en: 'The minimum amount must not exceed the maximum amount',
  },
  'bank.term_range': { zh: '最短期限不得长于最长期限', en: 'The minimum term must not exceed the maximum term' },
  'bank.webhook_url': {
    zh: '回调地址须为 https 地址（本地模拟可用 http://127.0.0.1 或 http://localhost），且不含用户名和密码',
    en: 'The webhook URL must use https (http only for 127.0.0.1 or localhost) and carry no user name or password',
  },
  'bank.name': { zh: '名称应为 1–100 个字', en: 'A name has 1–100 characters' },
} as const satisfies Record<string, LocalizedText>;

type BankMessageCode = keyof typeof BANK_MESSAGES;
const err = (code: BankMessageCode) => ({ error: code });

const name = z
  .string(err('bank.name'))
  .transform((value) => value.trim().replace(/\s+/g, ' '))
  .pipe(z.string().min(1, err('bank.name')).max(BANK_LIMITS.nameLength, err('bank.name')));

const wholeNumber = (min: number, max: number) => z.number().int().min(min).max(max);

const divisionCode = z.string(err('bank.division')).transform((raw, ctx) => {
  const division = canonicalDivisionCode(raw);
  if (division) return division;
  ctx.addIssue({ code: 'custom', message: 'bank.division', input: raw });
  return z.NEVER;
});

const SECTION_LETTERS: ReadonlySet<string> = new Set(INDUSTRY_SECTIONS.map((s) => s.letter));
const INDUSTRY_CODES: ReadonlySet<string> = new Set([
  ...INDUSTRY_DIVISIONS.map((d) => d.code),
  ...INDUSTRIES.map((i) => i.code),
]);

const sectionLetter = z.string(err('bank.industry_section')).transform((raw, ctx) => {
  const letter = normalizeIndustryCode(raw);
  if (SECTION_LETTERS.has(letter)) return letter;
  ctx.addIssue({ code: 'custom', message: 'bank.industry_section', input: raw });
  return z.NEVER;
});

const industryOrSection = z.string(err('bank.industry')).transform((raw, ctx) => {
  const code = normalizeIndustryCode(raw);
  if (SECTION_LETTERS.has(code) || INDUSTRY_CODES.has(code)) return code;
  ctx.addIssue({ code: 'custom', message: 'bank.industry', input: raw });
  return z.NEVER;
});

const unique = <T>(values: readonly T[]): T[] => [...new Set(values)];

export const bankProductSchema = z
  .strictObject({
    productId: z.string(err('bank.product_id')).regex(PRODUCT_ID_PATTERN, err('bank.product_id')),
    nameZh: name,
    nameEn: name,
    guarantees: z.array(z.enum(PRODUCT_GUARANTEES)).min(1).transform(unique),
    minAmountYuan: wholeNumber(BANK_LIMITS.amountYuan.min, BANK_LIMITS.amountYuan.max),
    maxAmountYuan: wholeNumber(BANK_LIMITS.amountYuan.min, BANK_LIMITS.amountYuan.max),
    minTermMonths: wholeNumber(BANK_LIMITS.termMonths.min, BANK_LIMITS.termMonths.max),
    maxTermMonths: wholeNumber(BANK_LIMITS.termMonths.min, BANK_LIMITS.termMonths.max),
    industrySections: z.array(sectionLetter).min(1).transform(unique).optional(),
    excludedIndustries: z.array(industryOrSection).transform(unique).optional(),
    purposes: z.array(z.enum(PURPOSES)).min(1).transform(unique).optional(),
  })
  .superRefine((product, ctx) => {
    if (product.minAmountYuan > product.maxAmountYuan) {
      ctx.addIssue({ code: 'custom', message: 'bank.amount_range', path: ['maxAmountYuan'], input: product.maxAmountYuan });
    }
    if (product.minTermMonths > product.maxTermMonths) {
      ctx.addIssue({ code: 'custom', message: 'bank.term_range', path: ['maxTermMonths'], input: product.maxTermMonths });
    }
  });

const webhookUrl = z.string(err('bank.webhook_url')).refine((raw) => {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return false;
  }
  if (url.username || url.password) return false;
  if (url.protocol === 'https:') return url.hostname.length > 0;
  return url.protocol === 'http:' && (url.hostname === '127.0.0.1' || url.hostname === 'localhost');
}, err('bank.webhook_url'));

export const bankSchema = z
  .strictObject({
    bankId: z.string(err('bank.id')).regex(BANK_ID_PATTERN, err('bank.id')),
    nameZh: name,
    nameEn: name,
    divisions: z.array(divisionCode).min(1).transform(unique),
    products: z.array(bankProductSchema).min(1),
    capacity: wholeNumber(BANK_LIMITS.capacity.min, BANK_LIMITS.capacity.max),
    webhookUrl,
    deadlines: z
      .strictObject({
        acknowledgeWorkingDays: wholeNumber(
          BANK_LIMITS.acknowledgeWorkingDays.min,
          BANK_LIMITS.acknowledgeWorkingDays.max,
        ).optional(),
        decideCalendarDays: wholeNumber(BANK_LIMITS.decideCalendarDays.min, BANK_LIMITS.decideCalendarDays.max).optional(),
      })
      .optional(),
    active: z.boolean().default(true),
  })
  .superRefine((bank, ctx) => {
    const seen = new Set<string>();
    bank.products.forEach((product, index) => {
      if (seen.has(product.productId)) {
        ctx.addIssue({
          code: 'custom',
          message: 'bank.product_duplicate',
          path: ['products', index, 'productId'],
          input: product.productId,
        });
      }
      seen.add(product.productId);
    });
  });

/** A bank as the registry keeps it (normalised). */
export type Bank = z.output<typeof bankSchema>;
/** A bank record as written in a seed file or sent by the CLI (`active` may be omitted). */
export type BankInput = z.input<typeof bankSchema>;
export type BankProduct = Bank['products'][number];

/**
 * Field errors of one parse, with the messages of `messages` for the custom issues whose message is
 * one of its codes (zod's own issues and the shared MESSAGES codes are handled by fieldErrorsFromZod).
 */
export function fieldErrorsWithMessages(
  issues: readonly z.core.$ZodIssue[],
  input: unknown,
  messages: Readonly<Record<string, LocalizedText>>,
): FieldError[] {
  const firstIssue = new Map<string, z.core.$ZodIssue>();
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') continue;
    const pointer = toJsonPointer(issue.path);
    if (!firstIssue.has(pointer)) firstIssue.set(pointer, issue);
  }
  return fieldErrorsFromZod(issues, input).map((error) => {
    if (error.code === 'required' || error.code === 'unknown_field') return error;
    const issue = firstIssue.get(error.pointer);
    const message = issue && Object.hasOwn(messages, issue.message) ? messages[issue.message] : undefined;
    return issue && message ? { ...error, code: issue.message, message } : error;
  });
}

export type ParseBankResult = { ok: true; bank: Bank } | { ok: false; errors: FieldError[] };

/** Validates and normalises a bank record (seed file, CLI, registry). */
export function parseBank(input: unknown): ParseBankResult {
  const result = bankSchema.safeParse(input);
  if (result.success) return { ok: true, bank: result.data };
  return { ok: false, errors: fieldErrorsWithMessages(result.error.issues, input, BANK_MESSAGES) };
}

export type ServiceLevel = 'county' | 'prefecture' | 'province' | 'national';

/** Most local first. */
export const SERVICE_LEVELS: readonly ServiceLevel[] = ['county', 'prefecture', 'province', 'national'];

export interface ServiceMatch {
  level: ServiceLevel;
  /** The bank's division that covers the county. */
  division: string;
}

/**
 * The most local of the bank's divisions that covers the county (county > prefecture > province >
 * national), or undefined when the bank does not serve it (or the code is not a county-level unit).
 */
export function bankServiceMatch(bank: Pick<Bank, 'divisions'>, countyCode: string): ServiceMatch | undefined {
  const chain = countyCodes(countyCode);
  if (!chain) return undefined;
  const served = new Set(bank.divisions);
  const candidates: [ServiceLevel, string | undefined][] = [
    ['county', chain.county],
    ['prefecture', chain.prefecture],
    ['province', chain.province],
    ['national', NATIONAL.code],
  ];
  for (const [level, code] of candidates) {
    if (code !== undefined && served.has(code)) return { level, division: code };
  }
  return undefined;
}

/** Whether one of the bank's divisions is the county, its prefecture, its province or 000000. */
export function servesCounty(bank: Pick<Bank, 'divisions'>, countyCode: string): boolean {
  return bankServiceMatch(bank, countyCode) !== undefined;
}

/** The bank's deadlines, with {@link DEFAULT_DEADLINES} for what it does not set. */
export function bankDeadlines(bank: Pick<Bank, 'deadlines'>): Deadlines {
  return {
    acknowledgeWorkingDays: bank.deadlines?.acknowledgeWorkingDays ?? DEFAULT_DEADLINES.acknowledgeWorkingDays,
    decideCalendarDays: bank.deadlines?.decideCalendarDays ?? DEFAULT_DEADLINES.decideCalendarDays,
  };
}
