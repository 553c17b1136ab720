// GET /v1/reports?period=2026-11 — the reports of a period that the calling regulator may see: those
// of the period's manifest (its current published version).
import { isPeriodId } from '../../shared/domain/report';
import { filterPermitted, requireAccess } from '../../shared/adapters/access';
import { callerOf, invalidParameter, json, problemFor, type HttpEvent, type HttpResult } from '../../shared/adapters/http';
import { withObservability } from '../../shared/adapters/observability';
import { REPORT_FORMATS } from '../../shared/adapters/report-render';
import { reportStore } from '../../shared/adapters/report-store';

const store = reportStore();
const REGULATOR_REQUIRED = { zh: '需要监管人员身份', en: 'A regulator account is required' };

async function reportListHandler(event: HttpEvent): Promise<HttpResult> {
  // A regulator who may read the reports of their own jurisdiction lists what lies within it.
  const access = requireAccess(event, 'reports.read', callerOf(event)?.jurisdiction ?? '', REGULATOR_REQUIRED);
  if (!access.ok) return access.response;
  const regulator = access.caller;
  const period = event.queryStringParameters?.period ?? '';
  if (!isPeriodId(period)) {
    return invalidParameter(
      event,
      { zh: '请提供报告期', en: 'Give a report period' },
      'period.invalid',
      { zh: 'period 应为 YYYY-MM、YYYY-MM-DD 或 YYYY-MM-mtd-DD', en: 'period must be YYYY-MM, YYYY-MM-DD or YYYY-MM-mtd-DD' },
    );
  }
  const index = (await store.getManifest(period))?.reports;
  if (!index) return problemFor(event, 'notFound', { zh: '该报告期尚未生成报告', en: 'No reports for this period yet' });
  const visible = new Set(filterPermitted(regulator, 'reports.read', `reports/${period}`, index.map((entry) => entry.code)));
  const reports = index
    .filter((entry) => visible.has(entry.code))
    .map((entry) => ({
      division: entry,
      links: Object.fromEntries(REPORT_FORMATS.map((format) => [format, `/v1/reports/${period}/${entry.code}?format=${format}`])),
    }));
  return json(200, { period, jurisdiction: regulator.jurisdiction, reports });
}

export const handler = withObservability(reportListHandler);
