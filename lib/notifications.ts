// SMS notices to enterprises (shared/domain/notifications.ts): a second pipe on the needs table's
// stream, beside the one that starts routing, hands every change of a need item to
// notify-enterprise, which sends what the change's new timeline entries call for through send-sms
// (asynchronous: its retries, dead-letter queue and SmsFailed count apply to each message). The
// workflow neither waits for nor sees any of it. EventBridge Pipes is offered in the China regions,
// and the local runtime runs every pipe of the template (local/stream-poller.ts).
import { CfnOutput, Stack, Validations, type CfnElement } from 'aws-cdk-lib';
import type { TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { Construct } from 'constructs';
import { DeadLetterQueue } from './dead-letter';
import type { FunctionName } from './routes';
import { streamPipe } from './stream-pipe';

/** The stream records the notifier reads: a need item changed (EventBridge Pipes filter pattern). */
export const NEED_CHANGE_FILTER = { eventName: ['MODIFY'], dynamodb: { NewImage: { itemType: { S: ['need'] } } } };
/** A need inserted waiting for its owner's consent (entered from a visit without one): the owner is asked by SMS. */
export const NEED_AWAITING_CONSENT_FILTER = { eventName: ['INSERT'], dynamodb: { NewImage: { itemType: { S: ['need'] }, status: { S: ['awaiting_consent'] } } } };

export class EnterpriseNotifications extends Construct {
  /** Where the pipe puts the batches notify-enterprise kept failing on. */
  readonly deadLetters: DeadLetterQueue;

  constructor(scope: Construct, id: string, props: { functions: Record<FunctionName, NodejsFunction>; needsTable: TableV2 }) {
    super(scope, id);
    const notifier = props.functions['notify-enterprise'];
    this.deadLetters = new DeadLetterQueue(this, 'NotifyEnterpriseDeadLetters', {
      purpose:
        'the pipe that sends SMS notices: stream batches of need changes notify-enterprise failed on after its retries (their notices may not have gone out; the status page shows the state all the same); redrive hands the batch to notify-enterprise again while the stream holds it (24 hours), and notices already sent are not sent twice',
    });
    // From the oldest record the stream holds: a pipe replaced by a deploy misses no change, and the
    // notices it meets again were sent once already (their keys are kept 48 hours, longer than the
    // stream's 24). No record-age limit: a late notice still says something true, and the link
    // shows the need as it stands.
    const { role } = streamPipe(this, {
      roleId: 'PipeRole',
      pipeId: 'NotifyEnterprisePipe',
      table: props.needsTable,
      target: notifier,
      filter: [NEED_CHANGE_FILTER, NEED_AWAITING_CONSENT_FILTER],
      deadLetters: this.deadLetters,
    });
    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${Stack.of(this).getLogicalId(notifier.node.defaultChild as CfnElement)}.Arn>:*]`,
      reason: 'The pipe may invoke any version of notify-enterprise (CDK grant), and nothing else.',
    });
    // For `npm run redrive -- --aws --notify-function <name>` (docs/operations.md).
    new CfnOutput(Stack.of(this), 'NotifyEnterpriseFunctionName', { value: notifier.functionName });
  }
}
