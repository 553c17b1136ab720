// A Step Functions-compatible service for the local runtime: every AWS::StepFunctions::StateMachine
// in the synthesized template runs in-process on the npm package `aws-local-stepfunctions`, and the
// AWS JSON operations the handlers call (StartExecution, DescribeExecution, SendTaskSuccess/Failure/
// Heartbeat, StopExecution, GetExecutionHistory) are answered from memory, so the handlers keep their
// unchanged SFNClient (see aws-emulator.ts). Every Task state runs through a local override: Lambda
// tasks call `invokeLambda` with the function's logical id; `.waitForTaskToken` tasks mint a task
// token, hand it to the Lambda in the payload, and wait for SendTaskSuccess/SendTaskFailure.
//
// Where the engine differs from AWS, this file bends it back (each spot is marked "AWS:"):
// - the engine reads TimeoutSecondsPath from the task's Parameters output and applies 60 s to tasks
//   without a timeout; AWS reads the path from the state input and has no default. Task timeouts and
//   heartbeats are therefore enforced here, and the engine only keeps a ceiling of 2,147,483 s
//   (≈ 24.8 days: the longest Node timer), which is also the longest task locally;
// - the engine does not fill `$$.Task.Token`: the context carries a placeholder that each task
//   replaces with its own freshly minted token;
// - a timed-out, failed, completed or stopped task's token is dead: SendTask* answers TaskTimedOut;
// - a task result over 256 KB fails the execution with States.DataLimitExceeded, which no Retry or
//   Catch matches (States.ALL does not); the engine passes results of any size.
// Map states (inline: ItemsPath, ItemSelector, MaxConcurrency, ItemProcessor) run on the engine; their
// Task states get the same local overrides, keyed by state name (unique in a CDK definition).
import { randomBytes, randomUUID } from 'node:crypto';
import type { RunOptions, StateMachine as Engine, StateMachineDefinition } from 'aws-local-stepfunctions';
import { AwsServiceError, type AwsJsonService } from './aws-emulator';
import type { CfnTemplate, CfnValue } from './synth';

// The engine calls Promise.withResolvers (Node 22+); Node 20 lacks it. Installed before the engine loads.
const promiseStatics = Promise as unknown as { withResolvers?: unknown };
if (typeof promiseStatics.withResolvers !== 'function') {
  Object.defineProperty(Promise, 'withResolvers', {
    configurable: true,
    writable: true,
    value: function withResolvers() {
      return deferred<unknown>();
    },
  });
}
const { StateMachine } = await import('aws-local-stepfunctions');

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type EngineEvent = ReturnType<Engine['run']>['eventLogs'] extends AsyncGenerator<infer E> ? E : never;

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

export interface LocalStepFunctionsOptions {
  /** The synthesized CloudFormation template (JSON.parse of the CDK output). */
  template: CfnTemplate;
  /** Runs a Lambda function of the template by logical id; a throw is the function's error. */
  invokeLambda: (functionLogicalId: string, payload: unknown) => Promise<unknown>;
  region: string;
  accountId: string;
  /**
   * Pause before every retry, in milliseconds, instead of IntervalSeconds × BackoffRate^n (with
   * jitter). Default: the intervals in the definition, as in AWS.
   */
  retryIntervalMs?: number;
}

/** What `executions()` reports: DescribeExecution's fields plus the local counters. */
export interface LocalExecutionSummary {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: ExecutionStatus;
  input: string;
  output?: string;
  error?: string;
  cause?: string;
  startDate: Date;
  stopDate?: Date;
  /** States entered plus retries: what AWS bills for a Standard workflow. */
  stateTransitions: number;
  /** The retries among them (a step that failed and ran again): the path alone is `stateTransitions - retries`. */
  retries: number;
  /** Lambda invocations made by Task states (retries included). */
  lambdaInvocations: number;
  /** Settles when the execution has stopped, with its final status. */
  finished: Promise<ExecutionStatus>;
}

/** Where a task token is put by the engine (`$$.Task.Token`); each task swaps in its own token. */
const TASK_TOKEN_PLACEHOLDER = 'local-stepfunctions:task-token-placeholder';
/** setTimeout's ceiling (2^31 − 1 ms): the engine's timer for every task, and our longest task. */
const MAX_TASK_SECONDS = 2_147_483;
/** Keys of the wrapper that carries a task's input and its path-based timeouts through the engine. */
const WRAPPED = {
  input: 'localTaskInput',
  timeout: 'localTaskTimeoutSeconds',
  heartbeat: 'localTaskHeartbeatSeconds',
} as const;
const MAX_PAYLOAD_CHARS = 262_144;

type Integration = 'function' | 'invoke' | 'callback' | 'unsupported';

interface TaskPlan {
  stateName: string;
  resource: string;
  integration: Integration;
  /** For a Lambda ARN resource: the function's name (logical id). */
  functionName?: string;
  timeoutSeconds?: number;
  heartbeatSeconds?: number;
  /** Parameters were wrapped to evaluate TimeoutSecondsPath/HeartbeatSecondsPath on the state input. */
  wrapped: boolean;
}

