// An EventBridge Pipe from a table's stream to a Lambda function, as both of the needs stream's
// consumers have it (the routing workflow's start, the SMS notices): records that match a filter, in
// batches of 10 from the oldest record the stream holds, each failing batch retried 10 times and
// halved down to the failing record, then described in a dead-letter queue. Its role may read the
// stream, invoke the function and write to that queue, nothing else. The local runtime runs every
// pipe of the template the same way (local/stream-poller.ts).
import type { TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { CfnPipe } from 'aws-cdk-lib/aws-pipes';
import type { Construct } from 'constructs';
import type { DeadLetterQueue } from './dead-letter';

export interface StreamPipeProps {
  /** Construct ids of the pipe's role and of the pipe (they name the resources: keep them). */
  roleId: string;
  pipeId: string;
  table: TableV2;
  target: IFunction;
  /** An EventBridge filter pattern on the stream records, or several (a record matching any passes). */
  filter: unknown;
  deadLetters: DeadLetterQueue;
  /** Records older than this go to the dead-letter queue unprocessed (default: none are). */
  maximumRecordAgeInSeconds?: number;
}

export function streamPipe(scope: Construct, props: StreamPipeProps): { role: Role; pipe: CfnPipe } {
  const role = new Role(scope, props.roleId, { assumedBy: new ServicePrincipal('pipes.amazonaws.com') });
  props.table.grantStreamRead(role);
  props.target.grantInvoke(role);
  props.deadLetters.queue.grantSendMessages(role);
  const pipe = new CfnPipe(scope, props.pipeId, {
    roleArn: role.roleArn,
    source: props.table.tableStreamArn!,
    sourceParameters: {
      dynamoDbStreamParameters: {
        startingPosition: 'TRIM_HORIZON',
        batchSize: 10,
        maximumRetryAttempts: 10,
        ...(props.maximumRecordAgeInSeconds !== undefined ? { maximumRecordAgeInSeconds: props.maximumRecordAgeInSeconds } : {}),
        onPartialBatchItemFailure: 'AUTOMATIC_BISECT',
        deadLetterConfig: { arn: props.deadLetters.queue.queueArn },
      },
      // A pattern is an object: an array is several patterns.
      filterCriteria: { filters: (Array.isArray(props.filter) ? props.filter : [props.filter]).map((pattern) => ({ pattern: JSON.stringify(pattern) })) },
    },
    target: props.target.functionArn,
    targetParameters: { lambdaFunctionParameters: { invocationType: 'REQUEST_RESPONSE' } },
  });
  // Pipes checks its role can reach the target and the dead-letter queue when it is created.
  pipe.node.addDependency(role);
  return { role, pipe };
}
