// GET /v1/reports?period=2026-11 — the reports of a period that the calling regulator may see.
import { regulatorFromClaims } from '../../shared/domain/claims';
import { canAccess } from '../../shared/domain/jurisdiction';
import { isPeriodId } from '../../shared/domain/report';
import { json, problemFor, type HttpEvent, type HttpResult } from '../../shared/adapters/http';
import { withObservability } from '../../shared/adapters/observability';
import { REPORT_FORMATS } from '../../shared/adapters/report-render';
import { reportStore } from '../../shared/adapters/report-store';

const store = reportStore();

async function reportListHandler(event: HttpEvent): Promise<HttpResult> {
  const regulator = regulatorFromClaims(event.requestContext.authorizer?.claims as Record<string, unknown> | undefined);
  if (!regulator) return problemFor(event, 'forbidden', { zh: '需要监管人员身份', en: 'A regulator account is required' });
  const period = event.queryStringParameters?.period ?? '';
  if (!isPeriodId(period)) {
    return problemFor(
      event,
      'validation',
      { zh: '请提供报告期', en: 'Give a report period' },
      {
        errors: [
          {
            pointer: '',
            code: 'period.invalid',
            message: { zh: 'period 应为 YYYY-MM、YYYY-MM-DD 或 YYYY-MM-mtd-DD', en: 'period must be YYYY-MM, YYYY-MM-DD or YYYY-MM-mtd-DD' },
          },
        ],
      },
    );
  }
  const index = await store.getIndex(period);
  if (!index) return problemFor(event, 'notFound', { zh: '该报告期尚未生成报告', en: 'No reports for this period yet' });
  const reports = index
    .filter((entry) => canAccess(regulator.jurisdiction, entry.code))
    .map((entry) => ({
      division: entry,
      links: Object.fromEntries(REPORT_FORMATS.map((format) => [format, `/v1/reports/${period}/${entry.code}?format=${format}`])),
    }));
  return json(200, { period, jurisdiction: regulator.jurisdiction, reports });
}

export const handler = withObservability(reportListHandler);
