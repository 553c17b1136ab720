/**
 * Screening onto the two lists (两张清单), and the negative list it consults.
 *
 * Every need is on the declaration list (申报清单). It goes on the recommendation list (推荐清单) only if
 * no reason below applies; otherwise it is `not_recommended` with every reason that applies, in the
 * order of the table below (negative-list reasons by reason code), each with a stable code and a
 * message in Chinese and English.
 *
 * The official thresholds of the five criteria (五项标准) are not public. These are our reading of
 * "as far as the data tells", configurable through {@link ScreeningRules} ({@link DEFAULT_SCREENING_RULES}):
 *
 * | criterion | code | applies when (defaults) |
 * |---|---|---|
 * | eligible_entity | `size_not_eligible` | entity type `enterprise` whose size class is medium or large. Individual businesses, farmers' cooperatives and family farms are eligible whatever their size (the mechanism names them). |
 * | continuing_operation | `operating_years_below_minimum` | yearsInOperation < `minYearsInOperation` (default 0: any existing business passes, including one in its first year) |
 * | continuing_operation | `no_revenue_while_operating` | annualRevenueYuan = 0 although yearsInOperation ≥ `zeroRevenueFlagAfterYears` (default 1): a year or more in business with no revenue contradicts continuing operation. `null` turns the check off. |
 * | fixed_premises | `no_fixed_premises` | hasFixedPremises is false |
 * | genuine_need | `amount_exceeds_revenue_ratio` | amountYuan > `maxAmountToRevenueRatio` (default 3) × max(annualRevenueYuan, 1). No exemption (a business without revenue fails it; the county task force sees it on the declaration list). |
 * | genuine_need | `renewal_without_existing_loan` | purpose `renewal` (无还本续贷) with firstLoan true: there is no loan to renew |
 * | lawful_purpose | `purpose_unknown` | purpose not one of PURPOSES (records read back from storage) |
 * | lawful_purpose | `purpose_other_undescribed` | purpose `other` without a non-empty description |
 * | negative_list | `negative_list.<reasonCode>` | an entry for the same credit code whose jurisdiction covers the need's county (000000, its province, its prefecture or the county itself) and whose validity window contains the CST day of `now` (validFrom ≤ day ≤ validTo, validTo inclusive, absent = open-ended). One reason per reason code; `detail` lists the matching entries' jurisdiction, source and window. |
 *
 * Good credit standing (`credit_standing`) has no data of its own on the platform beyond the negative
 * list: it is judged through the negative list, whose hits carry criterion `negative_list`.
 * `credit_standing` is kept in the criterion type for a future credit-bureau rule and is not emitted today.
 *
 * The negative list is data kept by task forces and regulators ({@link negativeListEntrySchema}),
 * loaded from CSV ({@link parseNegativeListCsv}).
 *
 * Pure module: no I/O, no environment, no clock (pass `now`).
 */
import * as z from 'zod';
import {
  NEGATIVE_LIST_REASONS,
  NEGATIVE_LIST_REASON_CODES,
  SCREENING_REASONS,
  type NegativeListReasonCode,
  type ScreeningCriterion,
} from './reasons';
import { PURPOSES } from './need';
import { chinaDay, type NeedRecord } from './need-record';
import { validateCreditCode } from './credit-code';
import { canonicalDivisionCode } from './divisions';
import { MESSAGES } from './validation-messages';
import type { LocalizedText } from './problem';
import { fieldErrorsWithMessages } from './bank';
import { isCalendarDay } from './working-days';

export {
  NEGATIVE_LIST_REASONS,
  NEGATIVE_LIST_REASON_CODES,
  SCREENING_CRITERIA,
  SCREENING_REASONS,
  type NegativeListReasonCode,
  type ScreeningCriterion,
  type ScreeningReasonCode,
} from './reasons';

// ---------------------------------------------------------------------------------------------
// Negative list


