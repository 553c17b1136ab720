// The API contract as OpenAPI 3.1, generated from the same zod schemas the server validates with.
// `npm run openapi` writes it to shared/openapi.json (committed; a test keeps the two equal), and
// GET /v1/openapi.json serves it.
import * as z from 'zod';
import { bankEventSchema, DECLINE_REASONS, referralOfferedSchema, referralWithdrawnSchema } from './bank-events';
import { needAmendmentSchema } from './need-changes';
import { needDetailsSchema, needSubmissionSchema } from './need';
import { NEED_STATUSES } from './need-record';
import { PROBLEM_TYPES, problemTypeUri } from './problem';
import { branchContactSchema } from './branch-contact';
import { timelineEntrySchema } from './timeline-schema';
import type { NeedProgress } from './need-progress';
import { taskForceContactSchema } from './task-force';
import type { CountyBanksResponse } from './consent-recipients';
import { statusLinkAcceptedSchema, statusLinkRequestSchema, statusLinkVerifiedSchema, statusLinkVerifySchema } from './status-link';
import { VISIT_METHODS, VISIT_OUTCOMES, visitSchema, type Visit } from './visit';
import { escalationPaths, escalationSchemas } from './escalation-openapi';
import { reviewPaths, reviewSchemas } from './review-openapi';
import { LIST_FORMATS, LISTS, type ListRow } from './lists';
import { importPaths, importSchemas } from './import-openapi';
import { progressPaths, progressSchemas } from './progress-openapi';
import { negativeListPaths, negativeListSchemas } from './negative-list-openapi';
import { visitNeedPaths, visitNeedSchemas } from './visit-need-openapi';

const sizeClass = z.enum(['large', 'medium', 'small', 'micro']);
const status = z.enum(NEED_STATUSES);

const submitNeedResponse = z
  .object({
    needId: z.string().meta({ description: 'ULID', example: '01JDZ8Q8Y3M3B3X9N7W1V2C4D5' }),
    status,
    sizeClass,
    trackingToken: z.string().meta({ description: 'Keep it secret: it is the only way to read the status' }),
    statusUrl: z.string().meta({ description: 'Status page link; the token is in the fragment' }),
  })
  .meta({ title: 'SubmitNeedResponse' });


const bankName = z.object({ zh: z.string(), en: z.string() });
const needProgress = z
  .discriminatedUnion('stage', [
    z.object({ stage: z.literal('considering'), answerDueBy: z.string().meta({ description: 'UTC instant the bank must answer by' }) }),
    z.object({ stage: z.literal('accepted'), bank: bankName, branch: branchContactSchema.optional(), decisionDueBy: z.string().optional() }),
    z.object({
      stage: z.literal('granted'),
      bank: bankName,
      branch: branchContactSchema.optional(),
      terms: z.object({ amountYuan: z.number().int(), annualRateBp: z.number().int(), termMonths: z.number().int(), loanType: z.string() }),
      disbursement: z.object({ amountYuan: z.number().int(), disbursedOn: z.string() }).optional(),
    }),
  ])
  .meta({
    title: 'NeedProgress',
    description: "The need's bank once one has it: while it considers the need only the answer's due time (not which bank); after acceptance the bank and the branch it named; after the grant the terms",
  }) satisfies z.ZodType<NeedProgress>;

const needStatusResponse = z
  .object({
    needId: z.string(),
    status,
    source: z.literal('visit').optional().meta({ description: 'Present for a need the county task force entered from a visit' }),
    sizeClass,
    submittedAt: z.string(),
    enterprise: z.object({ name: z.string(), countyCode: z.string(), industryCode: z.string(), hasFixedPremises: z.boolean() }),
    need: needDetailsSchema,
    timeline: z.array(timelineEntrySchema),
    progress: needProgress.optional(),
    actions: z
      .object({
        amend: z.boolean(),
        withdraw: z.boolean(),
        confirmConsent: z.literal(true).optional().meta({
          description: 'Present while the need (entered from a visit) waits for the owner’s consent: confirm it with an amendment {"consent":{…the banks serving the county now}}, which starts routing',
        }),
      })
      .meta({ description: 'What the owner can do now: amend the need (after a non-recommendation, no match or a repairable decline), withdraw it, confirm its consent' }),
    consentBankIds: z
      .array(z.string())
      .optional()
      .meta({ description: 'The ids of the banks the consent names (GET /v1/counties/{countyCode}/banks has their names); a bank serving the county that is not here gets the need only after a renewed consent (an amendment with consent)' }),
    taskForce: taskForceContactSchema.optional().meta({ description: "The task force of the need's county: whom to turn to (absent when none is loaded)" }),
  })
  .meta({ title: 'NeedStatusResponse' });

