// The OpenAPI part of the task force's review (review.ts): POST and GET /v1/counties/{countyCode}/reviews.
import * as z from 'zod';
import { NEED_STATUSES } from './need-record';
import { MAX_DECISIONS, REVIEW_DECISIONS, reviewDecisionsSchema, type DecisionResult, type PendingReview } from './review';
import { REVIEW_NOT_RECOMMENDED_REASONS, REVIEW_RETURN_REASONS } from './review-reasons';

const result = z
  .object({
    needId: z.string(),
    result: z.enum(['applied', 'already_decided', 'refused', 'not_found']).meta({
      description: 'applied: written and the workflow resumed; already_decided: the same decision was taken before (nothing written); refused: see reason; not_found: no such need in this county',
    }),
    reason: z.enum(['decided_otherwise', 'not_in_review', 'withdrawn', 'busy']).optional(),
    status: z.enum(NEED_STATUSES).optional().meta({ description: 'The need’s status after the request (absent for not_found)' }),
  })
  .meta({ title: 'ReviewDecisionResult' });
// Every result the domain gives fits the documented shape.
export type DocumentedResult = z.infer<typeof result>;
const _fits: (r: DecisionResult) => DocumentedResult = (r) => r;
void _fits;

const results = z.object({ countyCode: z.string(), results: z.array(result).meta({ description: 'One per decision, in the order sent' }) }).meta({ title: 'ReviewDecisionResults' });

const pending = z
  .object({
    needId: z.string(),
    enterpriseName: z.string(),
    amountYuan: z.number().int(),
    declaredAt: z.string().meta({ description: 'UTC instant of the declaration' }),
    dueAt: z.string().meta({ description: 'When the review is due (UTC instant)' }),
    overdue: z.boolean(),
  })
  .meta({ title: 'PendingReview' }) satisfies z.ZodType<PendingReview>;

const pendingList = z.object({ countyCode: z.string(), state: z.literal('pending'), reviews: z.array(pending).meta({ description: 'Oldest declaration first' }) }).meta({ title: 'PendingReviews' });

export function reviewSchemas(schemaOf: (schema: z.ZodType, io: 'input' | 'output') => Record<string, unknown>): Record<string, unknown> {
  return {
    ReviewDecisions: schemaOf(reviewDecisionsSchema, 'input'),
    ReviewDecisionResults: schemaOf(results, 'output'),
    PendingReviews: schemaOf(pendingList, 'output'),
  };
}

export function reviewPaths(problemResponse: (description: string) => unknown): Record<string, unknown> {
  const county = { name: 'countyCode', in: 'path', required: true, description: 'County-level division code (GB/T 2260, 6 digits)', schema: { type: 'string' } };
  const codes = (table: Record<string, unknown>) => Object.keys(table).join(', ');
  return {
    '/v1/counties/{countyCode}/reviews': {
      post: {
        operationId: 'decideReviews',
        summary: `The county's task force decides the reviews (审核) of its needs: up to ${MAX_DECISIONS} at once`,
        description:
          `Counties set to review: manual hold every need the screening recommends in review (status in_review) until a decision: ${REVIEW_DECISIONS.join(', ')}. ` +
          `recommend → recommended, offered to banks; return (reasonCodes: what the enterprise must provide: ${codes(REVIEW_RETURN_REASONS)}) → returned, the owner may amend it and it is reviewed again; ` +
          `not_recommended (reasonCodes: ${codes(REVIEW_NOT_RECOMMENDED_REASONS)}) → not_recommended. "other" needs a note. ` +
          'Each decision is one conditional write (need, counters, review-decision audit record) and resumes the workflow; each has its own result. A need of another county is not_found.',
        security: [{ officialJwt: [] }],
        parameters: [county],
        requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/ReviewDecisions' } } } },
        responses: {
          '200': { description: 'One result per decision', content: { 'application/json': { schema: { $ref: '#/components/schemas/ReviewDecisionResults' } } } },
          '400': problemResponse('Invalid fields (in Chinese and English), nothing written; or not a county code'),
          '401': { description: 'No valid official token (API Gateway)' },
          '403': problemResponse('Not the task force of this county'),
        },
      },
      get: {
        operationId: 'pendingReviews',
        summary: "The county's needs waiting for review, with due time and whether overdue, for its task force and the coordinators above it",
        security: [{ officialJwt: [] }],
        parameters: [county, { name: 'state', in: 'query', required: false, schema: { type: 'string', enum: ['pending'], default: 'pending' } }],
        responses: {
          '200': { description: 'The reviews waiting', content: { 'application/json': { schema: { $ref: '#/components/schemas/PendingReviews' } } } },
          '400': problemResponse('state not pending, or not a county code'),
          '401': { description: 'No valid official token (API Gateway)' },
          '403': problemResponse('Not a task force whose jurisdiction holds the county'),
        },
      },
    },
  };
}