interface AslState {
  Type: string;
  Resource?: string;
  Parameters?: Json;
  TimeoutSeconds?: number;
  TimeoutSecondsPath?: string;
  HeartbeatSeconds?: number;
  HeartbeatSecondsPath?: string;
  Retry?: unknown[];
  Branches?: { States: Record<string, AslState> }[];
  Iterator?: { States: Record<string, AslState> };
  ItemProcessor?: { States: Record<string, AslState> };
}

interface Machine {
  arn: string;
  name: string;
  engine: Engine;
  tasks: TaskPlan[];
  retryIntervalOverrides: Record<string, number>;
}

interface PendingTask {
  stateName: string;
  token?: string;
  settle(outcome: { output: Json } | { error: Error }): void;
  heartbeat(): void;
}

interface Execution {
  arn: string;
  machine: Machine;
  name: string;
  input: string;
  status: ExecutionStatus;
  output?: string;
  error?: string;
  cause?: string;
  startDate: Date;
  stopDate?: Date;
  stateTransitions: number;
  retries: number;
  lambdaInvocations: number;
  events: EngineEvent[];
  pending: Set<PendingTask>;
  abort: () => void;
  finished: Promise<ExecutionStatus>;
}

type Outcome = Pick<Execution, 'status' | 'output' | 'error' | 'cause'>;

export class LocalStepFunctions implements AwsJsonService {
  readonly targetPrefix = 'AWSStepFunctions';
  readonly contentType = 'application/x-amz-json-1.0';

  private readonly template: CfnTemplate;
  private readonly invokeLambda: LocalStepFunctionsOptions['invokeLambda'];
  private readonly region: string;
  private readonly accountId: string;
  private readonly retryIntervalMs: number | undefined;
  /** Function name or logical id → logical id, for every AWS::Lambda::Function. */
  private readonly functionIds = new Map<string, string>();
  private readonly machines = new Map<string, Machine>();
  private readonly runs = new Map<string, Execution>();
  private readonly liveTokens = new Map<string, PendingTask>();
  /** Tokens issued whose task is no longer waiting (completed, failed, timed out, stopped). */
  private readonly deadTokens = new Set<string>();

  constructor(options: LocalStepFunctionsOptions) {
    this.template = options.template;
    this.invokeLambda = options.invokeLambda;
    this.region = options.region;
    this.accountId = options.accountId;
    this.retryIntervalMs = options.retryIntervalMs;
    for (const [logicalId, resource] of Object.entries(this.template.Resources)) {
      if (resource.Type !== 'AWS::Lambda::Function') continue;
      this.functionIds.set(logicalId, logicalId);
      const name = resource.Properties?.FunctionName;
      if (typeof name === 'string') this.functionIds.set(name, logicalId);
    }
    for (const [logicalId, resource] of Object.entries(this.template.Resources)) {
      if (resource.Type === 'AWS::StepFunctions::StateMachine') this.machines.set(this.stateMachineArn(logicalId), this.load(logicalId));
    }
  }

  /** The ARN of a state machine of the template: what `Ref` gives in AWS, and StartExecution accepts. */
  stateMachineArn(logicalId: string): string {
    if (this.template.Resources[logicalId]?.Type !== 'AWS::StepFunctions::StateMachine') {
      throw new Error(`${logicalId} is not an AWS::StepFunctions::StateMachine of the template`);
    }
    return `arn:aws:states:${this.region}:${this.accountId}:stateMachine:${logicalId}`;
  }

  /** Every execution so far, oldest first (copies; `finished` settles when it stops). */
  executions(): LocalExecutionSummary[] {
    return [...this.runs.values()].map((execution) => ({
      executionArn: execution.arn,
      stateMachineArn: execution.machine.arn,
      name: execution.name,
      status: execution.status,
      input: execution.input,
      output: execution.output,
      error: execution.error,
      cause: execution.cause,
      startDate: execution.startDate,
      stopDate: execution.stopDate,
      stateTransitions: execution.stateTransitions,
      retries: execution.retries,
      lambdaInvocations: execution.lambdaInvocations,
      finished: execution.finished,
    }));
  }

  /** Aborts every running execution (status ABORTED) and waits until they have stopped. */
  async stop(): Promise<void> {
    const running = [...this.runs.values()].filter((execution) => execution.status === 'RUNNING');
    for (const execution of running) this.abort(execution, 'States.Aborted', 'The local Step Functions service stopped');
    await Promise.all(running.map((execution) => execution.finished));
  }

