// The report formats, their Content-Types, and the validation every renderer starts from.
import { publicReportSchema, reportSchema, type PublicReport, type Report } from '../../domain/report';
import { jsonPointer } from '../../domain/suppression';

export const REPORT_FORMATS = ['json', 'csv', 'xlsx', 'html'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** Either edition. */
export type RenderableReport = Report | PublicReport;

export const CONTENT_TYPES: Readonly<Record<ReportFormat, string>> = Object.freeze({
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


/** The report itself after its edition's schema accepted it; a TypeError names the offending fields otherwise. */
export function checked(report: RenderableReport): RenderableReport {
  const result = report.edition === 'public' ? publicReportSchema.safeParse(report) : reportSchema.safeParse(report);
  if (!result.success) {
    const issues = result.error.issues.map((i) => `${jsonPointer(i.path.map((s) => (typeof s === 'symbol' ? String(s) : s)))}: ${i.message}`);
    throw new TypeError(`not a valid ${String(report.edition)} report: ${issues.join('; ')}`);
  }
  return report;
}