const countyBanksResponse = z
  .object({
    countyCode: z.string().meta({ description: 'The county (canonical code)', example: '330106' }),
    banks: z.array(z.object({ bankId: z.string(), nameZh: z.string(), nameEn: z.string() })).meta({
      description: 'Active banks serving the county (the county, its prefecture, its province or the whole country), the most local first: the recipients the consent text names',
    }),
  })
  .meta({ title: 'CountyBanksResponse' }) satisfies z.ZodType<CountyBanksResponse>;

// The day rules (not after today, at most a year back) are checks, not part of the JSON Schema: any day builds the same document.
const visitInput = visitSchema('2026-12-01');
const visitRecord = z
  .object({
    visitId: z.string().meta({ description: 'ULID', example: '01JDZ8Q8Y3M3B3X9N7W1V2C4D5' }),
    countyCode: z.string().meta({ example: '330106' }),
    creditCode: z.string(),
    name: z.string(),
    visitedOn: z.string().meta({ description: 'YYYY-MM-DD' }),
    method: z.enum(VISIT_METHODS),
    outcome: z.enum(VISIT_OUTCOMES),
    bankIds: z.array(z.string()),
    estimatedAmountYuan: z.number().int().optional(),
    note: z.string().optional(),
    officer: z.string().meta({ description: "The recording officer: the token's sub" }),
    recordedAt: z.string().meta({ description: 'UTC instant' }),
    needId: z.string().optional().meta({ description: 'The need the task force entered from this visit (POST …/visits/{visitedOn}/{visitId}/needs)' }),
  })
  .meta({ title: 'Visit' }) satisfies z.ZodType<Visit>;
const visitList = z
  .object({
    countyCode: z.string(),
    month: z.string().meta({ example: '2026-11' }),
    visits: z.array(visitRecord).meta({ description: 'By visit day, then credit code; at most 200 a page' }),
    nextCursor: z.string().optional().meta({ description: 'Present when there are more: pass it as cursor for the next page' }),
  })
  .meta({ title: 'VisitList' });

const listRowSchema = z
  .object({
    needId: z.string(),
    submittedAt: z.string().meta({ description: 'UTC instant' }),
    submittedAtChina: z.string().meta({ description: 'YYYY-MM-DD HH:mm:ss, China Standard Time' }),
    enterpriseName: z.string(),
    creditCode: z.string(),
    industryCode: z.string(),
    industryName: z.string(),
    sizeClass: z.string(),
    amountYuan: z.number().int(),
    termMonths: z.number().int(),
    purpose: z.string(),
    guarantee: z.string(),
    status: z.enum(NEED_STATUSES),
    screening: z.object({
      outcome: z.enum(['recommended', 'not_recommended', 'pending']).meta({ description: 'pending: not screened yet, the need waits for the enterprise’s consent (awaiting_consent)' }),
      reasons: z.array(z.object({ code: z.string(), zh: z.string() })).meta({ description: 'Screening reason codes and their Chinese text (none when recommended)' }),
    }),
    source: z.literal('visit').optional().meta({ description: 'Entered by the task force from a visit' }),
    review: z
      .object({
        outcome: z.enum(['pending', 'recommend', 'return', 'not_recommended']),
        dueAt: z.string().meta({ description: 'When the review is (was) due (UTC instant)' }),
        overdue: z.boolean().meta({ description: 'Pending past its deadline' }),
        reasons: z.array(z.object({ code: z.string(), zh: z.string() })).meta({ description: 'The decision’s reason codes and their Chinese text' }),
      })
      .optional()
      .meta({ description: 'The task force’s review (审核) in counties set to review: manual' }),
    contact: z.object({ name: z.string(), mobile: z.string() }).optional().meta({ description: "Only for the county's own task force (audited)" }),
  })
  .meta({ title: 'ListRow' }) satisfies z.ZodType<ListRow>;
