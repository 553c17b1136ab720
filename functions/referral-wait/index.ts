// The workflow's callback steps: keep the task token with the referral (banks never see it) and, for
// an offer, send the signed `referral.offered` webhook to the bank — once: waiting on after a
// deadline moved does not send it again. A bank or secret that is gone ends the referral with the
// reason and fails the task with BankUnavailable, which the workflow catches: next bank at once.
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { referralOffered } from '../../shared/domain/bank-events';
import { BankUnavailableError, skipBankStep } from '../../shared/domain/routing';
import { bankSecrets } from '../../shared/adapters/bank-secrets';
import { newId } from '../../shared/adapters/ids';
import { CORRELATION_IDS, logger, metrics } from '../../shared/adapters/observability';
import { routingStore } from '../../shared/adapters/routing';
import { deliverWebhook } from '../../shared/adapters/webhooks';

const store = routingStore();
const secrets = bankSecrets();

interface WaitInput {
  action: 'offer' | 'decision';
  referralId: string;
  taskToken: string;
  /** `failure`: the wait takes a decline as task failure BankDeclined (absent in executions of the earlier definition). */
  declineAs?: 'failure';
}

async function referralWaitHandler(input: WaitInput): Promise<{ waiting: boolean; delivered?: boolean }> {
  const saved = await store.saveTaskToken(input.referralId, input.action, input.taskToken, input.declineAs === 'failure');
  if (saved === 'condition_failed') {
    // The referral moved on meanwhile (e.g. the bank answered); the deadline will resume the workflow.
    logger.warn('referral no longer waiting for this step', { referralId: input.referralId, action: input.action });
    return { waiting: false };
  }
  if (input.action === 'decision') return { waiting: true };

  const referral = await store.getReferral(input.referralId);
  const need = referral && (await store.getNeed(referral.needId));
  if (!referral || !need) throw new Error(`referral ${input.referralId} or its need is missing`);
  if (referral.deliveries?.some((attempt) => attempt.status !== undefined && attempt.status >= 200 && attempt.status < 300)) {
    return { waiting: true, delivered: true }; // sent already: waiting on after the deadline moved
  }
  const bank = await store.getBank(referral.bankId);
  const secret = bank && (await secrets.get(referral.bankId));
  if (!bank || !secret) {
    const reason = bank ? 'bank_secret_missing' : 'bank_not_in_registry';
    logger.error('bank unavailable: offer not sent, moving on to the next bank', { referralId: referral.referralId, bankId: referral.bankId, reason });
    metrics.addMetric('OffersSkipped', MetricUnit.Count, 1);
    await skipBankStep(store, referral.referralId, reason, new Date());
    throw new BankUnavailableError(`${referral.bankId}: ${reason}`);
  }
  const webhookId = `msg_${newId()}`;
  const result = await deliverWebhook(
    bank.webhookUrl,
    secret,
    webhookId,
    referralOffered({ referralId: referral.referralId, deadline: new Date(referral.deadline), now: new Date(), need }),
    { onAttempt: (attempt) => store.recordDeliveryAttempt(referral.referralId, attempt) },
  );
  logger.info('offer sent', { referralId: referral.referralId, bankId: bank.bankId, ...result });
  if (!result.delivered) {
    // The bank's deadline runs anyway (it may fetch the offer later); operators are alarmed.
    metrics.addMetric('OfferDeliveryFailures', MetricUnit.Count, 1);
    const perBank = metrics.singleMetric();
    perBank.addDimension('bankId', bank.bankId);
    perBank.addMetric('OfferDeliveryFailures', MetricUnit.Count, 1);
  }
  return { waiting: true, delivered: result.delivered };
}

export const handler = middy(referralWaitHandler).use(injectLambdaContext(logger, { correlationIdPath: CORRELATION_IDS.workflow })).use(logMetrics(metrics));
