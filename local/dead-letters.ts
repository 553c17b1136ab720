// What the local runtime writes to its dead-letter queues (local/sqs.ts), in the shapes AWS
// writes (read back by shared/domain/dead-letters.ts and the redrive command):
// - the pipe, for a stream batch it gave up on: the batch's descriptor (shard, sequence numbers,
//   arrival times, stream), not the records;
// - Lambda, for an asynchronous invocation (a schedule's) that failed after the retries of the
//   function's AWS::Lambda::EventInvokeConfig: the invocation record with the event and the error.
// Both configurations are read from the synthesized template, never restated.
import { randomUUID } from 'node:crypto';
import type { _Record } from '@aws-sdk/client-dynamodb-streams';
import { resourcesOfType, type CfnTemplate, type CfnValue } from './synth';

/** `{ "Fn::GetAtt": [logicalId, …] }` or `{ "Ref": logicalId }` → logicalId. */
export function referencedLogicalId(value: CfnValue | undefined): string | undefined {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
  if (Array.isArray(value['Fn::GetAtt'])) return String((value['Fn::GetAtt'] as CfnValue[])[0]);
  if (typeof value.Ref === 'string') return value.Ref;
  return undefined;
}

export interface AsyncInvokeConfig {
  maximumRetryAttempts: number;
  /** Logical id of the queue that gets the invocation record after the last retry. */
  onFailureQueue?: string;
}

/** Each function's asynchronous-invocation settings, by function logical id (Lambda's defaults where none). */
export function asyncInvokeConfigs(template: CfnTemplate): Map<string, AsyncInvokeConfig> {
  const configs = new Map<string, AsyncInvokeConfig>();
  for (const [, resource] of resourcesOfType(template, 'AWS::Lambda::EventInvokeConfig')) {
    const props = resource.Properties ?? {};
    const fn = referencedLogicalId(props.FunctionName);
    if (!fn) continue;
    const destination = (props.DestinationConfig as { OnFailure?: { Destination?: CfnValue } } | undefined)?.OnFailure?.Destination;
    const queue = referencedLogicalId(destination);
    configs.set(fn, {
      maximumRetryAttempts: typeof props.MaximumRetryAttempts === 'number' ? props.MaximumRetryAttempts : 2,
      ...(queue ? { onFailureQueue: queue } : {}),
    });
  }
  return configs;
}

const errorPayload = (error: unknown) =>
  error instanceof Error ? { errorType: error.name, errorMessage: error.message } : { errorType: 'Error', errorMessage: String(error) };

/** Lambda's on-failure invocation record for an asynchronous invocation that failed every attempt. */
export function invocationFailureRecord(functionArn: string, event: unknown, attempts: number, error: unknown, now: Date): string {
  return JSON.stringify({
    version: '1.0',
    timestamp: now.toISOString(),
    requestContext: { requestId: randomUUID(), functionArn: `${functionArn}:$LATEST`, condition: 'RetriesExhausted', approximateInvokeCount: attempts },
    requestPayload: event,
    responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
    responsePayload: errorPayload(error),
  });
}

/** EventBridge Pipes' dead-letter message for a DynamoDB stream batch. */
export function streamBatchDeadLetter(args: {
  pipeArn: string;
  condition: 'RetryAttemptsExhausted' | 'RecordAgeExceeded';
  streamArn: string;
  shardId: string;
  records: _Record[];
  now: Date;
}): string {
  const sequence = (r: _Record) => r.dynamodb?.SequenceNumber ?? '';
  const arrival = (r: _Record | undefined) => (r?.dynamodb?.ApproximateCreationDateTime ?? args.now).toISOString();
  return JSON.stringify({
    context: { partnerResourceArn: args.pipeArn, condition: args.condition },
    version: '1.0',
    timestamp: args.now.toISOString(),
    DDBStreamBatchInfo: {
      shardId: args.shardId,
      startSequenceNumber: sequence(args.records[0]!),
      endSequenceNumber: sequence(args.records.at(-1)!),
      approximateArrivalOfFirstRecord: arrival(args.records[0]),
      approximateArrivalOfLastRecord: arrival(args.records.at(-1)),
      batchSize: args.records.length,
      streamArn: args.streamArn,
    },
  });
}

/**
 * An asynchronous invocation as Lambda runs it: the first attempt and `maximumRetryAttempts`
 * retries (`retryIntervalMs` apart instead of Lambda's minutes), then the invocation record to the
 * on-failure queue. Resolves whether the event was handled; never rejects.
 */
export async function invokeAsynchronously(args: {
  functionArn: string;
  event: unknown;
  config: AsyncInvokeConfig | undefined;
  run: () => Promise<unknown>;
  deadLetter: (queueLogicalId: string, body: string) => void;
  retryIntervalMs: number;
  onDropped?: (error: unknown) => void;
}): Promise<'succeeded' | 'dead-lettered' | 'dropped'> {
  const attempts = (args.config?.maximumRetryAttempts ?? 2) + 1;
  let lastError: unknown;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      await args.run();
      return 'succeeded';
    } catch (error) {
      lastError = error;
      if (attempt < attempts) await new Promise((resolve) => setTimeout(resolve, args.retryIntervalMs));
    }
  }
  if (args.config?.onFailureQueue) {
    args.deadLetter(args.config.onFailureQueue, invocationFailureRecord(args.functionArn, args.event, attempts, lastError, new Date()));
    return 'dead-lettered';
  }
  args.onDropped?.(lastError);
  return 'dropped';
}
