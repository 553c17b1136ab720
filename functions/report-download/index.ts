// GET /v1/reports/{period}/{divisionCode}?format=json|csv|xlsx|html&edition=full|public — a link to
// the report valid five minutes (302), within the caller's jurisdiction only; every download audited.
// The file is the one of the period's current version (its manifest): a download during a re-publish
// gets the old complete period or the new one, never a mix.
import { isPeriodId } from '../../shared/domain/report';
import { reportFileKey, reportName } from '../../shared/domain/report-publication';
import { requireAccess } from '../../shared/adapters/access';
import { auditLog } from '../../shared/adapters/audit-log';
import { header, json, problemFor, type HttpEvent, type HttpResult } from '../../shared/adapters/http';
import { withObservability } from '../../shared/adapters/observability';
import { REPORT_FORMATS, type ReportFormat } from '../../shared/adapters/report-render';
import { reportStore } from '../../shared/adapters/report-store';

const store = reportStore();
const audit = auditLog();
export const LINK_SECONDS = 300;

async function reportDownloadHandler(event: HttpEvent): Promise<HttpResult> {
  const period = event.pathParameters?.period ?? '';
  const division = event.pathParameters?.divisionCode ?? '';
  const format = (event.queryStringParameters?.format ?? 'json') as ReportFormat;
  const edition = event.queryStringParameters?.edition ?? 'full';
  const errors = [
    ...(isPeriodId(period) ? [] : [{ pointer: '', code: 'period.invalid', message: { zh: '报告期格式不正确', en: 'Malformed period' } }]),
    ...(/^\d{6}$/.test(division) ? [] : [{ pointer: '', code: 'division.invalid', message: { zh: '行政区划代码应为 6 位数字', en: 'The division code has 6 digits' } }]),
    ...(REPORT_FORMATS.includes(format) ? [] : [{ pointer: '', code: 'format.invalid', message: { zh: '格式应为 json、csv、xlsx 或 html', en: 'format must be json, csv, xlsx or html' } }]),
    ...(edition === 'full' || edition === 'public' ? [] : [{ pointer: '', code: 'edition.invalid', message: { zh: '版本应为 full 或 public', en: 'edition must be full or public' } }]),
  ];
  if (errors.length > 0) return problemFor(event, 'validation', { zh: '请求参数有误', en: 'Invalid parameters' }, { errors });
  const access = requireAccess(event, 'reports.read', division, { zh: '该报告不在您的辖区范围内', en: 'This report is outside your jurisdiction' });
  if (!access.ok) return access.response;
  const regulator = access.caller;
  const manifest = await store.getManifest(period);
  if (!manifest?.reports.some((entry) => entry.code === division)) {
    return problemFor(event, 'notFound', { zh: '该报告尚未生成', en: 'This report has not been produced' });
  }
  const which = edition as 'full' | 'public';
  const now = new Date();
  await audit.append({
    kind: 'report-download',
    at: now.toISOString(),
    who: regulator.subject,
    jurisdiction: regulator.jurisdiction,
    what: reportName(period, division, which, format),
  });
  const url = await store.presignedGet(
    reportFileKey(period, manifest.version, division, which, format),
    LINK_SECONDS,
    `smefin-${period}-${division}${edition === 'public' ? '-public' : ''}.${format}`,
    format === 'html' ? 'inline' : 'attachment',
  );
  // Browsers cannot read a cross-origin redirect: a page asks for the link as JSON instead.
  if ((header(event, 'accept') ?? '').includes('application/json')) {
    return json(200, { url, expiresAt: new Date(now.getTime() + LINK_SECONDS * 1000).toISOString() });
  }
  return { statusCode: 302, headers: { Location: url, 'Cache-Control': 'no-store' }, body: '' };
}

export const handler = withObservability(reportDownloadHandler);
