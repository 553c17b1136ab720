// GET /v1/counties/{countyCode}/escalations?state=open|resolved[&cursor=] — the county's escalation
// inbox (needs no bank matched, repairable declines with what would repair them, overdue reviews,
// late bank answers), for its task force and, read only, the coordinators above it; a page at a time.
// POST /v1/counties/{countyCode}/escalations/{needId}/actions — the county's own task force acts on
// one: {"action":"amend"|"hand_to_bank"|"resolved_offline"|"close", …} (shared/domain/escalation.ts).
// 404 for an unknown county, a need of another county or without an escalation (nothing revealed),
// 403 for other callers, 400 per field with nothing written, 409 with the reason when the state moved.
import { normalizeCountyCode } from '../../shared/domain/divisions';
import { actOnEscalation, ESCALATION_CONFLICTS, inboxItem, type EscalationConflictReason } from '../../shared/domain/escalation';
import { ESCALATION_STATES, type EscalationState } from '../../shared/domain/escalation-opening';
import { parseEscalationAction } from '../../shared/domain/escalation-schema';
import { REFUSALS } from '../../shared/domain/need-changes';
import { requireAccess } from '../../shared/adapters/access';
import { auditLog } from '../../shared/adapters/audit-log';
import { ENV, requiredEnv } from '../../shared/adapters/config';
import { documentDbClient } from '../../shared/adapters/dynamodb';
import { DynamoEscalationStore, ESCALATION_SK_PREFIX, inboxNeeds } from '../../shared/adapters/escalation-store';
import { invalidFields, invalidParameter, json, problemFor, readJsonBody, retryAfter, type HttpEvent, type HttpResult } from '../../shared/adapters/http';
import { DynamoNeedChangeStore } from '../../shared/adapters/need-changes-store';
import { withObservability } from '../../shared/adapters/observability';
import { servingBanks } from '../../shared/adapters/serving-banks';
import { failTask, sfnClient, startRouting } from '../../shared/adapters/workflow';

const client = documentDbClient();
const tables = { needs: requiredEnv(ENV.needsTable), counters: requiredEnv(ENV.countersTable) };
const audit = auditLog();
const store = new DynamoEscalationStore(client, tables, new DynamoNeedChangeStore(client, tables.needs, audit), audit);
const stateMachineArn = requiredEnv(ENV.stateMachineArn);
const deps = {
  store,
  workflow: {
    fail: (taskToken: string, error: string, cause: string) => failTask(sfnClient(), taskToken, error, cause),
    start: (needId: string, name: string) => startRouting(sfnClient(), stateMachineArn, needId, name),
  },
  servingBanks: servingBanks(),
};

/** Escalations per page of GET. */
export const ESCALATIONS_PAGE_SIZE = 50;

const NEED_ID = /^[0-9A-HJKMNP-TV-Z]{26}$/;
const CURSOR_SK = new RegExp(`^${ESCALATION_SK_PREFIX}[0-9A-HJKMNP-TV-Z]{26}$`);

const notFound = (event: HttpEvent) => problemFor(event, 'notFound', { zh: '未找到该事项', en: 'No such escalation' });
const badParameter = (event: HttpEvent, code: string, message: { zh: string; en: string }) =>
  invalidParameter(event, { zh: '请求参数有误', en: 'Invalid parameters' }, code, message);

async function listEscalations(event: HttpEvent, countyCode: string): Promise<HttpResult> {
  // The county's own task force, and the coordinators above it (read only).
  const access = requireAccess(event, 'lists.read', countyCode, { zh: '该区县不在您的辖区范围内', en: 'This county is outside your jurisdiction' });
  if (!access.ok) return access.response;
  const state = event.queryStringParameters?.state ?? 'open';
  if (!(ESCALATION_STATES as readonly string[]).includes(state)) {
    return badParameter(event, 'state.invalid', { zh: '状态应为 open（待处理）或 resolved（已办结）', en: 'state must be open or resolved' });
  }
  const cursor = event.queryStringParameters?.cursor;
  const after = cursor === undefined ? undefined : Buffer.from(cursor, 'base64url').toString('utf8');
  if (after !== undefined && !CURSOR_SK.test(after)) {
    return badParameter(event, 'cursor.invalid', { zh: '分页游标无效，请从第一页重新读取', en: 'Invalid cursor; read again from the first page' });
  }
  const page = await store.items.list(countyCode, state as EscalationState, { limit: ESCALATIONS_PAGE_SIZE, ...(after ? { after } : {}) });
  const needs = await inboxNeeds(client, tables.needs, page.escalations.map((e) => e.needId));
  return json(200, {
    countyCode,
    state,
    escalations: page.escalations.map((escalation) => inboxItem(escalation, needs.get(escalation.needId))),
    ...(page.after ? { nextCursor: Buffer.from(page.after, 'utf8').toString('base64url') } : {}),
  });
}

function conflict(event: HttpEvent, reason: EscalationConflictReason): HttpResult {
  const detail = Object.hasOwn(ESCALATION_CONFLICTS, reason) ? ESCALATION_CONFLICTS[reason as keyof typeof ESCALATION_CONFLICTS] : REFUSALS[reason as keyof typeof REFUSALS];
  return problemFor(event, 'escalationConflict', detail, { reason }, reason === 'busy' ? retryAfter() : {});
}

async function act(event: HttpEvent, countyCode: string): Promise<HttpResult> {
  const access = requireAccess(event, 'escalations.handle', countyCode, { zh: '只有本区县工作专班可以处理', en: 'Only the county’s own task force handles its escalations' });
  if (!access.ok) return access.response;
  const needId = event.pathParameters?.needId ?? '';
  if (!NEED_ID.test(needId)) return notFound(event);
  const body = readJsonBody(event);
  if (!body.ok) return body.response;
  const parsed = parseEscalationAction(body.value);
  if (!parsed.ok) return invalidFields(event, parsed.errors);
  const outcome = await actOnEscalation(deps, { countyCode, needId, who: access.caller.subject, command: parsed.command }, new Date());
  switch (outcome.kind) {
    case 'done':
      return json(200, inboxItem(outcome.escalation, outcome.need));
    case 'not_found':
      return notFound(event);
    case 'invalid':
      return invalidFields(event, outcome.errors);
    case 'conflict':
      return conflict(event, outcome.reason);
  }
}

async function escalationsHandler(event: HttpEvent): Promise<HttpResult> {
  const countyCode = normalizeCountyCode(event.pathParameters?.countyCode ?? '');
  if (!countyCode) return notFound(event);
  return event.httpMethod === 'POST' ? act(event, countyCode) : listEscalations(event, countyCode);
}

export const handler = withObservability(escalationsHandler);
