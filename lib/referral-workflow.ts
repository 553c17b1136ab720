// The referral workflow (Step Functions, Standard): route (screen and offer the best bank in one step)
// → wait for the bank's signed answer with a working-day deadline → await the credit decision →
// granted; a decline (task failure), a missed deadline or a bank gone → route again, to the next bank;
// none left → escalated to the county task force. The enterprise withdrawing the need ends a wait
// (task failure NeedWithdrawn: the bank is told, the execution ends); amending it after a repairable
// decline ends the wait too (NeedAmended: the bank is told, the need is routed again). A pipe from
// the needs table's stream starts one execution per new need, named by the need id.
// In a county that reviews by hand (审核, shared/domain/review.ts) a need the screening recommends
// waits in Review (its token on the need, a working-day deadline; past it ReviewCheck marks it
// overdue and waits on) until the task force's decision: recommend → Route again (to a bank),
// return → Returned, not_recommended → NotRecommended; a withdrawal ends the wait.
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type { TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
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
import { BANK_DECLINED_ERROR, BANK_UNAVAILABLE_ERROR } from '../shared/domain/routing';
import { NEED_AMENDED_ERROR, NEED_WITHDRAWN_ERROR } from '../shared/domain/need-changes';
import { REVIEW_NOT_WAITING_ERROR } from '../shared/domain/review';
import { DeadLetterQueue } from './dead-letter';
import { streamPipe } from './stream-pipe';
import { acknowledgeWorkflowFindings } from './nag';
import type { FunctionName } from './routes';

export interface ReferralWorkflowProps {
  functions: Record<FunctionName, NodejsFunction>;
  needsTable: TableV2;
}

/**
 * The stream records that start routing: a need item inserted `submitted` (EventBridge Pipes filter
 * pattern). A need entered from a visit without consent is inserted `awaiting_consent`: no workflow
 * starts for it; the owner's confirmation starts one (need-changes.ts).
 */
export const NEW_NEED_FILTER = { eventName: ['INSERT'], dynamodb: { NewImage: { itemType: { S: ['need'] }, status: { S: ['submitted'] } } } };

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
        // `declineAs`: this definition takes a decline as the task failure BankDeclined (referral-wait keeps it with the token).
        payload: TaskInput.fromObject({ action, referralId: JsonPath.stringAt('$.offer.referralId'), taskToken: JsonPath.taskToken, declineAs: 'failure' }),
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

    // The one routing step: screens a need still submitted and offers it to the best bank in one write,
    // offers a need a bank declined (or let its deadline pass) to the next one, or escalates it to the
    // county task force when none is left (routing.ts routeStep). The shortest granted path is
    // Route → Routed? → Offer → AwaitDecision: 4 state transitions.
    const route = step('Route', steps, { action: 'route', needId: JsonPath.stringAt('$.needId') }, '$.offer');
    // A deadline's timer decides nothing by itself: the step compares with the stored due time and
    // the referral's state (routing.ts deadlineMissedStep): expired → next bank; not due yet (the
    // holiday arrangement moved the deadline) → wait on; answered as the timer fired → go on with it.
    const deadlineMissed = (name: string, stage: 'offer' | 'decision') =>
      step(name, steps, { action: 'deadline-missed', referralId: JsonPath.stringAt('$.offer.referralId'), stage }, '$.deadline');

    // The enterprise withdrew or amended the need while a bank had it: the bank is told (referral-wait
    // sends referral.withdrawn if the offer had reached it); withdrawn → the end, amended → route again.
    const withdrawnEnd = new Succeed(this, 'Withdrawn');
    const tellBank = (name: string) =>
      step(name, wait, { action: 'withdrawn', referralId: JsonPath.stringAt('$.offer.referralId') }, undefined);
    const tellWithdrawn = tellBank('TellBankWithdrawn').next(withdrawnEnd);
    const tellAmended = tellBank('TellBankAmended').next(route);
    // The bank's answer ends the wait: acceptance and grant as the task's output, a decline as the
    // task failure BankDeclined (bank-answers.ts), caught here: no Choice state after a wait.
    const offer = waitFor('Offer', 'offer', '$.offer.timeoutSeconds', '$.answer');
    const awaitDecision = waitFor('AwaitDecision', 'decision', '$.answer.decisionTimeoutSeconds', '$.decision');
    const offerMissed = deadlineMissed('OfferDeadlineMissed', 'offer');
    const decisionMissed = deadlineMissed('DecisionDeadlineMissed', 'decision');
    // The bank or its signing secret is gone (referral-wait ends the referral with the reason): next bank at once.
    offer.addCatch(route, { errors: [BANK_UNAVAILABLE_ERROR], resultPath: JsonPath.DISCARD });
    for (const [task, missed] of [
      [offer, offerMissed],
      [awaitDecision, decisionMissed],
    ] as const) {
      task.addCatch(route, { errors: [BANK_DECLINED_ERROR], resultPath: JsonPath.DISCARD });
      task.addCatch(tellWithdrawn, { errors: [NEED_WITHDRAWN_ERROR], resultPath: JsonPath.DISCARD });
      task.addCatch(tellAmended, { errors: [NEED_AMENDED_ERROR], resultPath: JsonPath.DISCARD });
      task.addCatch(missed, { errors: [Errors.TIMEOUT], resultPath: JsonPath.DISCARD });
      task.addCatch(recordFailure, { errors: [Errors.ALL], resultPath: '$.error' });
    }
    const granted = new Succeed(this, 'Granted');
    // After a deadline step: not due → wait again for the remaining seconds; expired → next bank;
    // answered as the timer fired → on as the answer says (rules in this order: `answer` exists only
    // when answered).
    const afterDeadline = (name: string, waitOn: IChainable, timeoutPath: string, goOnWhen: string, goOn: IChainable) =>
      new Choice(this, `${name}?`)
        .when(
          Condition.stringEquals('$.deadline.outcome', 'not_due'),
          new Pass(this, `${name}WaitsOn`, { inputPath: '$.deadline.timeoutSeconds', resultPath: timeoutPath }).next(waitOn),
        )
        .when(Condition.stringEquals('$.deadline.outcome', 'expired'), route)
        .when(Condition.stringEquals('$.deadline.answer.outcome', goOnWhen), goOn)
        .otherwise(route);
    offerMissed.next(
      afterDeadline(
        'OfferDeadline',
        offer,
        '$.offer.timeoutSeconds',
        'accepted',
        new Pass(this, 'OfferDeadlineAnswered', { inputPath: '$.deadline.answer', resultPath: '$.answer' }).next(awaitDecision),
      ),
    );
    decisionMissed.next(afterDeadline('DecisionDeadline', awaitDecision, '$.answer.decisionTimeoutSeconds', 'granted', granted));

    // The task force's review (审核, counties set to `review: manual`; shared/domain/review.ts): the
    // route step has put the need in review; Review keeps the token on the need (routing-steps
    // review-wait) until a decision (POST /v1/counties/{countyCode}/reviews) resumes it with
    // {decision}. Its timer or a wait that could not begin (ReviewNotWaiting) goes to ReviewCheck,
    // which reads the decision taken meanwhile, the withdrawal, or marks the review overdue (counted
    // once) and waits on. A withdrawal fails the wait with NeedWithdrawn.
    const notRecommended = new Succeed(this, 'NotRecommended');
    const review = new LambdaInvoke(this, 'Review', {
      lambdaFunction: steps,
      integrationPattern: IntegrationPattern.WAIT_FOR_TASK_TOKEN,
      payload: TaskInput.fromObject({ action: 'review-wait', needId: JsonPath.stringAt('$.needId'), taskToken: JsonPath.taskToken }),
      taskTimeout: Timeout.at('$.offer.review.timeoutSeconds'),
      resultPath: '$.reviewed',
      retryOnServiceExceptions: false,
    });
    review.addRetry({
      errors: ['Lambda.ServiceException', 'Lambda.AWSLambdaException', 'Lambda.SdkClientException', 'Lambda.TooManyRequestsException'],
      interval: Duration.seconds(2),
      maxAttempts: 3,
      backoffRate: 2,
      jitterStrategy: JitterType.FULL,
    });
    const reviewCheck = step('ReviewCheck', steps, { action: 'review-check', needId: JsonPath.stringAt('$.needId') }, '$.reviewed');
    review.addCatch(withdrawnEnd, { errors: [NEED_WITHDRAWN_ERROR], resultPath: JsonPath.DISCARD });
    review.addCatch(reviewCheck, { errors: [Errors.TIMEOUT, REVIEW_NOT_WAITING_ERROR], resultPath: JsonPath.DISCARD });
    review.addCatch(recordFailure, { errors: [Errors.ALL], resultPath: '$.error' });
    // The check's answer has `timeoutSeconds` (not decided yet: not due, or overdue and marked) or
    // `withdrawn`, else a decision; a decision's resume has `decision` only (present paths first:
    // a comparison on a missing path fails the execution).
    const reviewed = new Choice(this, 'Reviewed?')
      .when(
        Condition.isPresent('$.reviewed.timeoutSeconds'),
        new Pass(this, 'ReviewWaitsOn', { inputPath: '$.reviewed.timeoutSeconds', resultPath: '$.offer.review.timeoutSeconds' }).next(review),
      )
      .when(Condition.isPresent('$.reviewed.withdrawn'), withdrawnEnd)
      .when(Condition.stringEquals('$.reviewed.decision', 'recommend'), route)
      .when(Condition.stringEquals('$.reviewed.decision', 'return'), new Succeed(this, 'Returned'))
      .when(Condition.stringEquals('$.reviewed.decision', 'not_recommended'), notRecommended)
      .otherwise(new Fail(this, 'ReviewAnswerUnknown', { error: 'ReviewAnswerUnknown', cause: 'The review wait ended with an answer the workflow does not know.' }));
    review.next(reviewed);
    reviewCheck.next(reviewed);

    const definition = route.next(
      new Choice(this, 'Routed?')
        .when(Condition.booleanEquals('$.offer.found', true), offer)
        // The enterprise withdrew the need before a bank had it.
        .when(Condition.isPresent('$.offer.withdrawn'), withdrawnEnd)
        // Recommended by the screening in a county that reviews by hand: wait for the task force.
        .when(Condition.isPresent('$.offer.review'), review)
        // No consent on record yet (a need entered from a visit): nothing offered; the owner's confirmation starts a new round.
        .when(Condition.isPresent('$.offer.awaitingConsent'), new Succeed(this, 'AwaitingConsent'))
        .when(Condition.booleanEquals('$.offer.recommended', false), notRecommended)
        // No bank left: the route step has escalated the need to the county task force.
        .otherwise(new Succeed(this, 'Unmatched')),
    );
    offer.next(awaitDecision);
    // Only a grant ends the decision wait with output: the execution ends there, granted.

    const logs = new LogGroup(this, 'Logs', { retention: RetentionDays.ONE_YEAR, removalPolicy: RemovalPolicy.DESTROY });
    this.stateMachine = new StateMachine(this, 'StateMachine', {
      stateMachineType: StateMachineType.STANDARD,
      definitionBody: DefinitionBody.fromChainable(definition),
      tracingEnabled: true,
      logs: { destination: logs, level: LogLevel.ALL, includeExecutionData: true },
    });

    // Who may start executions, and who may answer waiting tasks.
    // Only these two learn the state machine's ARN: the steps it invokes cannot (that would be a cycle).
    for (const fn of [props.functions['start-routing'], props.functions['bank-webhook'], props.functions['change-need'], props.functions.escalations]) {
      fn.addEnvironment(ENV.stateMachineArn, this.stateMachine.stateMachineArn);
    }
    this.stateMachine.grantStartExecution(props.functions['start-routing']);
    this.stateMachine.grantTaskResponse(props.functions['bank-webhook']);
    // The owner's changes: a new routing round after an amendment, and the end of a wait they overtake.
    this.stateMachine.grantStartExecution(props.functions['change-need']);
    this.stateMachine.grantTaskResponse(props.functions['change-need']);
    // The county task force's escalations: a new round after an amendment or a hand-over, the end of a wait it overtakes.
    this.stateMachine.grantStartExecution(props.functions.escalations);
    this.stateMachine.grantTaskResponse(props.functions.escalations);
    // The task force's review decisions resume the wait for them.
    this.stateMachine.grantTaskResponse(props.functions.reviews);

    // The pipe: new need items on the table's stream → start-routing (which names the execution).
    // A batch start-routing keeps failing is halved until the failing record is alone, retried, and
    // then described in the dead-letter queue (the pipe writes the batch's shard and sequence
    // numbers, not the records: `npm run redrive` reads them back from the stream, or finds the
    // needs by submission time once the stream's 24 hours are over). A record older than an hour is
    // given up the same way; the routing sweeper starts any need still waiting after 15 minutes.
    this.pipeDeadLetters = new DeadLetterQueue(this, 'StartRoutingDeadLetters', {
      purpose:
        'the pipe that starts routing: stream batches start-routing failed on after its retries (their needs have no workflow yet); redrive starts routing for the needs concerned',
    });
    streamPipe(this, {
      roleId: 'PipeRole',
      pipeId: 'StartRoutingPipe',
      table: props.needsTable,
      target: props.functions['start-routing'],
      filter: NEW_NEED_FILTER,
      deadLetters: this.pipeDeadLetters,
      maximumRecordAgeInSeconds: 3600,
    });
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
