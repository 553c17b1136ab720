// The local Step Functions and Secrets Manager behind one AWS-compatible endpoint, driven by the real
// SDK clients, on a state machine synthesized by CDK the way the referral workflow will be: a plain
// LambdaInvoke with a Retry, then a `.waitForTaskToken` offer with a deadline from the input, a
// heartbeat, and Catches for a declined answer, other task failures and the deadline.
import {
  CreateSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  ResourceExistsException,
  ResourceNotFoundException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import {
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  GetExecutionHistoryCommand,
  InvalidArn,
  InvalidToken,
  SendTaskFailureCommand,
  SendTaskHeartbeatCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
  StateMachineDoesNotExist,
  StopExecutionCommand,
  TaskTimedOut,
  type DescribeExecutionCommandOutput,
} from '@aws-sdk/client-sfn';
import { App, Duration, Stack, type CfnElement } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAwsEmulator, type RunningAwsEmulator } from '../../local/aws-emulator';
import { LocalSecretsManager } from '../../local/secrets-manager';
import { LocalStepFunctions } from '../../local/step-functions';
import type { CfnTemplate } from '../../local/synth';
import { describeExecutionRaw, eventually } from '../support/aws-emulator';

const REGION = 'cn-north-1';
const ACCOUNT = '000000000000';
const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };

function referralStack() {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new Stack(app, 'EmulatorTest');
  const code = lambda.Code.fromInline('exports.handler = async () => ({})');
  const screenFunction = new lambda.Function(stack, 'Screen', { runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code });
  const offerFunction = new lambda.Function(stack, 'Offer', { runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code });

  const screen = new tasks.LambdaInvoke(stack, 'ScreenNeed', { lambdaFunction: screenFunction, resultPath: '$.screening' });
  screen.addRetry({ errors: ['States.ALL'], interval: Duration.seconds(2), maxAttempts: 2 });
  const offer = new tasks.LambdaInvoke(stack, 'OfferToBank', {
    lambdaFunction: offerFunction,
    integrationPattern: sfn.IntegrationPattern.WAIT_FOR_TASK_TOKEN,
    payload: sfn.TaskInput.fromObject({
      taskToken: sfn.JsonPath.taskToken,
      needId: sfn.JsonPath.stringAt('$.needId'),
      executionId: sfn.JsonPath.stringAt('$$.Execution.Id'),
    }),
    taskTimeout: sfn.Timeout.at('$.timeoutSeconds'),
    heartbeatTimeout: sfn.Timeout.duration(Duration.seconds(3)),
    resultPath: '$.answer',
  });
  // Order matters: States.TaskFailed must not swallow the deadline (States.Timeout).
  offer.addCatch(new sfn.Pass(stack, 'Declined'), { errors: ['BankDeclined'], resultPath: '$.declined' });
  offer.addCatch(new sfn.Pass(stack, 'Broken'), { errors: ['States.TaskFailed'], resultPath: '$.failure' });
  offer.addCatch(new sfn.Pass(stack, 'DeadlineMissed'), { errors: ['States.Timeout'], resultPath: '$.deadlineMissed' });
  const machine = new sfn.StateMachine(stack, 'Referral', {
    definitionBody: sfn.DefinitionBody.fromChainable(screen.next(offer).next(new sfn.Succeed(stack, 'Granted'))),
  });
  const id = (construct: { node: { defaultChild?: unknown } }) => stack.getLogicalId(construct.node.defaultChild as CfnElement);
  const template = JSON.parse(JSON.stringify(app.synth().getStackByName('EmulatorTest').template)) as CfnTemplate;
  return { template, screenId: id(screenFunction), offerId: id(offerFunction), machineId: id(machine) };
}

const { template, screenId, offerId, machineId } = referralStack();

/** What the test's Lambdas saw, and how the screening Lambda should misbehave per need. */
const screened: string[] = [];
const offers = new Map<string, { taskToken: string; needId: string; executionId: string }>();
const screenFailures = new Map<string, number>();

