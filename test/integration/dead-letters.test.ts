// Nothing dropped silently, on the real local parts: DynamoDB Local and its stream, the local pipe,
// the synthesized state machine on the local Step Functions, the local SQS dead-letter queues, and
// the redrive command run as an operator runs it (a child process finding `npm start` through
// runtime.json). Faults are injected by wrapping the real handlers.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FunctionName } from '../../lib/routes';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../local/dynamodb-local';
import { startLocalRuntime, type AnyHandler, type LocalRuntime } from '../../local/runtime';
import { deliverToStateMachine, scheduledEvent, schedulesFromTemplate } from '../../local/schedules';
import { LOCAL_CDK_OUT, type CfnTemplate } from '../../local/synth';
import { classifyDeadLetter } from '../../shared/domain/dead-letters';
import { createNeedRecord } from '../../shared/domain/need-record';
import { needSubmissionSchema } from '../../shared/domain/need';
import { DynamoNeedRepository } from '../../shared/adapters/need-repository';
import { RoutingStore } from '../../shared/adapters/routing-store';
import { validSubmission } from '../support/needs';
import { SME_LOAN_PRODUCT, TestBanks } from '../support/test-banks';
import { eventually } from '../support/aws-emulator';
import { pointCliAtRuntime, runScript } from '../support/cli';

const dataDir = mkdtempSync(path.join(tmpdir(), 'smefin-dlq-'));
const clientConfig = { region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS };

/** Fault injection: what start-routing does with the pipe's records. */
const faults = { startRouting: 'normal' as 'normal' | 'fail' | 'drop' };
const wrapHandler = (name: FunctionName, handler: AnyHandler): AnyHandler => {
  if (name === 'start-routing') {
    return async (event, context) => {
      if (faults.startRouting === 'fail') throw new Error('injected: Step Functions unreachable');
      if (faults.startRouting === 'drop') return { started: 0, alreadyStarted: 0 };
      return handler(event, context);
    };
  }
  return handler;
};

let runtime: LocalRuntime;
let banks: TestBanks;
let repository: DynamoNeedRepository;
let db: DynamoDBDocumentClient;

function startRuntime() {
  return startLocalRuntime({ port: 0, dataDir, logLevel: 'ERROR', daySeconds: 1, retryIntervalMs: 5, schedules: false, wrapHandler });
}

async function startBanks(rt: LocalRuntime) {
  db = DynamoDBDocumentClient.from(rt.dynamodbClient);
  const store = new RoutingStore(db, rt.tableNames);
  const testBanks = new TestBanks(rt.url, store, new SecretsManagerClient({ ...clientConfig, endpoint: rt.awsEndpoint }), rt.bankSecretPrefix);
  await testBanks.start();
  return testBanks;
}

/** A bank serving only this county, which never answers within the tests (30 working days). */
async function silentBankFor(county: string) {
  return banks.add({
    bankId: `dlq-bank-${county}-${Date.now().toString(36)}`,
    nameZh: '测试银行',
    nameEn: 'Test Bank',
    divisions: [county],
    products: [SME_LOAN_PRODUCT],
    capacity: 10,
    deadlines: { acknowledgeWorkingDays: 30, decideCalendarDays: 60 },
  });
}

/** A county of its own per test (Zhejiang's districts), so the tests' banks and needs never meet. */
let countyIndex = 0;
const COUNTIES = ['330102', '330105', '330108', '330109', '330110'];
const nextCounty = () => COUNTIES[countyIndex++]!;

/** A need in a county of its own, served by a silent bank, written while start-routing does `startRouting`. */
async function needWhile(startRouting: typeof faults.startRouting, minutesAgo = 0): Promise<string> {
  const county = nextCounty();
  await silentBankFor(county);
  faults.startRouting = startRouting;
  return writeNeed(county, minutesAgo);
}

/** A need as submit-need writes it, submitted `minutesAgo` minutes ago (the pipe sees it now). */
async function writeNeed(county: string, minutesAgo: number): Promise<string> {
  const submission = validSubmission();
  submission.enterprise.countyCode = county;
  const input = needSubmissionSchema.parse(submission);
  const needId = `01DLQ${Date.now().toString(36).toUpperCase()}${String(countyIndex)}${Math.random().toString(36).slice(2, 6).toUpperCase()}`;
  const record = createNeedRecord({ input, needId, now: new Date(Date.now() - minutesAgo * 60_000), trackingTokenHash: 'x'.repeat(64) });
  expect(await repository.create(record)).toMatchObject({ kind: 'created' });
  return needId;
}

const execution = (rt: LocalRuntime, needId: string) => rt.stepFunctions.executions().find((e) => e.name === needId);
const needStatus = async (needId: string) => (await new RoutingStore(db, runtime.tableNames).getNeed(needId))?.status;
const queueNamed = (prefix: string) => runtime.sqs.queueNames().find((name) => name.startsWith(prefix))!;