  async handle(operation: string, input: Record<string, unknown>): Promise<unknown> {
    switch (operation) {
      case 'StartExecution':
        return this.startExecution(input);
      case 'DescribeExecution':
        return this.describeExecution(input);
      case 'StopExecution':
        return this.stopExecution(input);
      case 'SendTaskSuccess':
        return this.sendTaskSuccess(input);
      case 'SendTaskFailure':
        return this.sendTaskFailure(input);
      case 'SendTaskHeartbeat':
        this.waitingTask(input).heartbeat();
        return {};
      case 'GetExecutionHistory':
        return this.executionHistory(input);
      default:
        throw new AwsServiceError('UnknownOperationException', `${operation} is not supported by the local Step Functions`);
    }
  }

  // ---- operations ----

  private startExecution(input: Record<string, unknown>) {
    const machineArn = requiredString(input, 'stateMachineArn', 2048);
    if (!/^arn:[^:]+:states:[^:]*:[^:]*:stateMachine:[^:]+(:[^:]+)?$/.test(machineArn)) {
      throw new AwsServiceError('InvalidArn', `Invalid Arn: '${machineArn}'`);
    }
    const machine = this.machines.get(machineArn);
    if (!machine) throw new AwsServiceError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${machineArn}'`);
    const name = optionalString(input, 'name', 80) ?? randomUUID();
    if (!isValidExecutionName(name)) {
      throw new AwsServiceError('InvalidName', `Invalid Name: '${name}'`);
    }
    const executionInput = optionalString(input, 'input', MAX_PAYLOAD_CHARS) ?? '{}';
    let parsed: Json;
    try {
      parsed = JSON.parse(executionInput) as Json;
    } catch {
      throw new AwsServiceError('InvalidExecutionInput', `Invalid Execution Input: '${executionInput.slice(0, 100)}'`);
    }
    const arn = `arn:aws:states:${this.region}:${this.accountId}:execution:${machine.name}:${name}`;
    const existing = this.runs.get(arn);
    if (existing) {
      // AWS (Standard): the same name and input while running is the same request; anything else is a conflict.
      if (existing.status === 'RUNNING' && existing.input === executionInput) {
        return { executionArn: arn, startDate: epochSeconds(existing.startDate) };
      }
      throw new AwsServiceError('ExecutionAlreadyExists', `Execution Already Exists: '${arn}'`);
    }
    const execution = this.run(machine, arn, name, executionInput, parsed);
    return { executionArn: arn, startDate: epochSeconds(execution.startDate) };
  }

  private describeExecution(input: Record<string, unknown>) {
    const execution = this.execution(input);
    return {
      executionArn: execution.arn,
      stateMachineArn: execution.machine.arn,
      name: execution.name,
      status: execution.status,
      startDate: epochSeconds(execution.startDate),
      stopDate: execution.stopDate && epochSeconds(execution.stopDate),
      input: execution.input,
      inputDetails: { included: true },
      output: execution.output,
      outputDetails: execution.output === undefined ? undefined : { included: true },
      error: execution.error,
      cause: execution.cause,
      redriveCount: 0,
      // Local extras (the SDK ignores unknown fields): the cost of this path.
      stateTransitions: execution.stateTransitions,
      retries: execution.retries,
      lambdaInvocations: execution.lambdaInvocations,
    };
  }

  private stopExecution(input: Record<string, unknown>) {
    const execution = this.execution(input);
    const error = optionalString(input, 'error', 256);
    const cause = optionalString(input, 'cause', 32_768);
    if (execution.status === 'RUNNING') this.abort(execution, error, cause);
    return { stopDate: epochSeconds(execution.stopDate ?? new Date()) };
  }

  private sendTaskSuccess(input: Record<string, unknown>) {
    const task = this.waitingTask(input);
    const text = requiredString(input, 'output', MAX_PAYLOAD_CHARS);
    let output: Json;
    try {
      output = JSON.parse(text) as Json;
    } catch {
      throw new AwsServiceError('InvalidOutput', `Invalid Output: '${text.slice(0, 100)}'`);
    }
    task.settle({ output });
    return {};
  }

  private sendTaskFailure(input: Record<string, unknown>) {
    const task = this.waitingTask(input);
    const error = optionalString(input, 'error', 256);
    const cause = optionalString(input, 'cause', 32_768);
    // The engine matches Retry/Catch `ErrorEquals` against the error's name, and Catch passes
    // { Error: name, Cause: message } on, as AWS passes { Error, Cause } from SendTaskFailure.
    task.settle({ error: namedError(error ?? '', cause ?? '') });
    return {};
  }

  private waitingTask(input: Record<string, unknown>): PendingTask {
    const token = requiredString(input, 'taskToken', 2048);
    const task = this.liveTokens.get(token);
    if (task) return task;
    // AWS: a token whose task is no longer waiting answers TaskTimedOut; one never issued, InvalidToken.
    if (this.deadTokens.has(token)) {
      throw new AwsServiceError('TaskTimedOut', "Task Timed Out: 'Provided task does not exist anymore'");
    }
    throw new AwsServiceError('InvalidToken', "Invalid Token: 'Invalid token'");
  }

