// GET /v1/lists/{countyCode}?list=declared|recommended&format=json|csv|xlsx — the county's two lists
// (shared/domain/lists.ts) for its task force and the coordinators above it. Contact details only
// for the county's own task force, and then audited (list-export, in the county's audit partition)
// before anything is answered: no audit record, no list (503).
import { normalizeCountyCode } from '../../shared/domain/divisions';
import { LIST_FORMATS, LIST_STATUSES, LISTS, listFileName, listRow, seesContacts, sortRows, type ListFormat, type ListName } from '../../shared/domain/lists';
import type { FieldError } from '../../shared/domain/problem';
import { requireAccess } from '../../shared/adapters/access';
import { auditLog } from '../../shared/adapters/audit-log';
import { ENV, requiredEnv } from '../../shared/adapters/config';
import { CountyListReader } from '../../shared/adapters/county-lists';
import { documentDbClient } from '../../shared/adapters/dynamodb';
import { attachment, json, problemFor, retryAfter, type HttpEvent, type HttpResult } from '../../shared/adapters/http';
import { listFile } from '../../shared/adapters/list-files';
import { logger, withObservability } from '../../shared/adapters/observability';

const reader = new CountyListReader(documentDbClient(), requiredEnv(ENV.needsTable));
const audit = auditLog();

function parameterErrors(list: string, format: string): FieldError[] {
  return [
    ...((LISTS as readonly string[]).includes(list) ? [] : [{ pointer: '', code: 'list.invalid', message: { zh: '清单应为 declared（申报清单）或 recommended（推荐清单）', en: 'list must be declared or recommended' } }]),
    ...((LIST_FORMATS as readonly string[]).includes(format) ? [] : [{ pointer: '', code: 'format.invalid', message: { zh: '格式应为 json、csv 或 xlsx', en: 'format must be json, csv or xlsx' } }]),
  ];
}

async function listsHandler(event: HttpEvent): Promise<HttpResult> {
  const countyCode = normalizeCountyCode(event.pathParameters?.countyCode ?? '');
  if (!countyCode) return problemFor(event, 'notFound', { zh: '没有这个区县', en: 'No such county' });
  const list = event.queryStringParameters?.list ?? '';
  const format = event.queryStringParameters?.format ?? 'json';
  const errors = parameterErrors(list, format);
  if (errors.length > 0) return problemFor(event, 'validation', { zh: '请求参数有误', en: 'Invalid parameters' }, { errors });
  const access = requireAccess(event, 'lists.read', countyCode, { zh: '该区县不在您的辖区范围内', en: 'This county is outside your jurisdiction' });
  if (!access.ok) return access.response;
  const which = list as ListName;
  const as = format as ListFormat;
  const withContact = seesContacts(access.caller, countyCode);
  const needs = await reader.list(countyCode, LIST_STATUSES[which], { withContact });
  const rows = sortRows(needs.map((need) => listRow(need, withContact)));
  const now = new Date();
  if (withContact) {
    try {
      await audit.append({ kind: 'list-export', at: now.toISOString(), who: access.caller.subject, countyCode, list: which, format: as, needCount: rows.length });
    } catch (error) {
      logger.error('list export not audited: nothing disclosed', { error });
      return problemFor(event, 'unavailable', { zh: '暂时无法记录审计日志，请稍后重试', en: 'The audit record could not be written; try again shortly' }, {}, retryAfter());
    }
  }
  if (as === 'json') return json(200, { countyCode, list: which, contacts: withContact, needs: rows });
  const file = listFile(as, { countyCode, list: which, rows, withContact, now });
  return attachment(file.body, file.contentType, listFileName(countyCode, which, as, now));
}

export const handler = withObservability(listsHandler);
