// POST /v1/counties/{countyCode}/visits — the county's task force records a visit (201; 200 with the
// visit already recorded under the same county, credit code and day).
// GET /v1/counties/{countyCode}/visits?month=YYYY-MM[&cursor=] — the county's visits of a month, for
// its task force and the coordinators above it, a page at a time.
import { normalizeCountyCode } from '../../shared/domain/divisions';
import { chinaDay } from '../../shared/domain/need-record';
import { MESSAGES } from '../../shared/domain/validation-messages';
import { createVisit, isVisitMonth, parseVisit, visitBankErrors } from '../../shared/domain/visit';
import { requireAccess } from '../../shared/adapters/access';
import { ENV, requiredEnv } from '../../shared/adapters/config';
import { documentDbClient } from '../../shared/adapters/dynamodb';
import { invalidFields, invalidParameter, json, readJsonBody, type HttpEvent, type HttpResult } from '../../shared/adapters/http';
import { newId } from '../../shared/adapters/ids';
import { withObservability } from '../../shared/adapters/observability';
import { servingBanks } from '../../shared/adapters/serving-banks';
import { VisitStore } from '../../shared/adapters/visit-store';
import { beforeDeadline, NothingWrittenError } from '../../shared/adapters/write-outcome';
import type { Context } from 'aws-lambda';

const store = new VisitStore(documentDbClient(), { needs: requiredEnv(ENV.needsTable), counters: requiredEnv(ENV.countersTable) });
const banksOf = servingBanks();

/** Visits per page of GET (a county's month may hold thousands). */
export const VISITS_PAGE_SIZE = 200;

const CURSOR_SK = /^VISIT#(\d{4}-\d{2})-\d{2}#[0-9A-Z]{18}$/;

const badParameter = (event: HttpEvent, code: string, message: { zh: string; en: string }) =>
  invalidParameter(event, { zh: '请求参数有误', en: 'Invalid parameters' }, code, message);

async function recordVisit(event: HttpEvent, context: Context, countyCode: string): Promise<HttpResult> {
  const access = requireAccess(event, 'visits.write', countyCode, { zh: '只能为本区县登记走访', en: 'Visits are recorded by the county’s own task force' });
  if (!access.ok) return access.response;
  const body = readJsonBody(event);
  if (!body.ok) return body.response;
  const now = new Date();
  const parsed = parseVisit(body.value, chinaDay(now));
  if (!parsed.ok) return invalidFields(event, parsed.errors);
  if (parsed.visit.bankIds.length > 0) {
    // A registry that cannot be read fails the request before any write.
    const serving = await banksOf(countyCode).catch((error: unknown) => {
      throw new NothingWrittenError('the bank registry could not be read', { cause: error });
    });
    const errors = visitBankErrors(parsed.visit.bankIds, serving.map((bank) => bank.bankId));
    if (errors.length > 0) return invalidFields(event, errors);
  }
  const visit = createVisit(parsed.visit, { visitId: newId(now), countyCode, officer: access.caller.subject, now });
  // Answers before the function's deadline: past it, an honest "outcome unknown" (observability.ts).
  const outcome = await beforeDeadline(context, (signal) => store.record(visit, signal));
  return json(outcome.kind === 'created' ? 201 : 200, outcome.visit);
}

async function listVisits(event: HttpEvent, countyCode: string): Promise<HttpResult> {
  const access = requireAccess(event, 'lists.read', countyCode, { zh: '该区县不在您的辖区范围内', en: 'This county is outside your jurisdiction' });
  if (!access.ok) return access.response;
  const month = event.queryStringParameters?.month ?? '';
  if (!isVisitMonth(month)) return badParameter(event, 'month.invalid', { zh: '月份应为 YYYY-MM 格式，如 2026-11', en: 'month must be written YYYY-MM, e.g. 2026-11' });
  const cursor = event.queryStringParameters?.cursor;
  const after = cursor === undefined ? undefined : Buffer.from(cursor, 'base64url').toString('utf8');
  if (after !== undefined && CURSOR_SK.exec(after)?.[1] !== month) {
    return badParameter(event, 'cursor.invalid', { zh: '分页游标无效，请从第一页重新读取', en: 'Invalid cursor; read again from the first page' });
  }
  const page = await store.listMonth(countyCode, month, { limit: VISITS_PAGE_SIZE, ...(after ? { after } : {}) });
  return json(200, {
    countyCode,
    month,
    visits: page.visits,
    ...(page.after ? { nextCursor: Buffer.from(page.after, 'utf8').toString('base64url') } : {}),
  });
}

async function visitsHandler(event: HttpEvent, context: Context): Promise<HttpResult> {
  const countyCode = normalizeCountyCode(event.pathParameters?.countyCode ?? '');
  if (!countyCode) return badParameter(event, 'county_code.unknown', MESSAGES['county_code.unknown']);
  return event.httpMethod === 'POST' ? recordVisit(event, context, countyCode) : listVisits(event, countyCode);
}

export const handler = withObservability(visitsHandler);
