/**
 * Bulk import of the task force's visits and visit plans (issue 8): the request, the columns, the
 * rows' validation (the single visit's own schema, shared/domain/visit.ts), the import's states and
 * what GET /v1/imports/{importId} shows, the reasons a file or a row is refused (zh and en), and the
 * sweep's decision for an import that stopped moving.
 *
 * An import is `queued` (waiting for its file, or for the worker), `running` (the file is parsed
 * into chunks of {@link IMPORT_LIMITS}.chunkRows rows, then the chunks are written one per worker
 * invocation, the cursor on the import item), then `done` or `failed` (with a {@link ImportFailure}).
 * Each row is accepted or rejected on its own: a rejected row writes nothing; an accepted row is a
 * visit (natural key county + credit code + day: a repeat is accepted and writes nothing) or a plan
 * entry (county + credit code + CST month of the import).
 *
 * Pure module: no I/O, no environment, no clock (instants come in).
 */
import * as z from 'zod';
import { fieldErrorsWithMessages } from './bank';
import type { FieldError, LocalizedText } from './problem';
import { plainText } from './text';
import { VISIT_MESSAGES, VISIT_METHOD_LABELS, VISIT_METHODS, VISIT_OUTCOME_LABELS, VISIT_OUTCOMES, visitSchema, type ValidVisit } from './visit';

export const IMPORT_KINDS = ['visits', 'visit_plan'] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];
export const IMPORT_STATUSES = ['queued', 'running', 'done', 'failed'] as const;
export type ImportStatus = (typeof IMPORT_STATUSES)[number];

export const IMPORT_LIMITS = {
  /** The largest file accepted (bytes as uploaded). */
  maxFileBytes: 20 * 1024 * 1024,
  /** Data rows per file (blank rows not counted); a file with more fails before anything is written. */
  maxRows: 50_000,
  /** Characters per cell: a row with a longer cell is rejected (its cells shortened in the rejected-rows file). */
  maxCellChars: 2_000,
  /** Columns of a file (what the header row may hold). */
  maxColumns: 50,
  /** XLSX: the most bytes all the parts may inflate to, counted while inflating (zip bombs). */
  maxXlsxInflatedBytes: 120 * 1024 * 1024,
  /** XLSX: the most entries in the zip. */
  maxXlsxEntries: 1_000,
  /**
   * Rows one worker invocation writes: well within its 300 s in AWS (about a second there), and
   * within the 60 s the local runtime gives an invocation even on a loaded machine.
   */
  chunkRows: 1_000,
  fileNameLength: 200,
  /** The presigned upload link's validity. */
  uploadUrlSeconds: 900,
  /** The rejected-rows file's presigned link's validity. */
  errorsUrlSeconds: 300,
  /** A queued import whose file never came is failed this long after it was created. */
  uploadWaitMs: 2 * 3_600_000,
  /** A queued import whose file is there but whose event never came is started after this long. */
  missedEventMs: 2 * 60_000,
  /** A running import without a lease and unchanged this long is resumed by the sweep … */
  stalledMs: 60_000,
  /** … at most this many times; then it is failed. */
  maxResumes: 5,
  /** Attempts of one step (parse, or a chunk) that failed on a fault (not the file): then the import fails. */
  maxAttempts: 3,
} as const;

/** A column of the files: its English key, the Chinese header of the template, and whether a row needs it. */
export interface ImportColumn {
  key: string;
  zh: string;
  en: string;
  required: boolean;
}

const VISIT_COLUMNS: readonly ImportColumn[] = [
  { key: 'creditCode', zh: '统一社会信用代码', en: 'Unified social credit code', required: true },
  { key: 'name', zh: '企业名称', en: 'Enterprise name', required: true },
  { key: 'visitedOn', zh: '走访日期', en: 'Visit date', required: true },
  { key: 'method', zh: '走访方式', en: 'Method', required: true },
  { key: 'outcome', zh: '走访结果', en: 'Outcome', required: true },
  { key: 'estimatedAmountYuan', zh: '预计融资金额（元）', en: 'Estimated amount (yuan)', required: false },
  { key: 'note', zh: '备注', en: 'Note', required: false },
];

export const IMPORT_COLUMNS: Readonly<Record<ImportKind, readonly ImportColumn[]>> = {
  visits: VISIT_COLUMNS,
  visit_plan: VISIT_COLUMNS.slice(0, 2),
};

