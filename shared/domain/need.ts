// The financing need an enterprise declares: one zod schema for the server's validation, the web
// form's client-side validation and the OpenAPI document.
import * as z from 'zod';
import { validateCreditCode } from './credit-code';
import { normalizeCountyCode } from './divisions';
import { findIndustry } from './industry';
import { BANK_ID_PATTERN } from './bank-id';
import { consentNamesRecipients, CURRENT_CONSENT_VERSION, findConsentText } from './consent';
import { normalizeNewlines, plainText, toHalfWidth, type TextLines } from './text';
import type { MessageCode } from './validation-messages';

// The codes live in a zod-free module, so pages without the schema (the workspace) can list them.
export { ENTITY_TYPES, GUARANTEES, PURPOSES, type EntityType, type Guarantee, type Purpose } from './need-codes';
import { ENTITY_TYPES, GUARANTEES, PURPOSES } from './need-codes';

export const NEED_LIMITS = {
  amountYuan: { min: 1_000, max: 500_000_000 },
  termMonths: { min: 1, max: 360 },
  employees: { min: 0, max: 1_000_000 },
  yuan: { min: 0, max: 10_000_000_000_000 },
  yearsInOperation: { min: 0, max: 200 },
  nameLength: 100,
  contactNameLength: 50,
  descriptionLength: 1_000,
} as const;

const err = (code: MessageCode) => ({ error: code });

const MAINLAND_MOBILE = /^1[3-9]\d{9}$/;

/** Trim, half-width, drop spaces and hyphens, and a leading +86 / 0086 / 86 country code. */
export function normalizeMobile(input: string): string {
  const compact = toHalfWidth(input).replace(/[\s-]/g, '');
  return compact.replace(/^(\+86|0086|86)(?=1\d{10}$)/, '');
}

/** A string of plain text (see text.ts): what a person cannot have meant is refused before any normalisation. */
const plainString = (code: MessageCode, lines: TextLines = 'single') => z.string(err(code)).superRefine(plainText(lines));

const text = (max: number, code: MessageCode) =>
  plainString(code)
    .transform((value) => toHalfWidth(value).trim().replace(/\s+/g, ' '))
    .pipe(z.string().min(1, err(code)).max(max, err(code)));

const wholeNumber = (min: number, max: number, code: MessageCode) =>
  z.number(err(code)).int(err(code)).min(min, err(code)).max(max, err(code));

const creditCode = plainString('credit_code.length')
  .meta({ description: 'Unified social credit code (GB 32100-2015), 18 characters', example: '9133010652601815X8' })
  .transform((raw, ctx) => {
    const result = validateCreditCode(raw);
    if (result.ok) return result.value;
    ctx.addIssue({ code: 'custom', message: `credit_code.${result.problem}`, input: raw });
    return z.NEVER;
  });

const countyCode = plainString('county_code.unknown')
  .meta({ description: 'County-level division code (GB/T 2260, 6 digits)', example: '330106' })
  .transform((raw, ctx) => {
    const code = normalizeCountyCode(raw);
    if (code) return code;
    ctx.addIssue({ code: 'custom', message: 'county_code.unknown', input: raw });
    return z.NEVER;
  });

const industryCode = plainString('industry_code.unknown')
  .meta({
    description: 'GB/T 4754-2017 industry division (e.g. C14), or group where the size standard needs it (K701)',
    example: 'C14',
  })
  .transform((raw, ctx) => {
    const industry = findIndustry(raw);
    if (industry) return industry.code;
    ctx.addIssue({ code: 'custom', message: 'industry_code.unknown', input: raw });
    return z.NEVER;
  });

const mobile = plainString('mobile.invalid')
  .meta({ description: 'Mainland China mobile number', example: '13800138000' })
  .transform((raw, ctx) => {
    const value = normalizeMobile(raw);
    if (MAINLAND_MOBILE.test(value)) return value;
    ctx.addIssue({ code: 'custom', message: 'mobile.invalid', input: raw });
    return z.NEVER;
  });

