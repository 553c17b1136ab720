// The roll-up workflow's last step (lib/rollup-workflow.ts): once every batch is written, each
// period's manifest — its reports and version — is written, last: readers switch to the new complete
// version at once. A run whose counters are older than the current manifest's leaves it in place.
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { publishInputSchema } from '../../shared/domain/report-publication';
import { logger } from '../../shared/adapters/observability';
import { publishPlanned } from '../../shared/adapters/report-publisher';
import { reportStore } from '../../shared/adapters/report-store';

const store = reportStore();

async function rollupPublishHandler(event: unknown) {
  const results = await publishPlanned({ store, log: (message, fields) => logger.info(message, fields) }, publishInputSchema.parse(event));
  return { results };
}

export const handler = middy(rollupPublishHandler).use(injectLambdaContext(logger));
