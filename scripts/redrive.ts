// `npm run redrive -- --queue <name|url> [--to <queue>] [--dry-run] [--aws]`: empties a dead-letter
// queue by doing again what failed — the SQS redrive API (StartMessageMoveTask) is not offered in the
// China regions. Acts on the running `npm start` by default, on AWS with --aws. Each message is
// read for what it is (shared/domain/dead-letters.ts):
// - a stream batch of the pipe that starts routing (the pipe writes the batch's shard and sequence
//   numbers, not the records): the batch's new needs are read back from the stream and their
//   routing started (StartExecution named by the need id: a need already routed is left alone);
//   once the stream no longer holds them (24 hours), the needs still `submitted` in the batch's
//   arrival window are started instead; the batch's changes of needs are handed to notify-enterprise
//   again (a stream batch of the pipe that sends SMS notices: notices already sent are not sent
//   twice), which once the stream has dropped them is no longer possible (the notices are lost; the
//   status page shows the need all the same);
// - a failed asynchronous invocation (a schedule's roll-up or sweep): the function is invoked again
//   with the original event;
// - an event EventBridge could not deliver: the target function is invoked with it, or the target
//   state machine (the daily roll-up workflow) started with it.
// A message is deleted only once its redrive succeeded; one that fails again stays for the next try.
// With --to <queue> the messages are moved there unchanged instead (what StartMessageMoveTask does).
//   --list                  the dead-letter queues and how many messages each holds
//   --dry-run               say what would be done; change nothing (messages stay in the queue)
//   --max <n>               at most n messages (default 1000)
//   --state-machine <arn>   the routing state machine (--aws; default ROUTING_STATE_MACHINE_ARN,
//                           or the stack output RoutingStateMachineArn)
//   --notify-function <name> the SMS notices' function (--aws; default NOTIFY_FUNCTION_NAME, or the
//                           stack output NotifyEnterpriseFunctionName)
import { parseArgs } from 'node:util';
import {
  DynamoDBStreamsClient,
  ExpiredIteratorException,
  GetRecordsCommand,
  GetShardIteratorCommand,
  ResourceNotFoundException,
  TrimmedDataAccessException,
  type _Record,
} from '@aws-sdk/client-dynamodb-streams';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListQueuesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
  type Message,
} from '@aws-sdk/client-sqs';
import { NEED_CHANGE_FILTER } from '../lib/notifications';
import { NEW_NEED_FILTER } from '../lib/referral-workflow';
import { arrivalWindow, classifyDeadLetter, sequenceInRange, type DeadLetter } from '../shared/domain/dead-letters';
import { NeedRoutingIndex } from '../shared/adapters/routing-sweep-store';
import { needIdOfExecution } from '../shared/domain/routing-execution';
import { executionKnown, startRouting } from '../shared/adapters/workflow';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../local/dynamodb-local';
import { CliError, formatTable, resolveTarget, runCli, TARGET_OPTIONS, type CliTarget } from '../local/runtime-info';
import { matchesPattern } from '../local/stream-poller';

const USAGE = `用法 / Usage: npm run redrive -- --queue <name|url> [--to <queue>] [--dry-run] [--max <n>] [--aws]
       npm run redrive -- --list [--aws]

  --queue <name|url>      要重新投递的死信队列 / the dead-letter queue to redrive (the alarm names it)
  --to <queue>            原样移到另一个队列 / move the messages unchanged to this queue instead
  --dry-run               只显示将做什么 / only say what would be done
  --list                  列出死信队列及消息数 / list the queues and their message counts
  --state-machine <arn>   with --aws: the routing state machine (default ROUTING_STATE_MACHINE_ARN)
  --notify-function <name> with --aws: the SMS notices' function (default NOTIFY_FUNCTION_NAME)
Target: the running npm start (--data-dir <dir>), or --aws [--region <region>] [--needs-table <name>]`;