const redrive = (...args: string[]) => runScript('redrive.ts', ['--data-dir', dataDir, ...args], dataDir);

beforeAll(async () => {
  runtime = await startRuntime();
  banks = await startBanks(runtime);
  repository = new DynamoNeedRepository(db, runtime.tableNames);
  pointCliAtRuntime(dataDir, runtime);
}, 180_000);

afterAll(async () => {
  await banks?.stop();
  await runtime?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('the routing sweeper', () => {
  it('starts and routes a need whose workflow never started, leaves a fresh one to the pipe, and starts nothing twice', async () => {
    faults.startRouting = 'drop';
    const county = nextCounty();
    await silentBankFor(county);
    const lost = await writeNeed(county, 20);
    const fresh = await writeNeed(county, 1);
    await runtime.streams.drain();
    expect(execution(runtime, lost)).toBeUndefined();
    expect(await needStatus(lost)).toBe('submitted');
    faults.startRouting = 'normal';

    const schedule = schedulesFromTemplate(runtimeTemplate()).find((s) => s.expression.includes('0,10,20'))!;
    const input = schedule.input(scheduledEvent(new Date(), LOCAL_REGION, '000000000000', `arn:aws:events:${LOCAL_REGION}:000000000000:rule/${schedule.rule}`));
    const report = (await runtime.invoke('routing-sweeper', input)) as { started: string[] };
    expect(report.started).toContain(lost);
    expect(report.started).not.toContain(fresh);
    // Routed: screened, recommended and offered to the county's bank.
    await eventually(async () => ((await needStatus(lost)) === 'offered' ? true : undefined), 20_000);
    expect(execution(runtime, lost)?.status).toBe('RUNNING');

    const again = (await runtime.invoke('routing-sweeper', input)) as { started: string[]; alreadyStarted: number };
    expect(again.started).not.toContain(lost);
  });
});

describe('the pipe’s dead-letter queue', () => {
  it('gets the batch start-routing keeps failing on; the redrive command starts routing for its needs and empties it', async () => {
    const queue = queueNamed('ReferralStartRoutingDeadLetters');
    const needId = await needWhile('fail');
    await eventually(() => (runtime.sqs.depth(queue) === 1 ? true : undefined), 20_000);
    faults.startRouting = 'normal';
    expect(execution(runtime, needId)).toBeUndefined();

    const dryRun = await redrive('--queue', queue, '--dry-run');
    expect(dryRun.code, dryRun.stderr).toBe(0);
    expect(dryRun.stdout).toContain(needId);
    expect(runtime.sqs.depth(queue)).toBe(1);
    expect(execution(runtime, needId)).toBeUndefined();

    const run = await redrive('--queue', queue);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toMatch(/routing started for 1/);
    expect(runtime.sqs.depth(queue)).toBe(0);
    expect(execution(runtime, needId)).toBeDefined();
    await eventually(async () => ((await needStatus(needId)) === 'offered' ? true : undefined), 20_000);
  });

  it('redrives a batch the stream no longer holds by the needs still submitted in its arrival window', async () => {
    const queue = queueNamed('ReferralStartRoutingDeadLetters');
    const needId = await needWhile('drop');
    await runtime.streams.drain();
    faults.startRouting = 'normal';
    // What Pipes wrote about a shard the stream no longer has (closed and trimmed after 24 hours).
    const { Table } = await runtime.dynamodbClient.send(new DescribeTableCommand({ TableName: runtime.tableNames.needs }));
    const streamArn = Table!.LatestStreamArn!;
    const now = new Date();
    runtime.sqs.send(
      queue,
      JSON.stringify({
        context: { partnerResourceArn: 'arn:aws:pipes:cn-north-1:000000000000:pipe/StartRoutingPipe', condition: 'RetryAttemptsExhausted' },
        version: '1.0',
        timestamp: now.toISOString(),
        DDBStreamBatchInfo: {
          shardId: 'shardId-00000001000000000000-0000dead',
          startSequenceNumber: '000000000000000000100',
          endSequenceNumber: '000000000000000000100',
          approximateArrivalOfFirstRecord: now.toISOString(),
          approximateArrivalOfLastRecord: now.toISOString(),
          batchSize: 1,
          streamArn,
        },
      }),
    );
    const run = await redrive('--queue', queue);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toContain('needs still submitted between');
    expect(runtime.sqs.depth(queue)).toBe(0);
    expect(execution(runtime, needId)).toBeDefined();
  });
});

describe('a scheduled invocation’s dead-letter queue', () => {
  it('gets the scheduled event EventBridge could not start the roll-up workflow with; redrive starts the workflow with that event', async () => {
    const queue = queueNamed('DailyRollupDeadLetters');
    const schedule = schedulesFromTemplate(runtimeTemplate()).find((s) => s.expression === 'cron(0 17 * * ? *)')!;
    expect(schedule.target).toMatchObject({ kind: 'stateMachine' });
    expect(schedule.deadLetterQueue).toMatch(/^DailyRollupDeadLetters/);
    const ruleArn = `arn:aws:events:${LOCAL_REGION}:000000000000:rule/${schedule.rule}`;
    // 01:00 CST on 3 October 2026: the roll-up of 2 October and its month-to-date.
    const event = scheduledEvent(new Date('2026-10-02T17:00:00Z'), LOCAL_REGION, '000000000000', ruleArn);
    expect(schedule.input(event)).toEqual({ source: 'schedule', time: '2026-10-02T17:00:00Z' });
    // As EventBridge delivers it: StartExecution refused (throttled) on every retry of the target's policy.
    const attempts: unknown[] = [];
    const outcome = await deliverToStateMachine(schedule, event, {
      start: async (input) => {
        attempts.push(input);
        throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
      },
      deadLetter: (name, body, attributes) => runtime.sqs.send(name, body, attributes),
      targetArn: runtime.rollupStateMachineArn,
      retryIntervalMs: 1,
    });
    expect(outcome).toBe('dead-lettered');
    expect(attempts).toHaveLength(schedule.retryAttempts + 1);
    expect(runtime.sqs.depth(queue)).toBe(1);
    const peek = (await runtime.sqs.handle('ReceiveMessage', { QueueUrl: runtime.sqs.queueUrl(queue), VisibilityTimeout: 0, MessageAttributeNames: ['All'] })) as {
      Messages: { Body: string; MessageAttributes: Record<string, { StringValue: string }> }[];
    };
    const attributes = Object.fromEntries(Object.entries(peek.Messages[0]!.MessageAttributes).map(([k, v]) => [k, v.StringValue]));
    expect(classifyDeadLetter(peek.Messages[0]!.Body, attributes)).toMatchObject({
      kind: 'undelivered-event',
      targetArn: runtime.rollupStateMachineArn,
      ruleArn,
      event,
    });

    const run = await redrive('--queue', queue);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(runtime.sqs.depth(queue)).toBe(0);
    const execution = await eventually(() =>
      runtime.stepFunctions.executions().find((e) => e.stateMachineArn === runtime.rollupStateMachineArn && e.input.includes(event.id)),
    );
    expect(await execution.finished).toBe('SUCCEEDED');
    const { results } = JSON.parse(runtime.stepFunctions.executions().find((e) => e.executionArn === execution.executionArn)!.output!) as { results: { period: string }[] };
    expect(results.map((r) => r.period)).toEqual(['2026-10-02', '2026-10-mtd-02']);
  });

  it('leaves a message it does not understand, and moves it unchanged with --to (what StartMessageMoveTask would do)', async () => {
    const from = queueNamed('RoutingSweepDeadLetters');
    const to = queueNamed('DailyRollupDeadLetters');
    runtime.sqs.send(from, '{"something":"else"}', { origin: 'hand-written' });
    const left = await redrive('--queue', from);
    expect(left.code).toBe(1);
    expect(left.stdout).toContain('not understood');
    expect(runtime.sqs.depth(from)).toBe(1);

    const moved = await redrive('--queue', from, '--to', to);
    expect(moved.code, moved.stdout + moved.stderr).toBe(0);
    expect(runtime.sqs.depth(from)).toBe(0);
    const { Messages } = (await runtime.sqs.handle('ReceiveMessage', { QueueUrl: runtime.sqs.queueUrl(to), VisibilityTimeout: 0, MessageAttributeNames: ['All'] })) as {
      Messages: { Body: string; MessageAttributes?: Record<string, { StringValue?: string }> }[];
    };
    expect(Messages.map((m) => [m.Body, m.MessageAttributes?.origin?.StringValue])).toEqual([['{"something":"else"}', 'hand-written']]);
    await runtime.sqs.handle('PurgeQueue', { QueueUrl: runtime.sqs.queueUrl(to) });
  });

  it('lists the dead-letter queues with their messages', async () => {
    const listed = await redrive('--list');
    expect(listed.code, listed.stderr).toBe(0);
    for (const prefix of ['ReferralStartRoutingDeadLetters', 'DailyRollupDeadLetters', 'RoutingSweepDeadLetters']) expect(listed.stdout).toContain(prefix);
  });
});

function runtimeTemplate(): CfnTemplate {
  // The template the runtime runs, synthesized into its data folder.
  return JSON.parse(readFileSync(path.join(LOCAL_CDK_OUT(dataDir), 'smefin-local.template.json'), 'utf8')) as CfnTemplate;
}
