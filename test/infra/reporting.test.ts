// Reporting infrastructure: the report bucket's protections, the regulators' user pool and the
// authorizer on the report routes, the 01:00 CST schedule, and report grants limited to their prefixes.
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { FUNCTIONS, ROUTES } from '../../lib/routes';
import { STAGING_RETENTION_DAYS } from '../../shared/domain/report-publication';
import { SmefinStack, STAGES } from '../../lib/smefin-stack';
import { chinaStage } from './stages';

let template: Template;
beforeAll(() => {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  template = Template.fromStack(new SmefinStack(app, 'smefin-rep', chinaStage(), { env: { account: '123456789012', region: 'cn-northwest-1' } }));
});

describe('report bucket', () => {
  it('blocks public access, is encrypted and versioned, with lifecycle rules and access logs', () => {
    const [logicalId, bucket] = Object.entries(template.findResources('AWS::S3::Bucket')).find(([id]) => id.startsWith('ReportStorageReports'))!;
    expect(bucket.Properties).toMatchObject({
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      VersioningConfiguration: { Status: 'Enabled' },
      LoggingConfiguration: expect.any(Object),
    });
    expect(bucket.Properties.LifecycleConfiguration.Rules.length).toBeGreaterThanOrEqual(2);
    expect(bucket.DeletionPolicy).toBe('Retain');
    // TLS only.
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: logicalId },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('expires the roll-up staging objects, and only those', () => {
    const [, bucket] = Object.entries(template.findResources('AWS::S3::Bucket')).find(([id]) => id.startsWith('ReportStorageReports'))!;
    const rules = bucket.Properties.LifecycleConfiguration.Rules as { Prefix?: string; ExpirationInDays?: number }[];
    expect(rules.filter((r) => r.ExpirationInDays !== undefined)).toEqual([expect.objectContaining({ Prefix: 'rollup-staging/', ExpirationInDays: STAGING_RETENTION_DAYS })]);
  });

  it('each roll-up step and reader may touch only its areas: Plan puts staging, workers read staging and put report files, Publish alone puts manifests', () => {
    const s3 = (prefix: string) =>
      Object.values(template.findResources('AWS::IAM::Policy'))
        .filter((p) => JSON.stringify(p.Properties.Roles).includes(prefix))
        .flatMap((p) => p.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[])
        .filter((statement) => [statement.Action].flat().some((action) => action.startsWith('s3:')))
        .map((statement) => `${[statement.Action].flat().join(',')} ${JSON.stringify(statement.Resource).match(/\/[a-z-]+\/\*|"Arn"\]\}"?\]?$/g)?.join(' ') ?? ''}`.trim());
    expect(s3('FunctionsRollupPlan')).toEqual(['s3:PutObject /rollup-staging/*']);
    expect(s3('FunctionsRollupWorker')).toEqual(['s3:GetObject /rollup-staging/*', 's3:PutObject /reports/* /public-reports/*']);
    expect(s3('FunctionsRollupPublish')).toEqual(['s3:GetObject /rollup-staging/* /report-manifests/*', 's3:PutObject /report-manifests/*', expect.stringMatching(/^s3:ListBucket/)]);
    expect(s3('FunctionsReportList')).toEqual(['s3:GetObject /report-manifests/*', expect.stringMatching(/^s3:ListBucket/)]);
    expect(s3('FunctionsReportDownload')).toEqual(['s3:GetObject /report-manifests/* /reports/* /public-reports/*', expect.stringMatching(/^s3:ListBucket/)]);
    expect(s3('FunctionsSubmitNeed')).toEqual([]);
    // No function but Publish may write a manifest.
    const manifestWriters = Object.values(template.findResources('AWS::IAM::Policy')).filter((p) =>
      (p.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[]).some(
        (statement) => [statement.Action].flat().includes('s3:PutObject') && JSON.stringify(statement.Resource).includes('/report-manifests/'),
      ),
    );
    expect(manifestWriters.map((p) => JSON.stringify(p.Properties.Roles))).toEqual([expect.stringContaining('FunctionsRollupPublish')]);
  });
});

describe('roll-up workflow', () => {
  const definition = () => {
    const [, machine] = Object.entries(template.findResources('AWS::StepFunctions::StateMachine')).find(([id]) => id.startsWith('RollupStateMachine'))!;
    const text = (machine.Properties.DefinitionString['Fn::Join'][1] as unknown[]).map((part) => (typeof part === 'string' ? part : JSON.stringify(part))).join('');
    return { machine, states: JSON.parse(text.replace(/"\{"Fn::GetAtt":\["(\w+)","Arn"\]\}"/g, '"$1"')) as { StartAt: string; TimeoutSeconds: number; States: Record<string, Record<string, any>> } };
  };

  it('is Plan → an inline Map of workers (at most 10 at once, each retried alone) → Publish, a Standard workflow with logs and tracing', () => {
    const { machine, states } = definition();
    expect(machine.Properties).toMatchObject({ StateMachineType: 'STANDARD', TracingConfiguration: { Enabled: true }, LoggingConfiguration: { Level: 'ALL' } });
    expect(states.StartAt).toBe('Plan');
    expect(states.TimeoutSeconds).toBe(3600);
    const { Plan, Batches, Publish } = states.States;
    expect(Plan).toMatchObject({ Type: 'Task', Next: 'Batches', ResultPath: '$.plan' });
    expect(Batches).toMatchObject({ Type: 'Map', ItemsPath: '$.plan.batches', MaxConcurrency: 10, ResultPath: '$.written', Next: 'Publish' });
    expect(Batches!.ItemProcessor.ProcessorConfig).toEqual({ Mode: 'INLINE' });
    const worker = Batches!.ItemProcessor.States.WriteBatch;
    expect(worker.Resource).toMatch(/^FunctionsRollupWorker/);
    // The retry is the worker state's own, inside the iteration: one batch is retried, not the Map.
    expect(worker.Retry).toEqual([expect.objectContaining({ ErrorEquals: ['States.ALL'], MaxAttempts: 3, BackoffRate: 2, JitterStrategy: 'FULL' })]);
    expect(Batches!.Retry).toBeUndefined();
    expect(Publish).toMatchObject({ Type: 'Task', End: true, Parameters: { 'periods.$': '$.plan.periods', 'written.$': '$.written' } });
    expect(Publish!.Resource).toMatch(/^FunctionsRollupPublish/);
    expect(Plan!.Resource).toMatch(/^FunctionsRollupPlan/);
  });

  it('runs Plan and the workers at one vCPU (1,769 MB), as the benchmark projects them', () => {
    for (const name of ['rollup-plan', 'rollup-worker'] as const) expect(FUNCTIONS[name].memorySize).toBe(1769);
    expect(FUNCTIONS['rollup-worker'].timeoutSeconds).toBeLessThan(FUNCTIONS['rollup-plan'].timeoutSeconds);
  });
});

describe('regulators', () => {
  it('have a user pool without self sign-up, with MFA, and a jurisdiction attribute where a stage opts in (aws partition only)', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const aws = Template.fromStack(new SmefinStack(app, 'smefin-rep-aws', STAGES.dev!, { env: { account: '123456789012', region: 'us-east-1' } }));
    template.resourceCountIs('AWS::Cognito::UserPool', 0);
    aws.hasResourceProperties('AWS::Cognito::UserPool', {
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      MfaConfiguration: 'ON',
      Schema: Match.arrayWith([Match.objectLike({ Name: 'jurisdiction', Mutable: true })]),
    });
  });

  it('every report route needs the Lambda authorizer; no other route does (test/infra/authorizer.test.ts)', () => {
    const authorized = Object.values(template.findResources('AWS::ApiGateway::Method')).filter(
      (m) => m.Properties.AuthorizationType === 'CUSTOM',
    );
    expect(authorized).toHaveLength(ROUTES.filter((r) => r.auth === 'official').length);
    template.resourceCountIs('AWS::ApiGateway::Authorizer', 1);
  });
});

