// The needs table's indexes as synthesized: what each projects decides what every status change
// writes (a status change moves the need in byCountyStatus and byStatus, an update in byPersonalData).
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { COUNTY_LIST_ATTRIBUTES } from '../../lib/data';
import { SmefinStack } from '../../lib/smefin-stack';
import { chinaStage } from './stages';

let indexes: Record<string, { Projection: { ProjectionType: string; NonKeyAttributes?: string[] } }>;

beforeAll(() => {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const template = Template.fromStack(new SmefinStack(app, 'smefin-data', chinaStage(), { env: { account: '123456789012', region: 'cn-northwest-1' } }));
  const tables = Object.entries(template.findResources('AWS::DynamoDB::GlobalTable'));
  const needs = tables.find(([id]) => id.startsWith('DataNeeds'))![1];
  indexes = Object.fromEntries(
    (needs.Properties.GlobalSecondaryIndexes as { IndexName: string; Projection: { ProjectionType: string } }[]).map((index) => [index.IndexName, index]),
  ) as typeof indexes;
});

describe('needs table indexes', () => {
  it('project no index with ALL: a status change never rewrites the whole need into an index', () => {
    expect(Object.keys(indexes).sort()).toEqual(['byCountyStatus', 'byPersonalData', 'byStatus']);
    for (const index of Object.values(indexes)) expect(index.Projection.ProjectionType).not.toBe('ALL');
  });

  it('byCountyStatus carries the lists\' small columns only (no personal data, no free text)', () => {
    expect(indexes.byCountyStatus!.Projection).toEqual({ ProjectionType: 'INCLUDE', NonKeyAttributes: [...COUNTY_LIST_ATTRIBUTES] });
    for (const personal of ['enterprise', 'contact', 'need', 'timeline']) expect(COUNTY_LIST_ATTRIBUTES).not.toContain(personal);
  });

  it('byStatus keys only, byPersonalData keys and status', () => {
    expect(indexes.byStatus!.Projection).toEqual({ ProjectionType: 'KEYS_ONLY' });
    expect(indexes.byPersonalData!.Projection).toEqual({ ProjectionType: 'INCLUDE', NonKeyAttributes: ['status'] });
  });
});