const { values } = parseArgs({
  options: {
    ...TARGET_OPTIONS,
    queue: { type: 'string' },
    to: { type: 'string' },
    'dry-run': { type: 'boolean', default: false },
    list: { type: 'boolean', default: false },
    max: { type: 'string' },
    'state-machine': { type: 'string' },
    'notify-function': { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});

interface RedriveClients {
  sqs: SQSClient;
  sfn: SFNClient;
  lambda: LambdaClient;
  streams: DynamoDBStreamsClient;
  stateMachineArn?: string;
  /** The function the SMS notices' pipe targets (locally by its registry name). */
  notifyFunction?: string;
  destroy(): void;
}

function redriveClients(target: CliTarget, stateMachineFlag: string | undefined): RedriveClients {
  const local = target.local;
  const common = local
    ? { region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, endpoint: local.awsEmulatorEndpoint, maxAttempts: 2 }
    : { maxAttempts: 3, ...(values.region ? { region: values.region } : {}) };
  const streamsConfig = local ? { ...common, endpoint: local.dynamoDbEndpoint } : common;
  const clients = {
    sqs: new SQSClient(common),
    sfn: new SFNClient(common),
    lambda: new LambdaClient(common),
    streams: new DynamoDBStreamsClient(streamsConfig),
  };
  const stateMachineArn = stateMachineFlag ?? (local ? local.stateMachineArn : process.env.ROUTING_STATE_MACHINE_ARN);
  const notifyFunction = values['notify-function'] ?? (local ? 'notify-enterprise' : process.env.NOTIFY_FUNCTION_NAME);
  return {
    ...clients,
    ...(stateMachineArn ? { stateMachineArn } : {}),
    ...(notifyFunction ? { notifyFunction } : {}),
    destroy: () => Object.values(clients).forEach((client) => client.destroy()),
  };
}

async function queueUrlOf(sqs: SQSClient, queue: string): Promise<string> {
  if (/^https?:\/\//.test(queue)) return queue;
  try {
    const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: queue }));
    return QueueUrl!;
  } catch (error) {
    if ((error as Error).name === 'QueueDoesNotExist') throw new CliError(`没有该队列 / No queue ${queue} (list them with --list)`);
    throw error;
  }
}

async function list(clients: RedriveClients, target: CliTarget): Promise<number> {
  const { QueueUrls = [] } = await clients.sqs.send(new ListQueuesCommand({}));
  const rows: string[][] = [];
  for (const url of QueueUrls) {
    const { Attributes = {} } = await clients.sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
    );
    rows.push([url.slice(url.lastIndexOf('/') + 1), Attributes.ApproximateNumberOfMessages ?? '?', Attributes.ApproximateNumberOfMessagesNotVisible ?? '?']);
  }
  console.log(formatTable(['queue', 'messages', 'in flight'], rows, ['l', 'r', 'r']));
  console.log(`\n${rows.length} queue(s) in ${target.description}`);
  return 0;
}

/**
 * What a failed stream batch was about: its new needs and its changes of needs, read back from the
 * stream; once the stream has dropped it, the needs by submission time (and no changes).
 */
async function needsOfBatch(
  clients: RedriveClients,
  target: CliTarget,
  letter: Extract<DeadLetter, { kind: 'stream-batch' }>,
): Promise<{ needIds: string[]; changes: _Record[] | undefined; source: string }> {
  try {
    const needIds: string[] = [];
    const changes: _Record[] = [];
    let { ShardIterator: iterator } = await clients.streams.send(
      new GetShardIteratorCommand({
        StreamArn: letter.streamArn,
        ShardId: letter.shardId,
        ShardIteratorType: 'AT_SEQUENCE_NUMBER',
        SequenceNumber: letter.startSequenceNumber,
      }),
    );
    let found = 0;
    for (let page = 0; iterator && page < 50; page++) {
      const { Records = [], NextShardIterator } = await clients.streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 100 }));
      const inBatch = Records.filter((r: _Record) => sequenceInRange(r.dynamodb!.SequenceNumber!, letter.startSequenceNumber, letter.endSequenceNumber));
      found += inBatch.length;
      for (const record of inBatch) {
        const needId = record.dynamodb?.NewImage?.needId?.S;
        if (needId && matchesPattern(NEW_NEED_FILTER, record)) needIds.push(needId);
        if (matchesPattern(NEED_CHANGE_FILTER, record)) changes.push(record);
      }
      const last = Records.at(-1)?.dynamodb?.SequenceNumber;
      if (Records.length === 0 || (last && BigInt(last) >= BigInt(letter.endSequenceNumber))) break;
      iterator = NextShardIterator;
    }
    if (found > 0) return { needIds, changes, source: 'the stream' };
  } catch (error) {
    if (!(error instanceof TrimmedDataAccessException || error instanceof ExpiredIteratorException || error instanceof ResourceNotFoundException)) throw error;
  }
  const window = arrivalWindow(letter);
  if (!window) throw new Error('the batch is gone from the stream and its message has no arrival times');
  const index = new NeedRoutingIndex(target.clients.documentClient, target.tables.needs);
  const needIds = await index.waiting(1000, window);
  return { needIds, changes: undefined, source: `needs still submitted between ${window.from.toISOString()} and ${window.to.toISOString()}` };
}

