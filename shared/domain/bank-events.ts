/**
 * The webhook payloads exchanged with banks, Standard Webhooks style: `{ type, timestamp, data }`
 * (the signature travels in the `webhook-id`, `webhook-timestamp` and `webhook-signature` headers).
 *
 * Outbound (platform → bank): `referral.offered` ({@link referralOfferedSchema}). It carries what a
 * bank needs to judge interest and nothing that identifies the enterprise or a person: no name, no
 * credit code, no contact. Every object in it is strict, so such a key cannot slip through: building
 * an offer with one throws.
 *
 * Inbound (bank → platform): {@link bankEventSchema}, discriminated on `type`:
 * - `referral.accepted` `{ referralId }`;
 * - `referral.declined` `{ referralId, reasonCode, repairable?, note? }`: `reasonCode` from the
 *   published {@link DECLINE_REASONS}; whether a reason is repairable (the county task force can help
 *   the enterprise fix it and look again) is defined by that list. A bank may leave `repairable` out;
 *   if it sends it, it must equal the list's value, otherwise the event is rejected (400) with a
 *   message saying which value is expected. The parsed event always carries the list's value.
 *   `note` is at most 500 characters (trimmed; empty = absent); `other` needs a note;
 * - `referral.granted` `{ referralId, amountYuan (integer > 0), annualRateBp (integer 1–3600, i.e.
 *   0.01%–36%), termMonths (1–360), loanType credit|collateral|guarantor|pledge, firstLoan }`;
 * - `referral.disbursed` `{ referralId, amountYuan (integer > 0), disbursedOn (YYYY-MM-DD) }`.
 * Envelopes and `data` objects are strict: unknown keys are rejected (a typo such as `reason_code`
 * must not pass as a decline without a reason).
 *
 * `timestamp` is ISO 8601 with `Z` or an offset. `referralId` is opaque: 1–128 of `A–Z a–z 0–9 _ -`.
 *
 * Pure module: no I/O, no environment.
 */
import * as z from 'zod';
import { ENTITY_TYPES, GUARANTEES, NEED_LIMITS, PURPOSES } from './need';
import type { NeedRecord } from './need-record';
import { normalizeCountyCode } from './divisions';
import { findIndustry, INDUSTRY_SECTIONS } from './industry';
import type { SizeClass } from './enterprise-size';
import type { FieldError, LocalizedText } from './problem';
import { fieldErrorsWithMessages } from './bank';
import { isCalendarDay } from './working-days';
import { plainText } from './text';
import { branchContactSchema } from './branch-contact';
import { DECLINE_REASON_CODES, declineReason } from './reasons';

export { branchContactSchema, type BranchContact } from './branch-contact';

// ---------------------------------------------------------------------------------------------
// Decline reasons

export {
  DECLINE_REASONS,
  DECLINE_REASON_CODES,
  declineReason,
  type DeclineReason,
  type DeclineReasonCode,
} from './reasons';

// ---------------------------------------------------------------------------------------------
// Messages

export const BANK_EVENT_MESSAGES = {
  'bank_event.type': {
    zh: '事件类型应为 referral.accepted、referral.declined、referral.granted 或 referral.disbursed',
    en: 'The event type must be referral.accepted, referral.declined, referral.granted or referral.disbursed',
  },
  'bank_event.timestamp': {
    zh: '时间应为 ISO 8601 格式（如 2026-11-30T08:30:00Z）',
    en: 'The timestamp must be ISO 8601 (e.g. 2026-11-30T08:30:00Z)',
  },
  'bank_event.referral_id': {
    zh: '推荐编号应为 1–128 位字母、数字、下划线或连字符',
    en: 'The referral id has 1–128 letters, digits, underscores or hyphens',
  },
  'bank_event.reason_code': {
    zh: '拒绝原因代码不在公布的列表中',
    en: 'The decline reason code is not on the published list',
  },
  'bank_event.repairable_true': {
    zh: '该原因代码属于可修复情形：repairable 应为 true，或省略',
    en: 'This reason code is repairable: repairable must be true, or left out',
  },
  'bank_event.repairable_false': {
    zh: '该原因代码不属于可修复情形：repairable 应为 false，或省略',
    en: 'This reason code is not repairable: repairable must be false, or left out',
  },
  'bank_event.note': { zh: '说明最多 500 个字', en: 'The note has at most 500 characters' },
  'bank_event.note_required': {
    zh: '原因代码为 other 时须填写说明',
    en: 'A note is required with the reason code other',
  },
  'bank_event.day': { zh: '日期格式应为 YYYY-MM-DD', en: 'Dates are written YYYY-MM-DD' },
  'bank_event.branch_text': { zh: '网点名称最多 100 个字，地址最多 200 个字，均为单行文字', en: 'The branch name has at most 100 characters and the address 200, each one line of text' },
  'bank_event.branch_phone': { zh: '联系电话应为 5–30 位数字（可含 +、-、空格、括号）', en: 'The phone number has 5–30 digits (+, -, spaces and brackets allowed)' },
} as const satisfies Record<string, LocalizedText>;