export const NEGATIVE_LIST_MESSAGES = {
  'negative_list.credit_code': MESSAGES['credit_code.check'],
  'negative_list.credit_code_length': MESSAGES['credit_code.length'],
  'negative_list.credit_code_alphabet': MESSAGES['credit_code.alphabet'],
  'negative_list.jurisdiction': {
    zh: '管辖区划应为 6 位行政区划代码（000000 全国、省、地市或区县）',
    en: 'The jurisdiction must be a 6-digit division code (000000 national, a province, prefecture or county)',
  },
  'negative_list.reason_code': {
    zh: `原因代码应为：${NEGATIVE_LIST_REASON_CODES.join('、')}`,
    en: `The reason code must be one of: ${NEGATIVE_LIST_REASON_CODES.join(', ')}`,
  },
  'negative_list.source': { zh: '请填写来源（1–200 个字）', en: 'Enter the source (1–200 characters)' },
  'negative_list.day': { zh: '日期格式应为 YYYY-MM-DD', en: 'Dates are written YYYY-MM-DD' },
  'negative_list.window': {
    zh: '有效期止不得早于有效期起',
    en: 'validTo must not be earlier than validFrom',
  },
} as const satisfies Record<string, LocalizedText>;

type NegativeListMessageCode = keyof typeof NEGATIVE_LIST_MESSAGES;
const err = (code: NegativeListMessageCode) => ({ error: code });

const CREDIT_CODE_PROBLEM: Record<'length' | 'alphabet' | 'check', NegativeListMessageCode> = {
  length: 'negative_list.credit_code_length',
  alphabet: 'negative_list.credit_code_alphabet',
  check: 'negative_list.credit_code',
};

const calendarDay = z
  .string(err('negative_list.day'))
  .transform((value) => value.trim())
  .refine(isCalendarDay, err('negative_list.day'));

export const negativeListEntrySchema = z
  .strictObject({
    creditCode: z.string(err('negative_list.credit_code_length')).transform((raw, ctx) => {
      const result = validateCreditCode(raw);
      if (result.ok) return result.value;
      ctx.addIssue({ code: 'custom', message: CREDIT_CODE_PROBLEM[result.problem], input: raw });
      return z.NEVER;
    }),
    jurisdiction: z.string(err('negative_list.jurisdiction')).transform((raw, ctx) => {
      const division = canonicalDivisionCode(raw);
      if (division) return division;
      ctx.addIssue({ code: 'custom', message: 'negative_list.jurisdiction', input: raw });
      return z.NEVER;
    }),
    reasonCode: z.enum(NEGATIVE_LIST_REASON_CODES, err('negative_list.reason_code')),
    source: z
      .string(err('negative_list.source'))
      .transform((value) => value.trim().replace(/\s+/g, ' '))
      .pipe(z.string().min(1, err('negative_list.source')).max(200, err('negative_list.source'))),
    validFrom: calendarDay,
    validTo: calendarDay.optional(),
  })
  .superRefine((entry, ctx) => {
    if (entry.validTo !== undefined && entry.validTo < entry.validFrom) {
      ctx.addIssue({ code: 'custom', message: 'negative_list.window', path: ['validTo'], input: entry.validTo });
    }
  });

export type NegativeListEntry = z.output<typeof negativeListEntrySchema>;
export type NegativeListEntryInput = z.input<typeof negativeListEntrySchema>;

export const NEGATIVE_LIST_CSV_COLUMNS = ['creditCode', 'jurisdiction', 'reasonCode', 'source', 'validFrom', 'validTo'] as const;
type Column = (typeof NEGATIVE_LIST_CSV_COLUMNS)[number];
const REQUIRED_COLUMNS: readonly Column[] = ['creditCode', 'jurisdiction', 'reasonCode', 'source', 'validFrom'];

export interface CsvLineError {
  /** 1-based physical line where the record starts (the header is line 1). */
  line: number;
  message: LocalizedText;
}

interface CsvRecord {
  line: number;
  fields: string[];
  error?: LocalizedText;
}

const TEXT_AFTER_QUOTE: LocalizedText = {
  zh: '引号字段的结束引号后还有其他字符',
  en: 'Characters after the closing quote of a quoted field',
};
const UNCLOSED_QUOTE: LocalizedText = { zh: '引号未闭合', en: 'A quoted field is not closed' };

