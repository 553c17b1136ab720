// The county's negative list in the workspace (shared/domain/negative-list.ts):
//   GET  /v1/counties/{countyCode}/negative-list[?creditCode=&cursor=]  the county's entries, a page at a time
//   POST /v1/counties/{countyCode}/negative-list                        add one entry (201; 200 when it was there)
//   POST /v1/counties/{countyCode}/negative-list/{entryId}/expiry       expire it now or on a day
//   POST /v1/counties/{countyCode}/negative-list/imports                a CSV file (text/csv), row by row
// The county's own task force writes (negative-list.write; an admin within its jurisdiction with
// negative-list.manage); the coordinators above it read (negative-list.read). Every change is
// audited in the county's audit partition, in the transaction of the change. Screening reads the
// same entries (NEGATIVE#<creditCode>): a change counts from the next screening.
import type { Context } from 'aws-lambda';
import { normalizeCountyCode } from '../../shared/domain/divisions';
import { chinaDay } from '../../shared/domain/need-record';
import {
  decideExpiry,
  importSummary,
  NEGATIVE_LIST_IMPORT_MAX_BYTES,
  NEGATIVE_LIST_WORKSPACE_MESSAGES,
  negativeListExpirySchema,
  negativeListView,
  NOT_PROCESSED,
  parseNegativeListAddition,
  planNegativeListImport,
  type ImportRowResult,
} from '../../shared/domain/negative-list';
import { fieldErrorsWithMessages } from '../../shared/domain/bank';
import { validateCreditCode } from '../../shared/domain/credit-code';
import { MESSAGES } from '../../shared/domain/validation-messages';
import { requireAccess } from '../../shared/adapters/access';
import { auditLog } from '../../shared/adapters/audit-log';
import { ENV, requiredEnv } from '../../shared/adapters/config';
import { documentDbClient } from '../../shared/adapters/dynamodb';
import { callerOf, header, invalidFields, invalidParameter, json, problemFor, readJsonBody, type HttpEvent, type HttpResult } from '../../shared/adapters/http';
import { newId } from '../../shared/adapters/ids';
import { ENTRY_ID_PATTERN, NegativeListConflictError, NegativeListStore, type ChangeContext } from '../../shared/adapters/negative-list-store';
import { logger, withObservability } from '../../shared/adapters/observability';
import { beforeDeadline } from '../../shared/adapters/write-outcome';

const store = new NegativeListStore(documentDbClient(), requiredEnv(ENV.needsTable), auditLog());

/** Entries per page of GET. */
export const NEGATIVE_LIST_PAGE_SIZE = 100;
/** Groups of rows of an import written at once (each group one transaction while its rows are new). */
const IMPORT_CONCURRENCY = 4;
/** An import stops taking rows this long before the function's deadline (they are answered not_processed). */
const IMPORT_RESERVE_MS = 5_000;

const OUTSIDE = { zh: '该区县不在您的辖区范围内', en: 'This county is outside your jurisdiction' };
const OWN_COUNTY = { zh: '只有本区县工作专班可以修改本区县的负面清单', en: 'Only the county’s own task force may change its negative list' };
const NOT_FOUND = { zh: '本区县负面清单中没有该条目', en: 'This county’s negative list has no such entry' };
const CURSOR_SK = /^ENTRY#[0-9a-f]{32}$/;

const badParameter = (event: HttpEvent, code: string, message: { zh: string; en: string }) =>
  invalidParameter(event, { zh: '请求参数有误', en: 'Invalid parameters' }, code, message);

/** The write decision: an admin manages within its jurisdiction; a task force writes in its own county. */
function requireWrite(event: HttpEvent, countyCode: string) {
  const action = callerOf(event)?.role === 'admin' ? 'negative-list.manage' : 'negative-list.write';
  return requireAccess(event, action, countyCode, OWN_COUNTY);
}

