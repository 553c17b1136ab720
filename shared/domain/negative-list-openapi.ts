// The negative-list routes of the API contract (shared/domain/openapi.ts puts them in the document):
// the schemas from shared/domain/negative-list.ts, the answers as functions/negative-list answers them.
import * as z from 'zod';
import { NEGATIVE_LIST_REASON_CODES } from './reasons';
import {
  NEGATIVE_LIST_CSV_COLUMNS,
  NEGATIVE_LIST_IMPORT_MAX_ROWS,
  NEGATIVE_LIST_STATUSES,
  negativeListAdditionSchema,
  negativeListExpirySchema,
} from './negative-list';

const text = z.object({ zh: z.string(), en: z.string() });
const day = z.string().meta({ description: 'YYYY-MM-DD (China Standard Time)' });

const entry = z
  .object({
    entryId: z.string().meta({ description: '32 hex digits, derived from jurisdiction, credit code, reason code and validFrom: recording the same entry again names the same id' }),
    creditCode: z.string(),
    jurisdiction: z.string().meta({ description: 'The county that recorded it', example: '330106' }),
    reasonCode: z.enum(NEGATIVE_LIST_REASON_CODES),
    reason: text.meta({ description: "The reason code's label" }),
    source: z.string(),
    validFrom: day,
    validTo: day.optional().meta({ description: 'Last day in force (inclusive); absent: open-ended' }),
    note: z.string().optional(),
    status: z.enum(NEGATIVE_LIST_STATUSES).meta({ description: 'Today (CST): in_force (screening excludes the credit code), scheduled (validFrom later), expired (validTo passed), withdrawn (expired before it came into force; screening no longer sees it)' }),
    withdrawnAt: z.string().optional(),
    recordedAt: z.string(),
    recordedBy: z.string().meta({ description: "The official's token sub" }),
    updatedAt: z.string(),
    updatedBy: z.string(),
  })
  .meta({ title: 'NegativeListEntry' });

const entryAnswer = z
  .object({ outcome: z.enum(['added', 'updated', 'unchanged', 'expired', 'withdrawn']), entry })
  .meta({ title: 'NegativeListChange' });

const entryList = z
  .object({
    countyCode: z.string(),
    entries: z.array(entry).meta({ description: 'In entry-id order; at most 100 a page (fewer with creditCode, which filters the page)' }),
    nextCursor: z.string().optional().meta({ description: 'Present when there are more: pass it as cursor for the next page' }),
  })
  .meta({ title: 'NegativeListPage' });

const importRow = z.object({
  line: z.number().int().meta({ description: 'The line the row starts on (the header is line 1)' }),
  status: z.enum(['added', 'updated', 'unchanged', 'rejected', 'not_processed']),
  entryId: z.string().optional(),
  creditCode: z.string().optional(),
  message: text.optional().meta({ description: 'Why the row was rejected or not processed' }),
});
const importAnswer = z
  .object({
    countyCode: z.string(),
    importId: z.string().meta({ description: 'ULID; the audit records of the rows carry it' }),
    rowsTotal: z.number().int(),
    rowsAccepted: z.number().int(),
    rowsAdded: z.number().int(),
    rowsUpdated: z.number().int(),
    rowsUnchanged: z.number().int(),
    rowsRejected: z.number().int(),
    rowsNotProcessed: z.number().int(),
    rows: z.array(importRow).meta({ description: 'Every data row, in line order' }),
  })
  .meta({ title: 'NegativeListImport' });

const county = { name: 'countyCode', in: 'path', required: true, description: 'County-level division code (GB/T 2260, 6 digits)', schema: { type: 'string' } };
const ref = (name: string) => ({ 'application/json': { schema: { $ref: `#/components/schemas/${name}` } } });
const unauthorized = { description: 'No valid official token (API Gateway)' };

export function negativeListSchemas(schemaOf: (schema: z.ZodType, io: 'input' | 'output') => Record<string, unknown>): Record<string, unknown> {
  return {
    NegativeListAddition: schemaOf(negativeListAdditionSchema, 'input'),
    NegativeListExpiry: schemaOf(negativeListExpirySchema, 'input'),
    NegativeListEntry: schemaOf(entry, 'output'),
    NegativeListChange: schemaOf(entryAnswer, 'output'),
    NegativeListPage: schemaOf(entryList, 'output'),
    NegativeListImport: schemaOf(importAnswer, 'output'),
  };
}

