/**
 * Regulator report files: one report (full or public edition, see shared/domain/report.ts) rendered
 * as JSON, CSV, XLSX or a self-contained HTML page. Every renderer is a function of the report alone
 * (no clock, no environment, no randomness): re-rendering a period gives byte-identical files.
 * The report is validated against its schema first (a TypeError names the offending fields):
 * {@link renderReport} validates once and renders all four formats; each per-format function
 * validates its input on its own. One file per format under report-render/ (cells.ts holds what
 * the formats share); this module is the one other code imports.
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
 * - **XLSX** (SpreadsheetML parts zipped with fflate, report-render/xlsx.ts): sheets `总计 Totals`
 *   (one row per field and measure, with its JSON Pointer), the level below (`省级 Provinces`,
 *   `地市级 Prefectures`, `县级 Counties`, or `下级 Children` when the children are of mixed levels
 *   or there are none) with the CSV's columns, and `银行 Banks`; bold header rows with a fill, the
 *   header row and the first columns frozen, column widths. Numbers are numeric cells with number
 *   formats. Determinism: the properties' dates and every zip entry's time are `generatedAt`.
 * - **HTML**: one page, no script, no external resource (a Content-Security-Policy meta tag forbids
 *   them), `lang="zh-CN"`, Chinese headings with English labels, the funnel and the children's
 *   granted amounts as inline SVG bar charts, tables of totals, reasons, children and banks.
 *   In the public edition, a suppressed child is drawn without a bar, after the published ones (its
 *   position in an ordered chart would tell its size).
 */
import { csvOf } from './report-render/csv';
import { CONTENT_TYPES, REPORT_FORMATS, checked, type RenderableReport, type ReportFormat } from './report-render/formats';
import { htmlOf } from './report-render/html';
import { jsonOf } from './report-render/json';
import { xlsxOf } from './report-render/xlsx';

export { REPORT_FORMATS, contentTypeOf, type RenderableReport, type ReportFormat } from './report-render/formats';

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
  const bodies: Record<ReportFormat, Buffer> = { json: jsonOf(valid), csv: csvOf(valid), xlsx: xlsxOf(valid), html: htmlOf(valid) };
  return REPORT_FORMATS.map((format) => ({ format, body: bodies[format], contentType: CONTENT_TYPES[format] }));
}

/** The report as JSON: keys in a fixed order, 2-space indent, trailing newline. */
export function renderJson(report: RenderableReport): Buffer {
  return jsonOf(checked(report));
}

/**
 * The report as CSV (RFC 4180, UTF-8 with BOM, CRLF): a bilingual header row, the division's own
 * row, then a row per child. Public edition: suppressed cells are `*`; not-applicable cells are
 * empty.
 */
export function renderCsv(report: RenderableReport): Buffer {
  return csvOf(checked(report));
}

/**
 * The report as an XLSX workbook: `总计 Totals`, the level below, `银行 Banks`. Byte-identical for
 * the same report: workbook properties and zip entry times come from `generatedAt`. (Asynchronous
 * as it was with exceljs; the writing itself is synchronous.)
 */
export async function renderXlsx(report: RenderableReport): Promise<Buffer> {
  return xlsxOf(checked(report));
}

/**
 * The report as one self-contained HTML page (no script, no external resource): metadata, the
 * funnel and the children's granted amounts as inline SVG, tables of totals, reasons, children and
 * banks, and notes. Public edition: suppressed cells are `*`, with a footnote.
 */
export function renderHtml(report: RenderableReport): Buffer {
  return htmlOf(checked(report));
}