describe('schedule', () => {
  it('starts the roll-up workflow daily at 01:00 China Standard Time (17:00 UTC), with the event time, retries and a dead-letter queue', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'cron(0 17 * * ? *)',
      Targets: [
        Match.objectLike({
          Arn: { Ref: Match.stringLikeRegexp('^RollupStateMachine') },
          RoleArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^RollupStateMachineEventsRole'), 'Arn'] },
          InputTransformer: { InputPathsMap: { time: '$.time' }, InputTemplate: '{"source":"schedule","time":<time>}' },
          RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 21600 },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DailyRollupDeadLetters'), 'Arn'] } },
        }),
      ],
    });
    // EventBridge may start this state machine and nothing else.
    const [, role] = Object.entries(template.findResources('AWS::IAM::Policy')).find(([id]) => id.startsWith('RollupStateMachineEventsRoleDefaultPolicy'))!;
    expect(role.Properties.PolicyDocument.Statement).toEqual([
      expect.objectContaining({ Action: 'states:StartExecution', Resource: { Ref: expect.stringMatching(/^RollupStateMachine/) } }),
    ]);
    // The queue admits EventBridge's messages from this rule only.
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: 'sqs:SendMessage',
            Principal: { Service: 'events.amazonaws.com' },
            Condition: { ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': [Match.stringLikeRegexp('^DailyRollup'), 'Arn'] } } },
          }),
        ]),
      },
    });
  });
});

describe('gateway responses', () => {
  it("API Gateway's own 4xx/5xx answers allow the web origin, so pages can read a 401", () => {
    for (const type of ['DEFAULT_4XX', 'DEFAULT_5XX']) {
      template.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
        ResponseType: type,
        ResponseParameters: Match.objectLike({ 'gatewayresponse.header.Access-Control-Allow-Origin': Match.anyValue() }),
      });
    }
  });
});
