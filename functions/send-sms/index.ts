// Invoked asynchronously (shared/adapters/sms-hand-off.ts): sends one templated text message through
// the stage's provider. A failure is thrown, so Lambda retries it twice and then puts the event in the
// dead-letter queue; every failure is counted (metric SmsFailed) and logged with a masked number.
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { maskMobile } from '../../shared/domain/sms';
import { logger, metrics } from '../../shared/adapters/observability';
import { smsSender } from '../../shared/adapters/sms';
import type { SendSmsEvent } from '../../shared/adapters/sms-hand-off';

const sender = smsSender();

async function sendSmsHandler(event: SendSmsEvent) {
  if (!event.message) {
    // A hand-off of nothing (a status-link request that matched no need): counted, never sent.
    metrics.addMetric('SmsNothingToSend', MetricUnit.Count, 1);
    return { sent: false };
  }
  const { message } = event;
  try {
    await sender.send(message);
  } catch (error) {
    metrics.addMetric('SmsFailed', MetricUnit.Count, 1);
    logger.error('SMS not sent', { to: maskMobile(message.to), template: message.template, error: error instanceof Error ? error.message : String(error) });
    throw error;
  }
  metrics.addMetric('SmsSent', MetricUnit.Count, 1);
  logger.info('SMS sent', { to: maskMobile(message.to), template: message.template });
  return { sent: true };
}

export const handler = middy(sendSmsHandler).use(injectLambdaContext(logger)).use(logMetrics(metrics));