  private execution(input: Record<string, unknown>): Execution {
    const arn = requiredString(input, 'executionArn', 2048);
    if (!/^arn:[^:]+:states:[^:]*:[^:]*:execution:[^:]+:[^:]+$/.test(arn)) {
      throw new AwsServiceError('InvalidArn', `Invalid Arn: '${arn}'`);
    }
    const execution = this.runs.get(arn);
    if (!execution) throw new AwsServiceError('ExecutionDoesNotExist', `Execution Does Not Exist: '${arn}'`);
    return execution;
  }

  /** The engine's event log in AWS's history shapes (the main events; no Task* sub-events). */
  private executionHistory(input: Record<string, unknown>) {
    const execution = this.execution(input);
    const includeData = input.includeExecutionData !== false;
    const data = (value: unknown) => (includeData ? JSON.stringify(value ?? null) : undefined);
    const events: Record<string, unknown>[] = [];
    for (const event of execution.events) {
      const base = { timestamp: event.timestamp / 1000, id: events.length + 1, previousEventId: events.length };
      switch (event.type) {
        case 'ExecutionStarted':
          events.push({ ...base, type: 'ExecutionStarted', executionStartedEventDetails: { input: data(event.input) } });
          break;
        case 'ExecutionSucceeded':
          events.push({ ...base, type: 'ExecutionSucceeded', executionSucceededEventDetails: { output: data(event.output) } });
          break;
        case 'ExecutionFailed':
          events.push({ ...base, type: 'ExecutionFailed', executionFailedEventDetails: { error: event.Error, cause: causeText(event.Cause) } });
          break;
        case 'ExecutionAborted':
          events.push({ ...base, type: 'ExecutionAborted', executionAbortedEventDetails: {} });
          break;
        case 'ExecutionTimeout':
          events.push({ ...base, type: 'ExecutionTimedOut', executionTimedOutEventDetails: {} });
          break;
        case 'StateEntered':
          events.push({
            ...base,
            type: `${event.state.type}StateEntered`,
            stateEnteredEventDetails: { name: event.state.name, input: data(event.state.input) },
          });
          break;
        case 'StateExited':
          events.push({
            ...base,
            type: `${event.state.type}StateExited`,
            stateExitedEventDetails: { name: event.state.name, output: data(event.state.output) },
          });
          break;
        case 'StateFailed':
          if (event.state.type !== 'Task') break;
          events.push(
            event.Error === 'States.Timeout'
              ? { ...base, type: 'TaskTimedOut', taskTimedOutEventDetails: { error: event.Error, cause: causeText(event.Cause) } }
              : { ...base, type: 'TaskFailed', taskFailedEventDetails: { error: event.Error, cause: causeText(event.Cause) } },
          );
          break;
        default:
          break;
      }
    }
    if (input.reverseOrder === true) events.reverse();
    const maxResults = typeof input.maxResults === 'number' && input.maxResults > 0 ? Math.min(input.maxResults, 1000) : 100;
    const start = typeof input.nextToken === 'string' ? Number(input.nextToken) || 0 : 0;
    const page = events.slice(start, start + maxResults);
    return { events: page, nextToken: start + maxResults < events.length ? String(start + maxResults) : undefined };
  }

  // ---- executions ----

  private run(machine: Machine, arn: string, name: string, input: string, parsed: Json): Execution {
    const execution: Execution = {
      arn,
      machine,
      name,
      input,
      status: 'RUNNING',
      startDate: new Date(),
      stateTransitions: 0,
      retries: 0,
      lambdaInvocations: 0,
      events: [],
      pending: new Set(),
      abort: () => {},
      finished: Promise.resolve('RUNNING'),
    };
    this.runs.set(arn, execution);
    const overrides: NonNullable<RunOptions['overrides']> = {
      taskResourceLocalHandlers: Object.fromEntries(
        machine.tasks.map((plan) => [plan.stateName, (taskInput: unknown) => this.runTask(execution, plan, taskInput as Json)]),
      ),
      retryIntervalOverrides: machine.retryIntervalOverrides,
    };
    const running = machine.engine.run(parsed as never, {
      overrides,
      context: {
        Execution: { Id: arn, Name: name, StartTime: execution.startDate.toISOString() },
        StateMachine: { Id: machine.arn, Name: machine.name },
        Task: { Token: TASK_TOKEN_PLACEHOLDER },
      },
    });
    execution.abort = running.abort;
    const drained = (async () => {
      for await (const event of running.eventLogs) {
        execution.events.push(event);
        if (event.type === 'StateEntered' || event.type === 'StateRetried') execution.stateTransitions += 1;
        if (event.type === 'StateRetried') execution.retries += 1;
      }
    })();
    execution.finished = running.result
      .then((output): Outcome => ({ status: 'SUCCEEDED', output: JSON.stringify(output ?? null) }), outcomeOfError)
      .then(async (outcome) => {
        // The terminal event closes the log; wait for it so the counts are final when the status is.
        await Promise.race([drained, delay(1000)]);
        this.close(execution, outcome);
        return execution.status;
      });
    return execution;
  }

