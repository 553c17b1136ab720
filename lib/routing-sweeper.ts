// The routing sweeper (functions/routing-sweeper): every 10 minutes, needs still `submitted` N
// minutes after submission get their workflow started (named by the need id, so a need whose
// workflow exists is left alone). Its own failures go to its dead-letter queue like every other
// scheduled invocation's.
import { ArnFormat, Stack } from 'aws-cdk-lib';
import { Schedule, type Rule } from 'aws-cdk-lib/aws-events';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { ENV } from '../shared/domain/environment';
import { scheduleInvocation } from './dead-letter';
import { acknowledgeSweeperFindings } from './nag';

/** Every 10 minutes (a list of minutes: the form the local runtime's cron understands too). */
export const SWEEP_SCHEDULE = { minute: '0,10,20,30,40,50' };

export function scheduleRoutingSweeper(
  scope: Construct,
  sweeper: NodejsFunction,
  stateMachine: StateMachine,
  afterMinutes: number,
): Rule {
  sweeper.addEnvironment(ENV.stateMachineArn, stateMachine.stateMachineArn);
  sweeper.addEnvironment(ENV.sweepAfterMinutes, String(afterMinutes));
  stateMachine.grantStartExecution(sweeper);
  // Whether a need's execution exists: DescribeExecution on this state machine's executions only.
  const stack = Stack.of(scope);
  sweeper.addToRolePolicy(
    new PolicyStatement({
      actions: ['states:DescribeExecution'],
      resources: [
        stack.formatArn({
          service: 'states',
          resource: 'execution',
          resourceName: `${stateMachine.stateMachineName}:*`,
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        }),
      ],
    }),
  );
  acknowledgeSweeperFindings(sweeper, stateMachine);
  return scheduleInvocation(scope, 'RoutingSweep', sweeper, {
    description: 'Start the routing workflow of needs whose workflow never started',
    schedule: Schedule.cron(SWEEP_SCHEDULE),
    input: { source: 'schedule' },
    purpose:
      'the routing sweeper: a scheduled sweep that failed after its retries (needs whose workflow never started may still be waiting); redrive runs the sweep again',
  }).rule;
}
