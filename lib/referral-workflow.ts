// The referral workflow (Step Functions, Standard): screen → next bank → offer and wait for the bank's
// signed answer with a working-day deadline → await the credit decision → granted, or on to the next
// bank; none left → escalate to the county task force. A pipe from the needs table's stream starts
// one execution per new need, named by the need id.
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type { TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { CfnPipe } from 'aws-cdk-lib/aws-pipes';
import {
  Choice,
  Condition,
  DefinitionBody,
  Errors,
  Fail,
  IntegrationPattern,
  JitterType,
  JsonPath,
  LogLevel,
  Pass,
  StateMachine,
  StateMachineType,
  Succeed,
  TaskInput,
  Timeout,
  type IChainable,
} from 'aws-cdk-lib/aws-stepfunctions';
import { LambdaInvoke } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { ENV } from '../shared/domain/environment';
import { BANK_UNAVAILABLE_ERROR } from '../shared/domain/routing';
import { DeadLetterQueue } from './dead-letter';
import { acknowledgeWorkflowFindings } from './nag';
import type { FunctionName } from './routes';

export interface ReferralWorkflowProps {
  functions: Record<FunctionName, NodejsFunction>;
  needsTable: TableV2;
}

/** The stream records that start routing: a need item inserted (EventBridge Pipes filter pattern). */
export const NEW_NEED_FILTER = { eventName: ['INSERT'], dynamodb: { NewImage: { itemType: { S: ['need'] } } } };

export class ReferralWorkflow extends Construct {
  readonly stateMachine: StateMachine;
  /** Where the pipe that starts routing puts the batches it gave up on. */
  readonly pipeDeadLetters: DeadLetterQueue;

  constructor(scope: Construct, id: string, props: ReferralWorkflowProps) {
    super(scope, id);
    const steps = props.functions['routing-steps'];
    const wait = props.functions['referral-wait'];

    const failed = new Fail(this, 'Failed', { error: 'RoutingFailed', cause: 'A step failed; recorded on the need.' });
    const recordFailure = this.step(
      'RecordFailure',
      steps,
      { action: 'record-failure', needId: JsonPath.stringAt('$.needId'), error: JsonPath.objectAt('$.error') },
      failed,
    );

    /** A plain Lambda step, retried with backoff and jitter; any error left over is recorded, not left stuck. */
    const step = (name: string, fn: NodejsFunction, payload: Record<string, unknown>, resultPath: string | undefined) => {
      const task = new LambdaInvoke(this, name, {
        lambdaFunction: fn,
        payloadResponseOnly: true,
        payload: TaskInput.fromObject(payload),
        resultPath: resultPath ?? JsonPath.DISCARD,
        retryOnServiceExceptions: false,
      });
      task.addRetry({ errors: [Errors.ALL], interval: Duration.seconds(1), maxAttempts: 3, backoffRate: 2, jitterStrategy: JitterType.FULL });
      task.addCatch(recordFailure, { errors: [Errors.ALL], resultPath: '$.error' });
      return task;
    };

    /** A callback step: the Lambda keeps the task token; the bank's answer (bank-webhook) resumes it. */
    const waitFor = (name: string, action: 'offer' | 'decision', timeoutPath: string, resultPath: string) => {
      const task = new LambdaInvoke(this, name, {
        lambdaFunction: wait,
        integrationPattern: IntegrationPattern.WAIT_FOR_TASK_TOKEN,
        payload: TaskInput.fromObject({ action, referralId: JsonPath.stringAt('$.offer.referralId'), taskToken: JsonPath.taskToken }),
        taskTimeout: Timeout.at(timeoutPath),
        resultPath,
        retryOnServiceExceptions: false,
      });
      task.addRetry({
        errors: ['Lambda.ServiceException', 'Lambda.AWSLambdaException', 'Lambda.SdkClientException', 'Lambda.TooManyRequestsException'],
        interval: Duration.seconds(2),
        maxAttempts: 3,
        backoffRate: 2,
        jitterStrategy: JitterType.FULL,
      });
      return task;
    };

    const screen = step('Screen', steps, { action: 'screen', needId: JsonPath.stringAt('$.needId') }, '$.screening');
    const nextBank = step('NextBank', steps, { action: 'next-bank', needId: JsonPath.stringAt('$.needId') }, '$.offer');
    const escalate = step('Escalate', steps, { action: 'escalate', needId: JsonPath.stringAt('$.needId') }, undefined);
    // A deadline's timer decides nothing by itself: the step compares with the stored due time and
    // the referral's state (routing.ts deadlineMissedStep): expired → next bank; not due yet (the
    // holiday arrangement moved the deadline) → wait on; answered as the timer fired → go on with it.
    const deadlineMissed = (name: string, stage: 'offer' | 'decision') =>
      step(name, steps, { action: 'deadline-missed', referralId: JsonPath.stringAt('$.offer.referralId'), stage }, '$.deadline');

    const offer = waitFor('Offer', 'offer', '$.offer.timeoutSeconds', '$.answer');
    const awaitDecision = waitFor('AwaitDecision', 'decision', '$.answer.decisionTimeoutSeconds', '$.decision');
    const offerMissed = deadlineMissed('OfferDeadlineMissed', 'offer');
    const decisionMissed = deadlineMissed('DecisionDeadlineMissed', 'decision');
    // The bank or its signing secret is gone (referral-wait ends the referral with the reason): next bank at once.
    offer.addCatch(nextBank, { errors: [BANK_UNAVAILABLE_ERROR], resultPath: JsonPath.DISCARD });
    for (const [task, missed] of [
      [offer, offerMissed],
      [awaitDecision, decisionMissed],
    ] as const) {
      task.addCatch(missed, { errors: [Errors.TIMEOUT], resultPath: JsonPath.DISCARD });
      task.addCatch(recordFailure, { errors: [Errors.ALL], resultPath: '$.error' });
    }
    const accepted = new Choice(this, 'Accepted?');
    const granted = new Choice(this, 'Granted?');
    const afterDeadline = (name: string, waitOn: IChainable, timeoutPath: string, answered: IChainable, answerPath: string) =>
      new Choice(this, `${name}?`)
        .when(
          Condition.stringEquals('$.deadline.outcome', 'not_due'),
          new Pass(this, `${name}WaitsOn`, { inputPath: '$.deadline.timeoutSeconds', resultPath: timeoutPath }).next(waitOn),
        )
        .when(
          Condition.stringEquals('$.deadline.outcome', 'answered'),
          new Pass(this, `${name}Answered`, { inputPath: '$.deadline.answer', resultPath: answerPath }).next(answered),
        )
        .otherwise(nextBank);
    offerMissed.next(afterDeadline('OfferDeadline', offer, '$.offer.timeoutSeconds', accepted, '$.answer'));
    decisionMissed.next(afterDeadline('DecisionDeadline', awaitDecision, '$.answer.decisionTimeoutSeconds', granted, '$.decision'));

    const definition = screen.next(
      new Choice(this, 'Recommended?')
        .when(Condition.booleanEquals('$.screening.recommended', true), nextBank)
        .otherwise(new Succeed(this, 'NotRecommended')),
    );
    nextBank.next(
      new Choice(this, 'BankFound?')
        .when(Condition.booleanEquals('$.offer.found', true), offer)
        .otherwise(escalate.next(new Succeed(this, 'Unmatched'))),
    );
    offer.next(accepted.when(Condition.stringEquals('$.answer.outcome', 'accepted'), awaitDecision).otherwise(nextBank));
    awaitDecision.next(granted.when(Condition.stringEquals('$.decision.outcome', 'granted'), new Succeed(this, 'Granted')).otherwise(nextBank));

    const logs = new LogGroup(this, 'Logs', { retention: RetentionDays.ONE_YEAR, removalPolicy: RemovalPolicy.DESTROY });
    this.stateMachine = new StateMachine(this, 'StateMachine', {
      stateMachineType: StateMachineType.STANDARD,
      definitionBody: DefinitionBody.fromChainable(definition),
      tracingEnabled: true,
      logs: { destination: logs, level: LogLevel.ALL, includeExecutionData: true },
    });

    // Who may start executions, and who may answer waiting tasks.
    // Only these two learn the state machine's ARN: the steps it invokes cannot (that would be a cycle).
    for (const fn of [props.functions['start-routing'], props.functions['bank-webhook']]) {
      fn.addEnvironment(ENV.stateMachineArn, this.stateMachine.stateMachineArn);
    }
    this.stateMachine.grantStartExecution(props.functions['start-routing']);
    this.stateMachine.grantTaskResponse(props.functions['bank-webhook']);

    // The pipe: new need items on the table's stream → start-routing (which names the execution).
    // A batch start-routing keeps failing is halved until the failing record is alone, retried, and
    // then described in the dead-letter queue (the pipe writes the batch's shard and sequence
    // numbers, not the records: `npm run redrive` reads them back from the stream, or finds the
    // needs by submission time once the stream's 24 hours are over). A record older than an hour is
    // given up the same way; the routing sweeper starts any need still waiting after 15 minutes.
    const pipeRole = new Role(this, 'PipeRole', { assumedBy: new ServicePrincipal('pipes.amazonaws.com') });
    props.needsTable.grantStreamRead(pipeRole);
    props.functions['start-routing'].grantInvoke(pipeRole);
    this.pipeDeadLetters = new DeadLetterQueue(this, 'StartRoutingDeadLetters', {
      purpose:
        'the pipe that starts routing: stream batches start-routing failed on after its retries (their needs have no workflow yet); redrive starts routing for the needs concerned',
    });
    this.pipeDeadLetters.queue.grantSendMessages(pipeRole);
    const pipe = new CfnPipe(this, 'StartRoutingPipe', {
      roleArn: pipeRole.roleArn,
      source: props.needsTable.tableStreamArn!,
      sourceParameters: {
        dynamoDbStreamParameters: {
          startingPosition: 'TRIM_HORIZON',
          batchSize: 10,
          maximumRetryAttempts: 10,
          maximumRecordAgeInSeconds: 3600,
          onPartialBatchItemFailure: 'AUTOMATIC_BISECT',
          deadLetterConfig: { arn: this.pipeDeadLetters.queue.queueArn },
        },
        filterCriteria: { filters: [{ pattern: JSON.stringify(NEW_NEED_FILTER) }] },
      },
      target: props.functions['start-routing'].functionArn,
      targetParameters: { lambdaFunctionParameters: { invocationType: 'REQUEST_RESPONSE' } },
    });
    // Pipes checks its role can reach the target and the dead-letter queue when it is created.
    pipe.node.addDependency(pipeRole);
    acknowledgeWorkflowFindings(this, props.functions);
  }

  private step(name: string, fn: NodejsFunction, payload: Record<string, unknown>, next: IChainable): LambdaInvoke {
    const task = new LambdaInvoke(this, name, {
      lambdaFunction: fn,
      payloadResponseOnly: true,
      payload: TaskInput.fromObject(payload),
      resultPath: JsonPath.DISCARD,
      retryOnServiceExceptions: false,
    });
    task.addRetry({ errors: [Errors.ALL], interval: Duration.seconds(1), maxAttempts: 3, backoffRate: 2, jitterStrategy: JitterType.FULL });
    task.next(next);
    return task;
  }
}