export const enterpriseSchema = z.strictObject({
  name: text(NEED_LIMITS.nameLength, 'enterprise.name').meta({ example: '杭州西湖食品有限公司' }),
  creditCode,
  entityType: z.enum(ENTITY_TYPES),
  countyCode,
  industryCode,
  employees: wholeNumber(NEED_LIMITS.employees.min, NEED_LIMITS.employees.max, 'employees.range'),
  annualRevenueYuan: wholeNumber(NEED_LIMITS.yuan.min, NEED_LIMITS.yuan.max, 'yuan.range'),
  totalAssetsYuan: wholeNumber(NEED_LIMITS.yuan.min, NEED_LIMITS.yuan.max, 'yuan.range'),
  yearsInOperation: wholeNumber(NEED_LIMITS.yearsInOperation.min, NEED_LIMITS.yearsInOperation.max, 'years.range'),
  hasFixedPremises: z.boolean(),
});

export const contactSchema = z.strictObject({
  name: text(NEED_LIMITS.contactNameLength, 'contact.name').meta({ example: '王丽' }),
  mobile,
});

export const needDetailsSchema = z.strictObject({
  amountYuan: wholeNumber(NEED_LIMITS.amountYuan.min, NEED_LIMITS.amountYuan.max, 'amount.range').meta({
    description: 'Integer yuan',
    example: 500000,
  }),
  termMonths: wholeNumber(NEED_LIMITS.termMonths.min, NEED_LIMITS.termMonths.max, 'term.range').meta({ example: 12 }),
  purpose: z.enum(PURPOSES),
  guarantee: z.enum(GUARANTEES),
  firstLoan: z.boolean().meta({ description: 'Never borrowed from a bank before (首贷户)' }),
  description: plainString('description.length', 'multi')
    .transform((value) => normalizeNewlines(value).trim())
    .pipe(z.string().max(NEED_LIMITS.descriptionLength, err('description.length')))
    .optional(),
});

/** At most this many banks in one consent (a county is served by a handful). */
export const MAX_CONSENT_BANKS = 100;

export const consentSchema = z
  .strictObject({
    shareWithBanks: z.literal(true, err('consent.required')),
    textVersion: plainString('consent.version')
      .meta({ description: 'Version of the consent text shown to the person', example: CURRENT_CONSENT_VERSION })
      .refine((version) => findConsentText(version) !== undefined, err('consent.version')),
    bankIds: z
      .array(z.string(err('consent.bank_ids')).regex(BANK_ID_PATTERN, err('consent.bank_ids')), err('consent.bank_ids'))
      .max(MAX_CONSENT_BANKS, err('consent.bank_ids'))
      .transform((ids) => [...new Set(ids)])
      .optional()
      .meta({
        description:
          'The banks named in the consent text (GET /v1/counties/{countyCode}/banks), each serving the county; only they are offered the need. ' +
          'Required with a text version that names its recipients (2026-12 on); without it (2026-11) the need keeps the banks serving the county at submission.',
        example: ['huimin-bank'],
      }),
  })
  .superRefine((consent, ctx) => {
    if (consent.bankIds === undefined && consentNamesRecipients(consent.textVersion)) {
      ctx.addIssue({ code: 'custom', path: ['bankIds'], message: 'consent.bank_ids', input: undefined });
    }
  });

export const needSubmissionSchema = z
  .strictObject({
    enterprise: enterpriseSchema,
    contact: contactSchema,
    need: needDetailsSchema,
    consent: consentSchema,
  })
  .meta({ title: 'A financing need declared by an enterprise' });

/** What a client sends. */
export type NeedSubmission = z.input<typeof needSubmissionSchema>;
/** What the server keeps after validation and normalisation. */
export type ValidNeed = z.output<typeof needSubmissionSchema>;