  private abort(execution: Execution, error: string | undefined, cause: string | undefined): void {
    execution.abort();
    this.close(execution, { status: 'ABORTED', error, cause });
  }

  /** Records the end of an execution (once) and kills the tasks still waiting in it. */
  private close(execution: Execution, outcome: Outcome): void {
    if (execution.status !== 'RUNNING') return;
    Object.assign(execution, outcome, { stopDate: new Date() });
    for (const task of [...execution.pending]) {
      // Not catchable, not retryable: lets the engine's abandoned branch unwind without running anything.
      task.settle({ error: statesRuntimeError(`Execution ${execution.status.toLowerCase()}`) });
    }
  }

  // ---- tasks ----

  private runTask(execution: Execution, plan: TaskPlan, engineInput: Json): Promise<Json> {
    if (execution.status !== 'RUNNING') return Promise.reject(statesRuntimeError('The execution has stopped'));
    let taskInput: Json;
    let timeoutSeconds: number | undefined;
    let heartbeatSeconds: number | undefined;
    try {
      ({ taskInput, timeoutSeconds, heartbeatSeconds } = unwrapTaskInput(plan, engineInput));
    } catch (error) {
      return Promise.reject(error as Error);
    }
    const { promise, resolve, reject } = deferred<Json>();
    const timers = new Set<NodeJS.Timeout>();
    const startTimer = (seconds: number) => {
      const timer = setTimeout(() => task.settle({ error: newStatesTimeoutError() }), Math.min(seconds, MAX_TASK_SECONDS) * 1000);
      timers.add(timer);
      return timer;
    };
    let heartbeatTimer: NodeJS.Timeout | undefined;
    let settled = false;
    const task: PendingTask = {
      stateName: plan.stateName,
      settle: (outcome) => {
        if (settled) return;
        settled = true;
        for (const timer of timers) clearTimeout(timer);
        execution.pending.delete(task);
        if (task.token) {
          this.liveTokens.delete(task.token);
          this.deadTokens.add(task.token);
        }
        if ('output' in outcome) resolve(outcome.output);
        else reject(outcome.error);
      },
      heartbeat: () => {
        if (heartbeatTimer === undefined || heartbeatSeconds === undefined) return;
        clearTimeout(heartbeatTimer);
        timers.delete(heartbeatTimer);
        heartbeatTimer = startTimer(heartbeatSeconds);
      },
    };
    execution.pending.add(task);
    // Registered before the engine's own timer for this task, so ours fires first at the same duration:
    // the token dies and the state fails with the engine's own States.Timeout error in one step.
    startTimer(timeoutSeconds ?? MAX_TASK_SECONDS);

    switch (plan.integration) {
      case 'function':
        this.invoke(execution, plan.functionName!, taskInput).then(
          (output) => task.settle({ output }),
          (error: Error) => task.settle({ error }),
        );
        break;
      case 'invoke': {
        const parameters = asObject(taskInput);
        const functionName = functionNameOf(parameters.FunctionName);
        const payload = parameters.Payload ?? {};
        const invocationType = parameters.InvocationType ?? 'RequestResponse';
        if (invocationType === 'Event') {
          this.invoke(execution, functionName, payload).catch(() => {});
          task.settle({ output: invokeResult('', 202) });
        } else {
          this.invoke(execution, functionName, payload).then(
            (result) => task.settle({ output: invokeResult(result, 200) }),
            (error: Error) => task.settle({ error }),
          );
        }
        break;
      }
      case 'callback': {
        // AWS: the token is valid from the moment the task starts, so an answer may even arrive
        // before the Lambda returns; the Lambda's own result is ignored.
        const token = randomBytes(48).toString('base64url');
        task.token = token;
        this.liveTokens.set(token, task);
        if (heartbeatSeconds !== undefined) heartbeatTimer = startTimer(heartbeatSeconds);
        const parameters = asObject(replaceString(taskInput, TASK_TOKEN_PLACEHOLDER, token));
        const invocation = this.invoke(execution, functionNameOf(parameters.FunctionName), parameters.Payload ?? {});
        if (parameters.InvocationType === 'Event') invocation.catch(() => {});
        else invocation.catch((error: Error) => task.settle({ error }));
        break;
      }
      case 'unsupported':
        task.settle({ error: statesRuntimeError(`Task resource ${plan.resource} is not supported locally (Lambda only)`) });
        break;
    }
    return promise;
  }

