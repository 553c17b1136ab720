// The workflow's callback steps: keep the task token with the referral (banks never see it) and, for
// an offer, send the signed `referral.offered` webhook to the bank — once: waiting on after a
// deadline moved does not send it again. A bank or secret that is gone ends the referral with the
// reason and fails the task with BankUnavailable, which the workflow catches: next bank at once.
// A referral the enterprise withdrew (or amended) before the wait began fails the task with
// NeedWithdrawn (NeedAmended); `withdrawn` tells a bank that had the offer (`referral.withdrawn`).
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { referralOffered, referralWithdrawn } from '../../shared/domain/bank-events';
import { NEED_AMENDED_ERROR, NEED_WITHDRAWN_ERROR } from '../../shared/domain/need-changes';
import { BankUnavailableError, skipBankStep } from '../../shared/domain/routing';
import { bankSecrets } from '../../shared/adapters/bank-secrets';
import { newId } from '../../shared/adapters/ids';
import { CORRELATION_IDS, logger, metrics } from '../../shared/adapters/observability';
import { routingStore } from '../../shared/adapters/routing';
import { deliverWebhook } from '../../shared/adapters/webhooks';

const store = routingStore();
const secrets = bankSecrets();

interface WaitInput {
  action: 'offer' | 'decision' | 'withdrawn';
  referralId: string;
  taskToken: string;
  /** `failure`: the wait takes a decline as task failure BankDeclined (absent in executions of the earlier definition). */
  declineAs?: 'failure';
}

/** Ends a wait that cannot begin: the enterprise withdrew or amended the need meanwhile. */
class NeedChangedError extends Error {
  constructor(reason: 'need_withdrawn' | 'need_amended') {
    super(`the enterprise ${reason === 'need_amended' ? 'amended' : 'withdrew'} the need`);
    this.name = reason === 'need_amended' ? NEED_AMENDED_ERROR : NEED_WITHDRAWN_ERROR;
  }
}

/** Tells the bank that had the offer that it is withdrawn (nothing to tell when the offer never reached it). */
async function tellWithdrawn(referralId: string): Promise<{ told: boolean }> {
  const referral = await store.getReferral(referralId);
  if (!referral?.withdrawn) throw new Error(`referral ${referralId} is not withdrawn`);
  const reached = referral.deliveries?.some((attempt) => attempt.status !== undefined && attempt.status >= 200 && attempt.status < 300);
  if (!reached) return { told: false };
  const bank = await store.getBank(referral.bankId);
  const secret = bank && (await secrets.get(referral.bankId));
  if (!bank || !secret) return { told: false }; // a bank gone from the registry receives nothing
  const result = await deliverWebhook(bank.webhookUrl, secret, `msg_${newId()}`, referralWithdrawn({ referralId, reason: referral.withdrawn.reason, now: new Date() }), {
    onAttempt: (attempt) => store.recordDeliveryAttempt(referralId, attempt),
  });
  logger.info('withdrawal sent', { referralId, bankId: bank.bankId, ...result });
  if (!result.delivered) metrics.addMetric('WithdrawalDeliveryFailures', MetricUnit.Count, 1);
  return { told: result.delivered };
}

async function referralWaitHandler(input: WaitInput): Promise<{ waiting: boolean; delivered?: boolean } | { told: boolean }> {
  if (input.action === 'withdrawn') return tellWithdrawn(input.referralId);
  const saved = await store.saveTaskToken(input.referralId, input.action, input.taskToken, input.declineAs === 'failure');
  if (saved === 'condition_failed') {
    const withdrawn = (await store.getReferral(input.referralId))?.withdrawn;
    if (withdrawn) throw new NeedChangedError(withdrawn.reason);
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