const countyList = z
  .object({
    countyCode: z.string(),
    list: z.enum(LISTS),
    contacts: z.boolean().meta({ description: 'Whether the rows carry contact details' }),
    needs: z.array(listRowSchema).meta({ description: 'Oldest first' }),
  })
  .meta({ title: 'CountyList' });

const localized = z.object({ zh: z.string(), en: z.string() });
const problem = z
  .object({
    type: z.string().meta({ description: 'One of: ' + Object.keys(PROBLEM_TYPES).map((k) => problemTypeUri(k as keyof typeof PROBLEM_TYPES)).join(', ') }),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    instance: z.string().optional(),
    errors: z
      .array(
        z.object({
          pointer: z.string().meta({ description: 'JSON pointer (RFC 6901) into the request body' }),
          code: z.string(),
          message: localized,
        }),
      )
      .optional(),
  })
  .meta({ title: 'Problem', description: 'RFC 9457 problem details' });

const health = z
  .object({ status: z.enum(['ok', 'unavailable']), checks: z.record(z.string(), z.string()) })
  .meta({ title: 'Health' });

const bankEventAnswer = z.object({
  status: z.enum(['accepted', 'declined', 'granted', 'disbursed', 'late']),
  referralId: z.string(),
  disclosure: z
    .object({
      enterprise: z.object({ name: z.string(), creditCode: z.string(), countyCode: z.string() }),
      contact: z.object({ name: z.string(), mobile: z.string() }),
      need: needDetailsSchema,
      consent: z.object({ textVersion: z.string(), at: z.string() }),
    })
    .optional(),
});

function schemaOf(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any', reused: 'inline' }) as Record<
    string,
    unknown
  >;
  return rest;
}

const problemContent = { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } };
const problemResponse = (description: string) => ({ description, content: problemContent });