async function invokeLambda(logicalId: string, payload: unknown): Promise<unknown> {
  const event = payload as { needId: string; taskToken: string; executionId: string };
  if (logicalId === screenId) {
    screened.push(event.needId);
    const failuresLeft = screenFailures.get(event.needId) ?? 0;
    if (failuresLeft > 0) {
      screenFailures.set(event.needId, failuresLeft - 1);
      throw new Error(`screening ${event.needId} failed`);
    }
    return { recommended: true };
  }
  if (logicalId === offerId) {
    offers.set(event.needId, event);
    return { delivered: true };
  }
  throw new Error(`unexpected function ${logicalId}`);
}

let stepFunctions: LocalStepFunctions;
let secrets: LocalSecretsManager;
let emulator: RunningAwsEmulator;
let sfnClient: SFNClient;
let secretsClient: SecretsManagerClient;
let machineArn: string;
let dataDir: string;
let secretsFile: string;

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'smefin-aws-emulator-'));
  secretsFile = path.join(dataDir, 'secrets.json');
  stepFunctions = new LocalStepFunctions({ template, invokeLambda, region: REGION, accountId: ACCOUNT, retryIntervalMs: 10 });
  secrets = new LocalSecretsManager({ file: secretsFile, region: REGION, accountId: ACCOUNT });
  emulator = await startAwsEmulator({ stepFunctions, secrets });
  sfnClient = new SFNClient({ endpoint: emulator.endpoint, region: REGION, credentials });
  secretsClient = new SecretsManagerClient({ endpoint: emulator.endpoint, region: REGION, credentials });
  machineArn = stepFunctions.stateMachineArn(machineId);
});

