// POST /v1/banks/{bankId}/events — a bank answers a referral (accepted, declined, granted, disbursed)
// with a Standard Webhooks signed event. Thin: verify, parse, claim the webhook-id, let the domain
// apply the answer exactly once (shared/domain/bank-answers.ts), respond.
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';
import { answerBankEvent, disclosureAudit, type BankAnswer } from '../../shared/domain/bank-answers';
import { parseBankEvent, type BankEvent } from '../../shared/domain/bank-events';
import { disclosure } from '../../shared/domain/referral';
import { auditLog } from '../../shared/adapters/audit-log';
import { bankSecrets } from '../../shared/adapters/bank-secrets';
import { ENV, numberEnv, requiredEnv } from '../../shared/adapters/config';
import { decodeUtf8Body, header, invalidParameter, json, problemFor, type HttpEvent, type HttpResult } from '../../shared/adapters/http';
import { IdempotencyAlreadyInProgressError, IdempotencyValidationError, idempotentByKey } from '../../shared/adapters/idempotency';
import { metrics, withObservability } from '../../shared/adapters/observability';
import { routingStore } from '../../shared/adapters/routing';
import { verifyWebhook, WEBHOOK_ID_PATTERN } from '../../shared/adapters/webhooks';
import { failTask, resumeTask, sfnClient } from '../../shared/adapters/workflow';

const store = routingStore({ audit: auditLog() });
const secrets = bankSecrets();
const deps = {
  store,
  workflow: {
    succeed: (taskToken: string, answer: unknown) => resumeTask(sfnClient(), taskToken, answer),
    fail: (taskToken: string, error: string, cause: string) => failTask(sfnClient(), taskToken, error, cause),
  },
  // Decision deadlines are calendar days: the webhook needs the time scale, not the holiday calendar.
  timeScale: numberEnv(ENV.timeScale, 1),
};

/**
 * What is kept per webhook-id for redeliveries: never personal data (`disclose` says to rebuild it).
 * `attempt` names the delivery that did the work, so a replay is told from a first answer.
 */
type KeptAnswer = Extract<BankAnswer, { kind: 'answered' }> & { attempt: string };

/** An answer that is not kept for the webhook-id (404, 409): the bank may send the same id again once it has reconciled. */
class NotKept extends Error {
  constructor(readonly answer: Exclude<BankAnswer, { kind: 'answered' }>) {
    super('not kept');
  }
}

/** One answer per (bank, webhook-id): claimed in progress before the work, done after (Powertools idempotency). */
// The validated payload is the bank, the event type and its data: a redelivery re-signed with a
// fresh envelope timestamp is the same event; the same webhook-id for another event is refused (422).
type Delivery = { key: string; request: { bankId: string; type: BankEvent['type']; data: BankEvent['data'] } } & { event: BankEvent; attempt: string };
const answerOnce = idempotentByKey<Delivery['request'], KeptAnswer>(
  requiredEnv(ENV.idempotencyTable),
  async (input) => {
    const { event, attempt, request } = input as Delivery;
    const answer = await answerBankEvent(deps, request.bankId, event, new Date());
    // Not kept: the bank's retry must do the work then (thrown, so the claim is released).
    if (answer.kind !== 'answered') throw new NotKept(answer);
    return { ...answer, attempt };
  },
  7 * 24 * 3600,
);

const unauthorized = (event: HttpEvent, why: string) =>
  problemFor(event, 'unauthorized', { zh: `签名校验未通过：${why}`, en: `Signature check failed: ${why}` });

