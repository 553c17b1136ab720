// The bulk import's part of the OpenAPI document (shared/domain/openapi.ts): POST /v1/imports,
// GET /v1/imports/{importId}, the templates; schemas from the zod shapes of ./import.ts.
import * as z from 'zod';
import { IMPORT_COLUMNS, IMPORT_LIMITS, importRequestSchema, importViewSchema } from './import';

const createdSchema = importViewSchema
  .extend({ uploadUrl: z.string().meta({ description: `A presigned S3 PUT (${IMPORT_LIMITS.uploadUrlSeconds / 60} minutes): a plain HTTP PUT of the file's bytes starts the import` }) })
  .meta({ title: 'ImportCreated' });

export function importSchemas(schemaOf: (schema: z.ZodType, io: 'input' | 'output') => Record<string, unknown>): Record<string, unknown> {
  return {
    ImportRequest: schemaOf(importRequestSchema, 'input'),
    ImportCreated: schemaOf(createdSchema, 'output'),
    ImportStatus: schemaOf(importViewSchema, 'output'),
  };
}

const columns = IMPORT_COLUMNS.visits.map((c) => `${c.zh} ${c.key}${c.required ? '' : ' (optional)'}`).join(', ');

export function importPaths(problemResponse: (description: string) => unknown): Record<string, unknown> {
  return {
    '/v1/imports': {
      post: {
        operationId: 'createImport',
        summary: "The county's task force imports visits or a visit plan from a CSV or XLSX file",
        description:
          `Answers the import and a presigned upload link: PUT the file's bytes to uploadUrl (with sizeBytes, its Content-Length is signed), and the upload starts the import; follow it with GET /v1/imports/{importId}. Files up to 20 MB and ${IMPORT_LIMITS.maxRows} data rows: CSV in UTF-8 (with or without BOM) or GB18030/GBK, or XLSX (its first sheet). ` +
          `Visit columns (Chinese header as in the template, or the English key): ${columns}; method and outcome as codes or their Chinese labels, the rules of a single visit. Visit plans: the first two columns, one entry per county, credit code and CST month of the import. ` +
          'Each row is accepted (a visit already recorded, or a plan entry already there, writes nothing) or rejected on its own; the officer of imported visits is the caller.',
        security: [{ officialJwt: [] }],
        requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/ImportRequest' } } } },
        responses: {
          '201': { description: 'Created, queued for its file', content: { 'application/json': { schema: { $ref: '#/components/schemas/ImportCreated' } } } },
          '400': problemResponse('Invalid fields (in Chinese and English), or not a county code'),
          '401': { description: 'No valid official token (API Gateway)' },
          '403': problemResponse('Not the task force of this county'),
        },
      },
    },
    '/v1/imports/{importId}': {
      get: {
        operationId: 'getImport',
        summary: 'An import’s progress (for a progress bar) and outcome, for the task force of its county',
        description:
          'status: queued (waiting for the file), running, done or failed (failure: code and reason in Chinese and English; what was written stays). rowsDone of rowsTotal rows so far; errorsUrl once there are rejected rows: a CSV (UTF-8 with BOM) of the rows with their line, original columns and the reason in Chinese and English.',
        security: [{ officialJwt: [] }],
        parameters: [{ name: 'importId', in: 'path', required: true, schema: { type: 'string' } }],
        responses: {
          '200': { description: 'The import', content: { 'application/json': { schema: { $ref: '#/components/schemas/ImportStatus' } } } },
          '401': { description: 'No valid official token (API Gateway)' },
          '404': problemResponse("No such import, or another county's (the same answer)"),
        },
      },
    },
    '/v1/imports/templates/{template}': {
      get: {
        operationId: 'getImportTemplate',
        summary: 'The import templates: visits.csv, visits.xlsx, visit_plan.csv, visit_plan.xlsx (Chinese headers, an example row, the codes and labels accepted)',
        description: 'xlsx: ask with Accept: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet (the gateway serves it as bytes only when that is the first Accept type).',
        security: [{ officialJwt: [] }],
        parameters: [{ name: 'template', in: 'path', required: true, schema: { type: 'string', enum: ['visits.csv', 'visits.xlsx', 'visit_plan.csv', 'visit_plan.xlsx'] } }],
        responses: {
          '200': {
            description: 'The template as an attachment',
            content: { 'text/csv': { schema: { type: 'string' } }, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': { schema: { type: 'string', format: 'binary' } } },
          },
          '404': problemResponse('No such template'),
        },
      },
    },
  };
}
