// The lists route in both partitions: GET /v1/lists/{countyCode} behind the officials' authorizer, on
// the lists function; its grants: the needs table read only (get, batch get, query; never Scan), on
// the table and the byCountyStatus index alone, in the county partitions and need items; the audit
// table PutItem only, in the county audit partitions. The keys the code uses fit them. XLSX is a
// binary media type of the API.
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { pascal } from '../../lib/functions';
import { FUNCTIONS, ROUTES } from '../../lib/routes';
import { countyStatusKey, needKey, openNeedClaimKey } from '../../shared/adapters/need-repository';
import { bankKey } from '../../shared/adapters/routing-store';
import { auditPartition } from '../../shared/domain/audit';
import { leadingKeyMatches, partitionTemplates, type Statement } from './route-templates';

let templates: Record<string, Template> = {};
beforeAll(() => {
  templates = partitionTemplates('lists');
}, 180_000);

const matches = leadingKeyMatches;

describe.each(['aws-cn', 'aws'])('lists in %s', (partition) => {
  it('routes GET /v1/lists/{countyCode} to the lists function, behind the officials’ authorizer', () => {
    const template = templates[partition]!;
    expect(ROUTES.filter((r) => r.path === '/v1/lists/{countyCode}').map((r) => `${r.method} ${r.function} ${r.auth}`)).toEqual(['GET lists official']);
    const resources = template.toJSON().Resources as Record<string, { Type: string; Properties: Record<string, unknown> }>;
    const county = Object.entries(resources).find(
      ([, r]) => r.Type === 'AWS::ApiGateway::Resource' && r.Properties.PathPart === '{countyCode}' && JSON.stringify(r.Properties.ParentId).includes('lists'),
    )?.[0];
    expect(county).toBeDefined();
    const methods = Object.values(resources).filter(
      (r) => r.Type === 'AWS::ApiGateway::Method' && JSON.stringify(r.Properties.ResourceId) === JSON.stringify({ Ref: county }) && r.Properties.HttpMethod !== 'OPTIONS',
    );
    expect(methods.map((m) => m.Properties.HttpMethod)).toEqual(['GET']);
    expect(methods[0]!.Properties.AuthorizationType).toBe('CUSTOM');
    expect(JSON.stringify(methods[0]!.Properties.Integration)).toContain(`Functions${pascal('lists')}`);
    template.hasResourceProperties('AWS::ApiGateway::RestApi', { BinaryMediaTypes: ['application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'text/csv'] });
  });

  it('grants the needs table read only, on the table and byCountyStatus, in county and need keys; the audit table PutItem in county partitions', () => {
    const template = templates[partition]!;
    const role = `Functions${pascal('lists')}ServiceRole`;
    const statements = Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((policy) => JSON.stringify(policy.Properties.Roles).includes(role))
      .flatMap((policy) => policy.Properties.PolicyDocument.Statement as Statement[]);
    const tables = Object.keys(template.findResources('AWS::DynamoDB::GlobalTable'));
    const needsTable = tables.find((id) => id.startsWith('DataNeeds'))!;
    const auditTable = tables.find((id) => id.startsWith('DataAudit'))!;
    const onNeeds = statements.filter((s) => JSON.stringify(s.Resource).includes(needsTable));
    expect(onNeeds).toHaveLength(1);
    const [needs] = onNeeds as [Statement];
    expect([needs.Action].flat().every((a) => ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:ConditionCheckItem'].includes(a))).toBe(true);
    expect(needs.Condition?.['ForAllValues:StringLike']?.['dynamodb:LeadingKeys']).toEqual(['COUNTY#*', 'NEED#*']);
    const indexes = [needs.Resource].flat().map((r) => JSON.stringify(r)).filter((r) => r.includes('/index/'));
    expect(indexes).toHaveLength(1);
    expect(indexes[0]).toContain('/index/byCountyStatus');
    const onAudit = statements.filter((s) => JSON.stringify(s.Resource).includes(auditTable));
    expect(onAudit.map((s) => s.Action)).toEqual(['dynamodb:PutItem']);
    expect(onAudit[0]!.Condition?.['ForAllValues:StringLike']?.['dynamodb:LeadingKeys']).toEqual(['COUNTY#*']);
  });
});

describe('the lists function’s keys', () => {
  it('fit its leading keys: the county index partition and need items, never a claim or the bank registry; audit in the county partition', () => {
    const leading = FUNCTIONS.lists.leadingKeys;
    const record = { needId: '01JCDXQ7Z3M8Y4N5P6R7S8T9VW', submittedAt: '2026-12-01T00:00:00.000Z', enterprise: { countyCode: '330106' } };
    expect(matches(leading.needs, countyStatusKey(record).gsi1pk)).toBe(true);
    expect(matches(leading.needs, needKey(record.needId).pk)).toBe(true);
    expect(matches(leading.needs, openNeedClaimKey('9133010652601815X8').pk)).toBe(false);
    expect(matches(leading.needs, bankKey('any-bank').pk)).toBe(false);
    const audit = auditPartition({ kind: 'list-export', at: '2026-12-01T00:00:00.000Z', who: 'x', countyCode: '330106', list: 'declared', format: 'json', needCount: 0 });
    expect(matches(leading.audit, audit)).toBe(true);
    expect(matches(leading.audit, auditPartition({ kind: 'report-download', at: '2026-12-01T00:00:00.000Z', who: 'x', jurisdiction: '330000', what: 'r' }))).toBe(false);
  });
});