/** The body of POST /v1/imports. `sizeBytes` (optional): the file's size, signed into the upload link. */
export const importRequestSchema = z
  .strictObject({
    kind: z.enum(IMPORT_KINDS).meta({ description: 'visits: visit records; visit_plan: the enterprises planned for visits (the coverage denominator)' }),
    countyCode: z.string().regex(/^\d{6}$/).meta({ description: 'The county the file is for (the caller’s own county)', example: '330106' }),
    fileName: z
      .string()
      .trim()
      .min(1)
      .max(IMPORT_LIMITS.fileNameLength)
      .superRefine(plainText('single'))
      .meta({ description: 'The file’s name as the user chose it (.csv or .xlsx)', example: '11月走访.xlsx' }),
    sizeBytes: z
      .int()
      .min(1)
      .max(IMPORT_LIMITS.maxFileBytes)
      .optional()
      .meta({ description: `The file’s size in bytes (at most ${IMPORT_LIMITS.maxFileBytes}): signed into the upload link as its Content-Length` }),
  })
  .meta({ title: 'ImportRequest' });
export type ImportRequest = z.output<typeof importRequestSchema>;

export const IMPORT_REQUEST_MESSAGES: Record<string, LocalizedText> = {
  kind: { zh: '导入类型应为 visits（走访记录）或 visit_plan（走访计划）', en: 'kind must be visits or visit_plan' },
  countyCode: { zh: '区县代码应为 6 位数字', en: 'countyCode must be 6 digits' },
  fileName: { zh: `文件名应为 1–${IMPORT_LIMITS.fileNameLength} 个字符的一行文字`, en: `fileName must be one line of 1–${IMPORT_LIMITS.fileNameLength} characters` },
  sizeBytes: { zh: '文件不得超过 20 MB', en: 'The file may not exceed 20 MB' },
};

/** The request's field errors, one per field, in Chinese and English. */
export function importRequestErrors(issues: readonly z.core.$ZodIssue[]): FieldError[] {
  const seen = new Set<string>();
  const errors: FieldError[] = [];
  for (const issue of issues) {
    const field = issue.path[0] === undefined ? '' : String(issue.path[0]);
    if (seen.has(field)) continue;
    seen.add(field);
    const message = IMPORT_REQUEST_MESSAGES[field] ?? { zh: `不接受的字段：${issue.code === 'unrecognized_keys' ? issue.keys.join(', ') : field}`, en: `Field not accepted: ${issue.code === 'unrecognized_keys' ? issue.keys.join(', ') : field}` };
    errors.push({ pointer: field ? `/${field}` : '', code: `import.${field || 'body'}`, message });
  }
  return errors;
}

/** The file's format by its name: .xlsx, else CSV. */
export function importFormat(fileName: string): 'csv' | 'xlsx' {
  return /\.xlsx$/i.test(fileName.trim()) ? 'xlsx' : 'csv';
}

// ---------------------------------------------------------------------------------------------
// Why a file fails