/**
 * RFC 4180 records: fields separated by commas, records by CRLF or LF; a quoted field may hold
 * commas, line breaks and doubled quotes (`""`). A leading byte-order mark is dropped. Spaces around
 * a quoted field are ignored; other text after its closing quote marks the record as broken.
 */
function readCsv(text: string): CsvRecord[] {
  const input = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let afterQuote = false;
  let error: LocalizedText | undefined;
  let line = 1;
  let recordLine = 1;
  const endField = () => {
    fields.push(field);
    field = '';
    afterQuote = false;
  };
  const endRecord = () => {
    endField();
    records.push(error ? { line: recordLine, fields, error } : { line: recordLine, fields });
    fields = [];
    error = undefined;
  };
  let i = 0;
  while (i < input.length) {
    const ch = input.charAt(i);
    if (quoted) {
      if (ch === '"' && input.charAt(i + 1) === '"') {
        field += '"';
        i += 2;
      } else if (ch === '"') {
        quoted = false;
        afterQuote = true;
        i++;
      } else {
        if (ch === '\n') line++;
        field += ch;
        i++;
      }
      continue;
    }
    if (ch === ',') {
      endField();
      i++;
    } else if (ch === '\r' || ch === '\n') {
      endRecord();
      i += ch === '\r' && input.charAt(i + 1) === '\n' ? 2 : 1;
      line++;
      recordLine = line;
    } else if (ch === '"' && !afterQuote && field.trim() === '') {
      quoted = true;
      field = '';
      i++;
    } else {
      if (afterQuote && ch !== ' ' && ch !== '\t') error ??= TEXT_AFTER_QUOTE;
      field += ch;
      i++;
    }
  }
  if (quoted) {
    error ??= UNCLOSED_QUOTE;
    endRecord();
  } else if (field !== '' || fields.length > 0 || afterQuote) {
    endRecord();
  }
  return records;
}

const isBlank = (record: CsvRecord) => !record.error && record.fields.every((f) => f.trim() === '');

/**
 * Negative-list entries from CSV text (UTF-8, optional BOM, CRLF or LF, RFC 4180 quoting) with the
 * header `creditCode,jurisdiction,reasonCode,source,validFrom,validTo` (columns may come in any order;
 * `validTo` may be left out or left empty for an open-ended entry). Blank lines are skipped. Each bad
 * record gives one error with its line and every field problem; good records are returned even when
 * others are bad, so the loader decides whether to load a partly bad file.
 */
