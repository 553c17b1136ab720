// The import worker (shared/adapters/import-runner.ts), invoked three ways:
// - by S3 (ObjectCreated under uploads/ of the imports bucket, asynchronously): starts the import;
// - by itself ({"importId"}, asynchronously, InvocationType Event): the import's next step — one
//   bounded step per invocation, so no import depends on one long invocation, and a lost or failed
//   invocation is retried by Lambda (2 retries) and otherwise resumed by the sweep;
// - by the schedule ({"source":"schedule"}, every 5 minutes): the sweep of open imports.
// Self-invocation (not a queue) because it needs nothing but Lambda, which aws-cn and the local
// runtime both offer as in the aws partition.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Context, S3Event } from 'aws-lambda';
import { ENV, numberEnv, requiredEnv } from '../../shared/adapters/config';
import { NewItemsWriter } from '../../shared/adapters/import-batch';
import { newId } from '../../shared/adapters/ids';
import { PlanStore } from '../../shared/adapters/import-plan-store';
import { ImportRunner, type StepResult } from '../../shared/adapters/import-runner';
import { ImportObjects, ImportStore } from '../../shared/adapters/import-store';
import { logger } from '../../shared/adapters/observability';
import { s3Client } from '../../shared/adapters/report-store';
import { VisitStore } from '../../shared/adapters/visit-store';

const tables = { needs: requiredEnv(ENV.needsTable), counters: requiredEnv(ENV.countersTable) };
// Transactions of up to 100 items: a longer request timeout than the API functions' 3 s (a timed-out
// write that was applied is found written when the step runs again).
const db = DynamoDBDocumentClient.from(new DynamoDBClient({ maxAttempts: 5, requestHandler: { connectionTimeout: 2_000, requestTimeout: 30_000, throwOnRequestTimeout: true } }), {
  marshallOptions: { removeUndefinedValues: true },
});
const runner = new ImportRunner({
  store: new ImportStore(db, tables.needs),
  objects: new ImportObjects(s3Client(), requiredEnv(ENV.importsBucket)),
  visits: new VisitStore(db, tables),
  plans: new PlanStore(db, tables),
  settle: (importId, now) => new NewItemsWriter(db, tables).applyLedger({ pk: `IMPORT#${importId}`, skPrefix: 'DELTA#' }, now),
  newId,
  clock: () => new Date(),
  stalledMs: numberEnv(ENV.importStalledSeconds, 60) * 1000,
  log: (message, fields) => logger.info(message, fields),
});
let lambda: LambdaClient | undefined;

/** The next step, as a new asynchronous invocation of this function. Not thrown: the sweep resumes an import whose hand-over failed. */
async function continueLater(context: Context, importId: string): Promise<void> {
  lambda ??= new LambdaClient({ maxAttempts: 3 });
  try {
    await lambda.send(new InvokeCommand({ FunctionName: context.functionName, InvocationType: 'Event', Payload: JSON.stringify({ importId }) }));
  } catch (error) {
    logger.error('import hand-over failed; the sweep resumes it', { importId, error: error instanceof Error ? error.name : 'unknown' });
  }
}

type WorkerEvent = Partial<S3Event> & { importId?: string; source?: string };

async function importWorker(event: WorkerEvent, context: Context): Promise<unknown> {
  // The lease lasts as long as this invocation may run.
  const leaseUntil = () => new Date(Date.now() + context.getRemainingTimeInMillis());
  const after = async (importId: string, result: StepResult) => {
    if (result === 'continue') await continueLater(context, importId);
    return result;
  };
  if (Array.isArray(event.Records)) {
    const results: StepResult[] = [];
    for (const record of event.Records) {
      if (!record.eventName?.startsWith('ObjectCreated:')) continue;
      // S3 event keys are URL-encoded, spaces as '+'.
      const key = decodeURIComponent(record.s3.object.key.replace(/\+/g, ' '));
      const result = await runner.onUpload(key, record.s3.object.size, leaseUntil());
      results.push(await after(key.slice(key.lastIndexOf('/') + 1), result));
    }
    return results;
  }
  if (typeof event.importId === 'string') return after(event.importId, await runner.step(event.importId, leaseUntil()));
  if (event.source === 'schedule') {
    const sweep = await runner.sweep();
    for (const importId of sweep.toContinue) await continueLater(context, importId);
    return sweep;
  }
  logger.warn('import worker: event not understood');
  return 'skipped';
}

export const handler = middy(importWorker).use(injectLambdaContext(logger));
