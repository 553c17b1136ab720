// POST /v1/needs/{needId}/amendments  {need?: {...}, enterprise?: {hasFixedPremises}}  → 200 the need, routed again
// POST /v1/needs/{needId}/withdrawal                                                 → 200 the need, withdrawn
// The owner's changes to a need, with the tracking token (shared/domain/need-changes.ts): 400 for an
// amendment that fails validation or changes nothing (nothing is written), 404 as the status page
// answers a wrong id or token, 409 with the reason when the need's state does not allow the change.
import { amendNeed, needAmendmentSchema, REFUSALS, withdrawNeed, type ChangeOutcome } from '../../shared/domain/need-changes';
import { needStatusView } from '../../shared/domain/need-record';
import { auditLog } from '../../shared/adapters/audit-log';
import { ENV, requiredEnv } from '../../shared/adapters/config';
import { documentDbClient } from '../../shared/adapters/dynamodb';
import { header, invalidBody, invalidFields, json, problemFor, readJsonBody, retryAfter, type HttpEvent, type HttpResult } from '../../shared/adapters/http';
import { DynamoNeedChangeStore } from '../../shared/adapters/need-changes-store';
import { withObservability } from '../../shared/adapters/observability';
import { tokenOpensNeed } from '../../shared/adapters/tracking-token';
import { failTask, sfnClient, startRouting } from '../../shared/adapters/workflow';
import { servingBanks } from '../../shared/adapters/serving-banks';

const stateMachineArn = requiredEnv(ENV.stateMachineArn);
const store = new DynamoNeedChangeStore(documentDbClient(), requiredEnv(ENV.needsTable), auditLog());
const deps = {
  store,
  workflow: {
    fail: (taskToken: string, error: string, cause: string) => failTask(sfnClient(), taskToken, error, cause),
    start: (needId: string, name: string) => startRouting(sfnClient(), stateMachineArn, needId, name),
  },
  // A renewed consent names banks serving the county now.
  servingBanks: servingBanks(),
};

const NEED_ID = /^[0-9A-HJKMNP-TV-Z]{26}$/;

const NOTHING_CHANGED = { zh: '修改内容与原需求相同：请至少修改一项', en: 'The amendment changes nothing: change at least one field' };

function answer(event: HttpEvent, outcome: ChangeOutcome, notFound: () => HttpResult): HttpResult {
  switch (outcome.kind) {
    case 'changed':
      return json(200, needStatusView(outcome.need));
    case 'not_found':
      return notFound();
    case 'nothing_changed':
      return invalidFields(event, [{ pointer: '', code: 'amendment.nothing_changed', message: NOTHING_CHANGED }]);
    case 'invalid':
      return invalidFields(event, outcome.errors);
    case 'refused':
      return problemFor(event, 'needChangeRefused', REFUSALS[outcome.reason], { reason: outcome.reason }, outcome.reason === 'busy' ? retryAfter() : {});
  }
}

async function changeNeedHandler(event: HttpEvent): Promise<HttpResult> {
  // As the status page: a wrong id, a wrong token and no token look the same.
  const notFound = () => problemFor(event, 'notFound', { zh: '未找到该需求，或跟踪凭证不正确', en: 'No such need, or the tracking token does not match' });
  const needId = event.pathParameters?.needId ?? '';
  const token = /^Bearer\s+(\S+)$/i.exec(header(event, 'authorization') ?? '')?.[1];
  if (!NEED_ID.test(needId) || !token) return notFound();
  const amending = event.resource.endsWith('/amendments');
  let amendment;
  if (amending) {
    const body = readJsonBody(event);
    if (!body.ok) return body.response;
    const parsed = needAmendmentSchema.safeParse(body.value);
    if (!parsed.success) return invalidBody(event, parsed.error.issues, body.value);
    amendment = parsed.data;
  }
  const need = await store.getNeed(needId);
  // The receipt's tracking token, or the link of an SMS notice.
  if (!need || !tokenOpensNeed(token, need)) return notFound();
  const now = new Date();
  const outcome = amendment ? await amendNeed(deps, needId, amendment, now) : await withdrawNeed(deps, needId, now);
  return answer(event, outcome, notFound);
}

export const handler = withObservability(changeNeedHandler);
