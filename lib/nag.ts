// cdk-nag AwsSolutions findings we acknowledge, each with the reason. Anything not acknowledged here
// fails `cdk synth` and the infra test.
import { Stack, Token, Validations, type CfnElement } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { REPORT_AREAS } from '../shared/domain/report-publication';

const ACKNOWLEDGED: { id: string; reason: string }[] = [
  {
    id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
    reason: 'Lambda execution roles use the AWS-managed basic execution role: CloudWatch Logs writes only.',
  },
  {
    id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
    reason: 'The account-level API Gateway logging role uses the AWS-managed push-to-CloudWatch policy.',
  },
  {
    id: 'AwsSolutions-APIG4',
    reason:
      'Enterprises submit needs without an account, like a public form (WAF and throttling in front); reading a need requires its tracking token, checked in the handler, which answers 404 without it.',
  },
  {
    id: 'AwsSolutions-COG4',
    reason:
      "As for APIG4: the public need form and the token-checked status page need no Cognito user pool; the officials' routes use the API's Lambda authorizer (any OpenID Connect issuer, Cognito only where offered: API Gateway Cognito authorizers are not offered in the AWS China regions).",
  },
  {
    id: 'AwsSolutions-CFR1',
    reason: 'Enterprises and task forces may use the form from anywhere; the mechanism requires no geo restriction.',
  },
  {
    id: 'AwsSolutions-CFR2',
    reason:
      'A CloudFront web ACL can only be created in us-east-1, which the AWS China partition lacks; the API that receives the data has its own regional WAF.',
  },
];

/** Only for a distribution without a custom domain (never in aws-cn, where the domain is required). */
export function acknowledgeDefaultCertificateFinding(distribution: IConstruct): void {
  Validations.of(distribution).acknowledge({
    id: 'AwsSolutions-CFR4',
    reason:
      "Without a custom domain CloudFront serves its default certificate, whose minimum TLS version cannot be set; set the stage's webDomain (required in aws-cn) to lift this.",
  });
}

export function acknowledgeNagFindings(stack: Stack): void {
  for (const finding of ACKNOWLEDGED) Validations.of(stack).acknowledge(finding);
}

/** Findings of the functions in the route table, acknowledged on the Functions construct only. */
export function acknowledgeFunctionFindings(scope: IConstruct): void {
  const acks = [
    {
      id: 'AwsSolutions-L1',
      reason:
        'The target architecture fixes Node.js 22 for all functions (the code is also tested on Node 20); a runtime upgrade is a deliberate, tested change of its own.',
    },
    {
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'X-Ray tracing: xray:PutTraceSegments and xray:PutTelemetryRecords do not support resource-level permissions.',
    },
    {
      id: 'AwsSolutions-IAM5[Resource::<DataNeeds9421E101.Arn>/index/*]',
      reason: "Table grants include the table's own secondary indexes (byCountyStatus), which the county lists query.",
    },
  ];
  for (const ack of acks) Validations.of(scope).acknowledge(ack);
}

export function acknowledgeApiFindings(scope: IConstruct): void {
  Validations.of(scope).acknowledge({
    id: 'AwsSolutions-APIG2',
    reason:
      'Requests are validated in the handlers with the shared zod schema, which answers RFC 9457 problem+json with field-level messages in Chinese and English; an API Gateway body validator would answer in its own format first.',
  });
}

/** The CDK-provided BucketDeployment custom resource that copies the web pages into their bucket. */
export function acknowledgeWebDeploymentFindings(scope: IConstruct): void {
  const reason =
    'CDK-provided BucketDeployment custom resource: copies the built pages from the CDK asset bucket into the site bucket (S3 object wildcards on those two buckets only); its runtime is chosen by aws-cdk-lib.';
  for (const id of [
    'AwsSolutions-L1',
    'AwsSolutions-IAM5[Action::s3:GetObject*]',
    'AwsSolutions-IAM5[Action::s3:GetBucket*]',
    'AwsSolutions-IAM5[Action::s3:List*]',
    'AwsSolutions-IAM5[Action::s3:DeleteObject*]',
    'AwsSolutions-IAM5[Action::s3:Abort*]',
    'AwsSolutions-IAM5[Resource::<WebSiteD504717C.Arn>/*]',
  ]) {
    Validations.of(scope).acknowledge({ id, reason });
  }
  const stack = Stack.of(scope);
  const region = Token.isUnresolved(stack.region) ? '<AWS::Region>' : stack.region;
  const account = Token.isUnresolved(stack.account) ? '<AWS::AccountId>' : stack.account;
  for (const id of [
    `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-${account}-${region}/*]`,
    'AwsSolutions-IAM5[Resource::*]',
  ]) {
    Validations.of(scope).acknowledge({ id, reason: reason + ' Asset objects are only known at deployment.' });
  }
}