async function bankWebhookHandler(event: HttpEvent, context: Context): Promise<HttpResult> {
  metrics.addMetric('BankEventsReceived', MetricUnit.Count, 1);
  const bankId = event.pathParameters?.bankId ?? '';
  const decoded = decodeUtf8Body(event);
  if (!decoded.ok) return decoded.response;
  const body = decoded.text;
  const bank = await store.getBank(bankId);
  const secret = bank && (await secrets.get(bankId));
  if (!bank || !secret) return unauthorized(event, 'unknown bank');
  const headers = {
    'webhook-id': header(event, 'webhook-id'),
    'webhook-timestamp': header(event, 'webhook-timestamp'),
    'webhook-signature': header(event, 'webhook-signature'),
  };
  const verified = verifyWebhook(secret, body, headers);
  if (!verified.ok) return unauthorized(event, verified.reason);
  const webhookId = headers['webhook-id']!;
  if (!WEBHOOK_ID_PATTERN.test(webhookId)) {
    return invalidParameter(
      event,
      { zh: 'webhook-id 请求头格式不正确', en: 'The webhook-id header is malformed' },
      'webhook_id.invalid',
      { zh: 'webhook-id 应为 1–256 个可打印 ASCII 字符', en: 'webhook-id must be 1–256 printable ASCII characters' },
    );
  }

  let parsedBody: unknown;
  try {
    parsedBody = JSON.parse(body);
  } catch {
    return problemFor(event, 'malformedJson', { zh: '请求体无法解析为 JSON', en: 'The request body could not be parsed as JSON' });
  }
  const parsed = parseBankEvent(parsedBody);
  if (!parsed.ok) {
    return problemFor(event, 'validation', { zh: '事件内容有误', en: 'The event has invalid fields' }, { errors: parsed.errors });
  }

  let answer: KeptAnswer;
  const attempt = randomUUID();
  try {
    answerOnce.registerLambdaContext(context);
    // `event` and `attempt` are outside the key and the validated payload: a replay returns the first attempt's.
    const delivery: Delivery = {
      key: `${bankId}\u0000${webhookId}`,
      request: { bankId, type: parsed.event.type, data: parsed.event.data },
      event: parsed.event,
      attempt,
    };
    answer = await answerOnce(delivery);
  } catch (error) {
    if (error instanceof NotKept) {
      const { answer: refused } = error;
      return refused.kind === 'retry' ? retryLater(event, refused.detail, refused.retryAfterSeconds) : problemFor(event, refused.problem, refused.detail);
    }
    if (error instanceof IdempotencyAlreadyInProgressError) {
      return retryLater(event, { zh: '相同 webhook-id 的事件正在处理，请稍后重试', en: 'An event with this webhook-id is being processed; retry shortly' }, 2);
    }
    if (error instanceof IdempotencyValidationError) {
      return problemFor(event, 'idempotencyKeyReused', {
        zh: '该 webhook-id 已用于内容不同的事件；新事件请使用新的 webhook-id',
        en: 'This webhook-id was already used for a different event; send a new event with a new webhook-id',
      });
    }
    throw error;
  }
  return respond(event, bankId, answer, answer.attempt !== attempt);
}

async function respond(event: HttpEvent, bankId: string, answer: KeptAnswer, duplicate: boolean): Promise<HttpResult> {
  const marker: Record<string, string> = duplicate ? { 'X-Smefin-Duplicate': 'true' } : {};
  if (!duplicate) {
    if (answer.effect === 'late') metrics.addMetric('LateBankAnswers', MetricUnit.Count, 1);
    else metrics.addMetric(`BankAnswer_${answer.body.status}`, MetricUnit.Count, 1);
    // A decline ends the workflow's wait as a task failure it catches: counted here, by bank, so
    // declines stay visible as business figures (the execution itself succeeds).
    if (answer.effect === 'applied' && answer.body.status === 'declined') {
      metrics.addMetric('BankDeclines', MetricUnit.Count, 1);
      const perBank = metrics.singleMetric();
      perBank.addDimension('bankId', bankId);
      perBank.addMetric('BankDeclines', MetricUnit.Count, 1);
    }
  }
  if (!answer.disclose) return json(answer.status, answer.body, marker);
  // The contact details are rebuilt for every answer that carries them, and every such answer is
  // audited (the acceptance itself is audited in its transaction).
  const need = await store.getNeed(answer.needId);
  if (!need) return json(answer.status, answer.body, marker);
  if (duplicate || answer.effect === 'resumed') {
    const now = new Date();
    await store.auditDisclosure(disclosureAudit(need.needId, bankId, answer.body.referralId, now, 'redelivery'));
  }
  return json(answer.status, { ...answer.body, disclosure: disclosure(need) }, marker);
}

function retryLater(event: HttpEvent, detail: { zh: string; en: string }, seconds: number): HttpResult {
  const result = problemFor(event, 'referralNotReady', detail, { retryAfterSeconds: seconds });
  return { ...result, headers: { ...result.headers, 'Retry-After': String(seconds) } };
}

export const handler = withObservability(bankWebhookHandler, { metrics: true });