async function listEntries(event: HttpEvent, countyCode: string): Promise<HttpResult> {
  const access = requireAccess(event, 'negative-list.read', countyCode, OUTSIDE);
  if (!access.ok) return access.response;
  const query = event.queryStringParameters ?? {};
  let creditCode: string | undefined;
  if (query.creditCode !== undefined) {
    const checked = validateCreditCode(query.creditCode);
    if (!checked.ok) return badParameter(event, 'credit_code.invalid', MESSAGES[`credit_code.${checked.problem}`]);
    creditCode = checked.value;
  }
  const after = query.cursor === undefined ? undefined : Buffer.from(query.cursor, 'base64url').toString('utf8');
  if (after !== undefined && !CURSOR_SK.test(after)) {
    return badParameter(event, 'cursor.invalid', { zh: '分页游标无效，请从第一页重新读取', en: 'Invalid cursor; read again from the first page' });
  }
  const page = await store.list(countyCode, { limit: NEGATIVE_LIST_PAGE_SIZE, ...(after ? { after } : {}), ...(creditCode ? { creditCode } : {}) });
  const today = chinaDay(new Date());
  return json(200, {
    countyCode,
    entries: page.records.map((record) => negativeListView(record, today)),
    ...(page.after ? { nextCursor: Buffer.from(page.after, 'utf8').toString('base64url') } : {}),
  });
}

async function addEntry(event: HttpEvent, context: Context, countyCode: string): Promise<HttpResult> {
  const access = requireWrite(event, countyCode);
  if (!access.ok) return access.response;
  const body = readJsonBody(event);
  if (!body.ok) return body.response;
  const now = new Date();
  const today = chinaDay(now);
  const parsed = parseNegativeListAddition(body.value, countyCode, today);
  if (!parsed.ok) return invalidFields(event, parsed.errors);
  const change: ChangeContext = { who: access.caller.subject, at: now, via: { channel: 'form' } };
  const outcome = await beforeDeadline(context, (signal) => store.record(parsed.addition, change, signal)).catch((error: unknown) => {
    if (error instanceof NegativeListConflictError) return undefined;
    throw error;
  });
  if (!outcome) return problemFor(event, 'negativeListConflict', { zh: '该条目正在被同时修改，请刷新后重试', en: 'The entry is being changed at the same time; reload it and try again' });
  return json(outcome.kind === 'added' ? 201 : 200, { outcome: outcome.kind, entry: negativeListView(outcome.record, today) });
}

async function expireEntry(event: HttpEvent, context: Context, countyCode: string, entryId: string): Promise<HttpResult> {
  const access = requireWrite(event, countyCode);
  if (!access.ok) return access.response;
  // No body (or an empty one) is "now"; a body is JSON.
  let input: unknown = {};
  if ((event.body ?? '').trim() !== '') {
    const body = readJsonBody(event);
    if (!body.ok) return body.response;
    input = body.value;
  }
  const parsed = negativeListExpirySchema.safeParse(input);
  if (!parsed.success) return invalidFields(event, fieldErrorsWithMessages(parsed.error.issues, input, NEGATIVE_LIST_WORKSPACE_MESSAGES));
  // Another county's entry, or none: the same 404 (an id names nothing outside the county's list).
  const stored = ENTRY_ID_PATTERN.test(entryId) ? await store.get(countyCode, entryId) : undefined;
  if (!stored) return problemFor(event, 'notFound', NOT_FOUND);
  const now = new Date();
  const today = chinaDay(now);
  const decision = decideExpiry(stored, parsed.data.validTo, today);
  if (!decision.ok) {
    return decision.status === 400 ? invalidFields(event, [decision.error]) : problemFor(event, 'negativeListConflict', decision.message);
  }
  const change: ChangeContext = { who: access.caller.subject, at: now, via: { channel: 'form' } };
  const next = await beforeDeadline(context, (signal) => store.expire(stored, decision, change, signal));
  if (!next) return problemFor(event, 'negativeListConflict', { zh: '该条目刚被修改，请刷新后重试', en: 'The entry was changed meanwhile; reload it and try again' });
  return json(200, { outcome: decision.kind === 'expire' ? 'expired' : 'withdrawn', entry: negativeListView(next, today) });
}

