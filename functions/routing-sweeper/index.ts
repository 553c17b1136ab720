// Scheduled every 10 minutes: starts the routing workflow of needs still `submitted` N minutes
// after submission (their start was lost), named by the need id so a repeat starts nothing. With
// `{ "mode": "lost" }` (the local runtime, when it starts): needs in an open status whose execution
// the workflow service does not know. The rules are in shared/domain/routing-sweep.ts.
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { DEFAULT_SWEEP_AFTER_MINUTES, sweepInputSchema, sweepRouting } from '../../shared/domain/routing-sweep';
import { ENV, numberEnv } from '../../shared/adapters/config';
import { logger, metrics } from '../../shared/adapters/observability';
import { routingSweepPorts } from '../../shared/adapters/routing-sweep-store';

const ports = routingSweepPorts();
const afterMinutes = numberEnv(ENV.sweepAfterMinutes, DEFAULT_SWEEP_AFTER_MINUTES);

async function routingSweeperHandler(event: unknown) {
  const { mode } = sweepInputSchema.parse(event ?? {});
  const report = await sweepRouting(ports, { mode, now: new Date(), afterMinutes });
  // Each need started here is one the stream → pipe → start-routing path lost: the alarm on this
  // metric says the hand-off is failing although nothing is lost.
  metrics.addMetric('NeedsStartedBySweeper', MetricUnit.Count, report.started.length);
  logger.info('routing sweep', { ...report });
  if (report.failed.length > 0) {
    // Fail the invocation (retried, then its dead-letter queue); the needs started so far stay started.
    throw new Error(`routing sweep could not start ${report.failed.length} need(s): ${report.failed.map((f) => f.needId).join(', ')}`);
  }
  return report;
}

export const handler = middy(routingSweeperHandler).use(injectLambdaContext(logger)).use(logMetrics(metrics));