/** The workflow's roles: Lambda invoke grants cover function versions, X-Ray needs `*`. */
export function acknowledgeWorkflowFindings(scope: IConstruct, functions: Record<string, IConstruct>): void {
  const stack = Stack.of(scope);
  const versions = 'Step Functions and the pipe may invoke any version of their functions (CDK grant), and nothing else.';
  for (const name of ['routing-steps', 'referral-wait', 'start-routing']) {
    const fn = functions[name];
    if (!fn) continue;
    const logicalId = stack.getLogicalId(fn.node.defaultChild as CfnElement);
    Validations.of(scope).acknowledge({ id: `AwsSolutions-IAM5[Resource::<${logicalId}.Arn>:*]`, reason: versions });
  }
  Validations.of(scope).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason: 'X-Ray tracing of the state machine: xray:PutTraceSegments and related actions support no resource-level permissions.',
  });
}

/** Banks' signing secrets: one secret per bank under the stage's prefix, read-only. */
export function acknowledgeBankSecretFindings(scope: IConstruct, prefix: string): void {
  const stack = Stack.of(scope);
  const region = Token.isUnresolved(stack.region) ? '<AWS::Region>' : stack.region;
  const account = Token.isUnresolved(stack.account) ? '<AWS::AccountId>' : stack.account;
  Validations.of(scope).acknowledge({
    id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:secretsmanager:${region}:${account}:secret:${prefix}*]`,
    reason:
      'Banks are data: a bank added with the CLI gets a secret under the stage prefix without a deployment; the functions may only read secrets under that prefix.',
  });
}

/** Report objects: keys are made per period and division, so the grants name the prefixes. */
export function acknowledgeReportFindings(scope: IConstruct, bucket: IConstruct): void {
  const logicalId = Stack.of(scope).getLogicalId(bucket.node.defaultChild as CfnElement);
  for (const prefix of Object.values(REPORT_AREAS)) {
    Validations.of(scope).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${logicalId}.Arn>/${prefix}*]`,
      reason:
        'Report keys are per area (shared/domain/report-publication.ts): files reports/{period}/{version}/{division}.{format} (and the public edition), manifests report-manifests/{period}.json, the roll-up staging rollup-staging/{period}/{version}/…; each function gets one action (put or get) on the areas it needs only.',
    });
  }
}

/** The routing sweeper asks whether a need's execution exists: any execution of the routing state machine. */
export function acknowledgeSweeperFindings(scope: IConstruct, stateMachine: IConstruct): void {
  const stack = Stack.of(scope);
  const region = Token.isUnresolved(stack.region) ? '<AWS::Region>' : stack.region;
  const account = Token.isUnresolved(stack.account) ? '<AWS::AccountId>' : stack.account;
  const machineId = stack.getLogicalId(stateMachine.node.defaultChild as CfnElement);
  Validations.of(scope).acknowledge({
    id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:states:${region}:${account}:execution:<${machineId}.Name>:*]`,
    reason: 'Executions are named by need id: the sweeper may describe any execution of the routing state machine (DescribeExecution only), nothing else.',
  });
}

/** The roll-up workflow's role: invoke its three functions (any version, CDK grant) and X-Ray. */
export function acknowledgeRollupWorkflowFindings(scope: IConstruct, functions: readonly IConstruct[]): void {
  const stack = Stack.of(scope);
  for (const fn of functions) {
    const logicalId = stack.getLogicalId(fn.node.defaultChild as CfnElement);
    Validations.of(scope).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${logicalId}.Arn>:*]`,
      reason: 'Step Functions may invoke any version of the roll-up functions (CDK grant), and nothing else.',
    });
  }
  Validations.of(scope).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason: 'X-Ray tracing of the state machine: xray:PutTraceSegments and related actions support no resource-level permissions.',
  });
}