interface Outcome {
  done: boolean;
  note: string;
}

/** Hands a batch's need changes to notify-enterprise again, as the notices' pipe does. */
async function redriveNotices(clients: RedriveClients, changes: _Record[] | undefined, dryRun: boolean): Promise<Outcome> {
  if (!changes?.length) return { done: true, note: 'no need changes to notify' };
  if (!clients.notifyFunction) throw new CliError('缺少 / Missing --notify-function <name> (or NOTIFY_FUNCTION_NAME): the SMS notices\' function');
  const outcome = await invokeAgain(clients, clients.notifyFunction, changes, dryRun);
  return { ...outcome, note: `${changes.length} need change(s) for SMS notices: ${outcome.note}` };
}

async function invokeAgain(clients: RedriveClients, functionArn: string, event: unknown, dryRun: boolean): Promise<Outcome> {
  if (dryRun) return { done: false, note: `would invoke ${functionArn} with ${JSON.stringify(event).slice(0, 200)}` };
  const response = await clients.lambda.send(
    new InvokeCommand({ FunctionName: functionArn, InvocationType: 'RequestResponse', Payload: Buffer.from(JSON.stringify(event ?? {})) }),
  );
  if (response.FunctionError) {
    const detail = response.Payload ? Buffer.from(response.Payload).toString('utf8').slice(0, 300) : '';
    return { done: false, note: `${functionArn} failed again (${response.FunctionError}): ${detail}` };
  }
  return { done: true, note: `invoked ${functionArn} again` };
}

async function startAgain(clients: RedriveClients, stateMachineArn: string, event: unknown, dryRun: boolean): Promise<Outcome> {
  if (dryRun) return { done: false, note: `would start ${stateMachineArn} with ${JSON.stringify(event).slice(0, 200)}` };
  const { executionArn } = await clients.sfn.send(new StartExecutionCommand({ stateMachineArn, input: JSON.stringify(event ?? {}) }));
  return { done: true, note: `started ${executionArn}` };
}

async function redriveOne(clients: RedriveClients, target: CliTarget, message: Message, dryRun: boolean): Promise<Outcome> {
  const attributes = Object.fromEntries(Object.entries(message.MessageAttributes ?? {}).map(([key, value]) => [key, value.StringValue]));
  const letter = classifyDeadLetter(message.Body ?? '', attributes);
  switch (letter.kind) {
    case 'stream-batch': {
      const { needIds, changes, source } = await needsOfBatch(clients, target, letter);
      // Its changes of needs (a batch of the SMS notices' pipe) go to notify-enterprise again.
      const notices = await redriveNotices(clients, changes, dryRun);
      if (changes !== undefined && needIds.length === 0) return { ...notices, note: `stream batch (${letter.condition}): ${notices.note}` };
      if (!clients.stateMachineArn) throw new CliError('缺少 / Missing --state-machine <arn> (or ROUTING_STATE_MACHINE_ARN): the routing state machine');
      const lost = changes === undefined ? '; need changes no longer in the stream (notices not sent then are lost)' : `; ${notices.note}`;
      if (dryRun) return { done: false, note: `stream batch (${letter.condition}): would start routing for ${needIds.length} need(s) from ${source}: ${needIds.join(' ') || '-'}${lost}` };
      const started: string[] = [];
      // From the index these are routing executions: a need id, or `<needId>-a<round>` after an amendment.
      for (const execution of needIds) {
        if (await executionKnown(clients.sfn, clients.stateMachineArn, execution)) continue;
        if ((await startRouting(clients.sfn, clients.stateMachineArn, needIdOfExecution(execution), execution)) === 'started') started.push(execution);
      }
      return {
        done: notices.done,
        note: `stream batch (${letter.condition}): ${needIds.length} need(s) from ${source}; routing started for ${started.length}${started.length ? `: ${started.join(' ')}` : ''}, the others had theirs${lost}`,
      };
    }
    case 'async-invocation':
      return invokeAgain(clients, letter.functionArn, letter.payload, dryRun);
    case 'undelivered-event':
      if (/^arn:[^:]+:states:[^:]*:[^:]*:stateMachine:/.test(letter.targetArn)) return startAgain(clients, letter.targetArn, letter.event, dryRun);
      if (!/^arn:[^:]+:lambda:/.test(letter.targetArn)) return { done: false, note: `undelivered event for ${letter.targetArn}: not a function; use --to` };
      return invokeAgain(clients, letter.targetArn, letter.event, dryRun);
    case 'unknown':
      return { done: false, note: `not understood (${letter.reason}); left in the queue (move it with --to)` };
  }
}

