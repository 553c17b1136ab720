// Dead-letter queues: where whatever an AWS service gives up on lands, instead of being dropped —
// the pipe that starts routing, every scheduled (asynchronous) invocation, and later S3 events and
// SMS. One construct for all of them, so each is encrypted, kept 14 days, reachable over TLS only,
// and alarmed (lib/observability.ts alarms on every DeadLetterQueue of the stack). The SQS redrive
// API (StartMessageMoveTask) is not offered in the China regions: `npm run redrive` empties them.
import { Duration, Validations } from 'aws-cdk-lib';
import { Rule, RuleTargetInput, type Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct, type IConstruct } from 'constructs';

export const DEAD_LETTER_RETENTION = Duration.days(14);

export interface DeadLetterQueueProps {
  /** What lands here and how to redrive it: the alarm's description (and the runbook's line). */
  purpose: string;
}

export class DeadLetterQueue extends Construct {
  /** Every dead-letter queue under `scope` (the stack): each gets its alarm. */
  static all(scope: IConstruct): DeadLetterQueue[] {
    return scope.node.findAll().filter((c): c is DeadLetterQueue => c instanceof DeadLetterQueue);
  }

  readonly queue: Queue;
  readonly purpose: string;

  constructor(scope: Construct, id: string, props: DeadLetterQueueProps) {
    super(scope, id);
    this.purpose = props.purpose;
    // SQS-managed encryption (SSE-SQS, offered in the China regions): the services that write here
    // (EventBridge, Pipes, Lambda) need only sqs:SendMessage on this queue, no key grant.
    this.queue = new Queue(this, 'Queue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: DEAD_LETTER_RETENTION,
    });
    Validations.of(this.queue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: `This queue is itself a dead-letter queue (of ${props.purpose.split(':')[0]}); cdk-nag recognises only dead-letter queues named in another queue's redrive policy or a function's DeadLetterConfig.`,
    });
  }
}

/** Retries of a failed asynchronous invocation before the event goes to the dead-letter queue. */
export const ASYNC_RETRY_ATTEMPTS = 2;
export const ASYNC_MAX_EVENT_AGE = Duration.hours(6);

/**
 * An asynchronously invoked function: after its retries, the invocation record (the event and the
 * error) goes to `dlq` (Lambda's on-failure destination, written with the function's own role:
 * sqs:SendMessage on that queue only).
 */
export function sendAsyncFailuresTo(fn: IFunction, dlq: DeadLetterQueue): void {
  fn.configureAsyncInvoke({
    onFailure: new SqsDestination(dlq.queue),
    retryAttempts: ASYNC_RETRY_ATTEMPTS,
    maxEventAge: ASYNC_MAX_EVENT_AGE,
  });
}

export interface ScheduledInvocationProps {
  schedule: Schedule;
  description: string;
  /** The event the function receives. */
  input: Record<string, unknown>;
  /** For the dead-letter queue's alarm and runbook line. */
  purpose: string;
}

/**
 * An EventBridge schedule rule invoking `fn` (asynchronously), with one dead-letter queue for both
 * ways the event can be lost: EventBridge failing to hand it to Lambda (the rule target's DLQ; the
 * queue policy admits events.amazonaws.com from this rule only) and the function failing on it
 * (the function's on-failure destination).
 */
export function scheduleInvocation(scope: Construct, id: string, fn: IFunction, props: ScheduledInvocationProps): { rule: Rule; dlq: DeadLetterQueue } {
  const dlq = new DeadLetterQueue(scope, `${id}DeadLetters`, { purpose: props.purpose });
  const rule = new Rule(scope, id, {
    description: props.description,
    schedule: props.schedule,
    targets: [
      new LambdaFunction(fn, {
        event: RuleTargetInput.fromObject(props.input),
        retryAttempts: ASYNC_RETRY_ATTEMPTS,
        maxEventAge: ASYNC_MAX_EVENT_AGE,
        deadLetterQueue: dlq.queue,
      }),
    ],
  });
  sendAsyncFailuresTo(fn, dlq);
  return { rule, dlq };
}