type BankEventMessageCode = keyof typeof BANK_EVENT_MESSAGES;
const err = (code: BankEventMessageCode) => ({ error: code });

// ---------------------------------------------------------------------------------------------
// Shared fields

export const REFERRAL_ID_PATTERN = /^[A-Za-z0-9_-]{1,128}$/;

const referralId = z.string(err('bank_event.referral_id')).regex(REFERRAL_ID_PATTERN, err('bank_event.referral_id'));
const timestamp = z.iso.datetime({ offset: true, ...err('bank_event.timestamp') });
const amountYuan = z.number().int().min(1).max(NEED_LIMITS.yuan.max);
const calendarDay = z.string(err('bank_event.day')).refine(isCalendarDay, err('bank_event.day'));

export const SIZE_CLASSES = ['micro', 'small', 'medium', 'large'] as const satisfies readonly SizeClass[];
export const LOAN_TYPES = ['credit', 'collateral', 'guarantor', 'pledge'] as const;
export type LoanType = (typeof LOAN_TYPES)[number];

// ---------------------------------------------------------------------------------------------
// Outbound: referral.offered

export const RESPOND_BY = 'referral.accepted or referral.declined' as const;

const SECTION_LETTERS = INDUSTRY_SECTIONS.map((s) => s.letter) as [string, ...string[]];

/** What the offer tells a bank about the need: no name, no credit code, no contact. */
export const offeredNeedSchema = z.strictObject({
  industryCode: z.string().refine((code) => findIndustry(code)?.code === code, 'unknown industry code'),
  industrySection: z.enum(SECTION_LETTERS),
  sizeClass: z.enum(SIZE_CLASSES),
  countyCode: z.string().refine((code) => normalizeCountyCode(code) === code, 'unknown county code'),
  entityType: z.enum(ENTITY_TYPES),
  yearsInOperation: z.number().int().min(NEED_LIMITS.yearsInOperation.min).max(NEED_LIMITS.yearsInOperation.max),
  amountYuan: z.number().int().min(NEED_LIMITS.amountYuan.min).max(NEED_LIMITS.amountYuan.max),
  termMonths: z.number().int().min(NEED_LIMITS.termMonths.min).max(NEED_LIMITS.termMonths.max),
  purpose: z.enum(PURPOSES),
  guarantee: z.enum(GUARANTEES),
  firstLoan: z.boolean(),
});

export const referralOfferedSchema = z
  .strictObject({
    type: z.literal('referral.offered'),
    timestamp,
    data: z.strictObject({
      referralId,
      deadline: z.iso.datetime({ offset: true, ...err('bank_event.timestamp') }),
      respondBy: z.literal(RESPOND_BY),
      need: offeredNeedSchema,
    }),
  })
  .meta({ title: 'referral.offered: a need offered to a bank (no personal data)' });

export type ReferralOffered = z.output<typeof referralOfferedSchema>;

/**
 * Outbound `referral.withdrawn`: the referral the bank had is withdrawn — the enterprise withdrew the
 * need and its consent (`need_withdrawn`: a bank that accepted must stop using and delete the contact
 * details it received), or amended it (`need_amended`: it is screened again and may be offered anew).
 * Answers to a withdrawn referral are refused (409).
 */
export const referralWithdrawnSchema = z
  .strictObject({
    type: z.literal('referral.withdrawn'),
    timestamp,
    data: z.strictObject({ referralId, reason: z.enum(['need_withdrawn', 'need_amended']) }),
  })
  .meta({ title: 'referral.withdrawn: the enterprise withdrew or amended the need' });

export type ReferralWithdrawn = z.output<typeof referralWithdrawnSchema>;

export function referralWithdrawn(args: { referralId: string; reason: 'need_withdrawn' | 'need_amended'; now: Date }): ReferralWithdrawn {
  return referralWithdrawnSchema.parse({ type: 'referral.withdrawn', timestamp: args.now.toISOString(), data: { referralId: args.referralId, reason: args.reason } });
}
export type OfferedNeed = z.output<typeof offeredNeedSchema>;

/**
 * The `referral.offered` payload for a need, validated by {@link referralOfferedSchema} (so it can
 * only hold the listed fields). `now` is the event time, `deadline` the bank's acknowledge deadline.
 */
