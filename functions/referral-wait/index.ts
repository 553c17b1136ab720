// The workflow's callback steps: keep the task token with the referral (banks never see it) and, for
// an offer, send the signed `referral.offered` webhook to the bank.
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { referralOffered } from '../../shared/domain/bank-events';
import { bankSecrets } from '../../shared/adapters/bank-secrets';
import { newId } from '../../shared/adapters/ids';
import { logger } from '../../shared/adapters/observability';
import { routingStore } from '../../shared/adapters/routing';
import { deliverWebhook } from '../../shared/adapters/webhooks';

const store = routingStore();
const secrets = bankSecrets();

interface WaitInput {
  action: 'offer' | 'decision';
  referralId: string;
  taskToken: string;
}

async function referralWaitHandler(input: WaitInput): Promise<{ waiting: boolean; delivered?: boolean }> {
  const saved = await store.saveTaskToken(input.referralId, input.action, input.taskToken);
  if (saved === 'condition_failed') {
    // The referral moved on meanwhile (e.g. the bank answered); the deadline will resume the workflow.
    logger.warn('referral no longer waiting for this step', { referralId: input.referralId, action: input.action });
    return { waiting: false };
  }
  if (input.action === 'decision') return { waiting: true };

  const referral = await store.getReferral(input.referralId);
  const need = referral && (await store.getNeed(referral.needId));
  const bank = referral && (await store.getBank(referral.bankId));
  const secret = referral && (await secrets.get(referral.bankId));
  if (!referral || !need || !bank || !secret) {
    logger.error('cannot send offer: referral, need, bank or secret missing', { referralId: input.referralId });
    return { waiting: true, delivered: false };
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
  return { waiting: true, delivered: result.delivered };
}

export const handler = middy(referralWaitHandler).use(injectLambdaContext(logger));
