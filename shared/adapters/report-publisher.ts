// Publishing one period: read the county-day counters, roll them up the division tree, and write both
// editions of every report in four formats, plus the period's index. The same input gives the same
// files: `generatedAt` is the time of the newest counter update, not the clock.
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { provisionalYearsOf, type Period } from '../domain/report';
import { endOfChinaDay } from '../domain/working-days';
import { publishableReports, reportKey, rollUp } from '../domain/rollup';
import { publicEdition } from '../domain/suppression';
import { readCounterRows } from './counters-reader';
import { contentTypeOf, renderCsv, renderHtml, renderJson, renderXlsx, REPORT_FORMATS, type RenderableReport } from './report-render';
import type { ReportStore } from './report-store';

export interface PublishResult {
  period: string;
  reports: number;
  files: number;
  itemsRead: number;
}

async function render(report: RenderableReport, format: (typeof REPORT_FORMATS)[number]): Promise<Buffer> {
  switch (format) {
    case 'json':
      return renderJson(report);
    case 'csv':
      return renderCsv(report);
    case 'html':
      return renderHtml(report);
    case 'xlsx':
      return renderXlsx(report);
  }
}

export async function publishPeriod(deps: {
  db: DynamoDBDocumentClient;
  countersTable: string;
  store: ReportStore;
  period: Period;
  threshold: number;
  bankNames: Record<string, { zh: string; en: string }>;
  /** Whether a year lacks an official holiday arrangement (its deadlines are provisional): noted on the reports. */
  isProvisionalYear?: (year: number) => boolean;
}): Promise<PublishResult> {
  const { rows, itemsRead, lastUpdatedAt } = await readCounterRows(deps.db, deps.countersTable, deps.period.days);
  const generatedAt = lastUpdatedAt ?? endOfChinaDay(deps.period.days.at(-1)!).toISOString();
  const provisionalDeadlineYears = deps.isProvisionalYear && provisionalYearsOf(deps.period.days, deps.isProvisionalYear);
  const rolledUp = new Map(
    [...rollUp({ period: deps.period, rows, generatedAt, bankNames: deps.bankNames })].map(
      ([key, report]) => [key, provisionalDeadlineYears ? { ...report, provisionalDeadlineYears } : report] as const,
    ),
  );
  // The public edition is decided across the whole period, parents and children together: a cell
  // hidden in one file can then not be worked back from another (suppression.ts's contract).
  const publics = publicEdition(rolledUp, { threshold: deps.threshold });
  const keyOf = new Map([...rolledUp].map(([key, report]) => [report, key]));
  const reports = publishableReports(rolledUp);
  let files = 0;
  for (const report of reports) {
    const editions: [RenderableReport, 'full' | 'public'][] = [
      [report, 'full'],
      [publics.get(keyOf.get(report)!)!, 'public'],
    ];
    for (const [edition, name] of editions) {
      const key = reportKey(deps.period, report.division.code, name);
      for (const format of REPORT_FORMATS) {
        await deps.store.put(`${key}.${format}`, await render(edition, format), contentTypeOf(format));
        files++;
      }
    }
  }
  await deps.store.putIndex(
    deps.period.id,
    reports.map((r) => ({ code: r.division.code, name: r.division.name, level: r.division.level })),
  );
  return { period: deps.period.id, reports: reports.length, files, itemsRead };
}
