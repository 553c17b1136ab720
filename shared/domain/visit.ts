/**
 * A visit of the county task force to an enterprise (千企万户大走访): one zod shape for the API's
 * validation, the coming bulk import's rows and the OpenAPI document.
 *
 * Rules:
 * - `creditCode` and `name`: as on the need form (the need schema's own fields: GB 32100 check
 *   character, full-width and dashes normalised; the name one line of 1–100 characters).
 * - `visitedOn`: `YYYY-MM-DD`, a real calendar day, not after today in China time and at most
 *   {@link VISIT_LIMITS}.maxAgeDays before it (a record older than that is a typing error, or a
 *   report period long closed).
 * - `method` and `outcome`: a code, or its Chinese label ({@link VISIT_METHOD_LABELS},
 *   {@link VISIT_OUTCOME_LABELS}: what a spreadsheet from the field holds); stored as the code.
 * - `bankIds`: the banks whose staff came along (at most 20, each serving the county: checked
 *   against the registry by {@link visitBankErrors}); the officer is the caller, never the body.
 * - `estimatedAmountYuan` (optional): integer yuan, the limits of a need's amount.
 * - `note` (optional): multi-line plain text (text.ts), at most 500 characters after trimming.
 * - Strict: unknown fields are refused.
 *
 * A visit's natural key is county + credit code + visit day ({@link visitNaturalKey}): recording it
 * again records nothing new. Counters (docs/data-model.md): `visits` on the county-day of the visit,
 * and `visitedEntities` once per county, CST calendar month and credit code, on the day of the
 * first visit recorded that month.
 *
 * Pure module: no I/O, no environment, no clock (today comes in).
 */
import * as z from 'zod';
import { fieldErrorsWithMessages } from './bank';
import { BANK_ID_PATTERN } from './bank-id';
import { enterpriseSchema, needDetailsSchema } from './need';
import type { FieldError, LocalizedText } from './problem';
import { normalizeNewlines, plainText } from './text';

// The codes and their labels live in a zod-free module, so the workspace page can carry them.
export { VISIT_METHODS, VISIT_OUTCOMES, VISIT_METHOD_LABELS, VISIT_OUTCOME_LABELS, type VisitMethod, type VisitOutcome } from './visit-labels';
import { VISIT_METHODS, VISIT_OUTCOMES, VISIT_METHOD_LABELS, VISIT_OUTCOME_LABELS } from './visit-labels';

export const VISIT_LIMITS = {
  /** The oldest visit day accepted: this many days before today (CST). */
  maxAgeDays: 366,
  noteLength: 500,
  bankIds: 20,
} as const;

const methodList = VISIT_METHODS.map((code) => `${code}（${VISIT_METHOD_LABELS[code].zh}）`).join('、');
const methodListEn = VISIT_METHODS.map((code) => `${code} (${VISIT_METHOD_LABELS[code].zh})`).join(', ');
const outcomeList = VISIT_OUTCOMES.map((code) => `${code}（${VISIT_OUTCOME_LABELS[code].zh}）`).join('、');
const outcomeListEn = VISIT_OUTCOMES.map((code) => `${code} (${VISIT_OUTCOME_LABELS[code].zh})`).join(', ');

export const VISIT_MESSAGES = {
  'visit.date': { zh: '走访日期应为 YYYY-MM-DD 格式的有效日期，如 2026-11-30', en: 'The visit date must be a real day written YYYY-MM-DD, e.g. 2026-11-30' },
  'visit.date_future': { zh: '走访日期不能晚于今天（北京时间）', en: 'The visit date cannot be after today (China time)' },
  'visit.date_too_old': {
    zh: `走访日期不能早于 ${VISIT_LIMITS.maxAgeDays} 天前`,
    en: `The visit date cannot be more than ${VISIT_LIMITS.maxAgeDays} days ago`,
  },
  'visit.method': { zh: `走访方式应为：${methodList}`, en: `The method must be one of: ${methodListEn}` },
  'visit.outcome': { zh: `走访结果应为：${outcomeList}`, en: `The outcome must be one of: ${outcomeListEn}` },
  'visit.bank_ids': {
    zh: `同行银行应为银行标识的列表（最多 ${VISIT_LIMITS.bankIds} 家）`,
    en: `The banks present are a list of bank ids (at most ${VISIT_LIMITS.bankIds})`,
  },
  'visit.note': { zh: `备注最多 ${VISIT_LIMITS.noteLength} 个字`, en: `The note may have at most ${VISIT_LIMITS.noteLength} characters` },
} as const satisfies Record<string, LocalizedText>;

type VisitMessageCode = keyof typeof VISIT_MESSAGES;
const err = (code: VisitMessageCode) => ({ error: code });

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;

/** Days since 1970-01-01 of a real calendar day `YYYY-MM-DD`, or undefined (2026-02-30 is none). */
export function dayNumber(day: string): number | undefined {
  const match = DAY.exec(day);
  if (!match) return undefined;
  const [year, month, date] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const ms = Date.UTC(year, month - 1, date);
  const back = new Date(ms);
  if (back.getUTCFullYear() !== year || back.getUTCMonth() !== month - 1 || back.getUTCDate() !== date) return undefined;
  return ms / DAY_MS;
}

/** The problem with a visit day given today's CST day, or undefined when it is accepted. */
export function visitDayProblem(day: string, today: string): VisitMessageCode | undefined {
  const n = dayNumber(day);
  const t = dayNumber(today);
  if (t === undefined) throw new RangeError(`today must be a day YYYY-MM-DD, got ${today}`);
  if (n === undefined) return 'visit.date';
  if (n > t) return 'visit.date_future';
  if (n < t - VISIT_LIMITS.maxAgeDays) return 'visit.date_too_old';
  return undefined;
}

