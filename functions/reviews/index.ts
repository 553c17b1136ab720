// POST /v1/counties/{countyCode}/reviews  {"decisions":[{"needId","decision","reasonCodes"?,"note"?}]}
//   → 200 {"countyCode","results":[{"needId","result":"applied|already_decided|refused|not_found",…}]}
//   the county's own task force decides the reviews of its needs (shared/domain/review.ts): each
//   decision one conditional write (need, counters, audit record), then the waiting workflow resumed.
// GET /v1/counties/{countyCode}/reviews?state=pending
//   → 200 {"countyCode","state","reviews":[{"needId","enterpriseName","amountYuan","declaredAt","dueAt","overdue"}]}
//   the needs waiting for review, oldest first, for the county's task force and the coordinators above it.
import { normalizeCountyCode } from '../../shared/domain/divisions';
import { MESSAGES } from '../../shared/domain/validation-messages';
import { decideReviews, parseReviewDecisions, pendingReview, type ReviewDecisionRecord, type ReviewedNeed } from '../../shared/domain/review';
import { requireAccess } from '../../shared/adapters/access';
import { auditLog } from '../../shared/adapters/audit-log';
import { tableCalendarSource } from '../../shared/adapters/calendar';
import { ENV, requiredEnv } from '../../shared/adapters/config';
import { CountyListReader } from '../../shared/adapters/county-lists';
import { documentDbClient } from '../../shared/adapters/dynamodb';
import { invalidFields, invalidParameter, json, readJsonBody, type HttpEvent, type HttpResult } from '../../shared/adapters/http';
import { logger, withObservability } from '../../shared/adapters/observability';
import { routingStore } from '../../shared/adapters/routing';
import { resumeTask, sfnClient } from '../../shared/adapters/workflow';

const store = routingStore({ audit: auditLog() });
const reader = new CountyListReader(documentDbClient(), requiredEnv(ENV.needsTable));
const calendar = tableCalendarSource((keys) => logger.warn('ignored holiday arrangements that do not parse', { keys }));

/** 200 decisions with notes of 500 characters fit; API Gateway takes far more. */
const MAX_BODY_BYTES = 256 * 1024;

const decisionStore = {
  getNeed: (needId: string) => store.getNeed(needId) as Promise<ReviewedNeed | undefined>,
  decide: (need: ReviewedNeed, decision: ReviewDecisionRecord, now: Date) => store.decideReview(need, decision, now),
};

const workflow = {
  resume: async (taskToken: string, output: unknown) => {
    try {
      return await resumeTask(sfnClient(), taskToken, output);
    } catch (error) {
      // The decision is written: the workflow's review timer reads it (ReviewCheck).
      logger.warn('review decision written; resuming the workflow failed', { error });
      return 'expired' as const;
    }
  },
};

async function decide(event: HttpEvent, countyCode: string): Promise<HttpResult> {
  const access = requireAccess(event, 'reviews.write', countyCode, { zh: '只能审核本区县的需求', en: 'Reviews are decided by the county’s own task force' });
  if (!access.ok) return access.response;
  const body = readJsonBody(event, MAX_BODY_BYTES);
  if (!body.ok) return body.response;
  const parsed = parseReviewDecisions(body.value);
  if (!parsed.ok) return invalidFields(event, parsed.errors);
  const now = new Date();
  const results = await decideReviews(decisionStore, workflow, parsed.decisions, { countyCode, by: access.caller.subject, calendar: await calendar.current(), now });
  return json(200, { countyCode, results });
}

async function pending(event: HttpEvent, countyCode: string): Promise<HttpResult> {
  const access = requireAccess(event, 'lists.read', countyCode, { zh: '该区县不在您的辖区范围内', en: 'This county is outside your jurisdiction' });
  if (!access.ok) return access.response;
  const state = event.queryStringParameters?.state ?? 'pending';
  if (state !== 'pending') {
    return invalidParameter(event, { zh: '请求参数有误', en: 'Invalid parameters' }, 'state.invalid', { zh: 'state 应为 pending（待审核）', en: 'state must be pending' });
  }
  const now = new Date();
  const needs = await reader.list(countyCode, ['in_review'], { withContact: false });
  const reviews = needs.map((need) => pendingReview(need, now));
  return json(200, { countyCode, state, reviews });
}

async function reviewsHandler(event: HttpEvent): Promise<HttpResult> {
  const countyCode = normalizeCountyCode(event.pathParameters?.countyCode ?? '');
  if (!countyCode) return invalidParameter(event, { zh: '请求参数有误', en: 'Invalid parameters' }, 'county_code.unknown', MESSAGES['county_code.unknown']);
  return event.httpMethod === 'POST' ? decide(event, countyCode) : pending(event, countyCode);
}

export const handler = withObservability(reviewsHandler);