export const IMPORT_FAILURES = {
  file_too_large: { zh: `文件超过 20 MB（${IMPORT_LIMITS.maxFileBytes} 字节），请拆分后分别导入`, en: `The file is over 20 MB (${IMPORT_LIMITS.maxFileBytes} bytes): split it and import the parts` },
  empty_file: { zh: '文件没有表头行或没有数据行', en: 'The file has no header row or no data rows' },
  encoding: {
    zh: '无法识别文件编码：CSV 文件应为 UTF-8（可带 BOM）或 GB18030/GBK 编码',
    en: 'The file’s encoding was not recognised: a CSV file must be UTF-8 (with or without BOM) or GB18030/GBK',
  },
  csv_malformed: { zh: 'CSV 格式有误（如引号未闭合），请用表格软件重新另存为 CSV', en: 'The CSV is malformed (e.g. an unclosed quote): save it again as CSV from a spreadsheet program' },
  xlsx_invalid: { zh: '无法读取 XLSX 文件：文件已损坏或不是 Excel 工作簿', en: 'The XLSX file could not be read: it is damaged or not an Excel workbook' },
  xlsx_too_large: {
    zh: `XLSX 文件解压后超过 ${IMPORT_LIMITS.maxXlsxInflatedBytes / 1024 / 1024} MB 或条目过多，已拒绝（疑似压缩炸弹）`,
    en: `The XLSX file inflates to more than ${IMPORT_LIMITS.maxXlsxInflatedBytes / 1024 / 1024} MB or has too many entries: refused (a possible zip bomb)`,
  },
  too_many_rows: {
    zh: `文件超过 ${IMPORT_LIMITS.maxRows} 行数据，请拆分后分别导入（未写入任何记录）`,
    en: `The file has more than ${IMPORT_LIMITS.maxRows} data rows: split it and import the parts (nothing was written)`,
  },
  too_many_columns: { zh: `表头超过 ${IMPORT_LIMITS.maxColumns} 列`, en: `The header row has more than ${IMPORT_LIMITS.maxColumns} columns` },
  not_uploaded: { zh: '未在有效期内上传文件，请重新创建导入', en: 'No file was uploaded in time: create the import again' },
  stalled: { zh: '导入处理多次中断，已停止；已写入的记录保留，可重新导入同一文件（不会重复）', en: 'The import stopped responding too often and was given up; what was written stays, and importing the same file again creates no duplicates' },
  internal: { zh: '导入处理多次出错，已停止；已写入的记录保留，可重新导入同一文件（不会重复）', en: 'The import failed repeatedly and was given up; what was written stays, and importing the same file again creates no duplicates' },
} as const satisfies Record<string, LocalizedText>;
export type ImportFailureCode = keyof typeof IMPORT_FAILURES | 'missing_columns' | 'duplicate_columns';

export interface ImportFailure {
  code: ImportFailureCode;
  zh: string;
  en: string;
}

export function importFailure(code: keyof typeof IMPORT_FAILURES): ImportFailure {
  return { code, ...IMPORT_FAILURES[code] };
}

/** A file the worker cannot import: failed with this reason, never retried. */
export class ImportFileError extends Error {
  constructor(readonly failure: ImportFailure) {
    super(failure.en);
    this.name = 'ImportFileError';
  }
}

// ---------------------------------------------------------------------------------------------
// Header

/** How a header cell is compared: no BOM, no spaces, full-width parentheses as ASCII, case-insensitive. */
function headerForm(cell: string): string {
  return cell
    .replace(/^\uFEFF/, '')
    .replace(/[\s\u3000]+/g, '')
    .replace(/（/g, '(')
    .replace(/）/g, ')')
    .toLowerCase();
}

/** The column index of each key of the kind, or why the header row cannot be used. */
export type HeaderMapping = { ok: true; columns: Record<string, number> } | { ok: false; failure: ImportFailure };

export function mapHeader(kind: ImportKind, header: readonly string[]): HeaderMapping {
  if (header.length > IMPORT_LIMITS.maxColumns) return { ok: false, failure: importFailure('too_many_columns') };
  const columns: Record<string, number> = {};
  const duplicates: string[] = [];
  const forms = header.map(headerForm);
  for (const column of IMPORT_COLUMNS[kind]) {
    const names = new Set([headerForm(column.zh), headerForm(column.key)]);
    const found = forms.flatMap((form, index) => (names.has(form) ? [index] : []));
    if (found.length > 1) duplicates.push(column.zh);
    if (found.length > 0) columns[column.key] = found[0]!;
  }
  if (duplicates.length > 0) {
    return { ok: false, failure: { code: 'duplicate_columns', zh: `表头中以下列重复：${duplicates.join('、')}`, en: `These columns appear more than once in the header row: ${duplicates.join(', ')}` } };
  }
  const missing = IMPORT_COLUMNS[kind].filter((column) => column.required && columns[column.key] === undefined);
  if (missing.length > 0) {
    return {
      ok: false,
      failure: {
        code: 'missing_columns',
        zh: `缺少必填列：${missing.map((c) => `${c.zh}（${c.key}）`).join('、')}。请使用模板的表头`,
        en: `Required columns are missing: ${missing.map((c) => `${c.key} (${c.zh})`).join(', ')}. Use the template's header row`,
      },
    };
  }
  return { ok: true, columns };
}

// ---------------------------------------------------------------------------------------------
// Rows

/** A data row as read from the file: its line (1 = the header row) and its cells as text. */
export interface ImportRow {
  line: number;
  cells: string[];
}

