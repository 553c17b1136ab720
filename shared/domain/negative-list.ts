/**
 * The negative list (负面清单): entries kept by county task forces, regulators and operators, which
 * screening consults (./screening.ts). One entry excludes one credit code for one reason code within
 * one jurisdiction (000000, a province, a prefecture or a county) from `validFrom` to `validTo`
 * (inclusive; absent = open-ended).
 *
 * Here: the entry's shape ({@link negativeListEntrySchema}), its CSV (RFC 4180, the columns
 * `creditCode,jurisdiction,reasonCode,source,validFrom,validTo`: {@link readNegativeListCsv}, used by
 * the CLI and the workspace's import alike), the file's encoding ({@link decodeCsvBytes}: UTF-8 with
 * or without BOM, or GB18030 as Chinese Excel writes it), and the workspace's register: an entry as
 * a county records it (who, when, a note), what an addition and an expiry may say, and an entry's
 * status on a day.
 *
 * Pure module: no I/O, no environment, no clock (pass the CST day).
 */
import * as z from 'zod';
import { NEGATIVE_LIST_REASONS, NEGATIVE_LIST_REASON_CODES } from './reasons';
import { validateCreditCode } from './credit-code';
import { canonicalDivisionCode } from './divisions';
import { MESSAGES } from './validation-messages';
import type { FieldError, LocalizedText } from './problem';
import { fieldErrorsWithMessages } from './bank';
import { isCalendarDay, shiftDay } from './working-days';



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

const creditCode = z.string(err('negative_list.credit_code_length')).transform((raw, ctx) => {
  const result = validateCreditCode(raw);
  if (result.ok) return result.value;
  ctx.addIssue({ code: 'custom', message: CREDIT_CODE_PROBLEM[result.problem], input: raw });
  return z.NEVER;
});
const reasonCode = z.enum(NEGATIVE_LIST_REASON_CODES, err('negative_list.reason_code'));
const source = z
  .string(err('negative_list.source'))
  .transform((value) => value.trim().replace(/\s+/g, ' '))
  .pipe(z.string().min(1, err('negative_list.source')).max(200, err('negative_list.source')));

/** validTo (inclusive) not before validFrom. */
function checkWindow(entry: { validFrom: string; validTo?: string | undefined }, ctx: z.RefinementCtx): void {
  if (entry.validTo !== undefined && entry.validTo < entry.validFrom) {
    ctx.addIssue({ code: 'custom', message: 'negative_list.window', path: ['validTo'], input: entry.validTo });
  }
}

export const negativeListEntrySchema = z
  .strictObject({
    creditCode,
    jurisdiction: z.string(err('negative_list.jurisdiction')).transform((raw, ctx) => {
      const division = canonicalDivisionCode(raw);
      if (division) return division;
      ctx.addIssue({ code: 'custom', message: 'negative_list.jurisdiction', input: raw });
      return z.NEVER;
    }),
    reasonCode,
    source,
    validFrom: calendarDay,
    validTo: calendarDay.optional(),
  })
  .superRefine(checkWindow);

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
  const read = readNegativeListCsv(text);
  if (!read.ok) return { entries: [], errors: [read.error] };
  return {
    entries: read.rows.flatMap((row) => (row.ok ? [row.entry] : [])),
    errors: read.rows.flatMap((row) => (row.ok ? [] : [{ line: row.line, message: row.message }])),
  };
}

/** One data record of a negative-list CSV: the entry it holds, or what is wrong with it. */
export type NegativeListCsvRow = { line: number; ok: true; entry: NegativeListEntry } | { line: number; ok: false; message: LocalizedText };

/**
 * The records of a negative-list CSV, each with its line, in file order (see
 * {@link parseNegativeListCsv} for the format); a file whose header is wrong is one error.
 */
