// GET /v1/progress/{divisionCode}?month=YYYY-MM — a division's progress for the workspace: the live
// roll-up of the month's counters (the month to date while it runs) for the division and its direct
// children (shared/domain/progress.ts), for a task force or regulator whose jurisdiction holds it.
// Reads the counters table only: one query per day of the month, by the key's county prefix, whatever
// the number of needs.
import { canonicalDivisionCode } from '../../shared/domain/divisions';
import { chinaDay } from '../../shared/domain/need-record';
import { countyPrefixOf, divisionProgress, progressPeriod } from '../../shared/domain/progress';
import { requireAccess } from '../../shared/adapters/access';
import { ENV, requiredEnv } from '../../shared/adapters/config';
import { readCounterRows } from '../../shared/adapters/counters-reader';
import { documentDbClient } from '../../shared/adapters/dynamodb';
import { invalidParameter, json, problemFor, type HttpEvent, type HttpResult } from '../../shared/adapters/http';
import { withObservability } from '../../shared/adapters/observability';

const client = documentDbClient();
const countersTable = requiredEnv(ENV.countersTable);

async function progressHandler(event: HttpEvent): Promise<HttpResult> {
  const raw = event.pathParameters?.divisionCode ?? '';
  const divisionCode = canonicalDivisionCode(raw);
  if (!divisionCode || divisionCode !== raw) return problemFor(event, 'notFound', { zh: '没有这个行政区划', en: 'No such division' });
  const access = requireAccess(event, 'progress.read', divisionCode, { zh: '该地区不在您的辖区范围内', en: 'This division is outside your jurisdiction' });
  if (!access.ok) return access.response;
  const now = new Date();
  const period = progressPeriod(event.queryStringParameters?.month, chinaDay(now));
  if (!period.ok) {
    return invalidParameter(
      event,
      { zh: '请求参数有误', en: 'Invalid parameters' },
      `month.${period.reason}`,
      period.reason === 'future' ? { zh: '月份不能晚于本月', en: 'month cannot be later than this month' } : { zh: '月份应为 YYYY-MM', en: 'month must be YYYY-MM' },
    );
  }
  const { rows } = await readCounterRows(client, countersTable, period.period.days, countyPrefixOf(divisionCode));
  const progress = divisionProgress(divisionCode, period.period, rows, now.toISOString());
  if (!progress) return problemFor(event, 'notFound', { zh: '没有这个行政区划', en: 'No such division' });
  return json(200, progress, { 'Cache-Control': 'private, no-store' });
}

export const handler = withObservability(progressHandler);