export function buildOpenApiDocument(): Record<string, unknown> {
  return {
    openapi: '3.1.0',
    info: {
      title: 'smefin API',
      version: '1.0.0',
      description:
        'Small and micro enterprise financing coordination: enterprises declare financing needs and follow them. ' +
        'Errors are application/problem+json (RFC 9457) with field messages in Chinese and English.',
    },
    paths: {
      '/v1/needs': {
        post: {
          operationId: 'submitNeed',
          summary: 'Declare a financing need',
          parameters: [
            {
              name: 'Idempotency-Key',
              in: 'header',
              required: false,
              description:
                'A retry with the same key and body returns the first answer (or, when that answer was lost, the need the first attempt stored, with a new tracking token) and creates nothing; the same key with another body is refused (422). Keys live 24 hours.',
              schema: { type: 'string', maxLength: 255 },
            },
            {
              name: 'Accept-Language',
              in: 'header',
              required: false,
              description: 'zh (default) or en: the language of problem titles and details',
              schema: { type: 'string' },
            },
          ],
          requestBody: {
            required: true,
            content: { 'application/json': { schema: { $ref: '#/components/schemas/NeedSubmission' } } },
          },
          responses: {
            '201': {
              description: 'Need recorded',
              headers: { Location: { schema: { type: 'string' } } },
              content: { 'application/json': { schema: { $ref: '#/components/schemas/SubmitNeedResponse' } } },
            },
            '400': problemResponse('Invalid JSON, a body that is not UTF-8, or invalid fields (see errors[]; a bank in consent.bankIds that does not serve the county: /consent/bankIds)'),
            '409': problemResponse('An open need exists for this credit code, or the same Idempotency-Key is in progress'),
            '413': problemResponse('Body larger than 32 KiB'),
            '415': problemResponse('Body is not application/json'),
            '422': problemResponse('Idempotency-Key reused with a different body'),
            '503': problemResponse(
              'unavailable: nothing was saved, retry later; outcome-unknown: the need may have been saved, retry the same request with the same Idempotency-Key (Retry-After)',
            ),
          },
        },
      },
      '/v1/needs/{needId}': {
        get: {
          operationId: 'getNeedStatus',
          summary: "Follow a need's status",
          security: [{ trackingToken: [] }],
          parameters: [{ name: 'needId', in: 'path', required: true, schema: { type: 'string' } }],
          responses: {
            '200': {
              description: 'The need and its timeline',
              content: { 'application/json': { schema: { $ref: '#/components/schemas/NeedStatusResponse' } } },
            },
            '404': problemResponse('No such need, or wrong token (the two are indistinguishable)'),
          },
        },
      },
      '/v1/needs/{needId}/amendments': {
        post: {
          operationId: 'amendNeed',
          summary: 'Amend a need and have it screened and routed again',
          description:
            'Only the fields to change, in the submission’s shape. Allowed after the need was not recommended, found no bank, or a bank declined it for a repairable reason (the offer to the next bank is then withdrawn). The timeline shows the amendment; at most 5 per need. Nothing changes unless all of it is valid.',
          security: [{ trackingToken: [] }],
          parameters: [{ name: 'needId', in: 'path', required: true, schema: { type: 'string' } }],
          requestBody: { required: true, content: { 'application/json': { schema: schemaOf(needAmendmentSchema, 'input') } } },
          responses: {
            '200': { description: 'Amended: the need, submitted again', content: { 'application/json': { schema: { $ref: '#/components/schemas/NeedStatusResponse' } } } },
            '400': problemResponse('Invalid fields (see errors[]), or nothing changed (amendment.nothing_changed); nothing was written'),
            '404': problemResponse('No such need, or wrong token'),
            '409': problemResponse('needChangeRefused: the need’s state does not allow it (`reason`: not_amendable, bank_deciding, closed, withdrawn, too_many_amendments, open_need_exists, consent_needed — a need awaiting its consent takes an amendment with consent; busy with Retry-After)'),
            '415': problemResponse('Not application/json'),
          },
        },
      },
      '/v1/needs/{needId}/withdrawal': {
        post: {
          operationId: 'withdrawNeed',
          summary: 'Withdraw a need and the consent',
          description:
            'Routing stops; a bank that has the need is sent referral.withdrawn; the contact details are erased from the need (statistics keep their counts); the withdrawal is audited. A repeat answers the same. Not after a grant (the credit is between the enterprise and the bank).',
          security: [{ trackingToken: [] }],
          parameters: [{ name: 'needId', in: 'path', required: true, schema: { type: 'string' } }],
          responses: {
            '200': { description: 'Withdrawn', content: { 'application/json': { schema: { $ref: '#/components/schemas/NeedStatusResponse' } } } },
            '404': problemResponse('No such need, or wrong token'),
            '409': problemResponse('needChangeRefused: granted already (`reason`: closed), or busy with Retry-After'),
          },
        },
      },
      '/v1/counties/{countyCode}/banks': {
        get: {
          operationId: 'listCountyBanks',
          summary: 'The banks serving a county, names only: the recipients the consent names (PIPL art. 23)',
          description:
            'The form shows these names in the consent text and sends their ids as consent.bankIds; only those banks are offered the need. Cache-Control: public, max-age=300.',
          parameters: [{ name: 'countyCode', in: 'path', required: true, description: 'County-level division code (GB/T 2260, 6 digits)', schema: { type: 'string' } }],
          responses: {
            '200': { description: 'The county and its banks (possibly none)', content: { 'application/json': { schema: { $ref: '#/components/schemas/CountyBanksResponse' } } } },
            '400': problemResponse('Not a county-level division code'),
          },
        },
      },
      '/v1/counties/{countyCode}/visits': {
        post: {
          operationId: 'recordVisit',
          summary: "The county's task force records a visit to an enterprise (one per county, credit code and day)",
          description:
            "The officer is the token's subject. A visit already recorded with the same county, credit code and visit day is answered as it was recorded (200), nothing written: repeating a request or an import is safe. method and outcome take the codes or their Chinese labels.",
          security: [{ officialJwt: [] }],
          parameters: [{ name: 'countyCode', in: 'path', required: true, description: 'County-level division code (GB/T 2260, 6 digits)', schema: { type: 'string' } }],
          requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/VisitInput' } } } },
          responses: {
            '201': { description: 'Recorded', content: { 'application/json': { schema: { $ref: '#/components/schemas/Visit' } } } },
            '200': { description: 'Already recorded: the visit as it was', content: { 'application/json': { schema: { $ref: '#/components/schemas/Visit' } } } },
            '400': problemResponse('Invalid fields (in Chinese and English), a bank not serving the county, or not a county code'),
            '401': { description: 'No valid official token (API Gateway)' },
            '403': problemResponse("Not the task force of this county"),
          },
        },
        get: {
          operationId: 'listVisits',
          summary: "The county's visits of a month, for its task force and the coordinators above it",
          security: [{ officialJwt: [] }],
          parameters: [
            { name: 'countyCode', in: 'path', required: true, schema: { type: 'string' } },
            { name: 'month', in: 'query', required: true, description: 'YYYY-MM (the visit days, CST)', schema: { type: 'string' } },
            { name: 'cursor', in: 'query', required: false, description: 'nextCursor of the page before', schema: { type: 'string' } },
          ],
          responses: {
            '200': { description: 'A page of visits', content: { 'application/json': { schema: { $ref: '#/components/schemas/VisitList' } } } },
            '400': problemResponse('Malformed month or cursor, or not a county code'),
            '401': { description: 'No valid official token (API Gateway)' },
            '403': problemResponse('Not a task force whose jurisdiction holds the county'),
          },
        },
      },
      ...negativeListPaths(problemResponse),
      ...importPaths(problemResponse),
      ...progressPaths(problemResponse),
      ...visitNeedPaths(problemResponse),
      ...escalationPaths(problemResponse),
      ...reviewPaths(problemResponse),
      '/v1/lists/{countyCode}': {
        get: {
          operationId: 'countyList',
          summary: "A county's declaration list (申报清单) or recommendation list (推荐清单), for its task force and the coordinators above it",
          description:
            "declared: the needs that passed 初筛, the automatic five-criteria screening, with the outcome and reason codes. In counties set to review: manual the declaration list also holds the needs waiting for the task force's review (审核; review: pending, dueAt, overdue) or returned by it, and each row shows its review. recommended: the needs the screening recommended, in recommended, offered, accepted, granted, disbursed or unmatched. Contact details only for the county's own task force; each answer that holds them is audited first (503 when the audit record cannot be written, nothing disclosed). csv: UTF-8 with BOM, Chinese headers, a cell starting with = + - @ prefixed with a quote. xlsx: ask with Accept: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet (the gateway serves it as bytes only when that is the first Accept type).",
          security: [{ officialJwt: [] }],
          parameters: [
            { name: 'countyCode', in: 'path', required: true, description: 'County-level division code (GB/T 2260, 6 digits)', schema: { type: 'string' } },
            { name: 'list', in: 'query', required: true, schema: { type: 'string', enum: [...LISTS] } },
            { name: 'format', in: 'query', required: false, schema: { type: 'string', enum: [...LIST_FORMATS], default: 'json' } },
          ],
          responses: {
            '200': {
              description: 'The list; csv and xlsx as attachments (Content-Disposition, e.g. smefin-330106-declared-2026-12-01.csv)',
              content: {
                'application/json': { schema: { $ref: '#/components/schemas/CountyList' } },
                'text/csv': { schema: { type: 'string' } },
                'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': { schema: { type: 'string', format: 'binary' } },
              },
            },
            '400': problemResponse('list or format not one of the values (in Chinese and English)'),
            '401': { description: 'No valid official token (API Gateway)' },
            '403': problemResponse('Not a task force whose jurisdiction holds the county'),
            '404': problemResponse('No such county'),
            '503': problemResponse('The audit record could not be written: nothing disclosed; try again (Retry-After)'),
          },
        },
      },
      '/v1/status-links': {
        post: {
          operationId: 'requestStatusLink',
          summary: 'Find a need again: a one-time code by SMS to the mobile given with it',
          description:
            'Always 202 with the same body: nothing tells whether a need matched. When an open need, or one closed within 90 days, has this credit code and mobile, a 6-digit code valid 10 minutes goes to that mobile. Limited to 3 requests per 10 minutes and 10 a day, per mobile and per credit code.',
          requestBody: { required: true, content: { 'application/json': { schema: schemaOf(statusLinkRequestSchema, 'input') } } },
          responses: {
            '202': { description: 'Taken (a code was sent if a need matched)', content: { 'application/json': { schema: schemaOf(statusLinkAcceptedSchema, 'output') } } },
            '400': problemResponse('Invalid fields (credit code, mobile)'),
            '415': problemResponse('Not application/json'),
            '429': problemResponse('Too many requests for this mobile or credit code; Retry-After says when to try again'),
          },
        },
      },
      '/v1/status-links/verify': {
        post: {
          operationId: 'verifyStatusLink',
          summary: 'The code from the SMS gives the status page with a fresh tracking token',
          description: 'The earlier tracking token stops working. A code is used once; 5 wrong tries end it. Limited to 10 attempts per 10 minutes per mobile and per credit code.',
          requestBody: { required: true, content: { 'application/json': { schema: schemaOf(statusLinkVerifySchema, 'input') } } },
          responses: {
            '200': { description: 'The need and its status page', content: { 'application/json': { schema: schemaOf(statusLinkVerifiedSchema, 'output') } } },
            '400': problemResponse('Invalid fields, or a code that is wrong, expired, used or ended (the same answer for each)'),
            '429': problemResponse('Too many attempts; Retry-After says when to try again'),
          },
        },
      },
      '/v1/health': {
        get: {
          operationId: 'health',
          summary: "Whether the system's parts are reachable",
          responses: {
            '200': { description: 'Healthy', content: { 'application/json': { schema: { $ref: '#/components/schemas/Health' } } } },
            '503': { description: 'A part is unreachable', content: { 'application/json': { schema: { $ref: '#/components/schemas/Health' } } } },
          },
        },
      },
      '/v1/banks/{bankId}/events': {
        post: {
          operationId: 'bankEvent',
          summary: "A bank's answer to a referral (Standard Webhooks signed)",
          description:
            'Signed with the bank\'s secret per the Standard Webhooks spec (webhook-id, webhook-timestamp, webhook-signature; 5-minute tolerance; ' +
            'a repeated webhook-id gets the first answer, marked X-Smefin-Duplicate: true; while the first delivery of an id is still ' +
            'being processed, a repeat gets 409 referral-not-ready with Retry-After). See docs/bank-integration.md. Decline reason codes: ' +
            DECLINE_REASONS.map((r) => `${r.code}${r.repairable ? ' (repairable)' : ''}`).join(', '),
          parameters: [
            { name: 'bankId', in: 'path', required: true, schema: { type: 'string' } },
            { name: 'webhook-id', in: 'header', required: true, schema: { type: 'string', minLength: 1, maxLength: 256, pattern: '^[\\x21-\\x7e]+$' } },
            { name: 'webhook-timestamp', in: 'header', required: true, schema: { type: 'string' } },
            { name: 'webhook-signature', in: 'header', required: true, schema: { type: 'string' } },
          ],
          requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/BankEvent' } } } },
          responses: {
            '200': {
              description: 'Applied: the referral\'s new stage; an acceptance also carries `disclosure` (the enterprise and its contact)',
              content: { 'application/json': { schema: { $ref: '#/components/schemas/BankEventAnswer' } } },
            },
            '202': { description: 'Late: the deadline had passed; the answer is recorded and counted, the workflow has moved on' },
            '400': problemResponse('Malformed event (see errors[]), a body that is not UTF-8, or a webhook-id longer than 256 characters'),
            '401': problemResponse('Bad signature, stale timestamp or unknown bank'),
            '404': problemResponse("Unknown referral, or another bank's"),
            '409': problemResponse(
              'referral-conflict: the referral is not in a stage for this event (do not retry). referral-not-ready: the workflow is between ' +
                'steps, or the same webhook-id is being processed: retry after Retry-After / retryAfterSeconds',
            ),
            '422': problemResponse('The webhook-id was already used for a different event (type or data)'),
          },
        },
      },
      '/v1/reports': {
        get: {
          operationId: 'listReports',
          summary: "The reports of a period within the caller's jurisdiction",
          security: [{ regulatorJwt: [] }],
          parameters: [{ name: 'period', in: 'query', required: true, description: 'YYYY-MM, YYYY-MM-DD or YYYY-MM-mtd-DD', schema: { type: 'string' } }],
          responses: {
            '200': { description: 'Divisions with reports the caller may download, with links per format' },
            '400': problemResponse('Malformed period'),
            '401': { description: 'No valid regulator token (API Gateway)' },
            '403': problemResponse('Not a regulator'),
            '404': problemResponse('No reports for this period yet'),
          },
        },
      },
      '/v1/reports/{period}/{divisionCode}': {
        get: {
          operationId: 'downloadReport',
          summary: 'A 302 redirect to a presigned link (5 minutes) to one report; every download is audited',
          security: [{ regulatorJwt: [] }],
          parameters: [
            { name: 'period', in: 'path', required: true, schema: { type: 'string' } },
            { name: 'divisionCode', in: 'path', required: true, description: '6 digits; 000000 is national', schema: { type: 'string' } },
            { name: 'format', in: 'query', required: false, schema: { type: 'string', enum: ['json', 'csv', 'xlsx', 'html'], default: 'json' } },
            { name: 'edition', in: 'query', required: false, schema: { type: 'string', enum: ['full', 'public'], default: 'full' } },
          ],
          responses: {
            '302': { description: 'Location: the presigned link; the JSON format follows the Report schema' },
            '400': problemResponse('Malformed period, division, format or edition'),
            '401': { description: 'No valid regulator token (API Gateway)' },
            '403': problemResponse("Outside the caller's jurisdiction, or not a regulator"),
            '404': problemResponse('Not produced'),
          },
        },
      },
      '/v1/openapi.json': {
        get: { operationId: 'openApi', summary: 'This document', responses: { '200': { description: 'OpenAPI 3.1' } } },
      },
    },
    webhooks: {
      'referral.offered': {
        post: {
          summary: 'An offer to a bank (POSTed to its webhook URL, Standard Webhooks signed)',
          requestBody: { content: { 'application/json': { schema: { $ref: '#/components/schemas/ReferralOffered' } } } },
          responses: { '200': { description: 'Received; answer with referral.accepted or referral.declined before the deadline' } },
        },
      },
      'referral.withdrawn': {
        post: {
          summary: 'A referral the bank had is withdrawn: the enterprise withdrew the need and its consent (delete the contact details received), or amended it',
          requestBody: { content: { 'application/json': { schema: schemaOf(referralWithdrawnSchema, 'output') } } },
          responses: { '200': { description: 'Received; answers to this referral are refused from now on (409)' } },
        },
      },
    },
    components: {
      securitySchemes: {
        trackingToken: { type: 'http', scheme: 'bearer', description: 'The trackingToken from the submission receipt' },
        regulatorJwt: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: 'ID token of the regulators\' user pool; claims custom:jurisdiction (division code, 000000 national) and custom:role = regulator',
        },
        officialJwt: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: "An official's ID token (the same issuer); claims custom:jurisdiction and custom:role (task_force for visits)",
        },
      },
      schemas: {
        NeedSubmission: schemaOf(needSubmissionSchema, 'input'),
        SubmitNeedResponse: schemaOf(submitNeedResponse, 'output'),
        NeedStatusResponse: schemaOf(needStatusResponse, 'output'),
        CountyBanksResponse: schemaOf(countyBanksResponse, 'output'),
        VisitInput: schemaOf(visitInput, 'input'),
        Visit: schemaOf(visitRecord, 'output'),
        VisitList: schemaOf(visitList, 'output'),
        CountyList: schemaOf(countyList, 'output'),
        ...escalationSchemas(schemaOf),
        ...reviewSchemas(schemaOf),
        ...negativeListSchemas(schemaOf),
        ...importSchemas(schemaOf),
        ...progressSchemas(schemaOf),
        ...visitNeedSchemas(schemaOf),
        Problem: schemaOf(problem, 'output'),
        Health: schemaOf(health, 'output'),
        BankEvent: schemaOf(bankEventSchema, 'input'),
        BankEventAnswer: schemaOf(bankEventAnswer, 'output'),
        ReferralOffered: schemaOf(referralOfferedSchema, 'output'),
      },
    },
  };
}
