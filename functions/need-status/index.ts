// GET /v1/needs/{needId} — the enterprise follows its need with the tracking token from its receipt,
// with its county's task-force contact: whom to turn to.
import { needStatusView } from '../../shared/domain/need-record';
import { header, json, problemFor, type HttpEvent, type HttpResult } from '../../shared/adapters/http';
import { ENV, requiredEnv } from '../../shared/adapters/config';
import { documentDbClient } from '../../shared/adapters/dynamodb';
import { needRepository } from '../../shared/adapters/need-repository';
import { TaskForceStore } from '../../shared/adapters/task-force-store';
import { withObservability } from '../../shared/adapters/observability';
import { tokenOpensNeed } from '../../shared/adapters/tracking-token';

const needs = needRepository();
const taskForces = new TaskForceStore(documentDbClient(), requiredEnv(ENV.needsTable));

const NEED_ID = /^[0-9A-HJKMNP-TV-Z]{26}$/;

async function needStatusHandler(event: HttpEvent): Promise<HttpResult> {
  // Wrong id, wrong token and no token all look the same: the answer must not reveal that a need exists.
  const notFound = () =>
    problemFor(event, 'notFound', {
      zh: '未找到该需求，或跟踪凭证不正确',
      en: 'No such need, or the tracking token does not match',
    });
  const needId = event.pathParameters?.needId ?? '';
  const token = /^Bearer\s+(\S+)$/i.exec(header(event, 'authorization') ?? '')?.[1];
  if (!NEED_ID.test(needId) || !token) return notFound();
  const record = await needs.get(needId);
  // The receipt's tracking token, or the link of an SMS notice (a live notice token).
  if (!record || !tokenOpensNeed(token, record)) return notFound();
  const [referral, taskForce] = await Promise.all([needs.latestReferral(record), taskForces.get(record.enterprise.countyCode)]);
  return json(200, needStatusView(record, referral, taskForce));
}

export const handler = withObservability(needStatusHandler);
