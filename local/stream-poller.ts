// EventBridge Pipes, locally: for every `AWS::Pipes::Pipe` in the synthesized template whose source
// is a DynamoDB stream and whose target is a Lambda function, poll DynamoDB Local's stream, apply the
// pipe's filter patterns, and hand batches of records to the same handler. Checkpoints are kept in
// the data folder so a restart does not replay what was already delivered. A batch the handler
// fails on is retried as the pipe's MaximumRetryAttempts and OnPartialBatchItemFailure
// (AUTOMATIC_BISECT: halved until the failing record is alone) say, then described to the pipe's
// dead-letter queue (`deadLetter`) and passed over, as Pipes does. (Not emulated: the record-age
// limit, and Pipes' growing back-off: retries are `retryIntervalMs` apart.)
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  ExpiredIteratorException,
  TrimmedDataAccessException,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type _Record,
} from '@aws-sdk/client-dynamodb-streams';
import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { resourcesOfType, type CfnTemplate, type CfnValue } from './synth';

export interface PipeDefinition {
  name: string;
  tableLogicalId: string;
  functionLogicalId: string;
  patterns: unknown[];
  batchSize: number;
  /** Retries of a failed batch; -1: until the records leave the stream. */
  maximumRetryAttempts: number;
  bisect: boolean;
  /** Logical id of the dead-letter queue. */
  deadLetterQueue?: string;
}

export interface FailedBatch {
  pipe: PipeDefinition;
  streamArn: string;
  shardId: string;
  records: _Record[];
  error: unknown;
}

function getAttTarget(value: CfnValue | undefined): string | undefined {
  if (value && typeof value === 'object' && !Array.isArray(value) && Array.isArray(value['Fn::GetAtt'])) {
    return String((value['Fn::GetAtt'] as CfnValue[])[0]);
  }
  return undefined;
}

export function pipesFromTemplate(template: CfnTemplate): PipeDefinition[] {
  return resourcesOfType(template, 'AWS::Pipes::Pipe').flatMap(([name, resource]) => {
    const props = resource.Properties ?? {};
    const tableLogicalId = getAttTarget(props.Source);
    const functionLogicalId = getAttTarget(props.Target);
    if (!tableLogicalId || !functionLogicalId) return [];
    const source = props.SourceParameters as {
      FilterCriteria?: { Filters?: { Pattern: string }[] };
      DynamoDBStreamParameters?: {
        BatchSize?: number;
        MaximumRetryAttempts?: number;
        OnPartialBatchItemFailure?: string;
        DeadLetterConfig?: { Arn?: CfnValue };
      };
    };
    const stream = source?.DynamoDBStreamParameters;
    const deadLetterQueue = getAttTarget(stream?.DeadLetterConfig?.Arn);
    return [
      {
        name,
        tableLogicalId,
        functionLogicalId,
        patterns: (source?.FilterCriteria?.Filters ?? []).map((f) => JSON.parse(f.Pattern) as unknown),
        batchSize: stream?.BatchSize ?? 10,
        maximumRetryAttempts: stream?.MaximumRetryAttempts ?? -1,
        bisect: stream?.OnPartialBatchItemFailure === 'AUTOMATIC_BISECT',
        ...(deadLetterQueue ? { deadLetterQueue } : {}),
      },
    ];
  });
}

/** EventBridge pattern matching for the forms pipes use: nested objects whose leaves list allowed values. */
export function matchesPattern(pattern: unknown, value: unknown): boolean {
  if (Array.isArray(pattern)) return pattern.some((allowed) => allowed === value);
  if (pattern && typeof pattern === 'object') {
    if (!value || typeof value !== 'object') return false;
    return Object.entries(pattern).every(([key, sub]) => matchesPattern(sub, (value as Record<string, unknown>)[key]));
  }
  return pattern === value;
}

export interface StreamPoller {
  stop(): Promise<void>;
  /** Resolves once every record written so far has been delivered (tests and demos). */
  drain(): Promise<void>;
}