/** A code, or its Chinese label (surrounding spaces ignored), as the code. */
function coded<const C extends readonly [string, ...string[]]>(codes: C, labels: Record<C[number], LocalizedText>, code: VisitMessageCode, description: string) {
  const byLabel = new Map<string, string>(codes.flatMap((c: C[number]) => [[c, c] as const, [labels[c].zh, c] as const]));
  return z
    .preprocess((raw) => (typeof raw === 'string' ? (byLabel.get(raw.trim()) ?? raw) : raw), z.enum(codes, err(code)))
    .meta({ description: `${description}: ${codes.map((c: C[number]) => `${c} (${labels[c].zh})`).join(', ')}` });
}

/** The body of POST /v1/counties/{countyCode}/visits, checked against `today` (the CST day, `YYYY-MM-DD`). */
export function visitSchema(today: string) {
  return z
    .strictObject({
      creditCode: enterpriseSchema.shape.creditCode,
      name: enterpriseSchema.shape.name,
      visitedOn: z
        .string(err('visit.date'))
        .superRefine((day, ctx) => {
          const problem = visitDayProblem(day, today);
          if (problem) ctx.addIssue({ code: 'custom', message: problem, input: day });
        })
        .meta({
          description: `The day of the visit, YYYY-MM-DD: not after today in China time, at most ${VISIT_LIMITS.maxAgeDays} days before`,
          example: '2026-11-30',
        }),
      method: coded(VISIT_METHODS, VISIT_METHOD_LABELS, 'visit.method', 'How the enterprise was visited, a code or its Chinese label'),
      outcome: coded(VISIT_OUTCOMES, VISIT_OUTCOME_LABELS, 'visit.outcome', 'What the visit found, a code or its Chinese label'),
      bankIds: z
        .array(z.string(err('visit.bank_ids')).regex(BANK_ID_PATTERN, err('visit.bank_ids')), err('visit.bank_ids'))
        .max(VISIT_LIMITS.bankIds, err('visit.bank_ids'))
        .transform((ids) => [...new Set(ids)])
        .default([])
        .meta({ description: 'Banks whose staff were present (each serving the county: GET /v1/counties/{countyCode}/banks)', example: ['huimin-bank'] }),
      estimatedAmountYuan: needDetailsSchema.shape.amountYuan.optional(),
      note: z
        .string(err('visit.note'))
        .superRefine(plainText('multi'))
        .transform((value) => normalizeNewlines(value).trim())
        .pipe(z.string().max(VISIT_LIMITS.noteLength, err('visit.note')))
        .optional()
        .meta({ description: 'A short note, plain text', example: '计划扩大产能，需流动资金' }),
    })
    .meta({ title: 'VisitInput', description: "One visit of the county task force to an enterprise; the officer is the caller's token subject" });
}

export type VisitInput = z.input<ReturnType<typeof visitSchema>>;
export type ValidVisit = z.output<ReturnType<typeof visitSchema>>;

/** A visit as the platform keeps and returns it. */
export interface Visit extends ValidVisit {
  visitId: string;
  countyCode: string;
  /** The officer who recorded it: the token's `sub`. */
  officer: string;
  recordedAt: string;
}

export type ParseVisitResult = { ok: true; visit: ValidVisit } | { ok: false; errors: FieldError[] };

/** Validates and normalises a visit; field errors in Chinese and English. */
export function parseVisit(input: unknown, today: string): ParseVisitResult {
  const result = visitSchema(today).safeParse(input);
  if (result.success) return { ok: true, visit: result.data };
  return { ok: false, errors: fieldErrorsWithMessages(result.error.issues, input, VISIT_MESSAGES) };
}

/** The banks of `bankIds` that are not among those serving the county, as a field error at /bankIds. */
export function visitBankErrors(bankIds: readonly string[], servingBankIds: Iterable<string>): FieldError[] {
  const serving = new Set(servingBankIds);
  const others = bankIds.filter((id) => !serving.has(id));
  if (others.length === 0) return [];
  const ids = others.join(', ');
  return [
    {
      pointer: '/bankIds',
      code: 'visit.bank_not_serving',
      message: { zh: `以下银行不服务本区县：${ids}`, en: `These banks do not serve the county: ${ids}` },
    },
  ];
}

export function createVisit(visit: ValidVisit, args: { visitId: string; countyCode: string; officer: string; now: Date }): Visit {
  return { visitId: args.visitId, countyCode: args.countyCode, officer: args.officer, recordedAt: args.now.toISOString(), ...visit };
}

/** The CST calendar month of a visit day: `YYYY-MM`. */
export function visitMonth(visitedOn: string): string {
  return visitedOn.slice(0, 7);
}

/** One visit per county, credit code and day: recording it again changes nothing. */
export function visitNaturalKey(visit: Pick<Visit, 'countyCode' | 'creditCode' | 'visitedOn'>): string {
  return `${visit.countyCode}#${visit.creditCode}#${visit.visitedOn}`;
}

/** A month `YYYY-MM` (for GET …/visits?month=). */
export function isVisitMonth(value: string): boolean {
  return dayNumber(`${value}-01`) !== undefined && /^\d{4}-\d{2}$/.test(value);
}

/**
 * What a visit adds to its county-day counters: one visit, and one visited entity when it is the
 * first visit of the enterprise recorded in the county that month.
 */
export function visitCounters(firstOfMonth: boolean): Record<string, number> {
  return firstOfMonth ? { visits: 1, visitedEntities: 1 } : { visits: 1 };
}