async function moveTo(sqs: SQSClient, destination: string, message: Message, dryRun: boolean): Promise<Outcome> {
  if (dryRun) return { done: false, note: `would move to ${destination}` };
  await sqs.send(
    new SendMessageCommand({
      QueueUrl: destination,
      MessageBody: message.Body ?? '',
      ...(message.MessageAttributes ? { MessageAttributes: message.MessageAttributes } : {}),
    }),
  );
  return { done: true, note: `moved to ${destination}` };
}

async function redrive(clients: RedriveClients, target: CliTarget, queue: string): Promise<number> {
  const dryRun = values['dry-run'];
  const max = values.max ? Number(values.max) : 1000;
  if (!Number.isInteger(max) || max < 1) throw new CliError(`--max must be a positive whole number, not ${values.max}`);
  const queueUrl = await queueUrlOf(clients.sqs, queue);
  const destination = values.to ? await queueUrlOf(clients.sqs, values.to) : undefined;
  const seen = new Set<string>();
  const kept: Message[] = [];
  let redriven = 0;
  while (seen.size < max) {
    // Received messages stay invisible for the run, so each is handled once.
    const { Messages = [] } = await clients.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: Math.min(10, max - seen.size),
        VisibilityTimeout: 300,
        WaitTimeSeconds: 0,
        MessageAttributeNames: ['All'],
      }),
    );
    const fresh = Messages.filter((m) => !seen.has(m.MessageId!));
    if (fresh.length === 0) break;
    for (const message of fresh) {
      seen.add(message.MessageId!);
      let outcome: Outcome;
      try {
        outcome = destination ? await moveTo(clients.sqs, destination, message, dryRun) : await redriveOne(clients, target, message, dryRun);
      } catch (error) {
        if (error instanceof CliError) throw error;
        outcome = { done: false, note: `failed: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}` };
      }
      console.log(`${message.MessageId}: ${outcome.note}`);
      if (outcome.done) {
        await clients.sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle! }));
        redriven++;
      } else kept.push(message);
    }
  }
  // What stays in the queue is visible again at once, for the next run after a fix.
  for (const message of kept) {
    await clients.sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle!, VisibilityTimeout: 0 }));
  }
  if (dryRun) {
    console.log(`\n试运行，未做更改 / Dry run: ${seen.size} message(s) read, nothing changed (${target.description}).`);
    return 0;
  }
  console.log(`\n已重新投递 / Redriven: ${redriven}; 仍在队列中 / left in the queue: ${kept.length} (${target.description}).`);
  return kept.length === 0 ? 0 : 1;
}

await runCli(async () => {
  if (values.help || (!values.queue && !values.list)) {
    console.log(USAGE);
    return values.help ? 0 : 2;
  }
  const target = resolveTarget(values);
  const clients = redriveClients(target, values['state-machine']);
  try {
    return values.list ? await list(clients, target) : await redrive(clients, target, values.queue!);
  } finally {
    clients.destroy();
    target.clients.destroy();
  }
});
