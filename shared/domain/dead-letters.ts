// What a message in one of smefin's dead-letter queues is, and so how it is redriven. The queues
// receive what AWS services write there (the redrive command reads them; the local runtime writes
// the same shapes):
// - EventBridge Pipes with a stream source (the pipe that starts routing) writes a descriptor of
//   the failed batch, not the records: `{ context: { partnerResourceArn, condition }, version,
//   timestamp, DDBStreamBatchInfo: { shardId, startSequenceNumber, endSequenceNumber,
//   approximateArrivalOfFirstRecord, approximateArrivalOfLastRecord, batchSize, streamArn } }`;
// - Lambda, for an asynchronous invocation that failed after its retries (an `onFailure`
//   destination), writes an invocation record: `{ version, timestamp, requestContext: { requestId,
//   functionArn, condition, approximateInvokeCount }, requestPayload, responseContext,
//   responsePayload }`;
// - EventBridge, for an event it could not deliver to a rule's target, writes the event itself as
//   the body with the message attributes RULE_ARN, TARGET_ARN, ERROR_CODE and ERROR_MESSAGE.
import * as z from 'zod';

const pipeBatchSchema = z.object({
  context: z.object({ partnerResourceArn: z.string().optional(), condition: z.string().optional() }).optional(),
  timestamp: z.string().optional(),
  DDBStreamBatchInfo: z.object({
    shardId: z.string().min(1),
    startSequenceNumber: z.string().min(1),
    endSequenceNumber: z.string().min(1),
    approximateArrivalOfFirstRecord: z.string().optional(),
    approximateArrivalOfLastRecord: z.string().optional(),
    batchSize: z.number().int().nonnegative().optional(),
    streamArn: z.string().min(1),
  }),
});

const invocationRecordSchema = z.object({
  requestContext: z.object({
    functionArn: z.string().min(1),
    condition: z.string().optional(),
    approximateInvokeCount: z.number().optional(),
  }),
  requestPayload: z.unknown(),
  responsePayload: z.unknown().optional(),
});

export type DeadLetter =
  | {
      kind: 'stream-batch';
      /** Why the pipe gave up (RetryAttemptsExhausted, RecordAgeExceeded, …). */
      condition: string;
      pipeArn?: string;
      streamArn: string;
      shardId: string;
      startSequenceNumber: string;
      endSequenceNumber: string;
      /** When the batch's records reached the stream: the window in which their items were written. */
      firstArrival?: Date;
      lastArrival?: Date;
    }
  | { kind: 'async-invocation'; functionArn: string; payload: unknown; condition: string; error?: string }
  | { kind: 'undelivered-event'; targetArn: string; ruleArn?: string; event: unknown; error?: string }
  | { kind: 'unknown'; reason: string };

const date = (value: string | undefined) => {
  if (!value) return undefined;
  const parsed = new Date(value);
  return Number.isNaN(parsed.getTime()) ? undefined : parsed;
};

function describeError(payload: unknown): string | undefined {
  if (!payload || typeof payload !== 'object') return undefined;
  const { errorType, errorMessage } = payload as { errorType?: unknown; errorMessage?: unknown };
  if (errorType === undefined && errorMessage === undefined) return undefined;
  return [errorType, errorMessage].filter((part) => part !== undefined).map(String).join(': ');
}

/** Reads a dead-letter message (its body and string message attributes). Never throws. */
export function classifyDeadLetter(body: string, attributes: Record<string, string | undefined> = {}): DeadLetter {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    parsed = undefined;
  }
  if (attributes.TARGET_ARN) {
    const error = [attributes.ERROR_CODE, attributes.ERROR_MESSAGE].filter(Boolean).join(': ');
    return {
      kind: 'undelivered-event',
      targetArn: attributes.TARGET_ARN,
      ...(attributes.RULE_ARN ? { ruleArn: attributes.RULE_ARN } : {}),
      event: parsed === undefined ? body : parsed,
      ...(error ? { error } : {}),
    };
  }
  if (parsed === undefined) return { kind: 'unknown', reason: 'the body is not JSON' };
  const batch = pipeBatchSchema.safeParse(parsed);
  if (batch.success) {
    const info = batch.data.DDBStreamBatchInfo;
    const firstArrival = date(info.approximateArrivalOfFirstRecord);
    const lastArrival = date(info.approximateArrivalOfLastRecord);
    return {
      kind: 'stream-batch',
      condition: batch.data.context?.condition ?? 'unknown',
      ...(batch.data.context?.partnerResourceArn ? { pipeArn: batch.data.context.partnerResourceArn } : {}),
      streamArn: info.streamArn,
      shardId: info.shardId,
      startSequenceNumber: info.startSequenceNumber,
      endSequenceNumber: info.endSequenceNumber,
      ...(firstArrival ? { firstArrival } : {}),
      ...(lastArrival ? { lastArrival } : {}),
    };
  }
  const record = invocationRecordSchema.safeParse(parsed);
  if (record.success) {
    const error = describeError(record.data.responsePayload);
    return {
      kind: 'async-invocation',
      functionArn: record.data.requestContext.functionArn,
      payload: record.data.requestPayload,
      condition: record.data.requestContext.condition ?? 'unknown',
      ...(error ? { error } : {}),
    };
  }
  return { kind: 'unknown', reason: 'neither a stream batch, an invocation record nor an undelivered event' };
}

/**
 * Sequence numbers of a DynamoDB stream shard are decimal strings of growing length and value: the
 * record belongs to the batch when start ≤ sequence ≤ end.
 */
export function sequenceInRange(sequence: string, start: string, end: string): boolean {
  const value = BigInt(sequence);
  return value >= BigInt(start) && value <= BigInt(end);
}

/** Minutes added on both sides of a batch's arrival window when its records are gone from the stream. */
export const ARRIVAL_WINDOW_MARGIN_MS = 5 * 60_000;

/** The submission window to search when the stream no longer holds a batch's records (24 hours). */
export function arrivalWindow(letter: Extract<DeadLetter, { kind: 'stream-batch' }>): { from: Date; to: Date } | undefined {
  const first = letter.firstArrival ?? letter.lastArrival;
  const last = letter.lastArrival ?? letter.firstArrival;
  if (!first || !last) return undefined;
  return { from: new Date(first.getTime() - ARRIVAL_WINDOW_MARGIN_MS), to: new Date(last.getTime() + ARRIVAL_WINDOW_MARGIN_MS) };
}

/** A function name from its ARN (`arn:…:lambda:region:account:function:name[:qualifier]`), or the name itself. */
export function functionNameOf(functionArnOrName: string): string {
  const match = /^arn:[^:]+:lambda:[^:]*:[^:]*:function:([^:]+)/.exec(functionArnOrName);
  return match ? match[1]! : functionArnOrName;
}