  private async invoke(execution: Execution, functionName: string, payload: Json): Promise<Json> {
    const logicalId = this.functionIds.get(functionName);
    if (!logicalId) {
      throw namedError('Lambda.ResourceNotFoundException', `Function not found: ${functionName}`);
    }
    execution.lambdaInvocations += 1;
    let result: unknown;
    try {
      // A serialized copy each way, as over the wire: the handler cannot alias the engine's data.
      result = await this.invokeLambda(logicalId, JSON.parse(JSON.stringify(payload)));
    } catch (thrown) {
      throw lambdaFunctionError(thrown);
    }
    if (result === undefined) return null;
    const text = JSON.stringify(result);
    if (text.length > MAX_PAYLOAD_CHARS) {
      throw Object.defineProperties(namedError('States.DataLimitExceeded', `The state/task returned a result with a size exceeding the maximum number of characters service limit (${text.length} > ${MAX_PAYLOAD_CHARS})`), {
        isRetryable: { value: false },
        isCatchable: { value: false },
      });
    }
    return JSON.parse(text) as Json;
  }

  // ---- loading the template ----

  private load(logicalId: string): Machine {
    const properties = this.template.Resources[logicalId]?.Properties ?? {};
    if (properties.DefinitionString === undefined) {
      throw new Error(`${logicalId}: only DefinitionString is supported locally (not Definition or DefinitionS3Location)`);
    }
    let text = this.resolve(properties.DefinitionString, `${logicalId}.DefinitionString`);
    const substitutions = properties.DefinitionSubstitutions;
    if (substitutions && typeof substitutions === 'object' && !Array.isArray(substitutions)) {
      for (const [key, value] of Object.entries(substitutions)) {
        text = text.split(`\${${key}}`).join(this.resolve(value, `${logicalId}.DefinitionSubstitutions.${key}`));
      }
    }
    const definition = JSON.parse(text) as StateMachineDefinition & { TimeoutSeconds?: number };
    if (definition.TimeoutSeconds !== undefined) definition.TimeoutSeconds = Math.min(definition.TimeoutSeconds, MAX_TASK_SECONDS);
    const tasks: TaskPlan[] = [];
    const retryIntervalOverrides: Record<string, number> = {};
    visitStates(definition.States as unknown as Record<string, AslState>, (stateName, state) => {
      if (state.Retry && this.retryIntervalMs !== undefined) retryIntervalOverrides[stateName] = this.retryIntervalMs;
      if (state.Type === 'Task') tasks.push(planTask(stateName, state));
    });
    let engine: Engine;
    try {
      engine = new StateMachine(definition, { validationOptions: { checkPaths: true, checkArn: true } });
    } catch (error) {
      throw new Error(`${logicalId}: ${(error as Error).message}`);
    }
    return { arn: this.stateMachineArn(logicalId), name: logicalId, engine, tasks, retryIntervalOverrides };
  }

  /** CloudFormation intrinsics as the local runtime sees them; resources are named by logical id. */
  private resolve(value: CfnValue, where: string): string {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      if (typeof value.Ref === 'string') return this.ref(value.Ref, where);
      const getAtt = value['Fn::GetAtt'];
      if (Array.isArray(getAtt) && typeof getAtt[0] === 'string' && typeof getAtt[1] === 'string') {
        return this.getAtt(getAtt[0], getAtt[1], where);
      }
      const join = value['Fn::Join'];
      if (Array.isArray(join) && typeof join[0] === 'string' && Array.isArray(join[1])) {
        return join[1].map((part, i) => this.resolve(part, `${where}[${i}]`)).join(join[0]);
      }
      const sub = value['Fn::Sub'];
      if (typeof sub === 'string') {
        return sub.replace(/\$\{([^}!]+)\}/g, (_, name: string) => {
          const dot = name.indexOf('.');
          return dot < 0 ? this.ref(name, where) : this.getAtt(name.slice(0, dot), name.slice(dot + 1), where);
        });
      }
    }
    throw new Error(`${where}: cannot resolve ${JSON.stringify(value)} locally`);
  }

  private ref(name: string, where: string): string {
    switch (name) {
      case 'AWS::Partition':
        return 'aws';
      case 'AWS::Region':
        return this.region;
      case 'AWS::AccountId':
        return this.accountId;
      case 'AWS::URLSuffix':
        return this.region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com';
      default:
        break;
    }
    const resource = this.template.Resources[name];
    if (!resource) throw new Error(`${where}: Ref to unknown resource ${name}`);
    return resource.Type === 'AWS::StepFunctions::StateMachine' ? this.stateMachineArn(name) : name;
  }

  private getAtt(logicalId: string, attribute: string, where: string): string {
    const type = this.template.Resources[logicalId]?.Type;
    if (type === 'AWS::Lambda::Function' && attribute === 'Arn') {
      return `arn:aws:lambda:${this.region}:${this.accountId}:function:${logicalId}`;
    }
    if (type === 'AWS::StepFunctions::StateMachine' && attribute === 'Arn') return this.stateMachineArn(logicalId);
    if (type === 'AWS::StepFunctions::StateMachine' && attribute === 'Name') return logicalId;
    throw new Error(`${where}: cannot resolve Fn::GetAtt ${logicalId}.${attribute} (${type ?? 'unknown resource'}) locally`);
  }
}

