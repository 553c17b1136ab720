// Reading the messages AWS services write to dead-letter queues (what the redrive command acts on).
import { describe, expect, it } from 'vitest';
import { arrivalWindow, classifyDeadLetter, functionNameOf, sequenceInRange } from '../../shared/domain/dead-letters';

// The shape EventBridge Pipes writes for a DynamoDB stream source: the batch, not its records.
const PIPE_MESSAGE = {
  context: { partnerResourceArn: 'arn:aws-cn:pipes:cn-north-1:123456789012:pipe/StartRoutingPipe', condition: 'RetryAttemptsExhausted' },
  version: '1.0',
  timestamp: '2026-12-01T08:00:05.000Z',
  DDBStreamBatchInfo: {
    shardId: 'shardId-00000001764576000000-abcdef01',
    startSequenceNumber: '4000000000000000000001',
    endSequenceNumber: '4000000000000000000009',
    approximateArrivalOfFirstRecord: '2026-12-01T08:00:00.000Z',
    approximateArrivalOfLastRecord: '2026-12-01T08:00:02.000Z',
    batchSize: 3,
    streamArn: 'arn:aws-cn:dynamodb:cn-north-1:123456789012:table/Needs/stream/2026-11-01T00:00:00.000',
  },
};

// Lambda's on-failure record of an asynchronous invocation.
const INVOCATION_RECORD = {
  version: '1.0',
  timestamp: '2026-12-01T17:06:00.000Z',
  requestContext: {
    requestId: 'c1d2',
    functionArn: 'arn:aws-cn:lambda:cn-north-1:123456789012:function:smefin-prod-RollupCoverage:$LATEST',
    condition: 'RetriesExhausted',
    approximateInvokeCount: 3,
  },
  requestPayload: { source: 'schedule' },
  responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
  responsePayload: { errorType: 'TimeoutError', errorMessage: 'S3 did not answer' },
};

describe('classifyDeadLetter', () => {
  it('reads a pipe stream batch: the shard, the sequence range, the arrival times', () => {
    const letter = classifyDeadLetter(JSON.stringify(PIPE_MESSAGE));
    expect(letter).toEqual({
      kind: 'stream-batch',
      condition: 'RetryAttemptsExhausted',
      pipeArn: PIPE_MESSAGE.context.partnerResourceArn,
      streamArn: PIPE_MESSAGE.DDBStreamBatchInfo.streamArn,
      shardId: PIPE_MESSAGE.DDBStreamBatchInfo.shardId,
      startSequenceNumber: '4000000000000000000001',
      endSequenceNumber: '4000000000000000000009',
      firstArrival: new Date('2026-12-01T08:00:00.000Z'),
      lastArrival: new Date('2026-12-01T08:00:02.000Z'),
    });
  });

  it('reads a failed asynchronous invocation: the function, the original event, the error', () => {
    expect(classifyDeadLetter(JSON.stringify(INVOCATION_RECORD))).toEqual({
      kind: 'async-invocation',
      functionArn: INVOCATION_RECORD.requestContext.functionArn,
      payload: { source: 'schedule' },
      condition: 'RetriesExhausted',
      error: 'TimeoutError: S3 did not answer',
    });
  });

  it('reads an event EventBridge could not deliver from its message attributes', () => {
    const letter = classifyDeadLetter('{"source":"schedule"}', {
      RULE_ARN: 'arn:aws-cn:events:cn-north-1:123456789012:rule/DailyRollup',
      TARGET_ARN: 'arn:aws-cn:lambda:cn-north-1:123456789012:function:rollup',
      ERROR_CODE: 'SDK_CLIENT_ERROR',
      ERROR_MESSAGE: 'Unable to invoke Lambda function',
    });
    expect(letter).toEqual({
      kind: 'undelivered-event',
      targetArn: 'arn:aws-cn:lambda:cn-north-1:123456789012:function:rollup',
      ruleArn: 'arn:aws-cn:events:cn-north-1:123456789012:rule/DailyRollup',
      event: { source: 'schedule' },
      error: 'SDK_CLIENT_ERROR: Unable to invoke Lambda function',
    });
  });

  it('says what it does not understand instead of guessing', () => {
    expect(classifyDeadLetter('not json')).toEqual({ kind: 'unknown', reason: 'the body is not JSON' });
    expect(classifyDeadLetter('{"hello":"world"}').kind).toBe('unknown');
    expect(classifyDeadLetter(JSON.stringify({ ...PIPE_MESSAGE, DDBStreamBatchInfo: { shardId: 's' } })).kind).toBe('unknown');
  });
});

describe('batch helpers', () => {
  it('compares sequence numbers as numbers, not strings', () => {
    expect(sequenceInRange('900', '100', '1000')).toBe(true);
    expect(sequenceInRange('1001', '100', '1000')).toBe(false);
    expect(sequenceInRange('99', '100', '1000')).toBe(false);
    expect(sequenceInRange('4000000000000000000005', '4000000000000000000001', '4000000000000000000009')).toBe(true);
  });

  it('widens the arrival window by five minutes on each side, for when the stream has dropped the records', () => {
    const letter = classifyDeadLetter(JSON.stringify(PIPE_MESSAGE));
    if (letter.kind !== 'stream-batch') throw new Error('expected a stream batch');
    expect(arrivalWindow(letter)).toEqual({ from: new Date('2026-12-01T07:55:00.000Z'), to: new Date('2026-12-01T08:05:02.000Z') });
    expect(arrivalWindow({ ...letter, firstArrival: undefined, lastArrival: undefined } as typeof letter)).toBeUndefined();
  });

  it('finds a function name in its ARN, qualified or not', () => {
    expect(functionNameOf('arn:aws-cn:lambda:cn-north-1:1:function:rollup:$LATEST')).toBe('rollup');
    expect(functionNameOf('arn:aws:lambda:eu-west-1:1:function:rollup')).toBe('rollup');
    expect(functionNameOf('rollup')).toBe('rollup');
  });
});
