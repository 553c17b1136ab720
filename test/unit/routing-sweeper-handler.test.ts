// The routing sweeper's failure path, which the real local parts cannot produce on demand: Step
// Functions throttling one StartExecution. The others are started, the run fails (so it is retried
// and, after its retries, dead-lettered), and the metric counts what was started. Mocked AWS SDK.
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { DescribeExecutionCommand, ExecutionDoesNotExist, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { setHandlerEnvironment } from '../support/handler-env';

const documents = mockClient(DynamoDBDocumentClient);
const sfn = mockClient(SFNClient);
const STATE_MACHINE = 'arn:aws-cn:states:cn-north-1:123456789012:stateMachine:Routing';
let handler: (event: unknown, context: Context) => Promise<unknown>;

beforeAll(async () => {
  setHandlerEnvironment({
    NEEDS_TABLE_NAME: 'needs',
    ROUTING_STATE_MACHINE_ARN: STATE_MACHINE,
    ROUTING_SWEEP_AFTER_MINUTES: '15',
  });
  handler = (await import('../../functions/routing-sweeper/index')).handler as unknown as typeof handler;
});

afterEach(() => {
  documents.reset();
  sfn.reset();
});

const context = { functionName: 'routing-sweeper', awsRequestId: 'req-1', getRemainingTimeInMillis: () => 60_000 } as unknown as Context;

describe('routing-sweeper', () => {
  it('queries only needs waiting for their workflow for more than 15 minutes on the byRouting index, starts each by need id, and fails the run when one could not be started', async () => {
    documents.on(QueryCommand).resolves({
      Items: [
        { pk: 'NEED#a', sk: 'NEED', itemType: 'need', routingPhase: 'waiting#2026-12-01T07:00:00.000Z#a' },
        { pk: 'NEED#b', sk: 'NEED', itemType: 'need', routingPhase: 'waiting#2026-12-01T07:10:00.000Z#b' },
      ],
    });
    sfn.on(DescribeExecutionCommand).rejects(new ExecutionDoesNotExist({ message: 'Execution Does Not Exist', $metadata: {} }));
    sfn
      .on(StartExecutionCommand, { name: 'a' })
      .rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $metadata: {} }))
      .on(StartExecutionCommand, { name: 'b' })
      .resolves({ executionArn: `${STATE_MACHINE.replace('stateMachine', 'execution')}:b`, startDate: new Date() });

    const before = Date.now();
    await expect(handler({ source: 'schedule' }, context)).rejects.toThrow(/could not start 1 need\(s\): a/);

    const query = documents.commandCalls(QueryCommand)[0]!.args[0].input;
    expect(query).toMatchObject({
      TableName: 'needs',
      IndexName: 'byRouting',
      KeyConditionExpression: 'itemType = :need AND #phase BETWEEN :low AND :high',
      ExpressionAttributeNames: { '#phase': 'routingPhase' },
    });
    expect(query.ExpressionAttributeValues![':low']).toBe('waiting#');
    const high = String(query.ExpressionAttributeValues![':high']);
    expect(high.startsWith('waiting#')).toBe(true);
    const cutoff = Date.parse(high.slice('waiting#'.length));
    expect(before - cutoff).toBeGreaterThanOrEqual(15 * 60_000 - 1_000);
    expect(before - cutoff).toBeLessThanOrEqual(15 * 60_000 + 60_000);
    const starts = sfn.commandCalls(StartExecutionCommand).map((call) => call.args[0].input);
    // b was started although a failed before it.
    expect([...new Set(starts.map((s) => s.name))].sort()).toEqual(['a', 'b']);
    expect(starts.find((s) => s.name === 'b')).toEqual({ stateMachineArn: STATE_MACHINE, name: 'b', input: JSON.stringify({ needId: 'b' }) });
  });

  it('refuses an input it does not know instead of sweeping something else', async () => {
    await expect(handler({ mode: 'all-the-needs' }, context)).rejects.toThrow();
    expect(documents.commandCalls(QueryCommand)).toHaveLength(0);
  });
});