afterAll(async () => {
  sfnClient?.destroy();
  secretsClient?.destroy();
  await stepFunctions?.stop();
  await emulator?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

let needCounter = 0;
const freshNeed = () => `need-${Date.now()}-${++needCounter}`;

async function start(needId: string, timeoutSeconds = 30, name: string = needId) {
  const started = await sfnClient.send(
    new StartExecutionCommand({ stateMachineArn: machineArn, name, input: JSON.stringify({ needId, timeoutSeconds }) }),
  );
  return started.executionArn!;
}

const offerFor = (needId: string) => eventually(() => offers.get(needId));

async function settled(executionArn: string, timeoutMs = 5_000): Promise<DescribeExecutionCommandOutput> {
  return eventually(async () => {
    const execution = await sfnClient.send(new DescribeExecutionCommand({ executionArn }));
    return execution.status === 'RUNNING' ? undefined : execution;
  }, timeoutMs);
}

const output = (execution: DescribeExecutionCommandOutput) => JSON.parse(execution.output!) as Record<string, any>;

describe('Step Functions through the SDK', () => {
  it('runs the synthesized machine: start → offer waits for its token → SendTaskSuccess → SUCCEEDED', async () => {
    const needId = freshNeed();
    const executionArn = await start(needId);
    expect(executionArn).toBe(`arn:aws:states:${REGION}:${ACCOUNT}:execution:${machineId}:${needId}`);
    const offer = await offerFor(needId);
    expect(offer.taskToken).toMatch(/^[A-Za-z0-9_-]{43,}$/);
    expect(offer.executionId).toBe(executionArn);
    expect((await sfnClient.send(new DescribeExecutionCommand({ executionArn }))).status).toBe('RUNNING');

    await sfnClient.send(new SendTaskSuccessCommand({ taskToken: offer.taskToken, output: JSON.stringify({ decision: 'granted' }) }));
    const execution = await settled(executionArn);
    expect(execution).toMatchObject({ status: 'SUCCEEDED', name: needId, stateMachineArn: machineArn });
    expect(execution.stopDate!.getTime()).toBeGreaterThanOrEqual(execution.startDate!.getTime());
    const result = output(execution);
    expect(result.answer).toEqual({ decision: 'granted' });
    // lambda:invoke (not payload-only) answers as the service does: Payload plus StatusCode.
    expect(result.screening).toMatchObject({ StatusCode: 200, ExecutedVersion: '$LATEST', Payload: { recommended: true } });

    // The token is spent: a second answer cannot move the workflow again.
    await expect(
      sfnClient.send(new SendTaskSuccessCommand({ taskToken: offer.taskToken, output: '{}' })),
    ).rejects.toBeInstanceOf(TaskTimedOut);
    // Cost of the path: ScreenNeed, OfferToBank, Granted; two Lambda invocations.
    expect(await describeExecutionRaw(emulator.endpoint, executionArn)).toMatchObject({ stateTransitions: 3, lambdaInvocations: 2 });
  });

  it('routes SendTaskFailure by its error name to the matching Catch', async () => {
    const needId = freshNeed();
    const executionArn = await start(needId);
    const offer = await offerFor(needId);
    await sfnClient.send(new SendTaskFailureCommand({ taskToken: offer.taskToken, error: 'BankDeclined', cause: 'amount above limit' }));
    const execution = await settled(executionArn);
    expect(execution.status).toBe('SUCCEEDED');
    expect(output(execution).declined).toEqual({ Error: 'BankDeclined', Cause: 'amount above limit' });
    await expect(sfnClient.send(new SendTaskFailureCommand({ taskToken: offer.taskToken, error: 'Again' }))).rejects.toBeInstanceOf(
      TaskTimedOut,
    );

    // Any other error name is a task failure (States.TaskFailed), not a timeout.
    const otherNeed = freshNeed();
    const other = await start(otherNeed);
    await sfnClient.send(new SendTaskFailureCommand({ taskToken: (await offerFor(otherNeed)).taskToken, error: 'WebhookRejected' }));
    expect(output(await settled(other)).failure).toEqual({ Error: 'WebhookRejected', Cause: '' });
    const history = await sfnClient.send(new GetExecutionHistoryCommand({ executionArn: other }));
    expect(history.events!.map((event) => event.type)).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'TaskStateExited',
      'TaskStateEntered',
      'TaskFailed',
      'TaskStateExited',
      'PassStateEntered',
      'PassStateExited',
      'ExecutionSucceeded',
    ]);
  });

  it('times out at TimeoutSecondsPath (read from the state input) into the States.Timeout Catch; a late answer is TaskTimedOut', async () => {
    const needId = freshNeed();
    const executionArn = await start(needId, 1);
    const offer = await offerFor(needId);
    const execution = await settled(executionArn, 4_000);
    expect(execution.status).toBe('SUCCEEDED');
    expect(output(execution)).toMatchObject({ deadlineMissed: { Error: 'States.Timeout' } });
    expect(output(execution).failure).toBeUndefined();
    expect(execution.stopDate!.getTime() - execution.startDate!.getTime()).toBeGreaterThanOrEqual(1_000);
    await expect(
      sfnClient.send(new SendTaskSuccessCommand({ taskToken: offer.taskToken, output: '{"decision":"granted"}' })),
    ).rejects.toBeInstanceOf(TaskTimedOut);
    await expect(sfnClient.send(new SendTaskHeartbeatCommand({ taskToken: offer.taskToken }))).rejects.toBeInstanceOf(TaskTimedOut);
  });

  it('keeps a task alive while heartbeats come within HeartbeatSeconds, and times it out when they stop', async () => {
    const needId = freshNeed();
    const executionArn = await start(needId, 60);
    const offer = await offerFor(needId);
    for (let i = 0; i < 4; i++) {
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      await sfnClient.send(new SendTaskHeartbeatCommand({ taskToken: offer.taskToken }));
    }
    // Four seconds in, past the three-second heartbeat timeout, and still waiting.
    await sfnClient.send(new SendTaskSuccessCommand({ taskToken: offer.taskToken, output: '{"decision":"granted"}' }));
    expect((await settled(executionArn)).status).toBe('SUCCEEDED');

    const silentNeed = freshNeed();
    const silent = await start(silentNeed, 60);
    await offerFor(silentNeed);
    const timedOut = await settled(silent, 6_000);
    expect(output(timedOut)).toMatchObject({ deadlineMissed: { Error: 'States.Timeout' } });
  }, 20_000);

  it('answers InvalidToken for a token never issued', async () => {
    await expect(
      sfnClient.send(new SendTaskSuccessCommand({ taskToken: 'bm90LWEtcmVhbC10b2tlbg', output: '{}' })),
    ).rejects.toBeInstanceOf(InvalidToken);
    await expect(sfnClient.send(new SendTaskFailureCommand({ taskToken: 'nope', error: 'X' }))).rejects.toBeInstanceOf(InvalidToken);
  });

  it('treats StartExecution with the same name as idempotent only while running with the same input', async () => {
    const needId = freshNeed();
    const first = await sfnClient.send(
      new StartExecutionCommand({ stateMachineArn: machineArn, name: needId, input: JSON.stringify({ needId, timeoutSeconds: 30 }) }),
    );
    const again = await sfnClient.send(
      new StartExecutionCommand({ stateMachineArn: machineArn, name: needId, input: JSON.stringify({ needId, timeoutSeconds: 30 }) }),
    );
    expect(again.executionArn).toBe(first.executionArn);
    expect(again.startDate).toEqual(first.startDate);
    await expect(
      sfnClient.send(
        new StartExecutionCommand({ stateMachineArn: machineArn, name: needId, input: JSON.stringify({ needId, timeoutSeconds: 31 }) }),
      ),
    ).rejects.toBeInstanceOf(ExecutionAlreadyExists);
    expect(stepFunctions.executions().filter((execution) => execution.name === needId)).toHaveLength(1);

    await sfnClient.send(new SendTaskSuccessCommand({ taskToken: (await offerFor(needId)).taskToken, output: '{}' }));
    await settled(first.executionArn!);
    await expect(
      sfnClient.send(
        new StartExecutionCommand({ stateMachineArn: machineArn, name: needId, input: JSON.stringify({ needId, timeoutSeconds: 30 }) }),
      ),
    ).rejects.toBeInstanceOf(ExecutionAlreadyExists);
  });

  it('retries a throwing Lambda (Retry on States.ALL) and succeeds on the second attempt', async () => {
    const needId = freshNeed();
    screenFailures.set(needId, 1);
    const executionArn = await start(needId);
    await sfnClient.send(new SendTaskSuccessCommand({ taskToken: (await offerFor(needId)).taskToken, output: '{}' }));
    const execution = await settled(executionArn);
    expect(execution.status).toBe('SUCCEEDED');
    expect(screened.filter((id) => id === needId)).toHaveLength(2);
    // The retry is one more state transition (and one more invocation) on this path.
    expect(await describeExecutionRaw(emulator.endpoint, executionArn)).toMatchObject({ stateTransitions: 4, lambdaInvocations: 3 });
  });

  it('fails the execution with the Lambda error when the retries run out', async () => {
    const needId = freshNeed();
    screenFailures.set(needId, 5);
    const execution = await settled(await start(needId));
    expect(execution.status).toBe('FAILED');
    expect(execution.error).toBe('Error');
    expect(JSON.parse(execution.cause!)).toMatchObject({ errorType: 'Error', errorMessage: `screening ${needId} failed` });
    expect(screened.filter((id) => id === needId)).toHaveLength(3);
  });

  it('stops an execution: ABORTED, and its waiting token is dead', async () => {
    const needId = freshNeed();
    const executionArn = await start(needId);
    const offer = await offerFor(needId);
    await sfnClient.send(new StopExecutionCommand({ executionArn, error: 'Withdrawn', cause: 'enterprise withdrew the need' }));
    const execution = await sfnClient.send(new DescribeExecutionCommand({ executionArn }));
    expect(execution).toMatchObject({ status: 'ABORTED', error: 'Withdrawn', cause: 'enterprise withdrew the need' });
    await expect(sfnClient.send(new SendTaskSuccessCommand({ taskToken: offer.taskToken, output: '{}' }))).rejects.toBeInstanceOf(
      TaskTimedOut,
    );
  });

  it('answers ExecutionDoesNotExist, StateMachineDoesNotExist and InvalidArn like the service', async () => {
    await expect(
      sfnClient.send(new DescribeExecutionCommand({ executionArn: `arn:aws:states:${REGION}:${ACCOUNT}:execution:${machineId}:missing` })),
    ).rejects.toBeInstanceOf(ExecutionDoesNotExist);
    await expect(
      sfnClient.send(new StartExecutionCommand({ stateMachineArn: `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:Missing` })),
    ).rejects.toBeInstanceOf(StateMachineDoesNotExist);
    await expect(sfnClient.send(new DescribeExecutionCommand({ executionArn: 'not-an-arn' }))).rejects.toBeInstanceOf(InvalidArn);
  });

  it('is reached through AWS_ENDPOINT_URL_SFN, as the handlers reach it', async () => {
    const saved = process.env.AWS_ENDPOINT_URL_SFN;
    process.env.AWS_ENDPOINT_URL_SFN = emulator.endpoint;
    const client = new SFNClient({ region: REGION, credentials });
    try {
      await expect(
        client.send(new DescribeExecutionCommand({ executionArn: `arn:aws:states:${REGION}:${ACCOUNT}:execution:${machineId}:x` })),
      ).rejects.toBeInstanceOf(ExecutionDoesNotExist);
    } finally {
      client.destroy();
      if (saved === undefined) delete process.env.AWS_ENDPOINT_URL_SFN;
      else process.env.AWS_ENDPOINT_URL_SFN = saved;
    }
  });
});

