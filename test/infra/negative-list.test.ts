// The negative-list routes in both partitions: GET and POST /v1/counties/{countyCode}/negative-list,
// POST …/{entryId}/expiry and …/imports behind the officials' authorizer, on the negative-list
// function; its grants narrowed to screening's items and the register on the needs table (no Scan,
// no index) and to PutItem in county partitions of the audit table; CSV passes the gateway as bytes;
// the keys the store writes fit the grants, and none of a need, a claim or the bank registry does.
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { pascal } from '../../lib/functions';
import { FUNCTIONS, ROUTES } from '../../lib/routes';
import { auditPartition } from '../../shared/domain/audit';
import { bankKey } from '../../shared/adapters/routing-store';
import { needKey, openNeedClaimKey } from '../../shared/adapters/need-repository';
import { negativeListEntryId, negativeRegisterKey, negativeScreeningKey } from '../../shared/adapters/negative-list-store';
import { leadingKeyMatches as matches, methodsAt, partitionTemplates, roleStatements } from './route-templates';

let templates: Record<string, Template> = {};
beforeAll(() => {
  templates = partitionTemplates('negative-list');
}, 180_000);

const READS = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:ConditionCheckItem'];

describe.each(['aws-cn', 'aws'])('the negative list in %s', (partition) => {
  it('routes its four operations to the negative-list function, each behind the officials’ authorizer; text/csv passes as bytes', () => {
    const template = templates[partition]!;
    const routes = ROUTES.filter((route) => route.function === 'negative-list');
    expect(routes.map((r) => `${r.method} ${r.path} ${r.auth}`).sort()).toEqual([
      'GET /v1/counties/{countyCode}/negative-list official',
      'POST /v1/counties/{countyCode}/negative-list official',
      'POST /v1/counties/{countyCode}/negative-list/imports official',
      'POST /v1/counties/{countyCode}/negative-list/{entryId}/expiry official',
    ]);
    const list = methodsAt(template, 'negative-list', '');
    const imports = methodsAt(template, 'imports', 'negativelist');
    const expiry = methodsAt(template, 'expiry', 'entryId');
    expect(list.map((m) => m.HttpMethod).sort()).toEqual(['GET', 'POST']);
    expect(imports.map((m) => m.HttpMethod)).toEqual(['POST']);
    expect(expiry.map((m) => m.HttpMethod)).toEqual(['POST']);
    for (const method of [...list, ...imports, ...expiry]) {
      expect(method.AuthorizationType).toBe('CUSTOM');
      expect(JSON.stringify(method.Integration)).toContain(`Functions${pascal('negative-list')}`);
    }
    const api = Object.values(template.findResources('AWS::ApiGateway::RestApi'))[0]!;
    expect(api.Properties.BinaryMediaTypes).toContain('text/csv');
  });

  it('grants the needs table only in NEGATIVE#* and NEGLIST#* (no Scan, no index), the audit table PutItem only in county partitions', () => {
    const template = templates[partition]!;
    const statements = roleStatements(template, `Functions${pascal('negative-list')}ServiceRole`);
    const tables = Object.keys(template.findResources('AWS::DynamoDB::GlobalTable'));
    const needsTable = tables.find((id) => id.startsWith('DataNeeds'))!;
    const auditTable = tables.find((id) => id.startsWith('DataAudit'))!;
    const onNeeds = statements.filter((s) => JSON.stringify(s.Resource).includes(needsTable));
    expect(onNeeds.length).toBeGreaterThan(0);
    for (const statement of onNeeds) {
      expect(statement.Condition?.['ForAllValues:StringLike']?.['dynamodb:LeadingKeys']).toEqual(['NEGATIVE#*', 'NEGLIST#*']);
      const actions = [statement.Action].flat();
      expect(actions).not.toContain('dynamodb:Scan');
      expect(actions.some((a) => !READS.includes(a))).toBe(true);
      expect(JSON.stringify(statement.Resource)).not.toContain('/index/');
    }
    const onAudit = statements.filter((s) => JSON.stringify(s.Resource).includes(auditTable));
    expect(onAudit.map((s) => s.Action)).toEqual(['dynamodb:PutItem']);
    expect(onAudit[0]!.Condition?.['ForAllValues:StringLike']?.['dynamodb:LeadingKeys']).toEqual(['COUNTY#*']);
    expect(statements.some((s) => JSON.stringify(s.Resource).includes('DataCounters'))).toBe(false);
  });
});

describe('the negative-list function’s keys', () => {
  it('fit its leading keys: screening’s item and the register, never a need, a claim or the bank registry; audit in the county partition', () => {
    const leading = FUNCTIONS['negative-list'].leadingKeys;
    const entry = { creditCode: '9133010652601815X8', jurisdiction: '330106', reasonCode: 'other' as const, validFrom: '2026-12-01' };
    expect(matches(leading.needs, negativeScreeningKey(entry).pk)).toBe(true);
    expect(matches(leading.needs, negativeRegisterKey(entry.jurisdiction, negativeListEntryId(entry)).pk)).toBe(true);
    expect(matches(leading.needs, needKey('01JCDXQ7Z3M8Y4N5P6R7S8T9VW').pk)).toBe(false);
    expect(matches(leading.needs, openNeedClaimKey(entry.creditCode).pk)).toBe(false);
    expect(matches(leading.needs, bankKey('any-bank').pk)).toBe(false);
    const audit = auditPartition({ kind: 'negative-list-change', at: '2026-12-01T00:00:00.000Z', who: 'x', countyCode: '330106', action: 'add', entryId: negativeListEntryId(entry), reasonCode: 'other', validFrom: '2026-12-01', via: 'form' });
    expect(audit).toBe('COUNTY#330106');
    expect(matches(leading.audit, audit)).toBe(true);
    expect(matches(leading.audit, auditPartition({ kind: 'report-download', at: '2026-12-01T00:00:00.000Z', who: 'x', jurisdiction: '330000', what: 'r' }))).toBe(false);
  });
});
