// The stack synthesized in both partitions (China and the rest), for the infra tests of one route's
// function and grants; and the IAM shapes they read.
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { pascal } from '../../lib/functions';
import { SmefinStack, STAGES } from '../../lib/smefin-stack';
import { chinaStage } from './stages';

export interface Statement {
  Action: string | string[];
  Resource: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

/** One template per partition (`aws-cn` with the China stage, `aws` with dev), bundling skipped. */
export function partitionTemplates(name: string): Record<'aws-cn' | 'aws', Template> {
  const templates = {} as Record<'aws-cn' | 'aws', Template>;
  for (const [partition, config, region] of [
    ['aws-cn', chinaStage(), 'cn-north-1'],
    ['aws', STAGES.dev!, 'us-east-1'],
  ] as const) {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    templates[partition] = Template.fromStack(new SmefinStack(app, `smefin-${name}-${partition}`, config, { env: { account: '123456789012', region } }));
  }
  return templates;
}

/** Whether a key fits IAM `dynamodb:LeadingKeys` patterns (a trailing `*` matches any rest). */
export const leadingKeyMatches = (patterns: readonly string[], key: string) => patterns.some((p) => (p.endsWith('*') ? key.startsWith(p.slice(0, -1)) : key === p));

type Resources = Record<string, { Type: string; Properties: Record<string, unknown> }>;

/** The methods (not OPTIONS) of the API resource `pathPart` whose parent's reference mentions `parent`. */
export function methodsAt(template: Template, pathPart: string, parent: string): { HttpMethod: string; AuthorizationType?: string; Integration: unknown }[] {
  const resources = template.toJSON().Resources as Resources;
  const resource = Object.entries(resources).find(
    ([, r]) => r.Type === 'AWS::ApiGateway::Resource' && r.Properties.PathPart === pathPart && JSON.stringify(r.Properties.ParentId).includes(parent),
  )?.[0];
  if (!resource) return [];
  return Object.values(resources)
    .filter((r) => r.Type === 'AWS::ApiGateway::Method' && JSON.stringify(r.Properties.ResourceId) === JSON.stringify({ Ref: resource }) && r.Properties.HttpMethod !== 'OPTIONS')
    .map((r) => r.Properties as { HttpMethod: string; AuthorizationType?: string; Integration: unknown });
}

/** Every IAM statement of a function's role (`Functions<Name>ServiceRole`). */
export function roleStatements(template: Template, role: string): Statement[] {
  return Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((policy) => JSON.stringify(policy.Properties.Roles).includes(role))
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement as Statement[]);
}

/**
 * A function's statements on the needs table (base table and indexes) and the leading keys each is
 * narrowed to (undefined for a statement that is not narrowed).
 */
export function needsTableGrants(template: Template, functionName: string): { statements: Statement[]; keys: unknown[] } {
  const needsTable = Object.keys(template.findResources('AWS::DynamoDB::GlobalTable')).find((id) => id.startsWith('DataNeeds'))!;
  const statements = roleStatements(template, `Functions${pascal(functionName)}ServiceRole`).filter((s) => JSON.stringify(s.Resource).includes(needsTable));
  return { statements, keys: statements.map((s) => s.Condition?.['ForAllValues:StringLike']?.['dynamodb:LeadingKeys']) };
}

/** Reads only (get, batch get, query, condition check): what a grant on the bank registry may hold. */
const READ_ACTIONS = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:ConditionCheckItem'];

/**
 * What a statement of a function narrowed to some partitions of the needs table breaks, if anything:
 * a Scan, a grant on an index, or more than reads on the bank registry (`BANKS`).
 */
export function needsGrantProblems(statements: readonly Statement[]): string[] {
  return statements.flatMap((statement) => {
    const actions = [statement.Action].flat();
    return [
      ...(actions.includes('dynamodb:Scan') ? ['Scan'] : []),
      ...(JSON.stringify(statement.Condition).includes('"BANKS"') && !actions.every((a) => READ_ACTIONS.includes(a)) ? ['more than reads on BANKS'] : []),
      ...(JSON.stringify(statement.Resource).includes('/index/') ? ['an index'] : []),
    ];
  });
}