export const isBlankRow = (cells: readonly string[]): boolean => cells.every((cell) => cell.trim() === '');

/** Days from 1899-12-30 (Excel's day 0 in the 1900 system) to 1970-01-01. */
const EXCEL_EPOCH_OFFSET = 25_569;

/**
 * A visit day as spreadsheets write it, as `YYYY-MM-DD`: 2026/11/3, 2026.11.3, 2026年11月3日, or an
 * Excel day number (a date cell exported as a number); anything else as it is (the schema refuses it).
 */
export function normalizeDay(text: string): string {
  const value = text.trim();
  const match = /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$/.exec(value);
  if (match) return `${match[1]}-${match[2]!.padStart(2, '0')}-${match[3]!.padStart(2, '0')}`;
  if (/^\d{5}$/.test(value)) {
    const days = Number(value) - EXCEL_EPOCH_OFFSET;
    return new Date(days * 86_400_000).toISOString().slice(0, 10);
  }
  return value;
}

/** An amount as written (300000, 300,000, 300000.00), as a number when it is one; else the text. */
function amountOf(text: string): number | string {
  const value = text.trim().replace(/[,，\s]/g, '');
  return /^\d+(\.0+)?$/.test(value) ? Number(value) : text;
}

const FIELD_LABELS: Record<string, LocalizedText> = Object.fromEntries(VISIT_COLUMNS.map((c) => [c.key, { zh: c.zh, en: c.key }]));

/** A rejected row's reasons, one per field, in Chinese and English. */
export interface RowRejection {
  zh: string;
  en: string;
}

