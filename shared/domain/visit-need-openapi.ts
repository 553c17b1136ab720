// The route of needs entered from visits in the API contract (shared/domain/openapi.ts puts it in the
// document): the body from shared/domain/visit-need.ts, the answers as functions/visit-needs gives them.
import * as z from 'zod';
import { NEED_STATUSES } from './need-record';
import { visitNeedSchema, type VisitNeedResponse } from './visit-need';

const visitNeedResponse = z
  .object({
    needId: z.string().meta({ description: 'ULID' }),
    status: z.enum(NEED_STATUSES).meta({ description: 'submitted (a paper consent: routed as any need) or awaiting_consent (none yet: offered to no bank until the enterprise confirms)' }),
    source: z.literal('visit'),
    visitId: z.string(),
    enteredBy: z.string().meta({ description: "The official who entered it: the token's sub" }),
    sizeClass: z.enum(['large', 'medium', 'small', 'micro']),
    submittedAt: z.string().meta({ description: 'UTC instant; counted as declared (and declaredFromVisits) on its CST day' }),
    consent: z.object({
      onRecord: z.boolean().meta({ description: 'false while the need waits for the enterprise’s confirmation' }),
      kind: z.literal('paper').optional(),
      reference: z.string().optional().meta({ description: "The paper consent's reference" }),
      bankIds: z.array(z.string()).meta({ description: 'The banks the consent names (none while awaiting it)' }),
    }),
  })
  .meta({ title: 'VisitNeedResponse' }) satisfies z.ZodType<VisitNeedResponse>;

export function visitNeedSchemas(schemaOf: (schema: z.ZodType, io: 'input' | 'output') => Record<string, unknown>): Record<string, unknown> {
  return { VisitNeed: schemaOf(visitNeedSchema, 'input'), VisitNeedResponse: schemaOf(visitNeedResponse, 'output') };
}

export function visitNeedPaths(problemResponse: (description: string) => unknown): Record<string, unknown> {
  return {
    '/v1/counties/{countyCode}/visits/{visitedOn}/{visitId}/needs': {
      post: {
        operationId: 'enterNeedFromVisit',
        summary: "The county's task force enters a financing need on the enterprise's behalf from a recorded visit",
        description:
          "The body is the public form's (POST /v1/needs: the same fields, validation and messages) with the task force's consent: a signed paper consent " +
          '({"kind":"paper","reference","textVersion","bankIds"}: a text version that names the banks, each serving the county) — the need is then submitted and routed as any other — ' +
          'or none: the need is awaiting_consent, on the declaration list, holding the credit code, offered to no bank; the enterprise gets an SMS with a status link and confirms ' +
          'its consent (naming the banks) on the status page (POST /v1/needs/{needId}/amendments with consent), which starts routing. The need records source visit, the visit and ' +
          "the official (the token's sub); the visit links to its need (needId). The visit is addressed by its day and id (GET …/visits lists both). No tracking token is returned: the link is the enterprise's.",
        security: [{ officialJwt: [] }],
        parameters: [
          { name: 'countyCode', in: 'path', required: true, description: 'County-level division code (GB/T 2260, 6 digits)', schema: { type: 'string' } },
          { name: 'visitedOn', in: 'path', required: true, description: "The visit's day, YYYY-MM-DD", schema: { type: 'string' } },
          { name: 'visitId', in: 'path', required: true, description: "The visit's id (ULID)", schema: { type: 'string' } },
        ],
        requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/VisitNeed' } } } },
        responses: {
          '201': { description: 'Entered', content: { 'application/json': { schema: { $ref: '#/components/schemas/VisitNeedResponse' } } } },
          '400': problemResponse(
            'Invalid fields as on the form (zh and en), a credit code or county not the visit’s (/enterprise/creditCode, /enterprise/countyCode), a bank of the paper consent not serving the county (/consent/bankIds); nothing written',
          ),
          '401': { description: 'No valid official token (API Gateway)' },
          '403': problemResponse('Not the task force of this county'),
          '404': problemResponse('No such visit in this county (an unknown or malformed day or id)'),
          '409': problemResponse('openNeedExists: the enterprise has an open need; visitHasNeed: a need was entered from this visit already (`needId`)'),
          '415': problemResponse('Not application/json'),
        },
      },
    },
  };
}
