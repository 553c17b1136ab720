// The referral workflow's plain steps (Step Functions Lambda tasks), one action each.
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import {
  deadlineMissedStep,
  escalateStep,
  nextBankStep,
  recordFailureStep,
  screenStep,
} from '../../shared/domain/routing';
import { newId } from '../../shared/adapters/ids';
import { CORRELATION_IDS, logger } from '../../shared/adapters/observability';
import { routingSettings, routingStore } from '../../shared/adapters/routing';

const store = routingStore();
const settings = routingSettings();

export type RoutingStepInput =
  | { action: 'screen'; needId: string }
  | { action: 'next-bank'; needId: string }
  | { action: 'deadline-missed'; referralId: string; stage: 'offer' | 'decision' }
  | { action: 'escalate'; needId: string }
  | { action: 'record-failure'; needId: string; error: unknown };

async function routingStepsHandler(input: RoutingStepInput) {
  const now = new Date();
  switch (input.action) {
    case 'screen':
      return screenStep(store, input.needId, now);
    case 'next-bank':
      return nextBankStep(store, settings, input.needId, now, () => newId(now));
    case 'deadline-missed':
      return deadlineMissedStep(store, input.referralId, input.stage, now);
    case 'escalate':
      return escalateStep(store, input.needId, now);
    case 'record-failure':
      logger.error('routing failed', { needId: input.needId, error: input.error });
      return recordFailureStep(store, input.needId, input.error, now);
  }
}

export const handler = middy(routingStepsHandler).use(injectLambdaContext(logger, { correlationIdPath: CORRELATION_IDS.workflow }));