export function readNegativeListCsv(text: string): { ok: true; rows: NegativeListCsvRow[] } | { ok: false; error: CsvLineError } {
  const out: NegativeListCsvRow[] = [];
  const rows = readCsv(text).filter((record) => !isBlank(record));
  const header = rows.shift();
  if (!header) {
    return { ok: false, error: { line: 1, message: { zh: '文件为空，缺少表头', en: 'The file is empty: no header line' } } };
  }
  if (header.error) return { ok: false, error: { line: header.line, message: header.error } };
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
      ok: false,
      error: {
        line: header.line,
        message: {
          zh: `表头应为 ${NEGATIVE_LIST_CSV_COLUMNS.join(',')}：${problems.map((p) => p.zh).join('；')}`,
          en: `The header must be ${NEGATIVE_LIST_CSV_COLUMNS.join(',')}: ${problems.map((p) => p.en).join('; ')}`,
        },
      },
    };
  }
  for (const row of rows) {
    if (row.error) {
      out.push({ line: row.line, ok: false, message: row.error });
      continue;
    }
    if (row.fields.length !== names.length) {
      out.push({
        line: row.line,
        ok: false,
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
      out.push({ line: row.line, ok: true, entry: result.data });
      continue;
    }
    const fieldErrors = fieldErrorsWithMessages(result.error.issues, input, NEGATIVE_LIST_MESSAGES);
    out.push({
      line: row.line,
      ok: false,
      message: {
        zh: fieldErrors.map((e) => `${e.pointer.slice(1)}：${e.message.zh}`).join('；'),
        en: fieldErrors.map((e) => `${e.pointer.slice(1)}: ${e.message.en}`).join('; '),
      },
    });
  }
  return { ok: true, rows: out };
}

// ---------------------------------------------------------------------------------------------
// The file's encoding

export type DecodedCsv = { ok: true; text: string; encoding: 'utf-8' | 'gb18030' } | { ok: false; message: LocalizedText };

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
const GB18030 = new TextDecoder('gb18030', { fatal: true });

/**
 * The text of a CSV file's bytes: UTF-8 (a BOM is dropped) when they are valid UTF-8, else GB18030
 * (a superset of GBK and GB2312, what Chinese Excel writes as "CSV"). Bytes that are neither, and
 * UTF-16 or binary files (a NUL byte), are refused with a bilingual message: nothing is guessed.
 * The visit imports decode by the same rule (decodeCsv in shared/adapters/import-files.ts, which
 * throws their import failure): one of the two can serve both.
 */
export function decodeCsvBytes(bytes: Uint8Array): DecodedCsv {
  const refused: DecodedCsv = {
    ok: false,
    message: {
      zh: '无法识别文件编码：请以 UTF-8（可带 BOM）或 GB18030/GBK 编码保存 CSV 文件',
      en: 'The file’s encoding is not recognised: save the CSV as UTF-8 (with or without BOM) or GB18030/GBK',
    },
  };
  if (bytes.includes(0)) return refused;
  try {
    return { ok: true, text: UTF8.decode(bytes), encoding: 'utf-8' };
  } catch {
    // not UTF-8: try GB18030 below
  }
  try {
    return { ok: true, text: GB18030.decode(bytes), encoding: 'gb18030' };
  } catch {
    return refused;
  }
}

// ---------------------------------------------------------------------------------------------
// The workspace's register: entries as a county records them

/** The longest note on an entry (the officer's own words; not shown to banks or in screening). */
export const NEGATIVE_LIST_NOTE_MAX = 500;
/** The largest import file, in bytes, and the most data rows in it. */
export const NEGATIVE_LIST_IMPORT_MAX_BYTES = 1024 * 1024;
export const NEGATIVE_LIST_IMPORT_MAX_ROWS = 5000;

export const NEGATIVE_LIST_WORKSPACE_MESSAGES = {
  ...NEGATIVE_LIST_MESSAGES,
  'negative_list.note': { zh: `备注不得超过 ${NEGATIVE_LIST_NOTE_MAX} 个字`, en: `The note may not exceed ${NEGATIVE_LIST_NOTE_MAX} characters` },
  'negative_list.expiry_before_now': {
    zh: '失效日期不得早于昨天（如需立即失效，请不填日期）',
    en: 'validTo may not be before yesterday (to expire the entry now, send no date)',
  },
  'negative_list.expiry_later': {
    zh: '只能提前失效：新的有效期止不得晚于原有效期止',
    en: 'An expiry can only bring the end forward: validTo may not be after the entry’s current validTo',
  },
} as const satisfies Record<string, LocalizedText>;

const note = z
  .string({ error: 'negative_list.note' })
  .transform((value) => value.trim())
  .pipe(z.string().max(NEGATIVE_LIST_NOTE_MAX, { error: 'negative_list.note' }));

/** What `POST /v1/counties/{countyCode}/negative-list` takes: the county is the jurisdiction. */
export const negativeListAdditionSchema = z
  .strictObject({
    creditCode,
    reasonCode,
    source,
    /** Default: the CST day of the request. */
    validFrom: calendarDay.optional(),
    validTo: calendarDay.optional(),
    note: note.optional(),
  })
  .superRefine((value, ctx) => {
    if (value.validFrom !== undefined) checkWindow({ validFrom: value.validFrom, ...(value.validTo ? { validTo: value.validTo } : {}) }, ctx);
  });

/** What `POST …/negative-list/{entryId}/expiry` takes: no date = now (yesterday is the last day in force). */
export const negativeListExpirySchema = z.strictObject({ validTo: calendarDay.optional() });

export interface NegativeListAddition {
  entry: NegativeListEntry;
  note?: string;
}

/** An addition for the county (its jurisdiction), validFrom defaulting to `today`; or the fields in error. */
export function parseNegativeListAddition(
  input: unknown,
  countyCode: string,
  today: string,
): { ok: true; addition: NegativeListAddition } | { ok: false; errors: FieldError[] } {
  const result = negativeListAdditionSchema.safeParse(input);
  if (!result.success) return { ok: false, errors: fieldErrorsWithMessages(result.error.issues, input, NEGATIVE_LIST_WORKSPACE_MESSAGES) };
  const { note: text, validFrom = today, validTo, ...rest } = result.data;
  if (validTo !== undefined && validTo < validFrom) {
    return { ok: false, errors: [{ pointer: '/validTo', code: 'negative_list.window', message: NEGATIVE_LIST_MESSAGES['negative_list.window'] }] };
  }
  const entry: NegativeListEntry = { ...rest, jurisdiction: countyCode, validFrom, ...(validTo !== undefined ? { validTo } : {}) };
  return { ok: true, addition: { entry, ...(text ? { note: text } : {}) } };
}

/** An entry in the register, as stored and answered (less its status, which depends on the day). */
export interface NegativeListRecord {
  /** Stable: derived from the entry's key (jurisdiction, credit code, reason code, validFrom). */
  entryId: string;
  entry: NegativeListEntry;
  note?: string;
  /** Expired before it came into force: no longer consulted by screening at all. */
  withdrawnAt?: string;
  recordedAt: string;
  /** The official's token `sub` (or `cli:<user>` for the operator CLI). */
  recordedBy: string;
  updatedAt: string;
  updatedBy: string;
  /** Incremented by every change: the store's writes are conditional on it. */
  version: number;
}

export const NEGATIVE_LIST_STATUSES = ['in_force', 'scheduled', 'expired', 'withdrawn'] as const;
export type NegativeListStatus = (typeof NEGATIVE_LIST_STATUSES)[number];

/** What screening does with the entry on `today` (CST): excludes (in force), not yet, not any more. */
export function negativeListStatus(record: Pick<NegativeListRecord, 'entry' | 'withdrawnAt'>, today: string): NegativeListStatus {
  if (record.withdrawnAt !== undefined) return 'withdrawn';
  if (record.entry.validTo !== undefined && record.entry.validTo < today) return 'expired';
  if (record.entry.validFrom > today) return 'scheduled';
  return 'in_force';
}

/** Whether a new recording of an entry changes what is stored (else it is the same entry again); no note keeps the note there. */
export function sameRecording(record: Pick<NegativeListRecord, 'entry' | 'note' | 'withdrawnAt'>, addition: NegativeListAddition): boolean {
  const a = record.entry;
  const b = addition.entry;
  return (
    record.withdrawnAt === undefined &&
    a.creditCode === b.creditCode &&
    a.jurisdiction === b.jurisdiction &&
    a.reasonCode === b.reasonCode &&
    a.source === b.source &&
    a.validFrom === b.validFrom &&
    a.validTo === b.validTo &&
    (addition.note === undefined || (record.note ?? '') === addition.note)
  );
}

/** An entry as the API answers it: the record, flat, with its reason's label and status on `today`. */
export function negativeListView(record: NegativeListRecord, today: string) {
  const { entry } = record;
  return {
    entryId: record.entryId,
    creditCode: entry.creditCode,
    jurisdiction: entry.jurisdiction,
    reasonCode: entry.reasonCode,
    reason: NEGATIVE_LIST_REASONS[entry.reasonCode],
    source: entry.source,
    validFrom: entry.validFrom,
    ...(entry.validTo !== undefined ? { validTo: entry.validTo } : {}),
    ...(record.note !== undefined ? { note: record.note } : {}),
    status: negativeListStatus(record, today),
    ...(record.withdrawnAt !== undefined ? { withdrawnAt: record.withdrawnAt } : {}),
    recordedAt: record.recordedAt,
    recordedBy: record.recordedBy,
    updatedAt: record.updatedAt,
    updatedBy: record.updatedBy,
  };
}
export type NegativeListView = ReturnType<typeof negativeListView>;

export type ExpiryDecision =
  | { ok: true; kind: 'expire'; entry: NegativeListEntry }
  /** The last day in force falls before the entry's first: it never applies, screening drops it. */
  | { ok: true; kind: 'withdraw' }
  | { ok: false; status: 400; error: FieldError }
  | { ok: false; status: 409; message: LocalizedText };

/**
 * The expiry of an entry on `today` (CST): without a date, yesterday is its last day in force (so
 * screening from today on no longer sees it); with one, that day is, from yesterday on, never after
 * the current end. An entry whose last day would fall before its first is withdrawn. An entry
 * already expired or withdrawn cannot be expired again (409).
 */
export function decideExpiry(record: Pick<NegativeListRecord, 'entry' | 'withdrawnAt'>, validTo: string | undefined, today: string): ExpiryDecision {
  const status = negativeListStatus(record, today);
  if (status === 'withdrawn' || status === 'expired') {
    return { ok: false, status: 409, message: { zh: '该条目已失效', en: 'This entry has already expired' } };
  }
  const yesterday = shiftDay(today, -1);
  const lastDay = validTo ?? yesterday;
  const fieldError = (code: keyof typeof NEGATIVE_LIST_WORKSPACE_MESSAGES) => ({
    ok: false as const,
    status: 400 as const,
    error: { pointer: '/validTo', code, message: NEGATIVE_LIST_WORKSPACE_MESSAGES[code] },
  });
  if (lastDay < yesterday) return fieldError('negative_list.expiry_before_now');
  if (record.entry.validTo !== undefined && lastDay > record.entry.validTo) return fieldError('negative_list.expiry_later');
  if (lastDay < record.entry.validFrom) return { ok: true, kind: 'withdraw' };
  return { ok: true, kind: 'expire', entry: { ...record.entry, validTo: lastDay } };
}

// ---------------------------------------------------------------------------------------------
// A county's import

/** One row's fate in an import, with the line it starts on (the header is line 1). */
export type ImportRowResult =
  | { line: number; status: 'added' | 'updated' | 'unchanged'; entryId: string; creditCode: string }
  | { line: number; status: 'rejected'; message: LocalizedText }
  /** Not reached before the request's deadline: import the file again (rows already written stay as they are). */
  | { line: number; status: 'not_processed'; message: LocalizedText };

export const NOT_PROCESSED: LocalizedText = {
  zh: '本次未能处理该行：请重新导入同一文件（已导入的行不会重复）',
  en: 'This row was not reached: import the same file again (rows already imported are not repeated)',
};

export type ImportPlan =
  | { ok: true; work: { line: number; entry: NegativeListEntry }[]; rejected: ImportRowResult[]; rowsTotal: number }
  | { ok: false; errors: FieldError[] };

/**
 * What a county's import will write: the file decoded and read (as the CLI reads it), at most
 * {@link NEGATIVE_LIST_IMPORT_MAX_ROWS} rows, each row's jurisdiction the county itself (a wider one
 * is an admin's, through the CLI). A key repeated in the file: the last line is imported, the
 * earlier ones are rejected naming it. A file that cannot be read at all is refused whole (nothing
 * written): wrong encoding, wrong header, too many rows.
 */
export function planNegativeListImport(bytes: Uint8Array, countyCode: string): ImportPlan {
  const fileError = (code: string, message: LocalizedText): ImportPlan => ({ ok: false, errors: [{ pointer: '', code, message }] });
  const decoded = decodeCsvBytes(bytes);
  if (!decoded.ok) return fileError('file.encoding', decoded.message);
  const read = readNegativeListCsv(decoded.text);
  if (!read.ok) return fileError('file.header', { zh: `第 ${read.error.line} 行：${read.error.message.zh}`, en: `Line ${read.error.line}: ${read.error.message.en}` });
  if (read.rows.length === 0) return fileError('file.empty', { zh: '文件中没有数据行', en: 'The file has no data rows' });
  if (read.rows.length > NEGATIVE_LIST_IMPORT_MAX_ROWS) {
    return fileError('file.rows', {
      zh: `一次最多导入 ${NEGATIVE_LIST_IMPORT_MAX_ROWS} 行，本文件有 ${read.rows.length} 行：请拆分后导入`,
      en: `At most ${NEGATIVE_LIST_IMPORT_MAX_ROWS} rows per import, this file has ${read.rows.length}: split it`,
    });
  }
  const rejected: ImportRowResult[] = [];
  const byKey = new Map<string, { line: number; entry: NegativeListEntry }>();
  for (const row of read.rows) {
    if (!row.ok) {
      rejected.push({ line: row.line, status: 'rejected', message: row.message });
      continue;
    }
    if (row.entry.jurisdiction !== countyCode) {
      rejected.push({
        line: row.line,
        status: 'rejected',
        message: {
          zh: `jurisdiction：应为本区县 ${countyCode}（${row.entry.jurisdiction} 不是本区县）`,
          en: `jurisdiction: must be this county, ${countyCode} (not ${row.entry.jurisdiction})`,
        },
      });
      continue;
    }
    const key = negativeListKey(row.entry);
    const earlier = byKey.get(key);
    if (earlier) {
      rejected.push({
        line: earlier.line,
        status: 'rejected',
        message: {
          zh: `与第 ${row.line} 行为同一条目（信用代码、原因、有效期起相同），以第 ${row.line} 行为准`,
          en: `The same entry as line ${row.line} (credit code, reason, validFrom): line ${row.line} is imported`,
        },
      });
    }
    byKey.set(key, { line: row.line, entry: row.entry });
  }
  const work = [...byKey.values()].sort((a, b) => a.line - b.line);
  return { ok: true, work, rejected, rowsTotal: read.rows.length };
}

/** The key of an entry: one per jurisdiction, credit code, reason code and first day. */
export function negativeListKey(entry: Pick<NegativeListEntry, 'jurisdiction' | 'creditCode' | 'reasonCode' | 'validFrom'>): string {
  return `${entry.jurisdiction}#${entry.creditCode}#${entry.reasonCode}#${entry.validFrom}`;
}

/** The results in line order, and their counts. */
export function importSummary(results: readonly ImportRowResult[]) {
  const rows = [...results].sort((a, b) => a.line - b.line);
  const count = (...statuses: ImportRowResult['status'][]) => rows.filter((r) => statuses.includes(r.status)).length;
  return {
    rowsTotal: rows.length,
    rowsAccepted: count('added', 'updated', 'unchanged'),
    rowsAdded: count('added'),
    rowsUpdated: count('updated'),
    rowsUnchanged: count('unchanged'),
    rowsRejected: count('rejected'),
    rowsNotProcessed: count('not_processed'),
    rows,
  };
}
