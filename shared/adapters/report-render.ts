/**
 * Regulator report files: one report (full or public edition, see shared/domain/report.ts) rendered
 * as JSON, CSV, XLSX or a self-contained HTML page. Every renderer is a function of the report alone
 * (no clock, no environment, no randomness): re-rendering a period gives byte-identical files.
 * The report is validated against its schema first (a TypeError names the offending fields).
 *
 * Cells, in every format:
 * - Public edition: a cell listed in `suppressed` is shown as `*` (CSV, XLSX, HTML; JSON keeps its
 *   `null` and the `suppressed` list). A cell listed there is never shown, whatever its value.
 * - A `null` that is not listed (not applicable: no rate or share when nothing was granted, no
 *   median without timed observations) is an empty cell in CSV and XLSX and `—` in HTML.
 * - A reason missing from a `byReason` breakdown is 0 (breakdowns list non-zero reasons only).
 *
 * Formats:
 * - **JSON**: the report with keys in a fixed order (the order of the issue and of report.ts;
 *   `byReason` keys sorted), 2-space indent, trailing newline.
 * - **CSV** (RFC 4180): UTF-8 with a byte-order mark (so Excel detects UTF-8 and shows Chinese),
 *   CRLF line ends, fields quoted when they hold `"`, `,`, CR or LF. A header row of bilingual
 *   column names (`行政区划代码 Division code`), then one row for the division itself (`本级合计
 *   Division total`) and one per child (`下级 Child`). Measures are flattened: one column per
 *   measure, and one per reason of each breakdown — every known reason in a fixed order (so files of
 *   different periods and divisions have the same columns), then unknown codes found in the report.
 *   Numbers are plain (`1234500`, `0.4321`; no grouping, ratios as fractions). Text cells that
 *   start with `=`, `+`, `-`, `@`, tab or CR get a leading `'` (spreadsheet formula injection).
 *   Banks are not in the CSV (a different table): see JSON, XLSX and HTML.
 * - **XLSX** (exceljs): sheets `总计 Totals` (one row per field and measure, with its JSON
 *   Pointer), the level below (`省级 Provinces`, `地市级 Prefectures`, `县级 Counties`, or
 *   `下级 Children` when the children are of mixed levels or there are none) with the CSV's columns,
 *   and `银行 Banks`. Numbers are numeric cells with number formats. Determinism: exceljs stamps
 *   `new Date()` into the workbook properties (set here from `generatedAt`) and JSZip stamps it into
 *   every zip entry's DOS time and date, which neither exceljs nor JSZip's generate options let a
 *   caller set; {@link fixZipTimes} rewrites those header fields to `generatedAt` (China time).
 * - **HTML**: one page, no script, no external resource (a Content-Security-Policy meta tag forbids
 *   them), `lang="zh-CN"`, Chinese headings with English labels, the funnel and the children's
 *   granted amounts as inline SVG bar charts, tables of totals, reasons, children and banks.
 *   In the public edition, a suppressed child is drawn without a bar, after the published ones (its
 *   position in an ordered chart would tell its size).
 */
import ExcelJS from 'exceljs';
import type { DivisionLevel } from '../domain/divisions';
import { parsePeriod, publicReportSchema, reportSchema, type PublicReport, type Report, type ReportDivision } from '../domain/report';
import {
  type TotalsMeasure,
  BANK_LABELS,
  CHILD_LEVEL_LABELS,
  CHILDREN_LABEL,
  EDITION_LABELS,
  FIELD_LABELS,
  FUNNEL_STAGES,
  LEVEL_LABELS,
  REASON_CODES,
  REASON_KIND_LABELS,
  TOTALS_LABELS,
  bilingual,
  reasonColumnLabel,
  reasonLabel,
  type LocalizedText,
  type ReasonKind,
} from '../domain/report-labels';
import { jsonPointer } from '../domain/suppression';

