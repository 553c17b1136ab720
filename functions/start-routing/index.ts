// EventBridge Pipes target: for each new need on the needs table's stream, start the routing
// workflow named by the need id (a repeated record starts nothing new).
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { DynamoDBRecord } from 'aws-lambda';
import { ENV, requiredEnv } from '../../shared/adapters/config';
import { logger } from '../../shared/adapters/observability';
import { sfnClient, startRouting } from '../../shared/adapters/workflow';

const stateMachineArn = requiredEnv(ENV.stateMachineArn);

async function startRoutingHandler(records: DynamoDBRecord[]): Promise<{ started: number; alreadyStarted: number }> {
  let started = 0;
  let alreadyStarted = 0;
  for (const record of records) {
    const needId = record.dynamodb?.NewImage?.needId?.S;
    // The pipe's filter passes only needs inserted `submitted`; one awaiting its consent never starts here.
    if (record.eventName !== 'INSERT' || !needId || record.dynamodb?.NewImage?.status?.S === 'awaiting_consent') continue;
    const result = await startRouting(sfnClient(), stateMachineArn, needId);
    if (result === 'started') started++;
    else alreadyStarted++;
  }
  logger.info('routing started', { started, alreadyStarted });
  return { started, alreadyStarted };
}

export const handler = middy(startRoutingHandler).use(injectLambdaContext(logger));
