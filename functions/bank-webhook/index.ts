// POST /v1/banks/{bankId}/events — a bank answers a referral (accepted, declined, granted, disbursed)
// with a Standard Webhooks signed event. The answer resumes the waiting workflow exactly once.
import { parseBankEvent } from '../../shared/domain/bank-events';
import { counterKey } from '../../shared/domain/counters';
import { applyBankEvent, disclosure, STAGE_AFTER } from '../../shared/domain/referral';
import { scaledDeadline } from '../../shared/domain/routing';
import { addCalendarDays } from '../../shared/domain/working-days';
import { bankSecrets } from '../../shared/adapters/bank-secrets';
import { header, json, problemFor, type HttpEvent, type HttpResult } from '../../shared/adapters/http';
import { logger, metrics, withObservability } from '../../shared/adapters/observability';
import { routingSettings, routingStore } from '../../shared/adapters/routing';
import { verifyWebhook } from '../../shared/adapters/webhooks';
import { resumeTask, sfnClient } from '../../shared/adapters/workflow';
import { MetricUnit } from '@aws-lambda-powertools/metrics';

const store = routingStore();
const settings = routingSettings();
const secrets = bankSecrets();

const unauthorized = (event: HttpEvent, why: string) =>
  problemFor(event, 'unauthorized', { zh: `签名校验未通过：${why}`, en: `Signature check failed: ${why}` });

async function bankWebhookHandler(event: HttpEvent): Promise<HttpResult> {
  metrics.addMetric('BankEventsReceived', MetricUnit.Count, 1);
  const bankId = event.pathParameters?.bankId ?? '';
  const body = event.isBase64Encoded ? Buffer.from(event.body ?? '', 'base64').toString('utf8') : (event.body ?? '');
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

  // A redelivery gets the first answer and changes nothing (the disclosure is rebuilt and audited
  // again rather than kept in the de-duplication record).
  const earlier = await store.getDelivery(bankId, webhookId);
  if (earlier) {
    const answer = JSON.parse(earlier.body) as { referralId: string };
    if (earlier.disclose) {
      const referral = await store.getReferral(answer.referralId);
      const need = referral && (await store.getNeed(referral.needId));
      if (need) {
        await store.auditDisclosure(need.needId, disclosureAudit(bankId, answer.referralId, new Date(), 'redelivery'), new Date());
        Object.assign(answer, { disclosure: disclosure(need) });
      }
    }
    return json(earlier.status, answer, { 'X-Smefin-Duplicate': 'true' });
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
  const bankEvent = parsed.event;

  const referral = await store.getReferral(bankEvent.data.referralId);
  const need = referral && (await store.getNeed(referral.needId));
  // Another bank's referral looks exactly like a missing one.
  if (!referral || !need || referral.bankId !== bankId) {
    return problemFor(event, 'notFound', { zh: '未找到该推荐', en: 'No such referral for this bank' });
  }

  const now = new Date();
  const remember = async (status: number, answer: Record<string, unknown>, disclose = false) => {
    await store.putDelivery(bankId, webhookId, { status, body: JSON.stringify(answer), disclose }, now);
    return json(status, disclose ? { ...answer, disclosure: disclosure(need) } : answer);
  };
  const resume = async (taskToken: string, answer: unknown): Promise<'resumed' | 'expired'> => {
    const resumed = await resumeTask(sfnClient(), taskToken, answer);
    if (resumed === 'resumed') await store.completeResume(referral.referralId, taskToken);
    return resumed;
  };

  // A retry after the answer was applied but the workflow did not take it (e.g. Step Functions
  // throttled): resume again, change nothing else.
  if (referral.resumePending && referral.taskToken && referral.stage === STAGE_AFTER[bankEvent.type]) {
    const answer = referral.workflowAnswer;
    if (answer && (await resume(referral.taskToken, answer)) === 'resumed') {
      if (referral.stage === 'accepted') {
        await store.auditDisclosure(need.needId, disclosureAudit(bankId, referral.referralId, now, 'acceptance'), now);
      }
      return remember(200, { status: referral.stage, referralId: referral.referralId }, referral.stage === 'accepted');
    }
  }

  const decisionTimeout = scaledDeadline(now, addCalendarDays(now, referral.decideWithinDays), settings.timeScale).timeoutSeconds;
  const outcome = applyBankEvent(referral, bankEvent, decisionTimeout, now);

  if (outcome.kind === 'conflict') return problemFor(event, 'referralConflict', outcome.detail);
  if (outcome.kind === 'late') {
    await store.recordLateAnswer(referral, need, bankEvent, outcome.counters, now);
    metrics.addMetric('LateBankAnswers', MetricUnit.Count, 1);
    return remember(202, { status: 'late', referralId: referral.referralId, note: 'The deadline had passed; the answer is recorded.' });
  }

  const { transition } = outcome;
  if (transition.resumesWorkflow && !referral.taskToken) {
    // The workflow has not reached the step that waits for this answer yet (e.g. a decision sent
    // right after acceptance): ask the bank to retry shortly.
    return problemFor(event, 'referralNotReady', { zh: '请稍后重试', en: 'Retry in a few seconds' }, { retryAfterSeconds: 5 });
  }
  const audit = transition.disclose ? disclosureAudit(bankId, referral.referralId, now, 'acceptance') : undefined;
  if (transition.resumesWorkflow) transition.referralUpdate = { ...transition.referralUpdate, workflowAnswer: transition.answer };
  const written = await store.applyTransition(referral, need, transition, now, audit);
  if (written === 'condition_failed') {
    const current = await store.getReferral(referral.referralId);
    if (current?.stage === 'expired') {
      await store.recordLateAnswer(current, need, bankEvent, { lateAnswers: 1, [counterKey('lateAnswers', bankId)]: 1 }, now);
      return remember(202, { status: 'late', referralId: referral.referralId, note: 'The deadline had passed; the answer is recorded.' });
    }
    return problemFor(event, 'referralConflict', { zh: '该推荐状态已变化，请刷新后重试', en: 'The referral changed meanwhile' });
  }
  if (transition.resumesWorkflow && referral.taskToken) {
    if ((await resume(referral.taskToken, transition.answer)) === 'expired') {
      // The deadline passed between our write and the resume: the workflow has moved on.
      logger.warn('answer arrived as the deadline passed', { referralId: referral.referralId });
      await store.recordLateAnswer(referral, need, bankEvent, { lateAnswers: 1, [counterKey('lateAnswers', bankId)]: 1 }, now);
    }
  }
  metrics.addMetric(`BankAnswer_${transition.toStage}`, MetricUnit.Count, 1);
  return remember(200, { status: transition.toStage, referralId: referral.referralId }, transition.disclose);
}

function disclosureAudit(bankId: string, referralId: string, at: Date, occasion: 'acceptance' | 'redelivery') {
  return {
    bankId,
    referralId,
    occasion,
    disclosed: ['enterprise.name', 'enterprise.creditCode', 'contact.name', 'contact.mobile'],
    at: at.toISOString(),
  };
}

export const handler = withObservability(bankWebhookHandler, { metrics: true });
