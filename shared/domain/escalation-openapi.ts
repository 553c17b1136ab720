// The escalation routes of the API contract (shared/domain/openapi.ts puts them in the document):
// the action body from escalation-schema.ts, the inbox item as functions/escalations answers it.
import * as z from 'zod';
import { CLOSE_OUTCOMES, ESCALATION_ACTIONS, ESCALATION_KINDS, ESCALATION_STATES, AGREEMENT_METHODS, RESOLUTION_OF } from './escalation';
import { escalationActionSchema } from './escalation-schema';
import { NEED_STATUSES } from './need-record';

const text = z.object({ zh: z.string(), en: z.string() });

const inboxItem = z
  .object({
    needId: z.string(),
    kind: z.enum(ESCALATION_KINDS).meta({ description: 'What opened it: no bank matched, a repairable decline, a review past its deadline, a bank’s acceptance after its deadline' }),
    kindLabel: text,
    state: z.enum(ESCALATION_STATES),
    openedAt: z.string().meta({ description: 'UTC instant it was (last) opened' }),
    updatedAt: z.string(),
    reason: z
      .object({ code: z.string(), zh: z.string(), en: z.string(), repairable: z.boolean(), repair: text.optional().meta({ description: 'What would repair it' }) })
      .optional()
      .meta({ description: "The bank's decline reason (declined_repairable)" }),
    bank: z.object({ bankId: z.string(), zh: z.string().optional(), en: z.string().optional() }).optional().meta({ description: 'The bank of the decline or of the late answer' }),
    lateEvent: z.string().optional().meta({ description: 'The late answer, e.g. referral.accepted' }),
    reviewDueAt: z.string().optional(),
    resolution: z
      .object({
        action: z.enum(ESCALATION_ACTIONS),
        resolution: z.enum(Object.values(RESOLUTION_OF) as [string, ...string[]]),
        at: z.string(),
        who: z.string().meta({ description: "The officer's token sub" }),
        outcome: z.enum(CLOSE_OUTCOMES as [string, ...string[]]).optional(),
        note: z.string().optional(),
        bankId: z.string().optional(),
        agreement: z.object({ how: z.enum(AGREEMENT_METHODS as [string, ...string[]]), note: z.string().optional() }).optional(),
        fields: z.array(z.string()).optional(),
      })
      .optional(),
    need: z
      .object({
        status: z.enum(NEED_STATUSES),
        submittedAt: z.string(),
        enterpriseName: z.string(),
        amountYuan: z.number().int(),
        termMonths: z.number().int(),
        purpose: z.string(),
        guarantee: z.string(),
        consentBankIds: z.array(z.string()).optional().meta({ description: 'The banks the consent names (hand_to_bank names one of them); absent: any bank serving the county' }),
      })
      .optional()
      .meta({ description: 'The need now (no contact details: those are in the county lists, audited)' }),
    actions: z.array(z.enum(ESCALATION_ACTIONS)).meta({ description: 'What the task force may do now (a stale page still gets 409)' }),
  })
  .meta({ title: 'Escalation' });

const inbox = z
  .object({
    countyCode: z.string(),
    state: z.enum(ESCALATION_STATES),
    escalations: z.array(inboxItem).meta({ description: 'By need id (submission order); at most 50 a page' }),
    nextCursor: z.string().optional().meta({ description: 'Present when there are more: pass it as cursor for the next page' }),
  })
  .meta({ title: 'EscalationInbox' });

export function escalationSchemas(schemaOf: (schema: z.ZodType, io: 'input' | 'output') => Record<string, unknown>): Record<string, unknown> {
  return {
    EscalationAction: schemaOf(escalationActionSchema, 'input'),
    Escalation: schemaOf(inboxItem, 'output'),
    EscalationInbox: schemaOf(inbox, 'output'),
  };
}

export function escalationPaths(problemResponse: (description: string) => unknown): Record<string, unknown> {
  const county = { name: 'countyCode', in: 'path', required: true, description: 'County-level division code (GB/T 2260, 6 digits)', schema: { type: 'string' } };
  return {
    '/v1/counties/{countyCode}/escalations': {
      get: {
        operationId: 'listEscalations',
        summary: "The county's escalation inbox, for its task force and, read only, the coordinators above it",
        description:
          'One escalation per need: no bank matched (unmatched), a bank declined for a repairable reason (with the reason and what would repair it, in Chinese and English), a manual review past its deadline, a bank that accepted after its deadline.',
        security: [{ officialJwt: [] }],
        parameters: [
          county,
          { name: 'state', in: 'query', required: false, schema: { type: 'string', enum: [...ESCALATION_STATES], default: 'open' } },
          { name: 'cursor', in: 'query', required: false, description: 'nextCursor of the page before', schema: { type: 'string' } },
        ],
        responses: {
          '200': { description: 'A page of escalations', content: { 'application/json': { schema: { $ref: '#/components/schemas/EscalationInbox' } } } },
          '400': problemResponse('state or cursor not valid (in Chinese and English)'),
          '401': { description: 'No valid official token (API Gateway)' },
          '403': problemResponse('Not a task force whose jurisdiction holds the county'),
          '404': problemResponse('No such county'),
        },
      },
    },
    '/v1/counties/{countyCode}/escalations/{needId}/actions': {
      post: {
        operationId: 'actOnEscalation',
        summary: 'The county’s task force acts on an escalation: amend and route again, hand to a bank, resolved offline, close',
        description:
          "amend: the need's amount, term, guarantee or purpose changed with the enterprise's agreement (how), screened and routed again (a new round, or the offer a bank holds after a repairable decline withdrawn). hand_to_bank: a new round offering the need to that bank only (serving the county, named by the consent). resolved_offline: a note. close: an outcome. Each action resolves the escalation, is audited, and appears on the enterprise's status page (task_force_* timeline codes; no bank is named there before one accepts).",
        security: [{ officialJwt: [] }],
        parameters: [county, { name: 'needId', in: 'path', required: true, schema: { type: 'string' } }],
        requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/EscalationAction' } } } },
        responses: {
          '200': { description: 'Done: the escalation as it is now', content: { 'application/json': { schema: { $ref: '#/components/schemas/Escalation' } } } },
          '400': problemResponse('Invalid fields (in Chinese and English), an amendment that changes nothing, a bank not serving the county or not named by the consent: nothing written'),
          '401': { description: 'No valid official token (API Gateway)' },
          '403': problemResponse("Not this county's task force"),
          '404': problemResponse('No such county, or no escalation of this need in this county'),
          '409': problemResponse('The state moved: reason escalation_resolved, escalation_changed, or why the need cannot be routed again (bank_deciding, busy with Retry-After, too_many_amendments, open_need_exists, …)'),
        },
      },
    },
  };
}