export function negativeListPaths(problemResponse: (description: string) => unknown): Record<string, unknown> {
  const forbidden = problemResponse("Not this county's task force (nor an admin within whose jurisdiction it is)");
  return {
    '/v1/counties/{countyCode}/negative-list': {
      get: {
        operationId: 'listNegativeList',
        summary: "The county's negative-list entries (负面清单), for its task force and, read only, the coordinators and admins above it",
        security: [{ officialJwt: [] }],
        parameters: [
          county,
          { name: 'creditCode', in: 'query', required: false, description: "One credit code's entries", schema: { type: 'string' } },
          { name: 'cursor', in: 'query', required: false, description: 'nextCursor of the page before', schema: { type: 'string' } },
        ],
        responses: {
          '200': { description: 'A page of entries', content: ref('NegativeListPage') },
          '400': problemResponse('Malformed credit code or cursor, or not a county code'),
          '401': unauthorized,
          '403': problemResponse('Not a task force (or admin) whose jurisdiction holds the county'),
        },
      },
      post: {
        operationId: 'addNegativeListEntry',
        summary: "The county's task force adds an entry; screening excludes the credit code from the next screening on (validFrom to validTo)",
        description:
          'The jurisdiction is the county. validFrom defaults to today (CST). The same entry again (credit code, reason code, validFrom) is answered 200: unchanged when nothing differs, updated (source, validTo, note; a withdrawn entry back in force) otherwise. Audited (negative-list-change) in the transaction of the change.',
        security: [{ officialJwt: [] }],
        parameters: [county],
        requestBody: { required: true, content: ref('NegativeListAddition') },
        responses: {
          '201': { description: 'Added', content: ref('NegativeListChange') },
          '200': { description: 'Recorded before: unchanged or updated', content: ref('NegativeListChange') },
          '400': problemResponse('Invalid fields (in Chinese and English), or not a county code; nothing written'),
          '401': unauthorized,
          '403': forbidden,
        },
      },
    },
    '/v1/counties/{countyCode}/negative-list/{entryId}/expiry': {
      post: {
        operationId: 'expireNegativeListEntry',
        summary: 'Expire an entry now (no body: yesterday is its last day in force) or on a day (validTo, from yesterday on, not after its current end)',
        description: 'An entry whose last day falls before its first is withdrawn: screening no longer sees it. Audited.',
        security: [{ officialJwt: [] }],
        parameters: [county, { name: 'entryId', in: 'path', required: true, schema: { type: 'string' } }],
        requestBody: { required: false, content: ref('NegativeListExpiry') },
        responses: {
          '200': { description: 'Expired or withdrawn', content: ref('NegativeListChange') },
          '400': problemResponse('Invalid validTo; nothing written'),
          '401': unauthorized,
          '403': forbidden,
          '404': problemResponse("No such entry in this county's list (another county's id is no entry here)"),
          '409': problemResponse('negativeListConflict: already expired or withdrawn, or changed meanwhile'),
        },
      },
    },
    '/v1/counties/{countyCode}/negative-list/imports': {
      post: {
        operationId: 'importNegativeList',
        summary: `A CSV file of entries for the county, as the CLI loads them: header ${NEGATIVE_LIST_CSV_COLUMNS.join(',')}`,
        description: `The file's bytes as text/csv: UTF-8 (with or without BOM) or GB18030/GBK, at most 1 MiB and ${NEGATIVE_LIST_IMPORT_MAX_ROWS} rows. Every row's jurisdiction must be the county. Each row is written on its own (both items and its audit record in one transaction), never half; a bad row is rejected with its reason (zh/en) and the others are imported; a key repeated in the file: the last line. Cells are text (a formula is a string). Importing the file again writes nothing more (unchanged). Rows not reached before the deadline are not_processed: import the file again.`,
        security: [{ officialJwt: [] }],
        parameters: [county],
        requestBody: { required: true, content: { 'text/csv': { schema: { type: 'string', format: 'binary' } } } },
        responses: {
          '200': { description: 'The result of every row', content: ref('NegativeListImport') },
          '400': problemResponse('The file cannot be read (encoding, header, no rows, too many rows); nothing written'),
          '401': unauthorized,
          '403': forbidden,
          '413': problemResponse('Larger than 1 MiB'),
          '415': problemResponse('Not text/csv'),
        },
      },
    },
  };
}