// ---- the definition ----

function visitStates(states: Record<string, AslState>, visit: (name: string, state: AslState) => void): void {
  for (const [name, state] of Object.entries(states)) {
    visit(name, state);
    for (const branch of state.Branches ?? []) visitStates(branch.States, visit);
    const processor = state.ItemProcessor ?? state.Iterator;
    if (processor) visitStates(processor.States, visit);
  }
}

/**
 * Records how a Task state runs and rewrites it for the engine (in place): timeouts and heartbeats
 * are ours (see runTask), so the engine gets only the ceiling; a TimeoutSecondsPath or
 * HeartbeatSecondsPath is evaluated, as in AWS, on the state's input (after InputPath) by wrapping
 * Parameters: { localTaskInput: <Parameters or "$">, "localTaskTimeoutSeconds.$": <path> }.
 */
function planTask(stateName: string, state: AslState): TaskPlan {
  const resource = state.Resource ?? '';
  let integration: Integration = 'unsupported';
  let functionName: string | undefined;
  if (/^arn:[^:]+:lambda:[^:]*:[^:]*:function:[^:]+(:[^:]+)?$/.test(resource)) {
    integration = 'function';
    functionName = functionNameOf(resource);
  } else if (/^arn:[^:]+:states:::lambda:invoke$/.test(resource)) integration = 'invoke';
  else if (/^arn:[^:]+:states:::lambda:invoke\.waitForTaskToken$/.test(resource)) integration = 'callback';

  const plan: TaskPlan = {
    stateName,
    resource,
    integration,
    functionName,
    timeoutSeconds: state.TimeoutSeconds,
    heartbeatSeconds: integration === 'callback' ? state.HeartbeatSeconds : undefined,
    wrapped: false,
  };
  const timeoutPath = state.TimeoutSecondsPath;
  const heartbeatPath = integration === 'callback' ? state.HeartbeatSecondsPath : undefined;
  if (timeoutPath !== undefined || heartbeatPath !== undefined) {
    const wrapper: Record<string, Json> =
      state.Parameters === undefined ? { [`${WRAPPED.input}.$`]: '$' } : { [WRAPPED.input]: state.Parameters };
    if (timeoutPath !== undefined) wrapper[`${WRAPPED.timeout}.$`] = timeoutPath;
    if (heartbeatPath !== undefined) wrapper[`${WRAPPED.heartbeat}.$`] = heartbeatPath;
    state.Parameters = wrapper;
    plan.wrapped = true;
  }
  delete state.TimeoutSecondsPath;
  delete state.HeartbeatSecondsPath;
  delete state.HeartbeatSeconds;
  state.TimeoutSeconds = MAX_TASK_SECONDS;
  return plan;
}

function unwrapTaskInput(plan: TaskPlan, engineInput: Json) {
  if (!plan.wrapped) {
    return { taskInput: engineInput, timeoutSeconds: plan.timeoutSeconds, heartbeatSeconds: plan.heartbeatSeconds };
  }
  const wrapper = asObject(engineInput);
  const seconds = (key: string, field: string) => {
    if (!(key in wrapper)) return undefined;
    const value = wrapper[key];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
      throw statesRuntimeError(`${field} of state '${plan.stateName}' must select a positive integer, got ${JSON.stringify(value)}`);
    }
    return value;
  };
  return {
    taskInput: wrapper[WRAPPED.input] ?? null,
    timeoutSeconds: seconds(WRAPPED.timeout, 'TimeoutSecondsPath') ?? plan.timeoutSeconds,
    heartbeatSeconds: seconds(WRAPPED.heartbeat, 'HeartbeatSecondsPath') ?? plan.heartbeatSeconds,
  };
}

/** `arn:…:function:name[:qualifier]`, `account:function:name`, `name[:qualifier]` → name. */
function functionNameOf(reference: Json | undefined): string {
  const text = typeof reference === 'string' ? reference : '';
  const match = /^arn:[^:]+:lambda:[^:]*:[^:]*:function:([^:]+)/.exec(text) ?? /^(?:[^:]+:function:)?([^:]+)/.exec(text);
  return match?.[1] ?? text;
}

/** What `arn:aws:states:::lambda:invoke` returns in AWS (CDK's payloadResponseOnly: false relies on it). */
function invokeResult(payload: Json, statusCode: number): Json {
  const requestId = randomUUID();
  return {
    ExecutedVersion: '$LATEST',
    Payload: payload,
    SdkHttpMetadata: {
      HttpHeaders: { 'Content-Type': 'application/json', 'X-Amz-Executed-Version': '$LATEST', 'x-amzn-RequestId': requestId },
      HttpStatusCode: statusCode,
    },
    SdkResponseMetadata: { RequestId: requestId },
    StatusCode: statusCode,
  };
}

// ---- errors as the engine matches them ----

