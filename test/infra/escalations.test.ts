// The escalation routes in both partitions: GET …/escalations and POST …/escalations/{needId}/actions
// behind the officials' authorizer, on the escalations function; its grants narrowed to the county
// partitions, the need's items and the bank registry, never Scan; its audit grant PutItem alone in
// the county audit partitions; it may start routing rounds and answer waiting tasks; the keys the
// stores write fit its leading keys.
import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { pascal } from '../../lib/functions';
import { FUNCTIONS, ROUTES } from '../../lib/routes';
import { auditPartition } from '../../shared/domain/audit';
import { escalationKey } from '../../shared/adapters/escalation-store';
import { needKey, openNeedClaimKey, referralKey } from '../../shared/adapters/need-repository';
import { bankKey } from '../../shared/adapters/routing-store';
import { leadingKeyMatches, methodsAt, partitionTemplates, roleStatements } from './route-templates';

let templates: Record<string, Template> = {};
beforeAll(() => {
  templates = partitionTemplates('escalations');
}, 180_000);

const role = `Functions${pascal('escalations')}ServiceRole`;

describe.each(['aws-cn', 'aws'])('escalations in %s', (partition) => {
  it('routes the inbox and its actions to the escalations function, behind the officials’ authorizer', () => {
    const template = templates[partition]!;
    const routes = ROUTES.filter((route) => route.function === 'escalations');
    expect(routes.map((r) => `${r.method} ${r.path} ${r.auth}`).sort()).toEqual([
      'GET /v1/counties/{countyCode}/escalations official',
      'POST /v1/counties/{countyCode}/escalations/{needId}/actions official',
    ]);
    const inbox = methodsAt(template, 'escalations', 'countyCode');
    const actions = methodsAt(template, 'actions', 'needId');
    expect(inbox.map((m) => m.HttpMethod)).toEqual(['GET']);
    expect(actions.map((m) => m.HttpMethod)).toEqual(['POST']);
    for (const method of [...inbox, ...actions]) {
      expect(method.AuthorizationType).toBe('CUSTOM');
      expect(JSON.stringify(method.Integration)).toContain(`Functions${pascal('escalations')}`);
    }
  });

  it('grants the needs table only on its leading keys and the counters, never Scan; the audit table PutItem alone in the county partitions', () => {
    const template = templates[partition]!;
    const statements = roleStatements(template, role);
    const tables = Object.keys(template.findResources('AWS::DynamoDB::GlobalTable'));
    const needsTable = tables.find((id) => id.startsWith('DataNeeds'))!;
    const auditTable = tables.find((id) => id.startsWith('DataAudit'))!;
    const onNeeds = statements.filter((s) => JSON.stringify(s.Resource).includes(needsTable));
    expect(onNeeds.length).toBeGreaterThan(0);
    for (const statement of onNeeds) {
      expect([statement.Action].flat()).not.toContain('dynamodb:Scan');
      expect(statement.Condition?.['ForAllValues:StringLike']?.['dynamodb:LeadingKeys']).toEqual(FUNCTIONS.escalations.leadingKeys.needs);
      expect(JSON.stringify(statement.Resource)).not.toContain('/index/');
    }
    const onAudit = statements.filter((s) => JSON.stringify(s.Resource).includes(auditTable));
    expect(onAudit).toHaveLength(1);
    expect([onAudit[0]!.Action].flat()).toEqual(['dynamodb:PutItem']);
    expect(onAudit[0]!.Condition?.['ForAllValues:StringLike']?.['dynamodb:LeadingKeys']).toEqual(['COUNTY#*']);
    for (const statement of statements) expect([statement.Action].flat()).not.toContain('dynamodb:DeleteTable');
  });

  it('may start a routing round and end a wait on the referral workflow, and knows its ARN', () => {
    const template = templates[partition]!;
    const actions = roleStatements(template, role).flatMap((s) => [s.Action].flat());
    expect(actions).toEqual(expect.arrayContaining(['states:StartExecution', 'states:SendTaskFailure']));
    const fn = Object.values(template.findResources('AWS::Lambda::Function')).find((f) => JSON.stringify(f.Properties.Role).includes(role))!;
    expect(Object.keys(fn.Properties.Environment.Variables)).toEqual(expect.arrayContaining(['ROUTING_STATE_MACHINE_ARN', 'NEEDS_TABLE_NAME', 'COUNTERS_TABLE_NAME', 'AUDIT_TABLE_NAME']));
  });
});

describe('the escalations function’s keys', () => {
  it('fit its leading keys: the county escalations, the need, its referrals and claim, the registry; not the other partitions', () => {
    const leading = FUNCTIONS.escalations.leadingKeys.needs;
    for (const key of [escalationKey('330106', '01JCDXQ7Z3M8Y4N5P6R7S8T9VW'), needKey('01JCDXQ7Z3M8Y4N5P6R7S8T9VW'), referralKey('r1'), openNeedClaimKey('9133010652601815X8'), bankKey('any')]) {
      expect(leadingKeyMatches(leading, key.pk), key.pk).toBe(true);
    }
    for (const pk of ['VISITS#330106#2026-11', 'NEGATIVE#9133010652601815X8', 'TASKFORCE', 'STATUSCODE#x']) expect(leadingKeyMatches(leading, pk), pk).toBe(false);
    const audit = auditPartition({ kind: 'escalation-action', at: '2026-12-01T02:00:00.000Z', who: 'o', countyCode: '330106', needId: 'n', action: 'close', escalationKind: 'unmatched', outcome: 'unreachable' });
    expect(leadingKeyMatches(FUNCTIONS.escalations.leadingKeys.audit, audit)).toBe(true);
    // routing-steps and bank-webhook open escalations in their own transactions: the needs table whole.
    expect((FUNCTIONS['routing-steps'] as { leadingKeys?: unknown }).leadingKeys).toBeUndefined();
    expect((FUNCTIONS['bank-webhook'] as { leadingKeys?: { needs?: unknown } }).leadingKeys?.needs).toBeUndefined();
  });
});
