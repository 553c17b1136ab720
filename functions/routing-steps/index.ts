// The referral workflow's plain steps (Step Functions Lambda tasks), one action each. `route` is the
// workflow's one routing step (screen, offer the best bank, or escalate); `screen`, `next-bank` and
// `escalate` serve executions started on the definition before it, until they have all ended.
// `review-wait` keeps the token of the wait for the task force's review on the need, `review-check`
// reads what ended that wait otherwise (shared/domain/review.ts).
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import {
  deadlineMissedStep,
  escalateStep,
  nextBankStep,
  recordFailureStep,
  routeStep,
  screenStep,
} from '../../shared/domain/routing';
import { reviewCheckStep, reviewWaitStep } from '../../shared/domain/review';
import { newId } from '../../shared/adapters/ids';
import { logger, metrics } from '../../shared/adapters/observability';
import { routingSettings, routingStore } from '../../shared/adapters/routing';

const store = routingStore();
const settings = routingSettings();

export type RoutingStepInput =
  | { action: 'route'; needId: string }
  | { action: 'screen'; needId: string }
  | { action: 'next-bank'; needId: string }
  | { action: 'deadline-missed'; referralId: string; stage: 'offer' | 'decision' }
  | { action: 'escalate'; needId: string }
  | { action: 'record-failure'; needId: string; error: unknown }
  | { action: 'review-wait'; needId: string; taskToken: string }
  | { action: 'review-check'; needId: string };

async function routingStepsHandler(input: RoutingStepInput) {
  const now = new Date();
  switch (input.action) {
    case 'route':
      return routeStep(store, settings, input.needId, now, () => newId(now));
    case 'screen':
      return screenStep(store, input.needId, now);
    case 'next-bank':
      return nextBankStep(store, settings, input.needId, now, () => newId(now));
    case 'deadline-missed': {
      const outcome = await deadlineMissedStep(store, input.referralId, input.stage, now);
      if (outcome.outcome === 'expired' && outcome.expiredNow) {
        // A missed deadline is a caught timeout in the workflow: counted here, in all and by bank and
        // stage (published at once: most steps have no metric, so no flush after each).
        metrics.singleMetric().addMetric('DeadlinesMissed', MetricUnit.Count, 1);
        const perBank = metrics.singleMetric();
        perBank.addDimensions({ bankId: outcome.bankId, stage: input.stage });
        perBank.addMetric('DeadlinesMissed', MetricUnit.Count, 1);
      }
      return outcome;
    }
    case 'escalate':
      return escalateStep(store, input.needId, now);
    case 'review-wait':
      return reviewWaitStep(store, input.needId, input.taskToken);
    case 'review-check':
      return reviewCheckStep(store, settings.review!, input.needId, now);
    case 'record-failure':
      logger.error('routing failed', { needId: input.needId, error: input.error });
      return recordFailureStep(store, input.needId, input.error, now);
  }
}

export const handler = middy(routingStepsHandler).use(injectLambdaContext(logger));
