// The roll-up workflow's Map iteration (lib/rollup-workflow.ts): one staged batch of reports rendered
// in every format and written under its period's version, a bounded number of PUTs at a time; progress
// logged with the batch id. Retried alone by the workflow: the same batch writes the same bytes.
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { batchRefSchema } from '../../shared/domain/report-publication';
import { logger } from '../../shared/adapters/observability';
import { writeBatch } from '../../shared/adapters/report-publisher';
import { reportStore } from '../../shared/adapters/report-store';

const store = reportStore();

async function rollupWorkerHandler(event: unknown) {
  return writeBatch({ store, log: (message, fields) => logger.info(message, fields) }, batchRefSchema.parse(event));
}

export const handler = middy(rollupWorkerHandler).use(injectLambdaContext(logger));