export function startStreamPollers(options: {
  template: CfnTemplate;
  dynamodb: DynamoDBClient;
  streams: DynamoDBStreamsClient;
  checkpointFile: string;
  deliver: (functionLogicalId: string, records: _Record[]) => Promise<void>;
  /** A batch given up on after its retries (to the pipe's dead-letter queue, when it has one). */
  deadLetter?: (failed: FailedBatch) => Promise<void> | void;
  intervalMs?: number;
  /** Pause between retries of a failed batch (default 500 ms). */
  retryIntervalMs?: number;
  onError?: (error: unknown) => void;
}): StreamPoller {
  const pipes = pipesFromTemplate(options.template);
  const checkpoints: Record<string, string> = existsSync(options.checkpointFile)
    ? (JSON.parse(readFileSync(options.checkpointFile, 'utf8')) as Record<string, string>)
    : {};
  const iterators = new Map<string, string>();
  let stopped = false;
  let running: Promise<void> = Promise.resolve();

  /** Delivers a batch with the pipe's retries and bisection; a batch given up on goes to `deadLetter`. */
  async function deliverBatch(pipe: PipeDefinition, records: _Record[], stream: { streamArn: string; shardId: string }, retriesLeft: number): Promise<void> {
    try {
      await options.deliver(pipe.functionLogicalId, records);
      return;
    } catch (error) {
      // Stopping: leave the batch unacknowledged (no checkpoint), so the next start delivers it again.
      if (stopped) throw error;
      if (pipe.bisect && records.length > 1) {
        // Splitting a batch uses up no retry (as in AWS).
        const half = Math.ceil(records.length / 2);
        await deliverBatch(pipe, records.slice(0, half), stream, retriesLeft);
        await deliverBatch(pipe, records.slice(half), stream, retriesLeft);
        return;
      }
      if (retriesLeft > 0) {
        await new Promise((resolve) => setTimeout(resolve, options.retryIntervalMs ?? 500));
        await deliverBatch(pipe, records, stream, retriesLeft - 1);
        return;
      }
      options.onError?.(error);
      await options.deadLetter?.({ pipe, ...stream, records, error });
    }
  }

  async function pollPipe(pipe: PipeDefinition): Promise<void> {
    const { Table } = await options.dynamodb.send(new DescribeTableCommand({ TableName: pipe.tableLogicalId }));
    const streamArn = Table?.LatestStreamArn;
    if (!streamArn) return;
    const { StreamDescription } = await options.streams.send(new DescribeStreamCommand({ StreamArn: streamArn }));
    for (const shard of StreamDescription?.Shards ?? []) {
      const key = `${pipe.name}/${shard.ShardId}`;
      let iterator = iterators.get(key);
      if (!iterator) {
        const after = checkpoints[key];
        ({ ShardIterator: iterator } = await options.streams.send(
          new GetShardIteratorCommand({
            StreamArn: streamArn,
            ShardId: shard.ShardId!,
            ...(after ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: after } : { ShardIteratorType: 'TRIM_HORIZON' }),
          }),
        ));
      }
      if (!iterator) continue;
      let page;
      try {
        page = await options.streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 100 }));
      } catch (error) {
        // An iterator that expired, or that DynamoDB Local no longer serves: take a fresh one from
        // the checkpoint (at worst a record is delivered again; start-routing is idempotent).
        if (error instanceof ExpiredIteratorException || error instanceof TrimmedDataAccessException) {
          iterators.delete(key);
          continue;
        }
        throw error;
      }
      const records = page.Records ?? [];
      const matching = records.filter((record) => pipe.patterns.length === 0 || pipe.patterns.some((p) => matchesPattern(p, record)));
      const retries = pipe.maximumRetryAttempts < 0 ? Infinity : pipe.maximumRetryAttempts;
      for (let i = 0; i < matching.length; i += pipe.batchSize) {
        await deliverBatch(pipe, matching.slice(i, i + pipe.batchSize), { streamArn, shardId: shard.ShardId! }, retries);
      }
      const last = records.at(-1)?.dynamodb?.SequenceNumber;
      if (last) {
        checkpoints[key] = last;
        writeFileSync(options.checkpointFile, JSON.stringify(checkpoints));
      }
      if (page.NextShardIterator) iterators.set(key, page.NextShardIterator);
      else iterators.delete(key);
    }
  }

  async function pollOnce(): Promise<void> {
    for (const pipe of pipes) await pollPipe(pipe);
  }

  let cycleWaiters: (() => void)[] = [];
  const loop = async () => {
    while (!stopped) {
      running = pollOnce().catch((error: unknown) => options.onError?.(error));
      await running;
      const waiters = cycleWaiters;
      cycleWaiters = [];
      waiters.forEach((resolve) => resolve());
      await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 250));
    }
  };
  void loop();
  const nextCycle = () => new Promise<void>((resolve) => cycleWaiters.push(resolve));

  return {
    stop: async () => {
      stopped = true;
      await running;
      cycleWaiters.forEach((resolve) => resolve());
    },
    // A cycle may already be under way when drain is called: wait for it and one full cycle after.
    drain: async () => {
      await nextCycle();
      await nextCycle();
    },
  };
}