/** An error the engine's Retry/Catch match by `name`; Catch passes { Error: name, Cause: message }. */
function namedError(name: string, message: string): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}

/**
 * A Lambda function error as Step Functions reports it: Error is the errorType (the thrown error's
 * name, e.g. "Error"), Cause the JSON the Node.js runtime returns. Retryable and catchable; matched
 * by its name, States.TaskFailed and States.ALL, not by the Lambda.* service-exception retriers.
 */
function lambdaFunctionError(thrown: unknown): Error {
  const errorType = thrown instanceof Error ? thrown.name || 'Error' : 'Error';
  const errorMessage = thrown instanceof Error ? thrown.message : String(thrown);
  const trace = thrown instanceof Error && thrown.stack ? thrown.stack.split('\n') : [];
  return namedError(errorType, JSON.stringify({ errorType, errorMessage, trace }));
}

/** States.Runtime: fails the execution, never retried or caught (the engine reads these getters). */
function statesRuntimeError(message: string): Error {
  return Object.defineProperties(namedError('States.Runtime', message), {
    isRetryable: { value: false },
    isCatchable: { value: false },
  });
}

/**
 * The engine's own States.Timeout error class is not exported, and its States.TaskFailed wildcard
 * excludes timeouts by `instanceof`. One run of a throwaway machine with a 1-ms task timeout hands
 * us an instance, whose constructor then makes the timeouts we enforce indistinguishable from the
 * engine's. (Should a future engine change that, a plain error named States.Timeout is the fallback.)
 */
async function statesTimeoutErrorFactory(): Promise<() => Error> {
  const probe = new StateMachine(
    {
      StartAt: 'Probe',
      States: {
        Probe: { Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:123456789012:function:probe', TimeoutSeconds: 0.001, End: true },
      },
    },
    { validationOptions: { noValidate: true } },
  );
  const failure = await probe
    .run(null, { overrides: { taskResourceLocalHandlers: { Probe: () => new Promise<never>(() => {}) } } })
    .result.then(
      () => undefined,
      (error: unknown) => error,
    );
  const cause = failure instanceof Error ? failure.cause : undefined;
  if (cause instanceof Error && cause.name === 'States.Timeout') {
    const TimeoutError = cause.constructor as new () => Error;
    return () => new TimeoutError();
  }
  return () => namedError('States.Timeout', 'States.Timeout');
}
const newStatesTimeoutError = await statesTimeoutErrorFactory();

function outcomeOfError(error: unknown): Outcome {
  const name = error instanceof Error ? error.name : '';
  if (name === 'ExecutionAbortedError') return { status: 'ABORTED' };
  if (name === 'ExecutionTimeoutError') return { status: 'TIMED_OUT' };
  const failure = name === 'ExecutionError' && (error as Error).cause instanceof Error ? ((error as Error).cause as Error) : undefined;
  if (failure) return { status: 'FAILED', error: failure.name, cause: causeText(failure.cause ?? failure.message) };
  return { status: 'FAILED', error: 'States.Runtime', cause: error instanceof Error ? error.message : String(error) };
}

// ---- small helpers ----

function deferred<T>() {
  let resolve!: (value: T | PromiseLike<T>) => void;
  let reject!: (reason?: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

function epochSeconds(date: Date): number {
  return date.getTime() / 1000;
}

function causeText(cause: unknown): string {
  return typeof cause === 'string' ? cause : JSON.stringify(cause);
}

function asObject(value: Json): Record<string, Json> {
  return value && typeof value === 'object' && !Array.isArray(value) ? value : {};
}

function replaceString(value: Json, search: string, replacement: string): Json {
  if (typeof value === 'string') return value.split(search).join(replacement);
  if (Array.isArray(value)) return value.map((item) => replaceString(item, search, replacement));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, replaceString(item, search, replacement)]));
  }
  return value;
}

/** AWS: no whitespace, brackets, wildcards, special characters or control characters. */
function isValidExecutionName(name: string): boolean {
  if (name.length === 0 || /[\s<>{}[\]?*"#%\\^|~`$&,;:/]/.test(name)) return false;
  return [...name].every((character) => {
    const code = character.codePointAt(0)!;
    return code > 0x1f && (code < 0x7f || code > 0x9f);
  });
}

function requiredString(input: Record<string, unknown>, field: string, maxLength: number): string {
  const value = optionalString(input, field, maxLength);
  if (value === undefined) {
    throw new AwsServiceError(
      'ValidationException',
      `1 validation error detected: Value null at '${field}' failed to satisfy constraint: Member must not be null`,
    );
  }
  return value;
}

function optionalString(input: Record<string, unknown>, field: string, maxLength: number): string | undefined {
  const value = input[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value.length > maxLength) {
    throw new AwsServiceError(
      'ValidationException',
      `1 validation error detected: Value at '${field}' failed to satisfy constraint: Member must be a string of at most ${maxLength} characters`,
    );
  }
  return value;
}
