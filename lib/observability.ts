// CloudWatch alarms for the operators, all on one SNS topic (KMS-encrypted, TLS only). Each alarm's
// description names its runbook line in docs/operations.md. The topic is for e-mail or HTTPS
// subscriptions (SNS SMS is not offered in the China regions): the stage's `operatorsEndpoint`.
import { Duration, Stack } from 'aws-cdk-lib';
import type { RestApi } from 'aws-cdk-lib/aws-apigateway';
import {
  Alarm,
  ComparisonOperator,
  MathExpression,
  Metric,
  TreatMissingData,
  type IMetric,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription, UrlSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { DeadLetterQueue } from './dead-letter';
import { SERVICE_NAME } from './lambda-defaults';

/** Where the runbook lives; each alarm's description ends with `Runbook: <this>#<anchor>`. */
export const RUNBOOK = 'docs/operations.md';

/** The fixed alarms, by id (the alarm is named `<stack>-<id>`), with their runbook anchor. */
export const ALARMS = {
  Api5xxRate: 'api-5xx-rate',
  RoutingExecutionsFailed: 'routing-executions',
  RoutingExecutionsTimedOut: 'routing-executions',
  RoutingExecutionsAborted: 'routing-executions',
  OfferDeliveryFailures: 'offer-delivery-failures',
  LateBankAnswers: 'late-bank-answers',
  RollupErrors: 'roll-up-failure',
  CalendarCoverage: 'calendar-coverage',
  NeedsStartedBySweeper: 'needs-started-by-sweeper',
} as const;
/** Every dead-letter queue's alarm is `<stack>-DeadLetters-<queue construct id>`. */
export const DEAD_LETTER_ANCHOR = 'dead-letters';

export interface ObservabilityProps {
  api: RestApi;
  stateMachine: StateMachine;
  /** The roll-up workflow. */
  rollup: StateMachine;
  /** E-mail address or HTTPS URL subscribed to the operators' topic (optional: subscribe later). */
  operatorsEndpoint?: string;
}

/** A business metric the functions emit through Powertools (EMF): namespace and `service` dimension `smefin`. */
export function serviceMetric(metricName: string, statistic: 'Sum' | 'Minimum', period: Duration): Metric {
  return new Metric({ namespace: SERVICE_NAME, metricName, dimensionsMap: { service: SERVICE_NAME }, statistic, period });
}

export class Observability extends Construct {
  readonly topic: Topic;
  readonly alarms: Alarm[] = [];

  constructor(scope: Construct, id: string, props: ObservabilityProps) {
    super(scope, id);
    const key = new Key(this, 'TopicKey', {
      description: 'smefin operators’ alarm topic',
      enableKeyRotation: true,
    });
    // CloudWatch publishes alarms to an encrypted topic only with this grant (the AWS-managed SNS key has none).
    key.addToResourcePolicy(
      new PolicyStatement({
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
      }),
    );
    this.topic = new Topic(this, 'OperatorAlarms', { displayName: 'smefin operators', masterKey: key, enforceSSL: true });
    const endpoint = props.operatorsEndpoint;
    if (endpoint) {
      if (/^https:\/\//.test(endpoint)) this.topic.addSubscription(new UrlSubscription(endpoint));
      else if (/^[^@\s]+@[^@\s]+$/.test(endpoint)) this.topic.addSubscription(new EmailSubscription(endpoint));
      else throw new Error(`operatorsEndpoint must be an e-mail address or an https:// URL, not ${endpoint}`);
    }

    const fiveMinutes = Duration.minutes(5);
    const requests = props.api.metricCount({ period: fiveMinutes, statistic: 'Sum' });
    const errors = props.api.metricServerError({ period: fiveMinutes, statistic: 'Sum' });
    this.alarm('Api5xxRate', {
      metric: new MathExpression({
        // Percent of requests answered 5xx; quiet periods (under 20 requests) do not count.
        expression: 'IF(requests >= 20, 100 * errors / requests, 0)',
        usingMetrics: { requests, errors },
        period: fiveMinutes,
        label: 'API 5xx (%)',
      }),
      threshold: 5,
      what: 'More than 5% of API requests answered 5xx over 5 minutes',
    });

    for (const dlq of DeadLetterQueue.all(Stack.of(this))) {
      this.alarm(`DeadLetters-${dlq.node.id}`, {
        metric: dlq.queue.metricApproximateNumberOfMessagesVisible({ period: fiveMinutes, statistic: 'Maximum' }),
        threshold: 1,
        what: `A message is waiting in the dead-letter queue of ${dlq.purpose}`,
        anchor: DEAD_LETTER_ANCHOR,
      });
    }

    const machine = props.stateMachine;
    this.alarm('RoutingExecutionsFailed', {
      metric: machine.metricFailed({ period: fiveMinutes, statistic: 'Sum' }),
      threshold: 1,
      what: 'A routing workflow failed (recorded on the need as a processing failure)',
    });
    this.alarm('RoutingExecutionsTimedOut', {
      metric: machine.metricTimedOut({ period: fiveMinutes, statistic: 'Sum' }),
      threshold: 1,
      what: 'A routing workflow timed out',
    });
    this.alarm('RoutingExecutionsAborted', {
      metric: machine.metricAborted({ period: fiveMinutes, statistic: 'Sum' }),
      threshold: 1,
      what: 'A routing workflow was aborted (stopped by hand or by the service)',
    });

    this.alarm('OfferDeliveryFailures', {
      metric: serviceMetric('OfferDeliveryFailures', 'Sum', Duration.minutes(15)),
      threshold: 1,
      what: "Offers could not be delivered to a bank's webhook (the per-bank metric has the bankId dimension)",
    });
    this.alarm('LateBankAnswers', {
      metric: serviceMetric('LateBankAnswers', 'Sum', Duration.hours(1)),
      threshold: 1,
      what: 'A bank answered after its deadline had passed',
    });
    const hour = { period: Duration.hours(1), statistic: 'Sum' } as const;
    this.alarm('RollupErrors', {
      metric: new MathExpression({
        expression: 'failed + timedOut + aborted',
        usingMetrics: { failed: props.rollup.metricFailed(hour), timedOut: props.rollup.metricTimedOut(hour), aborted: props.rollup.metricAborted(hour) },
        period: Duration.hours(1),
        label: 'Roll-up executions failed, timed out or aborted',
      }),
      threshold: 1,
      what: 'The roll-up workflow of the regulator reports failed, timed out or was aborted (its periods keep their previous version)',
    });
    this.alarm('CalendarCoverage', {
      metric: serviceMetric('CalendarCoverageDaysLeft', 'Minimum', Duration.days(1)),
      threshold: 60,
      comparison: ComparisonOperator.LESS_THAN_THRESHOLD,
      // The metric is emitted daily: no value for a day means the check itself stopped.
      missing: TreatMissingData.BREACHING,
      what: "The holiday calendar's last official year ends within 60 days (or the daily coverage check stopped)",
    });
    this.alarm('NeedsStartedBySweeper', {
      metric: serviceMetric('NeedsStartedBySweeper', 'Sum', Duration.minutes(10)),
      threshold: 1,
      what: 'The routing sweeper started needs whose workflow never started: the stream → pipe → start-routing hand-off is losing needs',
    });
  }

  private alarm(
    id: string,
    options: {
      metric: IMetric;
      threshold: number;
      what: string;
      comparison?: ComparisonOperator;
      missing?: TreatMissingData;
      anchor?: string;
    },
  ): Alarm {
    const anchor = options.anchor ?? ALARMS[id as keyof typeof ALARMS];
    if (!anchor) throw new Error(`alarm ${id} has no runbook line`);
    const alarm = new Alarm(this, id, {
      alarmName: `${Stack.of(this).stackName}-${id}`,
      alarmDescription: `${options.what}. Runbook: ${RUNBOOK}#${anchor}`,
      metric: options.metric,
      threshold: options.threshold,
      evaluationPeriods: 1,
      comparisonOperator: options.comparison ?? ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: options.missing ?? TreatMissingData.NOT_BREACHING,
    });
    const action = new SnsAction(this.topic);
    alarm.addAlarmAction(action);
    alarm.addOkAction(action);
    this.alarms.push(alarm);
    return alarm;
  }
}