describe('Secrets Manager through the SDK', () => {
  it('creates, reads (by name and ARN), rotates and rejects unknown secrets', async () => {
    const created = await secretsClient.send(new CreateSecretCommand({ Name: 'smefin/banks/alpha', SecretString: 'whsec_one' }));
    expect(created.ARN).toMatch(new RegExp(`^arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:smefin/banks/alpha-\\w{6}$`));
    expect(statSync(secretsFile).mode & 0o777).toBe(0o600);
    await expect(
      secretsClient.send(new CreateSecretCommand({ Name: 'smefin/banks/alpha', SecretString: 'x' })),
    ).rejects.toBeInstanceOf(ResourceExistsException);

    const byName = await secretsClient.send(new GetSecretValueCommand({ SecretId: 'smefin/banks/alpha' }));
    expect(byName).toMatchObject({ Name: 'smefin/banks/alpha', SecretString: 'whsec_one', ARN: created.ARN, VersionStages: ['AWSCURRENT'] });
    const byArn = await secretsClient.send(new GetSecretValueCommand({ SecretId: created.ARN }));
    expect(byArn.SecretString).toBe('whsec_one');

    const put = await secretsClient.send(new PutSecretValueCommand({ SecretId: created.ARN, SecretString: 'whsec_two' }));
    expect(put.VersionId).not.toBe(byName.VersionId);
    expect((await secretsClient.send(new GetSecretValueCommand({ SecretId: 'smefin/banks/alpha' }))).SecretString).toBe('whsec_two');
    expect(statSync(secretsFile).mode & 0o777).toBe(0o600);

    // A rotation CLI that rewrites the file takes effect on the next call.
    const file = JSON.parse(readFileSync(secretsFile, 'utf8')) as Record<string, string>;
    writeFileSync(secretsFile, JSON.stringify({ ...file, 'smefin/banks/alpha': 'whsec_three' }), { mode: 0o600 });
    expect((await secretsClient.send(new GetSecretValueCommand({ SecretId: 'smefin/banks/alpha' }))).SecretString).toBe('whsec_three');

    await expect(secretsClient.send(new GetSecretValueCommand({ SecretId: 'smefin/banks/unknown' }))).rejects.toBeInstanceOf(
      ResourceNotFoundException,
    );
    await expect(
      secretsClient.send(new PutSecretValueCommand({ SecretId: 'smefin/banks/unknown', SecretString: 'x' })),
    ).rejects.toBeInstanceOf(ResourceNotFoundException);
  });

  it('is reached through AWS_ENDPOINT_URL_SECRETS_MANAGER', async () => {
    const saved = process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER;
    process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER = emulator.endpoint;
    const client = new SecretsManagerClient({ region: REGION, credentials });
    try {
      await expect(client.send(new GetSecretValueCommand({ SecretId: 'no-such-secret' }))).rejects.toBeInstanceOf(
        ResourceNotFoundException,
      );
    } finally {
      client.destroy();
      if (saved === undefined) delete process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER;
      else process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER = saved;
    }
  });
});
