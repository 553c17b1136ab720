// Scheduled daily (02:00 CST): erases the personal data of needs closed longer than the stage's
// retention setting (shared/domain/data-retention.ts). Stops half a minute before its timeout; the next
// run carries on, since needs not yet erased are still in the index.
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Context } from 'aws-lambda';
import { DEFAULT_RETENTION_DAYS, erasePersonalData } from '../../shared/domain/data-retention';
import { ENV, numberEnv } from '../../shared/adapters/config';
import { logger } from '../../shared/adapters/observability';
import { personalDataStore } from '../../shared/adapters/personal-data-store';

const store = personalDataStore();
const retentionDays = numberEnv(ENV.personalDataRetentionDays, DEFAULT_RETENTION_DAYS);
const MARGIN_MS = 30_000;

async function erasePersonalDataHandler(_event: unknown, context: Context) {
  const run = await erasePersonalData(store, {
    now: new Date(),
    retentionDays,
    keepGoing: () => context.getRemainingTimeInMillis() > MARGIN_MS,
  });
  // Counts only: no need id, no field value.
  logger.info('personal data erasure run', { ...run, retentionDays });
  return run;
}

export const handler = middy(erasePersonalDataHandler).use(injectLambdaContext(logger));