export const REPORT_FORMATS = ['json', 'csv', 'xlsx', 'html'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** Either edition. */
export type RenderableReport = Report | PublicReport;

const CONTENT_TYPES: Readonly<Record<ReportFormat, string>> = Object.freeze({
  json: 'application/json; charset=utf-8',
  csv: 'text/csv; charset=utf-8; header=present',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  html: 'text/html; charset=utf-8',
});

/** The Content-Type of a format (for S3 objects and downloads). Throws RangeError for anything else. */
export function contentTypeOf(format: ReportFormat): string {
  if (!Object.hasOwn(CONTENT_TYPES, format)) throw new RangeError(`not a report format: ${String(format)}`);
  return CONTENT_TYPES[format];
}

/** One file of a report: its format, bytes and Content-Type. */
export interface RenderedFile {
  format: ReportFormat;
  body: Buffer;
  contentType: string;
}

/**
 * Every format of one report, in {@link REPORT_FORMATS} order, from one validation of the report
 * (the per-format functions each validate their input). Throws a TypeError naming the offending
 * fields when the report does not match its edition's schema.
 */
export async function renderReport(report: RenderableReport): Promise<RenderedFile[]> {
  const valid = checked(report);
  const bodies: Record<ReportFormat, Buffer> = {
    json: jsonOf(valid),
    csv: csvOf(valid),
    xlsx: await xlsxOf(valid),
    html: htmlOf(valid),
  };
  return REPORT_FORMATS.map((format) => ({ format, body: bodies[format], contentType: CONTENT_TYPES[format] }));
}

// ---------------------------------------------------------------------------------------------
// Validation and cells

function checked(report: RenderableReport): RenderableReport {
  const result = report.edition === 'public' ? publicReportSchema.safeParse(report) : reportSchema.safeParse(report);
  if (!result.success) {
    const issues = result.error.issues.map((i) => `${jsonPointer(i.path.map((s) => (typeof s === 'symbol' ? String(s) : s)))}: ${i.message}`);
    throw new TypeError(`not a valid ${String(report.edition)} report: ${issues.join('; ')}`);
  }
  return report;
}

const SUPPRESSED = Symbol('suppressed');
/** A table cell: text, a number, suppressed, or null (not applicable). */
type Cell = string | number | null | typeof SUPPRESSED;
type Kind = 'text' | 'count' | 'amount' | 'share' | 'bp' | 'days';

interface Measure {
  label: LocalizedText;
  /** Path below the totals or the bank. */
  path: readonly string[];
  kind: Kind;
  /** A byReason entry: missing means 0. */
  reason?: boolean;
}

const pathOf = (pointer: string): string[] => pointer.split('/').slice(1);

function kindOf(pointer: string): Kind {
  if (pointer.endsWith('/amountYuan')) return 'amount';
  if (pointer === '/creditLoanShare' || pointer === '/acceptanceRate') return 'share';
  if (pointer === '/weightedAnnualRateBp') return 'bp';
  if (pointer.startsWith('/median')) return 'days';
  return 'count';
}

type ReasonCodes = Readonly<Record<ReasonKind, readonly string[]>>;

/** Known reasons in their fixed order, then unknown codes found in the report's breakdowns, sorted. */
function reasonCodesOf(report: RenderableReport): ReasonCodes {
  const all = [report.totals, ...report.children.map((c) => c.totals)];
  const codes = (kind: ReasonKind): string[] => {
    const known = new Set(REASON_CODES[kind]);
    const extra = new Set<string>();
    for (const t of all) for (const code of Object.keys(t[kind].byReason)) if (!known.has(code)) extra.add(code);
    return [...REASON_CODES[kind], ...[...extra].sort()];
  };
  return { notRecommended: codes('notRecommended'), declined: codes('declined') };
}

/** The measures of totals, each breakdown followed by one column per reason. */
function totalsMeasures(reasons: ReasonCodes | undefined): Measure[] {
  const measures: Measure[] = [];
  for (const [pointer, label] of Object.entries(TOTALS_LABELS)) {
    measures.push({ label, path: pathOf(pointer), kind: kindOf(pointer) });
    const kind = pointer === '/notRecommended/total' ? 'notRecommended' : pointer === '/declined/total' ? 'declined' : undefined;
    if (kind && reasons) {
      for (const code of reasons[kind]) {
        measures.push({ label: reasonColumnLabel(kind, code), path: [kind, 'byReason', code], kind: 'count', reason: true });
      }
    }
  }
  return measures;
}

const BANK_MEASURES: readonly Measure[] = Object.entries(BANK_LABELS).map(([pointer, label]) => ({
  label,
  path: pathOf(pointer),
  kind: kindOf(pointer),
}));

function valueAt(source: unknown, path: readonly string[]): unknown {
  let value = source;
  for (const segment of path) {
    if (value === null || typeof value !== 'object' || !Object.hasOwn(value, segment)) return undefined;
    value = (value as Record<string, unknown>)[segment];
  }
  return value;
}

/** Suppressed pointers of the report (empty for the full edition). */
const suppressedOf = (report: RenderableReport): ReadonlySet<string> => new Set(report.edition === 'public' ? report.suppressed : []);

/** The cell of `measure` in `source`, which sits at `base` in the report. */
function measureCell(source: unknown, base: readonly (string | number)[], measure: Measure, suppressed: ReadonlySet<string>): Cell {
  if (suppressed.has(jsonPointer([...base, ...measure.path]))) return SUPPRESSED;
  const value = valueAt(source, measure.path);
  if (value === undefined) return measure.reason ? 0 : null;
  return typeof value === 'number' ? value : null;
}

interface Column {
  /** `period`, `code`, `name`, `nameEn`, `level`, `row`, `bankId`, `bankName`, `bankNameEn`, or the measure's pointer. */
  key: string;
  label: LocalizedText;
  kind: Kind;
  reason?: boolean;
}

interface Table {
  columns: Column[];
  rows: Cell[][];
}

const measureColumn = (m: Measure): Column => ({ key: jsonPointer(m.path), label: m.label, kind: m.kind, ...(m.reason ? { reason: true } : {}) });

const levelText = (level: DivisionLevel): string => bilingual(LEVEL_LABELS[level]);

/** Division rows: optionally the period and row-type columns, the division itself, the children. */
function divisionTable(report: RenderableReport, options: { withPeriod: boolean; withTotalRow: boolean }): Table {
  const measures = totalsMeasures(reasonCodesOf(report));
  const suppressed = suppressedOf(report);
  const columns: Column[] = [
    ...(options.withPeriod ? [{ key: 'period', label: FIELD_LABELS.period, kind: 'text' as const }] : []),
    { key: 'code', label: FIELD_LABELS.divisionCode, kind: 'text' },
    { key: 'name', label: FIELD_LABELS.divisionName, kind: 'text' },
    { key: 'nameEn', label: FIELD_LABELS.divisionNameEn, kind: 'text' },
    { key: 'level', label: FIELD_LABELS.level, kind: 'text' },
    ...(options.withTotalRow ? [{ key: 'row', label: FIELD_LABELS.row, kind: 'text' as const }] : []),
    ...measures.map(measureColumn),
  ];
  const row = (division: ReportDivision, rowType: LocalizedText, totals: unknown, base: (string | number)[]): Cell[] => [
    ...(options.withPeriod ? [report.period] : []),
    division.code,
    division.name,
    division.nameEn ?? null,
    levelText(division.level),
    ...(options.withTotalRow ? [bilingual(rowType)] : []),
    ...measures.map((m) => measureCell(totals, base, m, suppressed)),
  ];
  const rows: Cell[][] = [];
  if (options.withTotalRow) rows.push(row(report.division, FIELD_LABELS.divisionTotal, report.totals, ['totals']));
  report.children.forEach((child, i) => rows.push(row(child.division, FIELD_LABELS.child, child.totals, ['children', i, 'totals'])));
  return { columns, rows };
}

function bankTable(report: RenderableReport): Table {
  const suppressed = suppressedOf(report);
  return {
    columns: [
      { key: 'bankId', label: FIELD_LABELS.bankId, kind: 'text' },
      { key: 'bankName', label: FIELD_LABELS.bankName, kind: 'text' },
      { key: 'bankNameEn', label: FIELD_LABELS.bankNameEn, kind: 'text' },
      ...BANK_MEASURES.map(measureColumn),
    ],
    rows: report.banks.map((bank, i) => [
      bank.bankId,
      bank.name?.zh ?? null,
      bank.name?.en ?? null,
      ...BANK_MEASURES.map((m) => measureCell(bank, ['banks', i], m, suppressed)),
    ]),
  };
}

/** `generatedAt` as China Standard Time, `YYYY-MM-DD HH:mm:ss`. */
function chinaTime(iso: string): string {
  const d = new Date(Date.parse(iso) + 8 * 3_600_000);
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

const PERIOD_KIND_LABELS = {
  day: { zh: '日报', en: 'Daily' },
  month: { zh: '月报', en: 'Monthly' },
  monthToDate: { zh: '月初至今', en: 'Month to date' },
} as const satisfies Record<string, LocalizedText>;

/** `2026-11（月报 Monthly，2026-11-01 至 2026-11-30）`. */
function periodText(id: string): { zh: string; en: string } {
  const period = parsePeriod(id);
  const kind = PERIOD_KIND_LABELS[period.kind];
  const first = period.days[0]!;
  const last = period.days[period.days.length - 1]!;
  const range = first === last ? first : `${first} 至 ${last}`;
  const rangeEn = first === last ? first : `${first} to ${last}`;
  return { zh: `${id}（${kind.zh}，${range}）`, en: `${kind.en}, ${rangeEn}` };
}

/** The sheet and heading label of the level below the division. */
function childLevelLabel(report: RenderableReport): LocalizedText {
  const levels = new Set(report.children.map((c) => c.division.level));
  const [only] = levels;
  return levels.size === 1 && only !== undefined ? CHILD_LEVEL_LABELS[only] : CHILDREN_LABEL;
}

// ---------------------------------------------------------------------------------------------
// JSON

type Shape = { order: readonly string[]; nested?: Readonly<Record<string, string>> };
const SHAPES: Readonly<Record<string, Shape>> = {
  root: {
    order: ['period', 'division', 'generatedAt', 'edition', 'threshold', 'provisionalDeadlineYears', 'totals', 'children', 'banks', 'suppressed'],
    nested: { division: 'division', totals: 'totals', children: 'child', banks: 'bank' },
  },
  division: { order: ['code', 'name', 'nameEn', 'level'] },
  child: { order: ['division', 'totals'], nested: { division: 'division', totals: 'totals' } },
  totals: {
    order: [
      'declared', 'recommended', 'notRecommended', 'offered', 'accepted', 'declined', 'deadlinesMissed', 'lateAnswers',
      'unmatched', 'granted', 'creditLoans', 'creditLoanShare', 'weightedAnnualRateBp', 'firstLoans',
      'mediumLongTermLoans', 'disbursed', 'decisionsTimed', 'medianDaysToDecision', 'coverage',
    ],
    nested: {
      notRecommended: 'breakdown',
      declined: 'breakdown',
      granted: 'countAmount',
      creditLoans: 'countAmount',
      disbursed: 'countAmount',
      coverage: 'coverage',
    },
  },
  breakdown: { order: ['total', 'byReason'], nested: { byReason: 'sorted' } },
  sorted: { order: [] },
  countAmount: { order: ['count', 'amountYuan'] },
  coverage: { order: ['countiesWithActivity', 'countiesInDivision'] },
  bank: {
    order: [
      'bankId', 'name', 'offers', 'accepted', 'acceptanceRate', 'declined', 'deadlinesMissed', 'lateAnswers', 'granted',
      'answersTimed', 'medianDaysToAnswer',
    ],
    nested: { name: 'text', granted: 'countAmount' },
  },
  text: { order: ['zh', 'en'] },
};

/** A copy of `value` with the keys of every object in the order of its shape (unknown keys last, sorted). */
function canonical(value: unknown, shapeName: string): unknown {
  if (Array.isArray(value)) return value.map((item) => canonical(item, shapeName));
  if (value === null || typeof value !== 'object') return value;
  const shape = SHAPES[shapeName] ?? SHAPES.sorted!;
  const rank = (key: string): number => {
    const i = shape.order.indexOf(key);
    return i === -1 ? shape.order.length : i;
  };
  const keys = Object.keys(value).sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
  const out: Record<string, unknown> = {};
  for (const key of keys) out[key] = canonical((value as Record<string, unknown>)[key], shape.nested?.[key] ?? 'sorted');
  return out;
}

/** The report as JSON: keys in a fixed order, 2-space indent, trailing newline. */
export function renderJson(report: RenderableReport): Buffer {
  return jsonOf(checked(report));
}

const jsonOf = (report: RenderableReport): Buffer => Buffer.from(`${JSON.stringify(canonical(report, 'root'), null, 2)}\n`, 'utf8');

// ---------------------------------------------------------------------------------------------
// CSV

const BOM = '\uFEFF';

function csvField(cell: Cell): string {
  if (cell === SUPPRESSED) return '*';
  if (cell === null) return '';
  if (typeof cell === 'number') return String(cell);
  const text = /^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * The report as CSV (RFC 4180, UTF-8 with BOM, CRLF): a bilingual header row, the division's own
 * row, then a row per child. Public edition: suppressed cells are `*`; not-applicable cells are
 * empty.
 */
export function renderCsv(report: RenderableReport): Buffer {
  return csvOf(checked(report));
}

function csvOf(report: RenderableReport): Buffer {
  const table = divisionTable(report, { withPeriod: true, withTotalRow: true });
  const lines = [table.columns.map((c) => csvField(bilingual(c.label))), ...table.rows.map((r) => r.map(csvField))];
  return Buffer.from(BOM + lines.map((fields) => `${fields.join(',')}\r\n`).join(''), 'utf8');
}

// ---------------------------------------------------------------------------------------------
// XLSX

const XLSX_CREATOR = 'smefin';
const NUMBER_FORMATS: Readonly<Record<Kind, string | undefined>> = {
  text: undefined,
  count: '#,##0',
  amount: '#,##0',
  share: '0.00%',
  bp: '0.00',
  days: '0.0',
};
const HEADER_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE8EEF4' } };

function xlsxValue(cell: Cell): ExcelJS.CellValue {
  if (cell === SUPPRESSED) return '*';
  return cell;
}

function styleCell(target: ExcelJS.Cell, cell: Cell, kind: Kind): void {
  const format = NUMBER_FORMATS[kind];
  if (typeof cell === 'number' && format) target.numFmt = format;
  if (cell === SUPPRESSED) target.alignment = { horizontal: 'right' };
}

function addTableSheet(workbook: ExcelJS.Workbook, name: string, table: Table, frozenColumns: number): void {
  const sheet = workbook.addWorksheet(name, { views: [{ state: 'frozen', xSplit: frozenColumns, ySplit: 1 }] });
  sheet.columns = table.columns.map((c) => ({ width: c.kind === 'text' ? 18 : 16 }));
  const header = sheet.addRow(table.columns.map((c) => bilingual(c.label)));
  header.font = { bold: true };
  header.alignment = { wrapText: true, vertical: 'top' };
  header.eachCell((cell) => (cell.fill = HEADER_FILL));
  for (const row of table.rows) {
    const added = sheet.addRow(row.map(xlsxValue));
    row.forEach((cell, i) => styleCell(added.getCell(i + 1), cell, table.columns[i]!.kind));
  }
}

function addTotalsSheet(workbook: ExcelJS.Workbook, report: RenderableReport): void {
  const sheet = workbook.addWorksheet(bilingual({ zh: '总计', en: 'Totals' }), { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = [{ width: 52 }, { width: 22 }, { width: 44 }];
  const header = sheet.addRow([bilingual(FIELD_LABELS.measure), bilingual(FIELD_LABELS.value), bilingual(FIELD_LABELS.field)]);
  header.font = { bold: true };
  header.eachCell((cell) => (cell.fill = HEADER_FILL));
  const add = (label: LocalizedText, cell: Cell, kind: Kind, pointer: string): void => {
    const row = sheet.addRow([bilingual(label), xlsxValue(cell), pointer]);
    styleCell(row.getCell(2), cell, kind);
  };
  const d = report.division;
  add(FIELD_LABELS.period, report.period, 'text', '/period');
  add(FIELD_LABELS.divisionCode, d.code, 'text', '/division/code');
  add(FIELD_LABELS.divisionName, d.name, 'text', '/division/name');
  add(FIELD_LABELS.divisionNameEn, d.nameEn ?? null, 'text', '/division/nameEn');
  add(FIELD_LABELS.level, levelText(d.level), 'text', '/division/level');
  add(FIELD_LABELS.generatedAt, chinaTime(report.generatedAt), 'text', '/generatedAt');
  add(FIELD_LABELS.edition, bilingual(EDITION_LABELS[report.edition]), 'text', '/edition');
  if (report.edition === 'public') add(FIELD_LABELS.threshold, report.threshold, 'count', '/threshold');
  const suppressed = suppressedOf(report);
  for (const m of totalsMeasures(reasonCodesOf(report))) {
    add(m.label, measureCell(report.totals, ['totals'], m, suppressed), m.kind, jsonPointer(['totals', ...m.path]));
  }
  if (report.edition === 'public') {
    add(FIELD_LABELS.note, suppressionNote(report.threshold).zh + ' ' + suppressionNote(report.threshold).en, 'text', '/suppressed');
  }
  if (report.provisionalDeadlineYears) {
    const note = provisionalNote(report.provisionalDeadlineYears);
    add(FIELD_LABELS.note, `${note.zh} ${note.en}`, 'text', '/provisionalDeadlineYears');
  }
}

/**
 * The report as an XLSX workbook: `总计 Totals`, the level below, `银行 Banks`. Byte-identical for
 * the same report: workbook properties and zip entry times come from `generatedAt`.
 */
export async function renderXlsx(report: RenderableReport): Promise<Buffer> {
  return xlsxOf(checked(report));
}

async function xlsxOf(report: RenderableReport): Promise<Buffer> {
  const at = new Date(Date.parse(report.generatedAt));
  const workbook = new ExcelJS.Workbook();
  workbook.creator = XLSX_CREATOR;
  workbook.lastModifiedBy = XLSX_CREATOR;
  workbook.created = at;
  workbook.modified = at;
  workbook.title = `${titleOf(report).zh} ${titleOf(report).en}`;
  addTotalsSheet(workbook, report);
  addTableSheet(workbook, bilingual(childLevelLabel(report)), divisionTable(report, { withPeriod: false, withTotalRow: false }), 2);
  addTableSheet(workbook, bilingual({ zh: '银行', en: 'Banks' }), bankTable(report), 2);
  const written = await workbook.xlsx.writeBuffer();
  return fixZipTimes(Buffer.from(written as ArrayBuffer), report.generatedAt);
}

const LOCAL_FILE_HEADER = 0x04034b50;
const CENTRAL_DIRECTORY_HEADER = 0x02014b50;
const END_OF_CENTRAL_DIRECTORY = 0x06054b50;

/**
 * A copy of a zip file whose entries all carry the DOS time and date of `iso` in China time (local
 * file headers and central directory). JSZip stamps `new Date()` into each entry and exceljs offers
 * no way to pass a date (its `zip` option goes to `generateAsync`, which has none), so the bytes
 * are rewritten: these fields are outside the compressed data and its CRC. JSZip writes no
 * extended-timestamp extra fields (0x5455, 0x000a); the determinism test would catch it if it did.
 */
function fixZipTimes(zip: Buffer, iso: string): Buffer {
  const d = new Date(Date.parse(iso) + 8 * 3_600_000);
  const year = Math.min(Math.max(d.getUTCFullYear(), 1980), 2107);
  const dosTime = (d.getUTCHours() << 11) | (d.getUTCMinutes() << 5) | (d.getUTCSeconds() >> 1);
  const dosDate = ((year - 1980) << 9) | ((d.getUTCMonth() + 1) << 5) | d.getUTCDate();

  const out = Buffer.from(zip);
  let end = -1;
  for (let i = out.length - 22; i >= Math.max(0, out.length - 22 - 0xffff); i--) {
    if (out.readUInt32LE(i) === END_OF_CENTRAL_DIRECTORY) {
      end = i;
      break;
    }
  }
  if (end < 0) throw new Error('xlsx: no zip end of central directory record');
  const entries = out.readUInt16LE(end + 10);
  let p = out.readUInt32LE(end + 16);
  for (let n = 0; n < entries; n++) {
    if (out.readUInt32LE(p) !== CENTRAL_DIRECTORY_HEADER) throw new Error(`xlsx: no central directory header at ${p}`);
    out.writeUInt16LE(dosTime, p + 12);
    out.writeUInt16LE(dosDate, p + 14);
    const local = out.readUInt32LE(p + 42);
    if (out.readUInt32LE(local) !== LOCAL_FILE_HEADER) throw new Error(`xlsx: no local file header at ${local}`);
    out.writeUInt16LE(dosTime, local + 10);
    out.writeUInt16LE(dosDate, local + 12);
    p += 46 + out.readUInt16LE(p + 28) + out.readUInt16LE(p + 30) + out.readUInt16LE(p + 32);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// HTML

const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

function grouped(n: number, decimals = 0): string {
  const [int, frac] = n.toFixed(decimals).split('.');
  const digits = int!.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return frac ? `${digits}.${frac}` : digits;
}

/** A number as shown on the page (suppressed and not-applicable cells are handled by the caller). */
function formatNumber(n: number, kind: Kind): string {
  switch (kind) {
    case 'share':
      return `${grouped(n * 100, 2)}%`;
    case 'bp':
      return grouped(n, 2);
    case 'days':
      return Number.isInteger(n) ? String(n) : n.toFixed(1);
    default:
      return Number.isInteger(n) ? grouped(n) : String(n);
  }
}

const SUPPRESSED_HTML = '<span class="suppressed" title="已抑制 Suppressed">*</span>';
const NOT_APPLICABLE_HTML = '<span class="na" title="不适用 Not applicable">—</span>';

function htmlCell(cell: Cell, kind: Kind): string {
  if (cell === SUPPRESSED) return SUPPRESSED_HTML;
  if (cell === null) return NOT_APPLICABLE_HTML;
  if (typeof cell === 'number') return escapeHtml(formatNumber(cell, kind));
  return escapeHtml(cell);
}

/** `中文<span class="en">English</span>` for headings and table headers. */
const label = (text: LocalizedText): string => `${escapeHtml(text.zh)} <span class="en" lang="en">${escapeHtml(text.en)}</span>`;

/** Deadlines in years without an official holiday arrangement are provisional, and so are the figures on them. */
function provisionalNote(years: readonly number[]): LocalizedText {
  const list = years.join('、');
  return {
    zh: `† ${list} 年的放假安排尚未载入：该年份的银行答复期限按法定节假日临时计算，超时未答复数和逾期答复数为临时数据。`,
    en: `† No official holiday arrangement for ${years.join(', ')} was loaded: bank deadlines there were computed on the statutory holidays alone, so deadlines missed and late answers are provisional.`,
  };
}

function suppressionNote(threshold: number): LocalizedText {
  return {
    zh: `* 已抑制：小于 ${threshold} 的计数，以及可据以推算出这些计数的互补单元格（含相关金额、比率和中位数），均不公布。`,
    en: `* Suppressed: counts below ${threshold}, and the complementary cells from which they could be derived (with the related amounts, ratios and medians), are not published.`,
  };
}

function titleOf(report: RenderableReport): LocalizedText {
  const d = report.division;
  return {
    zh: `${d.name}小微企业融资对接报告 ${report.period}`,
    en: `SME financing report, ${d.nameEn ?? d.name} (${d.code}), ${report.period}`,
  };
}

const STYLE = `
:root { color-scheme: light; --ink: #1f2933; --muted: #52606d; --line: #d5dde5; --head: #eef2f6; --bar: #2563a8; --bar2: #0f766e; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--ink); background: #fff; line-height: 1.5;
  font-family: "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", system-ui, sans-serif; }
main { max-width: 1360px; margin: 0 auto; padding: 24px 20px 40px; }
h1 { font-size: 1.6rem; margin: 0 0 12px; }
h2 { font-size: 1.2rem; margin: 32px 0 8px; padding-bottom: 4px; border-bottom: 2px solid var(--line); }
h3 { font-size: 1rem; margin: 16px 0 6px; }
h1 .en, h2 .en, h3 .en { color: var(--muted); font-weight: normal; font-size: .8em; margin-left: .4em; }
th .en { display: block; color: var(--muted); font-weight: normal; font-size: .85em; }
.meta { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 0; }
.meta dt { color: var(--muted); }
.meta dd { margin: 0; }
.meta .en { color: var(--muted); }
.chart { max-width: 100%; height: auto; }
.chart text { font-size: 14px; fill: var(--ink); }
.chart .value { font-variant-numeric: tabular-nums; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; font-size: .9rem; margin: 4px 0 8px; }
caption { text-align: left; font-weight: bold; padding: 4px 0; }
caption .en { color: var(--muted); font-weight: normal; margin-left: .4em; }
th, td { border: 1px solid var(--line); padding: 4px 8px; text-align: right; vertical-align: top; }
thead th { background: var(--head); vertical-align: bottom; min-width: 4.5em; }
.grid { font-size: .8rem; }
th[scope="row"], td.text, th.text { text-align: left; }
td { white-space: nowrap; }
.grid th[scope="row"] { position: sticky; left: 0; background: #fff; z-index: 1; min-width: 7em; }
.grid thead th:first-child { position: sticky; left: 0; z-index: 2; }
.grid tfoot th[scope="row"] { background: #f7f9fb; }
.hint { color: var(--muted); font-size: .85rem; margin: 0 0 8px; }
tbody th[scope="row"] { font-weight: normal; }
tfoot th, tfoot td { font-weight: bold; background: #f7f9fb; }
.totals th[scope="row"] .en { display: inline; margin-left: .4em; color: var(--muted); font-size: .9em; }
.reasons { display: flex; flex-wrap: wrap; gap: 8px 32px; }
.suppressed { font-weight: bold; }
.na { color: var(--muted); }
.notes { margin-top: 32px; color: var(--muted); font-size: .85rem; }
.notes p { margin: 4px 0; }
.empty { color: var(--muted); }
@media print { main { max-width: none; padding: 0; } .scroll { overflow: visible; } h2 { break-after: avoid; } table, svg { break-inside: avoid; } }
`;

interface Bar {
  label: string;
  value: Cell;
  kind: Kind;
}

/** A horizontal bar chart as inline SVG: label, bar, value; suppressed and n/a values get no bar. */
function barChart(id: string, title: LocalizedText, bars: readonly Bar[], color: string, unit: string): string {
  const labelWidth = 200;
  const barMax = 440;
  const rowHeight = 30;
  const width = labelWidth + barMax + 150;
  const height = bars.length * rowHeight + 8;
  const max = Math.max(0, ...bars.map((b) => (typeof b.value === 'number' ? b.value : 0)));
  const shown = (b: Bar): string =>
    b.value === SUPPRESSED ? '*' : typeof b.value === 'number' ? formatNumber(b.value, b.kind) + unit : '—';
  const summary = `${title.zh} ${title.en}: ${bars.map((b) => `${b.label} ${shown(b)}`).join('; ')}`;
  const rows = bars.map((b, i) => {
    const y = 4 + i * rowHeight;
    const w = typeof b.value === 'number' && max > 0 ? Math.round((b.value / max) * barMax * 10) / 10 : 0;
    const bar = typeof b.value === 'number' ? `<rect x="${labelWidth}" y="${y + 4}" width="${w}" height="${rowHeight - 10}" rx="2" fill="${color}"/>` : '';
    return (
      `<g><text x="${labelWidth - 10}" y="${y + rowHeight / 2 + 5}" text-anchor="end">${escapeHtml(b.label)}</text>` +
      bar +
      `<text class="value" x="${labelWidth + w + 8}" y="${y + rowHeight / 2 + 5}">${escapeHtml(shown(b))}</text></g>`
    );
  });
  return (
    `<svg class="chart" role="img" aria-labelledby="${id}-title" aria-label="${escapeHtml(summary)}" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">` +
    `<title id="${id}-title">${escapeHtml(summary)}</title>` +
    rows.join('') +
    `</svg>`
  );
}

function funnelChart(report: RenderableReport): string {
  const suppressed = suppressedOf(report);
  const bars = FUNNEL_STAGES.map((stage): Bar => ({
    label: `${stage.label.zh} ${stage.label.en}`,
    value: measureCell(report.totals, ['totals'], { label: stage.label, path: pathOf(stage.pointer), kind: 'count' }, suppressed),
    kind: 'count',
  }));
  return barChart('funnel', { zh: '对接漏斗', en: 'Funnel' }, bars, 'var(--bar)', '');
}

function childrenChart(report: RenderableReport): string {
  const suppressed = suppressedOf(report);
  const measure: Measure = { label: TOTALS_LABELS['/granted/amountYuan'], path: ['granted', 'amountYuan'], kind: 'amount' };
  const bars = report.children.map((child, i): Bar & { code: string } => ({
    label: child.division.name,
    code: child.division.code,
    value: measureCell(child.totals, ['children', i, 'totals'], measure, suppressed),
    kind: 'amount',
  }));
  const amount = (b: (typeof bars)[number]): number => (typeof b.value === 'number' ? b.value : -1);
  // Published amounts, largest first (ties by code); suppressed ones after them, by code.
  bars.sort((a, b) => amount(b) - amount(a) || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
  return barChart('children-granted', { zh: '各下级授信金额（元）', en: 'Credit granted by child (yuan)' }, bars, 'var(--bar2)', '');
}

function htmlTable(caption: LocalizedText, table: Table, rowHeaderColumn: number, footer?: Cell[]): string {
  const head = table.columns.map((c) => `<th scope="col"${c.kind === 'text' ? ' class="text"' : ''}>${label(c.label)}</th>`).join('');
  const rowHtml = (row: Cell[], rowClass = ''): string =>
    `<tr${rowClass}>${row
      .map((cell, i) => {
        const kind = table.columns[i]!.kind;
        if (i === rowHeaderColumn) return `<th scope="row">${htmlCell(cell, kind)}</th>`;
        return `<td${kind === 'text' ? ' class="text"' : ''}>${htmlCell(cell, kind)}</td>`;
      })
      .join('')}</tr>`;
  const body = table.rows.map((r) => rowHtml(r)).join('');
  const foot = footer ? `<tfoot>${rowHtml(footer)}</tfoot>` : '';
  return (
    `<div class="scroll" role="region" tabindex="0" aria-label="${escapeHtml(`表格：${caption.zh} Table: ${caption.en}`)}">` +
    `<table class="grid"><caption>${label(caption)}</caption><thead><tr>${head}</tr></thead><tbody>${body}</tbody>${foot}</table></div>`
  );
}

function totalsTable(report: RenderableReport): string {
  const suppressed = suppressedOf(report);
  const rows = totalsMeasures(undefined)
    .map((m) => `<tr><th scope="row">${label(m.label)}</th><td>${htmlCell(measureCell(report.totals, ['totals'], m, suppressed), m.kind)}</td></tr>`)
    .join('');
  return (
    `<table class="totals"><caption>${label({ zh: '总计', en: 'Totals' })}</caption>` +
    `<thead><tr><th scope="col" class="text">${label(FIELD_LABELS.measure)}</th><th scope="col">${label(FIELD_LABELS.value)}</th></tr></thead>` +
    `<tbody>${rows}</tbody></table>`
  );
}

function reasonsTable(report: RenderableReport, kind: ReasonKind): string {
  const suppressed = suppressedOf(report);
  const present = new Set(Object.keys(report.totals[kind].byReason));
  const codes = reasonCodesOf(report)[kind].filter((code) => present.has(code));
  const caption = REASON_KIND_LABELS[kind];
  const captionHtml = `<caption>${label({ zh: `${caption.zh}分布`, en: `${caption.en}: by reason` })}</caption>`;
  if (codes.length === 0) return `<table>${captionHtml}<tbody><tr><td class="text empty">无 None</td></tr></tbody></table>`;
  const rows = codes
    .map((code) => {
      const m: Measure = { label: reasonLabel(kind, code), path: [kind, 'byReason', code], kind: 'count', reason: true };
      return `<tr><th scope="row">${label(m.label)}</th><td>${htmlCell(measureCell(report.totals, ['totals'], m, suppressed), 'count')}</td></tr>`;
    })
    .join('');
  return (
    `<table class="totals">${captionHtml}` +
    `<thead><tr><th scope="col" class="text">${label({ zh: '原因', en: 'Reason' })}</th><th scope="col">${label({ zh: '笔数', en: 'Count' })}</th></tr></thead>` +
    `<tbody>${rows}</tbody></table>`
  );
}

/** The children's columns on the page (all of them, with the reasons, are in the CSV and XLSX). */
const PAGE_CHILD_MEASURES: readonly TotalsMeasure[] = [
  '/declared',
  '/recommended',
  '/offered',
  '/accepted',
  '/declined/total',
  '/deadlinesMissed',
  '/granted/count',
  '/granted/amountYuan',
  '/creditLoanShare',
  '/weightedAnnualRateBp',
  '/firstLoans',
  '/mediumLongTermLoans',
  '/disbursed/amountYuan',
  '/medianDaysToDecision',
];

function childrenTable(report: RenderableReport): string {
  const suppressed = suppressedOf(report);
  const measures: Measure[] = PAGE_CHILD_MEASURES.map((pointer) => ({ label: TOTALS_LABELS[pointer], path: pathOf(pointer), kind: kindOf(pointer) }));
  const mixed = new Set(report.children.map((c) => c.division.level)).size > 1;
  const columns: Column[] = [
    { key: 'name', label: FIELD_LABELS.divisionName, kind: 'text' },
    { key: 'code', label: FIELD_LABELS.divisionCode, kind: 'text' },
    ...(mixed ? [{ key: 'level', label: FIELD_LABELS.level, kind: 'text' as const }] : []),
    ...measures.map(measureColumn),
    // Text in a numeric column: right-aligned like the numbers.
    { key: 'coverage', label: { zh: '有业务县数 / 县级单位数', en: 'Counties with activity / in division' }, kind: 'count' },
  ];
  const row = (name: string, division: ReportDivision, totals: RenderableReport['totals'], base: (string | number)[]): Cell[] => [
    name,
    division.code,
    ...(mixed ? [levelText(division.level)] : []),
    ...measures.map((m) => measureCell(totals, base, m, suppressed)),
    `${totals.coverage.countiesWithActivity} / ${totals.coverage.countiesInDivision}`,
  ];
  const table: Table = {
    columns,
    rows: report.children.map((child, i) => row(child.division.name, child.division, child.totals, ['children', i, 'totals'])),
  };
  const footer = row(bilingual(FIELD_LABELS.divisionTotal), report.division, report.totals, ['totals']);
  const level = childLevelLabel(report);
  return htmlTable({ zh: `${level.zh}（下一级）`, en: level.en }, table, 0, footer) + '<p class="hint">完整指标（含各项原因分布）见 CSV 和 XLSX 文件。 <span lang="en">All measures, with the reasons, are in the CSV and XLSX files.</span></p>';
}

function banksTable(report: RenderableReport): string {
  const full = bankTable(report);
  const table: Table = {
    columns: [full.columns[1]!, full.columns[0]!, ...full.columns.slice(3)],
    rows: full.rows.map((row, i) => {
      const bank = report.banks[i]!;
      return [bank.name ? `${bank.name.zh} ${bank.name.en}` : bank.bankId, bank.bankId, ...row.slice(3)];
    }),
  };
  return htmlTable({ zh: '银行', en: 'Banks' }, table, 0);
}

/**
 * The report as one self-contained HTML page (no script, no external resource): metadata, the
 * funnel and the children's granted amounts as inline SVG, tables of totals, reasons, children and
 * banks, and notes. Public edition: suppressed cells are `*`, with a footnote.
 */
export function renderHtml(report: RenderableReport): Buffer {
  return htmlOf(checked(report));
}

function htmlOf(report: RenderableReport): Buffer {
  const d = report.division;
  const title = titleOf(report);
  const period = periodText(report.period);
  const meta: [LocalizedText, string][] = [
    [FIELD_LABELS.divisionCode, escapeHtml(d.code)],
    [FIELD_LABELS.divisionName, `${escapeHtml(d.name)}${d.nameEn ? ` <span class="en" lang="en">${escapeHtml(d.nameEn)}</span>` : ''}`],
    [FIELD_LABELS.level, label(LEVEL_LABELS[d.level])],
    [FIELD_LABELS.period, `${escapeHtml(period.zh)} <span class="en" lang="en">${escapeHtml(period.en)}</span>`],
    [FIELD_LABELS.generatedAt, `<time datetime="${escapeHtml(report.generatedAt)}">${escapeHtml(chinaTime(report.generatedAt))}</time> <span class="en" lang="en">UTC+8</span>`],
    [FIELD_LABELS.edition, label(EDITION_LABELS[report.edition])],
    ...(report.edition === 'public' ? [[FIELD_LABELS.threshold, escapeHtml(String(report.threshold))] as [LocalizedText, string]] : []),
  ];
  const childLabel = childLevelLabel(report);
  const notes = [
    ...(report.edition === 'public' ? [suppressionNote(report.threshold)] : []),
    ...(report.provisionalDeadlineYears ? [provisionalNote(report.provisionalDeadlineYears)] : []),
    { zh: '— 不适用（如无授信时的利率和占比，无计时记录时的中位数）。', en: '— Not applicable (e.g. no rate or share when nothing was granted, no median without timed records).' },
    {
      zh: '各项按事件发生日（北京时间）计入报告期，按需求所在县统计；同一需求的各环节可能落在不同报告期。推送、受理、拒绝按银行推送笔数计，一笔需求可推送多家银行。',
      en: 'Each figure counts events on their China-time day, in the county of the need; the stages of one need may fall in different periods. Offers, acceptances and declines count referrals: a need may be offered to several banks.',
    },
    {
      zh: '信用贷款占比按金额计算；加权平均年利率按授信金额加权，单位为基点（1 基点 = 0.01%）；中位数单位为自然日。',
      en: 'Credit loan share is by amount; the weighted annual rate is weighted by granted amount, in basis points (1 bp = 0.01%); medians are in calendar days.',
    },
  ];
  const html = `<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(`${title.zh} · ${title.en}`)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<header>
<h1>${escapeHtml(title.zh)} <span class="en" lang="en">${escapeHtml(title.en)}</span></h1>
<dl class="meta">
${meta.map(([k, v]) => `<dt>${label(k)}</dt><dd>${v}</dd>`).join('\n')}
</dl>
</header>
<section aria-labelledby="h-funnel">
<h2 id="h-funnel">对接漏斗 <span class="en" lang="en">Funnel: declared → recommended → offered → accepted → granted → disbursed</span></h2>
${funnelChart(report)}
</section>
<section aria-labelledby="h-children-chart">
<h2 id="h-children-chart">${escapeHtml(childLabel.zh)}授信金额（元） <span class="en" lang="en">Credit granted by ${escapeHtml(childLabel.en.toLowerCase())} (yuan)</span></h2>
${report.children.length > 0 ? childrenChart(report) : '<p class="empty">无下级 No children</p>'}
</section>
<section aria-labelledby="h-totals">
<h2 id="h-totals">总计 <span class="en" lang="en">Totals</span></h2>
<div class="reasons">
${totalsTable(report)}
<div>
${reasonsTable(report, 'notRecommended')}
${reasonsTable(report, 'declined')}
</div>
</div>
</section>
<section aria-labelledby="h-children">
<h2 id="h-children">${escapeHtml(childLabel.zh)} <span class="en" lang="en">${escapeHtml(childLabel.en)}</span></h2>
${report.children.length > 0 ? childrenTable(report) : '<p class="empty">无下级 No children</p>'}
</section>
<section aria-labelledby="h-banks">
<h2 id="h-banks">银行 <span class="en" lang="en">Banks</span></h2>
${report.banks.length > 0 ? banksTable(report) : '<p class="empty">本期无银行业务 No bank activity in the period</p>'}
</section>
<footer class="notes">
<h2>说明 <span class="en" lang="en">Notes</span></h2>
${notes.map((n) => `<p>${escapeHtml(n.zh)}<br><span lang="en">${escapeHtml(n.en)}</span></p>`).join('\n')}
</footer>
</main>
</body>
</html>
`;
  return Buffer.from(html, 'utf8');
}