export function referralOffered(args: { referralId: string; deadline: Date; now: Date; need: NeedRecord }): ReferralOffered {
  const { need } = args;
  return referralOfferedSchema.parse({
    type: 'referral.offered',
    timestamp: args.now.toISOString(),
    data: {
      referralId: args.referralId,
      deadline: args.deadline.toISOString(),
      respondBy: RESPOND_BY,
      need: {
        industryCode: need.enterprise.industryCode,
        industrySection: need.enterprise.industrySection,
        sizeClass: need.sizeClass,
        countyCode: need.enterprise.countyCode,
        entityType: need.enterprise.entityType,
        yearsInOperation: need.enterprise.yearsInOperation,
        amountYuan: need.need.amountYuan,
        termMonths: need.need.termMonths,
        purpose: need.need.purpose,
        guarantee: need.need.guarantee,
        firstLoan: need.need.firstLoan,
      },
    },
  });
}

// ---------------------------------------------------------------------------------------------
// Inbound: bank events

const envelope = <T extends string, D extends z.ZodType>(type: T, data: D) =>
  z.strictObject({ type: z.literal(type), timestamp, data });


export const referralAcceptedSchema = envelope('referral.accepted', z.strictObject({ referralId, branch: branchContactSchema.optional() }));

export const referralDeclinedSchema = envelope(
  'referral.declined',
  z
    .strictObject({
      referralId,
      reasonCode: z.enum(DECLINE_REASON_CODES, err('bank_event.reason_code')),
      repairable: z.boolean().optional(),
      note: z
        .string(err('bank_event.note'))
        .superRefine(plainText('multi'))
        .transform((value) => value.trim())
        .pipe(z.string().max(500, err('bank_event.note')))
        .optional(),
    })
    .superRefine((data, ctx) => {
      const reason = declineReason(data.reasonCode);
      if (reason && data.repairable !== undefined && data.repairable !== reason.repairable) {
        ctx.addIssue({
          code: 'custom',
          message: reason.repairable ? 'bank_event.repairable_true' : 'bank_event.repairable_false',
          path: ['repairable'],
          input: data.repairable,
        });
      }
      if (data.reasonCode === 'other' && !data.note) {
        ctx.addIssue({ code: 'custom', message: 'bank_event.note_required', path: ['note'], input: data.note });
      }
    })
    .transform(({ referralId: id, reasonCode, note }) => ({
      referralId: id,
      reasonCode,
      repairable: declineReason(reasonCode)?.repairable ?? false,
      ...(note ? { note } : {}),
    })),
);

export const referralGrantedSchema = envelope(
  'referral.granted',
  z.strictObject({
    referralId,
    amountYuan,
    annualRateBp: z.number().int().min(1).max(3600),
    termMonths: z.number().int().min(1).max(360),
    loanType: z.enum(LOAN_TYPES),
    firstLoan: z.boolean(),
  }),
);

export const referralDisbursedSchema = envelope(
  'referral.disbursed',
  z.strictObject({ referralId, amountYuan, disbursedOn: calendarDay }),
);

export const bankEventSchema = z
  .discriminatedUnion(
    'type',
    [referralAcceptedSchema, referralDeclinedSchema, referralGrantedSchema, referralDisbursedSchema],
    err('bank_event.type'),
  )
  .meta({ title: 'An event a bank sends about a referral' });

export const BANK_EVENT_TYPES = ['referral.accepted', 'referral.declined', 'referral.granted', 'referral.disbursed'] as const;
export type BankEventType = (typeof BANK_EVENT_TYPES)[number];

/** An event as the platform keeps it after validation (declines carry the list's `repairable`). */
export type BankEvent = z.output<typeof bankEventSchema>;
/** An event as a bank sends it. */
export type BankEventInput = z.input<typeof bankEventSchema>;
export type ReferralAccepted = z.output<typeof referralAcceptedSchema>;
export type ReferralDeclined = z.output<typeof referralDeclinedSchema>;
export type ReferralGranted = z.output<typeof referralGrantedSchema>;
export type ReferralDisbursed = z.output<typeof referralDisbursedSchema>;

export type ParseBankEventResult = { ok: true; event: BankEvent } | { ok: false; errors: FieldError[] };

/** Validates a bank's event body (already JSON-parsed); errors carry JSON pointers and zh/en messages. */
export function parseBankEvent(input: unknown): ParseBankEventResult {
  const result = bankEventSchema.safeParse(input);
  if (result.success) return { ok: true, event: result.data };
  return { ok: false, errors: fieldErrorsWithMessages(result.error.issues, input, BANK_EVENT_MESSAGES) };
}