export function parseNegativeListCsv(text: string): { entries: NegativeListEntry[]; errors: CsvLineError[] } {
  const errors: CsvLineError[] = [];
  const entries: NegativeListEntry[] = [];
  const rows = readCsv(text).filter((record) => !isBlank(record));
  const header = rows.shift();
  if (!header) {
    return { entries, errors: [{ line: 1, message: { zh: '文件为空，缺少表头', en: 'The file is empty: no header line' } }] };
  }
  if (header.error) return { entries, errors: [{ line: header.line, message: header.error }] };
  const names = header.fields.map((f) => f.trim());
  const unknown = names.filter((n) => !(NEGATIVE_LIST_CSV_COLUMNS as readonly string[]).includes(n));
  const missing = REQUIRED_COLUMNS.filter((c) => !names.includes(c));
  const duplicated = names.filter((n, index) => names.indexOf(n) !== index);
  if (unknown.length > 0 || missing.length > 0 || duplicated.length > 0) {
    const problems = [
      unknown.length > 0 ? { zh: `未知列：${unknown.join('、')}`, en: `unknown columns: ${unknown.join(', ')}` } : undefined,
      missing.length > 0 ? { zh: `缺少列：${missing.join('、')}`, en: `missing columns: ${missing.join(', ')}` } : undefined,
      duplicated.length > 0
        ? { zh: `重复列：${duplicated.join('、')}`, en: `duplicated columns: ${duplicated.join(', ')}` }
        : undefined,
    ].filter((p): p is LocalizedText => p !== undefined);
    return {
      entries,
      errors: [
        {
          line: header.line,
          message: {
            zh: `表头应为 ${NEGATIVE_LIST_CSV_COLUMNS.join(',')}：${problems.map((p) => p.zh).join('；')}`,
            en: `The header must be ${NEGATIVE_LIST_CSV_COLUMNS.join(',')}: ${problems.map((p) => p.en).join('; ')}`,
          },
        },
      ],
    };
  }
  for (const row of rows) {
    if (row.error) {
      errors.push({ line: row.line, message: row.error });
      continue;
    }
    if (row.fields.length !== names.length) {
      errors.push({
        line: row.line,
        message: {
          zh: `应有 ${names.length} 个字段，实有 ${row.fields.length} 个`,
          en: `Expected ${names.length} fields, found ${row.fields.length}`,
        },
      });
      continue;
    }
    const input: Record<string, string> = {};
    names.forEach((column, index) => {
      const value = (row.fields[index] ?? '').trim();
      if (value !== '' || column !== 'validTo') input[column] = value;
    });
    const result = negativeListEntrySchema.safeParse(input);
    if (result.success) {
      entries.push(result.data);
      continue;
    }
    const fieldErrors = fieldErrorsWithMessages(result.error.issues, input, NEGATIVE_LIST_MESSAGES);
    errors.push({
      line: row.line,
      message: {
        zh: fieldErrors.map((e) => `${e.pointer.slice(1)}：${e.message.zh}`).join('；'),
        en: fieldErrors.map((e) => `${e.pointer.slice(1)}: ${e.message.en}`).join('; '),
      },
    });
  }
  return { entries, errors };
}

// ---------------------------------------------------------------------------------------------
// Screening


export interface ScreeningReason {
  code: string;
  criterion: ScreeningCriterion;
  message: LocalizedText;
  detail?: string;
}

export interface ScreeningResult {
  outcome: 'recommended' | 'not_recommended';
  reasons: ScreeningReason[];
}

export interface ScreeningRules {
  /** Fewest whole years in operation; 0 lets any existing business pass. */
  minYearsInOperation: number;
  /** Years in operation from which zero annual revenue contradicts continuing operation; null: never. */
  zeroRevenueFlagAfterYears: number | null;
  /** Largest amount as a multiple of annual revenue (revenue counted as at least 1 yuan). */
  maxAmountToRevenueRatio: number;
}

export const screeningRulesSchema = z.strictObject({
  minYearsInOperation: z.number().int().min(0).max(200),
  zeroRevenueFlagAfterYears: z.number().int().min(0).max(200).nullable(),
  maxAmountToRevenueRatio: z.number().positive().max(1_000_000),
});

export const DEFAULT_SCREENING_RULES: Readonly<ScreeningRules> = Object.freeze({
  minYearsInOperation: 0,
  zeroRevenueFlagAfterYears: 1,
  maxAmountToRevenueRatio: 3,
});

/** Entity types eligible whatever their size class. */
export const SIZE_EXEMPT_ENTITY_TYPES: ReadonlySet<string> = new Set([
  'individual_business',
  'farmers_cooperative',
  'family_farm',
]);
export const ELIGIBLE_SIZE_CLASSES: ReadonlySet<string> = new Set(['small', 'micro']);



function reason(code: keyof typeof SCREENING_REASONS, detail?: string): ScreeningReason {
  const spec = SCREENING_REASONS[code];
  return { code, criterion: spec.criterion, message: spec.message, ...(detail !== undefined ? { detail } : {}) };
}

/** Whether the entry is in force on `day` and covers the county of the need. */
function entryApplies(entry: NegativeListEntry, jurisdictions: ReadonlySet<string>, day: string): boolean {
  return jurisdictions.has(entry.jurisdiction) && entry.validFrom <= day && (entry.validTo === undefined || day <= entry.validTo);
}

