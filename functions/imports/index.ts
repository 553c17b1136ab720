// POST /v1/imports — the county's task force starts a bulk import of visits or a visit plan:
//   201 {"importId","uploadUrl"} (a presigned PUT of the file, 15 minutes; its upload starts the worker).
// GET /v1/imports/{importId} — the import's progress and outcome, for the county's task force only
//   (404 for any other caller and for an unknown id alike: guessing ids reveals nothing).
// GET /v1/imports/templates/{kind}.csv|.xlsx — the templates (Chinese headers, an example row).
import { normalizeCountyCode } from '../../shared/domain/divisions';
import { IMPORT_KINDS, importRequestErrors, importRequestSchema, importView, newImport, type ImportKind } from '../../shared/domain/import';
import { requireAccess } from '../../shared/adapters/access';
import { ENV, requiredEnv } from '../../shared/adapters/config';
import { documentDbClient } from '../../shared/adapters/dynamodb';
import { attachment, invalidFields, json, problemFor, readJsonBody, type HttpEvent, type HttpResult } from '../../shared/adapters/http';
import { newId } from '../../shared/adapters/ids';
import { templateFile } from '../../shared/adapters/import-files';
import { ImportObjects, ImportStore } from '../../shared/adapters/import-store';
import { withObservability } from '../../shared/adapters/observability';
import { s3Client } from '../../shared/adapters/report-store';

const store = new ImportStore(documentDbClient(), requiredEnv(ENV.needsTable));
const objects = new ImportObjects(s3Client(), requiredEnv(ENV.importsBucket));

const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;
const notFound = (event: HttpEvent) => problemFor(event, 'notFound', { zh: '没有这个导入', en: 'No such import' });

async function createImport(event: HttpEvent): Promise<HttpResult> {
  const body = readJsonBody(event);
  if (!body.ok) return body.response;
  const parsed = importRequestSchema.safeParse(body.value);
  if (!parsed.success) return invalidFields(event, importRequestErrors(parsed.error.issues));
  const countyCode = normalizeCountyCode(parsed.data.countyCode);
  if (!countyCode) {
    return invalidFields(event, [{ pointer: '/countyCode', code: 'county_code.unknown', message: { zh: '没有这个区县', en: 'No such county' } }]);
  }
  const access = requireAccess(event, 'visits.write', countyCode, { zh: '只能为本区县导入', en: 'Imports are made by the county’s own task force' });
  if (!access.ok) return access.response;
  const now = new Date();
  const record = newImport({ importId: newId(now), kind: parsed.data.kind, countyCode, fileName: parsed.data.fileName, officer: access.caller.subject, now });
  await store.create(record);
  const uploadUrl = await objects.uploadUrl(record.importId, parsed.data.sizeBytes);
  return json(201, { ...importView(record, null), uploadUrl }, { Location: `/v1/imports/${record.importId}` });
}

async function importStatus(event: HttpEvent, importId: string): Promise<HttpResult> {
  if (!ULID.test(importId)) return notFound(event);
  const record = await store.get(importId);
  if (!record) return notFound(event);
  // Another county's import is answered as an unknown one.
  if (!requireAccess(event, 'visits.write', record.countyCode).ok) return notFound(event);
  const errorsUrl = record.errorsKey && record.rowsRejected > 0 ? await objects.errorsUrl(record.errorsKey, importId) : null;
  return json(200, importView(record, errorsUrl));
}

function template(event: HttpEvent, name: string): HttpResult {
  const match = /^([a-z_]+)\.(csv|xlsx)$/.exec(name);
  if (!match || !(IMPORT_KINDS as readonly string[]).includes(match[1]!)) {
    return problemFor(event, 'notFound', { zh: '没有这个模板：应为 visits 或 visit_plan，.csv 或 .xlsx', en: 'No such template: visits or visit_plan, .csv or .xlsx' });
  }
  const file = templateFile(match[1] as ImportKind, match[2] as 'csv' | 'xlsx', new Date().toISOString());
  return attachment(file.body, file.contentType, file.fileName);
}

async function importsHandler(event: HttpEvent): Promise<HttpResult> {
  if (event.httpMethod === 'POST') return createImport(event);
  const templateName = event.pathParameters?.template;
  if (templateName !== undefined) return template(event, templateName);
  return importStatus(event, event.pathParameters?.importId ?? '');
}

export const handler = withObservability(importsHandler);
