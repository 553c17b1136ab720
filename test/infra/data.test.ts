// The needs table's indexes as synthesized: what each projects and keys on decides what every status
// change writes (byCountyStatus: its small item rewritten in place; byRouting: nothing until routing
// starts or the need closes; byPersonalData: nothing while the need is open).
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { COUNTY_LIST_ATTRIBUTES } from '../../lib/data';
import { SmefinStack } from '../../lib/smefin-stack';
import { chinaStage } from './stages';

let indexes: Record<string, { KeySchema: { AttributeName: string; KeyType: string }[]; Projection: { ProjectionType: string; NonKeyAttributes?: string[] } }>;

beforeAll(() => {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const template = Template.fromStack(new SmefinStack(app, 'smefin-data', chinaStage(), { env: { account: '123456789012', region: 'cn-northwest-1' } }));
  const tables = Object.entries(template.findResources('AWS::DynamoDB::GlobalTable'));
  const needs = tables.find(([id]) => id.startsWith('DataNeeds'))![1];
  indexes = Object.fromEntries(
    (needs.Properties.GlobalSecondaryIndexes as { IndexName: string }[]).map((index) => [index.IndexName, index]),
  ) as unknown as typeof indexes;
});

describe('needs table indexes', () => {
  it('project no index with ALL: a status change never rewrites the whole need into an index', () => {
    expect(Object.keys(indexes).sort()).toEqual(['byCountyStatus', 'byPersonalData', 'byRouting']);
    for (const index of Object.values(indexes)) expect(index.Projection.ProjectionType).not.toBe('ALL');
  });

  it('byCountyStatus carries the lists\' small columns only (no personal data, no free text)', () => {
    expect(indexes.byCountyStatus!.Projection).toEqual({ ProjectionType: 'INCLUDE', NonKeyAttributes: [...COUNTY_LIST_ATTRIBUTES] });
    for (const personal of ['enterprise', 'contact', 'need', 'timeline']) expect(COUNTY_LIST_ATTRIBUTES).not.toContain(personal);
  });

  it('byRouting keys only, byPersonalData keys and status', () => {
    expect(indexes.byRouting!.Projection).toEqual({ ProjectionType: 'KEYS_ONLY' });
    expect(indexes.byPersonalData!.Projection).toEqual({ ProjectionType: 'INCLUDE', NonKeyAttributes: ['status'] });
  });

  it('keys no index on the status: byCountyStatus by county and time, byRouting on the routing phase (moved twice in a need\'s life)', () => {
    const keys = (name: string) => indexes[name]!.KeySchema.map((k) => `${k.KeyType} ${k.AttributeName}`);
    expect(keys('byCountyStatus')).toEqual(['HASH gsi1pk', 'RANGE gsi1sk']);
    expect(keys('byRouting')).toEqual(['HASH itemType', 'RANGE routingPhase']);
    expect(keys('byPersonalData')).toEqual(['HASH pdShard', 'RANGE updatedAt']);
  });
});
