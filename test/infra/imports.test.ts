// Bulk imports in both partitions: the imports bucket (encrypted, public access blocked, TLS only,
// access-logged, uploads and rejected rows expired, CORS for the pages' PUT), its ObjectCreated
// notification of uploads/ to the import worker (and S3's permission to invoke it, from this bucket
// and account only), the routes behind the officials' authorizer, least privilege on the table
// (leading keys) and the bucket (per prefix), the worker's self-invocation, its schedule and
// dead-letter queue; no resource names the partition by hand.
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { pascal } from '../../lib/functions';
import { IMPORT_RETENTION_DAYS } from '../../lib/imports';
import { FUNCTIONS, ROUTES } from '../../lib/routes';
import { visitedEntityKey, visitKey } from '../../shared/adapters/visit-store';
import { needKey } from '../../shared/adapters/need-repository';
import { planPartition } from '../../shared/adapters/import-plan-store';
import { leadingKeyMatches, partitionTemplates, type Statement } from './route-templates';

let templates: Record<string, Template> = {};
beforeAll(() => {
  templates = partitionTemplates('imports');
}, 180_000);

type Resources = Record<string, { Type: string; Properties: Record<string, unknown> }>;
const resourcesOf = (template: Template) => template.toJSON().Resources as Resources;
const bucketIdOf = (template: Template) => Object.keys(template.findResources('AWS::S3::Bucket')).find((id) => id.startsWith('ImportsFiles'))!;

function statementsOf(template: Template, name: keyof typeof FUNCTIONS): Statement[] {
  const role = `Functions${pascal(name)}ServiceRole`;
  return Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((policy) => JSON.stringify(policy.Properties.Roles).includes(role))
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement as Statement[]);
}

/** The S3 actions of a function's policies on the imports bucket, with the prefixes they name. */
function bucketGrants(template: Template, name: keyof typeof FUNCTIONS): string[] {
  const bucket = bucketIdOf(template);
  return statementsOf(template, name)
    .filter((s) => JSON.stringify(s.Resource).includes(bucket))
    .flatMap((s) =>
      [s.Action].flat().flatMap((action) =>
        [s.Resource].flat().map((resource) => {
          const text = JSON.stringify(resource);
          const prefix = /"\/([a-z]+\/)\*"/.exec(text)?.[1];
          return `${action} ${prefix ?? 'bucket'}`;
        }),
      ),
    )
    .sort();
}