function rejectionOf(errors: readonly FieldError[]): RowRejection {
  const label = (pointer: string) => FIELD_LABELS[pointer.replace(/^\//, '').split('/')[0] ?? ''];
  return {
    zh: errors.map((e) => `${label(e.pointer)?.zh ?? e.pointer}：${e.message.zh}`).join('；'),
    en: errors.map((e) => `${label(e.pointer)?.en ?? e.pointer}: ${e.message.en}`).join('; '),
  };
}

export type VisitRowResult = { ok: true; visit: ValidVisit } | { ok: false; rejection: RowRejection };
export type PlanRowResult = { ok: true; plan: { creditCode: string; name: string } } | { ok: false; rejection: RowRejection };

/** A row with a cell over the limit: rejected before any field is read. */
function tooLong(cells: readonly string[], columns: Record<string, number>): RowRejection | undefined {
  const index = cells.findIndex((cell) => cell.length > IMPORT_LIMITS.maxCellChars);
  if (index < 0) return undefined;
  const key = Object.entries(columns).find(([, i]) => i === index)?.[0];
  const where = key ? FIELD_LABELS[key]! : { zh: `第 ${index + 1} 列`, en: `column ${index + 1}` };
  return {
    zh: `${where.zh}：单元格超过 ${IMPORT_LIMITS.maxCellChars} 个字符`,
    en: `${where.en}: the cell has more than ${IMPORT_LIMITS.maxCellChars} characters`,
  };
}

/** The row's fields by key; empty optional cells left out. Cells are text: a formula is its text, never evaluated. */
function fieldsOf(cells: readonly string[], columns: Record<string, number>, keys: readonly ImportColumn[]): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  for (const column of keys) {
    const index = columns[column.key];
    const cell = index === undefined ? '' : (cells[index] ?? '');
    if (cell.trim() === '' && !column.required) continue;
    if (column.key === 'visitedOn') input[column.key] = normalizeDay(cell);
    else if (column.key === 'estimatedAmountYuan') input[column.key] = amountOf(cell);
    else input[column.key] = column.key === 'note' ? cell : cell.trim();
  }
  return input;
}

/** A visit row checked with the single visit's schema (`today`: the CST day). No banks present in a file. */
export function parseVisitRow(row: ImportRow, columns: Record<string, number>, today: string): VisitRowResult {
  const long = tooLong(row.cells, columns);
  if (long) return { ok: false, rejection: long };
  const input = fieldsOf(row.cells, columns, VISIT_COLUMNS);
  const result = visitSchema(today).safeParse(input);
  if (result.success) return { ok: true, visit: result.data };
  return { ok: false, rejection: rejectionOf(fieldErrorsWithMessages(result.error.issues, input, VISIT_MESSAGES)) };
}

/** A plan row: the credit code and name, with the visit's (the need form's) rules. */
export function parsePlanRow(row: ImportRow, columns: Record<string, number>, today: string): PlanRowResult {
  const long = tooLong(row.cells, columns);
  if (long) return { ok: false, rejection: long };
  const input = fieldsOf(row.cells, columns, IMPORT_COLUMNS.visit_plan);
  const result = visitSchema(today).pick({ creditCode: true, name: true }).strict().safeParse(input);
  if (result.success) return { ok: true, plan: result.data };
  return { ok: false, rejection: rejectionOf(fieldErrorsWithMessages(result.error.issues, input, VISIT_MESSAGES)) };
}

// ---------------------------------------------------------------------------------------------
// Templates and the rejected-rows file

/** The template's rows: the Chinese header, an example row, and a note of the codes and labels accepted. */
export function templateRows(kind: ImportKind): { header: string[]; rows: string[][] } {
  const header = IMPORT_COLUMNS[kind].map((c) => c.zh);
  if (kind === 'visit_plan') return { header, rows: [['9133010652601815X8', '杭州示例科技有限公司']] };
  const methods = VISIT_METHODS.map((code) => `${VISIT_METHOD_LABELS[code].zh}（${code}）`).join('、');
  const outcomes = VISIT_OUTCOMES.map((code) => `${VISIT_OUTCOME_LABELS[code].zh}（${code}）`).join('、');
  return {
    header,
    rows: [
      ['9133010652601815X8', '杭州示例科技有限公司', '2026-11-30', VISIT_METHOD_LABELS.on_site.zh, VISIT_OUTCOME_LABELS.need_found.zh, '300000', '计划扩大产能，需流动资金'],
      ['', '', '', '', '', '', `说明（导入前删除本行）：走访方式可填 ${methods}；走访结果可填 ${outcomes}；日期为 YYYY-MM-DD；金额、备注可不填`],
    ],
  };
}

/** The rejected-rows file's header: the line, the file's own header, the reasons in Chinese and English. */
export function rejectedHeader(header: readonly string[]): string[] {
  return ['行号 Row', ...header.map(shortened), '原因', 'Reason'];
}

/** A cell as the rejected-rows file shows it: at most the cell limit, marked when cut. */
export function shortened(cell: string): string {
  return cell.length > IMPORT_LIMITS.maxCellChars ? `${cell.slice(0, 100)}…（已截断 truncated）` : cell;
}

export function rejectedRow(row: ImportRow, width: number, rejection: RowRejection): string[] {
  const cells = Array.from({ length: width }, (_, i) => shortened(row.cells[i] ?? ''));
  return [String(row.line), ...cells, rejection.zh, rejection.en];
}

// ---------------------------------------------------------------------------------------------
// The import record and its view

export interface ImportRecord {
  importId: string;
  kind: ImportKind;
  countyCode: string;
  fileName: string;
  format: 'csv' | 'xlsx';
  /** The importing official (the token's `sub`): the officer of imported visits. */
  officer: string;
  createdAt: string;
  updatedAt: string;
  status: ImportStatus;
  /** Set once parsed: data rows, chunks, the header row, and the next chunk to write. */
  rowsTotal?: number;
  chunks?: number;
  cursor?: number;
  header?: string[];
  columns?: Record<string, number>;
  encoding?: string;
  rowsDone: number;
  rowsAccepted: number;
  rowsRejected: number;
  /** Accepted rows that wrote something new (a visit, a plan entry); the rest were already recorded. */
  rowsCreated: number;
  /** Write and read units the rows' writes consumed (ReturnConsumedCapacity). */
  writeUnits: number;
  readUnits: number;
  /** Until when a worker holds the import (an invocation's deadline). */
  leaseUntil?: string;
  /** Attempts of the current step, and resumptions by the sweep. */
  attempts: number;
  resumes: number;
  failure?: ImportFailure;
  /** The S3 key of the rejected-rows file, once there are rejections. */
  errorsKey?: string;
  /** The chunks that had rejections (their parts make the rejected-rows file). */
  errorParts?: number[];
  finishedAt?: string;
}

/** A new import, queued for its file: nothing read, nothing written yet. */
export function newImport(args: { importId: string; kind: ImportKind; countyCode: string; fileName: string; officer: string; now: Date }): ImportRecord {
  const at = args.now.toISOString();
  return {
    importId: args.importId,
    kind: args.kind,
    countyCode: args.countyCode,
    fileName: args.fileName,
    format: importFormat(args.fileName),
    officer: args.officer,
    createdAt: at,
    updatedAt: at,
    status: 'queued',
    rowsDone: 0,
    rowsAccepted: 0,
    rowsRejected: 0,
    rowsCreated: 0,
    writeUnits: 0,
    readUnits: 0,
    attempts: 0,
    resumes: 0,
  };
}

/** GET /v1/imports/{importId}: the contract's fields, and a few more. */
export function importView(record: ImportRecord, errorsUrl: string | null) {
  return {
    importId: record.importId,
    kind: record.kind,
    countyCode: record.countyCode,
    fileName: record.fileName,
    status: record.status,
    rowsTotal: record.rowsTotal ?? null,
    rowsDone: record.rowsDone,
    rowsAccepted: record.rowsAccepted,
    rowsRejected: record.rowsRejected,
    rowsCreated: record.rowsCreated,
    errorsUrl,
    ...(record.failure ? { failure: record.failure } : {}),
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    ...(record.finishedAt ? { finishedAt: record.finishedAt } : {}),
  };
}
export type ImportView = ReturnType<typeof importView>;

export const importViewSchema = z
  .object({
    importId: z.string(),
    kind: z.enum(IMPORT_KINDS),
    countyCode: z.string(),
    fileName: z.string(),
    status: z.enum(IMPORT_STATUSES),
    rowsTotal: z.int().nullable().meta({ description: 'Data rows of the file, once parsed' }),
    rowsDone: z.int(),
    rowsAccepted: z.int().meta({ description: 'Valid rows: written, or already recorded (a repeat writes nothing)' }),
    rowsRejected: z.int(),
    rowsCreated: z.int().meta({ description: 'Accepted rows that wrote a new visit or plan entry' }),
    errorsUrl: z.string().nullable().meta({ description: 'Once there are rejections: a presigned GET (5 minutes) of the rejected rows, CSV (UTF-8 with BOM), the original columns plus 原因 / Reason' }),
    failure: z.object({ code: z.string(), zh: z.string(), en: z.string() }).optional(),
    createdAt: z.string(),
    updatedAt: z.string(),
    finishedAt: z.string().optional(),
  })
  .meta({ title: 'ImportStatus' });

// ---------------------------------------------------------------------------------------------
// The sweep

export type SweepDecision =
  | { kind: 'leave' }
  | { kind: 'start' }
  | { kind: 'resume' }
  | { kind: 'fail'; failure: ImportFailure }
  | { kind: 'forget' };

/**
 * What the scheduled sweep does with an open import at `now`: a finished one leaves the open list;
 * a queued one whose file is there (its event lost) starts, whose file never came fails; a running
 * one that no worker holds and that has not moved for a while resumes, or fails after too many
 * resumptions.
 */
export function sweepDecision(record: ImportRecord, now: Date, uploaded: boolean, stalledMs: number = IMPORT_LIMITS.stalledMs): SweepDecision {
  const age = (instant: string) => now.getTime() - Date.parse(instant);
  if (record.status === 'done' || record.status === 'failed') return { kind: 'forget' };
  if (record.status === 'queued') {
    if (uploaded) return age(record.updatedAt) > IMPORT_LIMITS.missedEventMs ? { kind: 'start' } : { kind: 'leave' };
    return age(record.createdAt) > IMPORT_LIMITS.uploadWaitMs ? { kind: 'fail', failure: importFailure('not_uploaded') } : { kind: 'leave' };
  }
  const held = record.leaseUntil !== undefined && Date.parse(record.leaseUntil) > now.getTime();
  if (held || age(record.updatedAt) <= stalledMs) return { kind: 'leave' };
  return record.resumes >= IMPORT_LIMITS.maxResumes ? { kind: 'fail', failure: importFailure('stalled') } : { kind: 'resume' };
}

/** The CST month `YYYY-MM` and day of an instant (a plan's month is that of its import). */
export function chinaMonthOf(day: string): string {
  return day.slice(0, 7);
}