/** The request's bytes: base64 when the gateway passed a binary media type (text/csv), else the UTF-8 text it passed. */
function bodyBytes(event: HttpEvent): Buffer {
  const raw = event.body ?? '';
  return event.isBase64Encoded ? Buffer.from(raw, 'base64') : Buffer.from(raw, 'utf8');
}

async function importFile(event: HttpEvent, context: Context, countyCode: string): Promise<HttpResult> {
  const access = requireWrite(event, countyCode);
  if (!access.ok) return access.response;
  const contentType = (header(event, 'content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (contentType !== 'text/csv') {
    return problemFor(event, 'unsupportedMediaType', { zh: '请以 text/csv 上传 CSV 文件', en: 'Send the CSV file as text/csv' });
  }
  const bytes = bodyBytes(event);
  if (bytes.length > NEGATIVE_LIST_IMPORT_MAX_BYTES) {
    return problemFor(event, 'payloadTooLarge', { zh: '导入文件不得超过 1 MiB', en: 'The import file may not exceed 1 MiB' });
  }
  const plan = planNegativeListImport(bytes, countyCode);
  if (!plan.ok) return problemFor(event, 'validation', { zh: '无法导入该文件，未写入任何条目', en: 'The file cannot be imported; nothing was written' }, { errors: plan.errors });
  const now = new Date();
  const importId = newId(now);
  const change: ChangeContext = { who: access.caller.subject, at: now, via: { channel: 'import', importId } };
  const results: ImportRowResult[] = [...plan.rejected];
  // Each row whole (its items and audit record in one transaction), new rows a group at a time; a
  // group that fails is not processed, never half-written; importing the file again picks it up
  // and leaves the others as they are.
  const groups: (typeof plan.work)[] = [];
  for (let i = 0; i < plan.work.length; i += store.groupSize) groups.push(plan.work.slice(i, i + store.groupSize));
  let next = 0;
  const worker = async () => {
    while (next < groups.length) {
      const group = groups[next++]!;
      const notProcessed = () => results.push(...group.map((row) => ({ line: row.line, status: 'not_processed' as const, message: NOT_PROCESSED })));
      if (context.getRemainingTimeInMillis() < IMPORT_RESERVE_MS) {
        notProcessed();
        continue;
      }
      try {
        const outcomes = await store.recordMany(group.map((row) => ({ entry: row.entry })), change);
        group.forEach((row, i) => {
          const outcome = outcomes[i]!;
          if (outcome.kind === 'failed') {
            logger.warn('negative-list import row not written', { importId, line: row.line, error: outcome.error });
            results.push({ line: row.line, status: 'not_processed', message: NOT_PROCESSED });
          } else {
            results.push({ line: row.line, status: outcome.kind, entryId: outcome.record.entryId, creditCode: row.entry.creditCode });
          }
        });
      } catch (error) {
        logger.warn('negative-list import rows not written', { importId, lines: group.map((row) => row.line), error });
        notProcessed();
      }
    }
  };
  await Promise.all(Array.from({ length: IMPORT_CONCURRENCY }, worker));
  const summary = importSummary(results);
  logger.info('negative-list import', { importId, countyCode, ...Object.fromEntries(Object.entries(summary).filter(([key]) => key !== 'rows')) });
  return json(200, { countyCode, importId, ...summary });
}

async function negativeListHandler(event: HttpEvent, context: Context): Promise<HttpResult> {
  const countyCode = normalizeCountyCode(event.pathParameters?.countyCode ?? '');
  if (!countyCode) return badParameter(event, 'county_code.unknown', MESSAGES['county_code.unknown']);
  const resource = event.resource ?? '';
  if (event.httpMethod === 'GET') return listEntries(event, countyCode);
  if (resource.endsWith('/imports')) return importFile(event, context, countyCode);
  if (resource.endsWith('/expiry')) return expireEntry(event, context, countyCode, event.pathParameters?.entryId ?? '');
  return addEntry(event, context, countyCode);
}

export const handler = withObservability(negativeListHandler);