describe.each(['aws-cn', 'aws'])('imports in %s', (partition) => {
  it('a private, encrypted, TLS-only, access-logged bucket whose uploads and rejected rows expire', () => {
    const template = templates[partition]!;
    const bucket = resourcesOf(template)[bucketIdOf(template)]!.Properties;
    expect(bucket.PublicAccessBlockConfiguration).toEqual({ BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true });
    expect(JSON.stringify(bucket.BucketEncryption)).toContain('AES256');
    expect(bucket.LoggingConfiguration).toBeDefined();
    const rules = (bucket.LifecycleConfiguration as { Rules: { Prefix?: string; ExpirationInDays?: number }[] }).Rules;
    expect(rules).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Prefix: 'uploads/', ExpirationInDays: IMPORT_RETENTION_DAYS }),
        expect.objectContaining({ Prefix: 'errors/', ExpirationInDays: IMPORT_RETENTION_DAYS }),
        expect.objectContaining({ Prefix: 'staging/' }),
      ]),
    );
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: bucketIdOf(template) },
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });

  it('CORS lets the pages’ origin PUT (and GET) and nothing else', () => {
    const template = templates[partition]!;
    const cors = resourcesOf(template)[bucketIdOf(template)]!.Properties.CorsConfiguration as { CorsRules: { AllowedMethods: string[]; AllowedOrigins: unknown[] }[] };
    expect(cors.CorsRules).toHaveLength(1);
    expect(cors.CorsRules[0]!.AllowedMethods.sort()).toEqual(['GET', 'PUT']);
    expect(cors.CorsRules[0]!.AllowedOrigins).toHaveLength(1);
    expect(JSON.stringify(cors.CorsRules[0]!.AllowedOrigins)).not.toContain('*');
  });

  it('ObjectCreated under uploads/ goes to the import worker, which S3 may invoke from this bucket and account only', () => {
    const template = templates[partition]!;
    const workerId = Object.keys(template.findResources('AWS::Lambda::Function')).find((id) => id.startsWith(`Functions${pascal('import-worker')}`) && !id.includes('Logs'))!;
    template.hasResourceProperties('Custom::S3BucketNotifications', {
      BucketName: { Ref: bucketIdOf(template) },
      NotificationConfiguration: {
        LambdaFunctionConfigurations: [
          { Events: ['s3:ObjectCreated:*'], Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'uploads/' }] } }, LambdaFunctionArn: { 'Fn::GetAtt': [workerId, 'Arn'] } },
        ],
      },
    });
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      Principal: 's3.amazonaws.com',
      FunctionName: { 'Fn::GetAtt': [workerId, 'Arn'] },
      SourceAccount: '123456789012',
      SourceArn: { 'Fn::GetAtt': [bucketIdOf(template), 'Arn'] },
    });
    // Failed asynchronous invocations (S3's, its own, the schedule's) land in a dead-letter queue.
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', { FunctionName: { Ref: workerId }, MaximumRetryAttempts: 2, DestinationConfig: { OnFailure: Match.anyValue() } });
    template.hasResourceProperties('AWS::Events::Rule', { Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [workerId, 'Arn'] }, Input: '{"source":"schedule"}' })] });
    // It may invoke itself (its next step), and no other function.
    const invokes = statementsOf(template, 'import-worker').filter((s) => [s.Action].flat().includes('lambda:InvokeFunction'));
    expect(invokes.map((s) => s.Resource)).toEqual([{ 'Fn::GetAtt': [workerId, 'Arn'] }]);
  });

  it('routes POST /v1/imports, GET /v1/imports/{importId} and the templates to the imports function behind the authorizer', () => {
    const template = templates[partition]!;
    const routes = ROUTES.filter((route) => route.path.startsWith('/v1/imports'));
    expect(routes.map((r) => `${r.method} ${r.path} ${r.function} ${r.auth}`).sort()).toEqual([
      'GET /v1/imports/templates/{template} imports official',
      'GET /v1/imports/{importId} imports official',
      'POST /v1/imports imports official',
    ]);
    const methods = Object.values(resourcesOf(template)).filter(
      (r) => r.Type === 'AWS::ApiGateway::Method' && r.Properties.HttpMethod !== 'OPTIONS' && JSON.stringify(r.Properties.Integration).includes(`Functions${pascal('imports')}`),
    );
    expect(methods).toHaveLength(3);
    for (const method of methods) expect(method.Properties.AuthorizationType).toBe('CUSTOM');
  });

  it('least privilege on the bucket: the API presigns PUTs of uploads/ and GETs of errors/; the worker reads uploads/ and keeps staging/ and errors/', () => {
    const template = templates[partition]!;
    expect(bucketGrants(template, 'imports')).toEqual(['s3:GetObject errors/', 's3:PutObject uploads/']);
    expect(bucketGrants(template, 'import-worker')).toEqual([
      's3:GetObject errors/',
      's3:GetObject staging/',
      's3:GetObject uploads/',
      's3:ListBucket bucket',
      's3:PutObject errors/',
      's3:PutObject staging/',
    ]);
    // No other function may touch it.
    for (const name of Object.keys(FUNCTIONS) as (keyof typeof FUNCTIONS)[]) {
      if (name !== 'imports' && name !== 'import-worker') expect(bucketGrants(template, name)).toEqual([]);
    }
  });

  it('least privilege on the table: leading keys of imports, visits and plans, never Scan', () => {
    const template = templates[partition]!;
    const needsTable = Object.keys(template.findResources('AWS::DynamoDB::GlobalTable')).find((id) => id.startsWith('DataNeeds'))!;
    for (const name of ['imports', 'import-worker'] as const) {
      const onNeeds = statementsOf(template, name).filter((s) => JSON.stringify(s.Resource).includes(needsTable));
      expect(onNeeds).toHaveLength(1);
      expect(onNeeds[0]!.Condition?.['ForAllValues:StringLike']?.['dynamodb:LeadingKeys']).toEqual(FUNCTIONS[name].leadingKeys.needs);
      expect([onNeeds[0]!.Action].flat()).not.toContain('dynamodb:Scan');
    }
  });

  it('names no partition by hand', () => {
    const text = JSON.stringify(Object.fromEntries(Object.entries(resourcesOf(templates[partition]!)).filter(([id]) => id.startsWith('Imports') || id.includes('ImportWorker'))));
    expect(text).not.toMatch(/arn:aws(-cn)?:/);
  });
});

describe('the import functions’ keys', () => {
  it('fit their leading keys: imports, visits, markers and plan entries; never a need', () => {
    const worker = FUNCTIONS['import-worker'].leadingKeys.needs;
    const visit = { countyCode: '330106', creditCode: '9133010652601815X8', visitedOn: '2026-11-30' };
    for (const key of ['IMPORT#01JD0000000000000000000000', 'IMPORTS_OPEN', visitKey(visit).pk, visitedEntityKey(visit).pk, planPartition('330106', '2026-11')]) {
      expect(leadingKeyMatches(worker, key)).toBe(true);
    }
    expect(leadingKeyMatches(worker, needKey('01JCDXQ7Z3M8Y4N5P6R7S8T9VW').pk)).toBe(false);
    expect(leadingKeyMatches(FUNCTIONS.imports.leadingKeys.needs, visitKey(visit).pk)).toBe(false);
  });
});