/** The negative-list entries that exclude the need's enterprise at `now`, in a stable order. */
export function matchingNegativeListEntries(
  record: NeedRecord,
  negativeEntries: readonly NegativeListEntry[],
  now: Date,
): NegativeListEntry[] {
  const { enterprise } = record;
  const jurisdictions = new Set(
    ['000000', enterprise.provinceCode, enterprise.prefectureCode, enterprise.countyCode].filter(
      (code): code is string => code !== undefined,
    ),
  );
  const day = chinaDay(now);
  return negativeEntries
    .filter((entry) => entry.creditCode === enterprise.creditCode && entryApplies(entry, jurisdictions, day))
    .sort(
      (a, b) =>
        compare(a.reasonCode, b.reasonCode) ||
        compare(a.jurisdiction, b.jurisdiction) ||
        compare(a.validFrom, b.validFrom) ||
        compare(a.source, b.source),
    );
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Screens a need onto the lists. Pure: `now` decides which negative-list entries are in force
 * (compared as CST calendar days); `rules` defaults to {@link DEFAULT_SCREENING_RULES}.
 */
export function screenNeed(
  record: NeedRecord,
  negativeEntries: readonly NegativeListEntry[],
  now: Date,
  rules: ScreeningRules = DEFAULT_SCREENING_RULES,
): ScreeningResult {
  const { enterprise, need } = record;
  const reasons: ScreeningReason[] = [];

  // Eligible entity.
  if (!SIZE_EXEMPT_ENTITY_TYPES.has(enterprise.entityType) && !ELIGIBLE_SIZE_CLASSES.has(record.sizeClass)) {
    reasons.push(reason('size_not_eligible', `${enterprise.entityType} ${record.sizeClass}`));
  }

  // Continuing operation.
  if (enterprise.yearsInOperation < rules.minYearsInOperation) {
    reasons.push(
      reason('operating_years_below_minimum', `${enterprise.yearsInOperation} < ${rules.minYearsInOperation} years`),
    );
  }
  if (
    rules.zeroRevenueFlagAfterYears !== null &&
    enterprise.annualRevenueYuan === 0 &&
    enterprise.yearsInOperation >= rules.zeroRevenueFlagAfterYears
  ) {
    reasons.push(reason('no_revenue_while_operating', `revenue 0 after ${enterprise.yearsInOperation} years`));
  }

  // Fixed premises.
  if (enterprise.hasFixedPremises !== true) reasons.push(reason('no_fixed_premises'));

  // Genuine need.
  const ceiling = rules.maxAmountToRevenueRatio * Math.max(enterprise.annualRevenueYuan, 1);
  if (need.amountYuan > ceiling) {
    reasons.push(
      reason(
        'amount_exceeds_revenue_ratio',
        `amount ${need.amountYuan} > ${rules.maxAmountToRevenueRatio} × revenue ${enterprise.annualRevenueYuan}`,
      ),
    );
  }
  if (need.purpose === 'renewal' && need.firstLoan === true) reasons.push(reason('renewal_without_existing_loan'));

  // Lawful purpose.
  if (!(PURPOSES as readonly string[]).includes(need.purpose)) {
    reasons.push(reason('purpose_unknown', String(need.purpose)));
  } else if (need.purpose === 'other' && (need.description ?? '').trim() === '') {
    reasons.push(reason('purpose_other_undescribed'));
  }

  // Good credit standing and the negative list.
  const byReason = new Map<NegativeListReasonCode, NegativeListEntry[]>();
  for (const entry of matchingNegativeListEntries(record, negativeEntries, now)) {
    const list = byReason.get(entry.reasonCode) ?? [];
    list.push(entry);
    byReason.set(entry.reasonCode, list);
  }
  for (const [code, entries] of byReason) {
    const label = NEGATIVE_LIST_REASONS[code];
    reasons.push({
      code: `negative_list.${code}`,
      criterion: 'negative_list',
      message: { zh: `列入负面清单：${label.zh}`, en: `On the negative list: ${label.en}` },
      detail: entries
        .map((e) => `${e.jurisdiction} ${e.source} ${e.validFrom}..${e.validTo ?? ''}`)
        .filter((value, index, all) => all.indexOf(value) === index)
        .join('; '),
    });
  }

  return { outcome: reasons.length === 0 ? 'recommended' : 'not_recommended', reasons };
}
