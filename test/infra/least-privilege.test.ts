// Least privilege on the tables: every grant is derived from lib/routes.ts; report-download cannot
// read the needs table (it appends audit records only); functions that touch only some keys carry
// the IAM condition dynamodb:LeadingKeys, and the keys their code uses fit it.
import { disclosureAudit } from '../../shared/domain/bank-answers';
import { calendarKey } from '../../shared/adapters/calendar';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { pascal } from '../../lib/functions';
import { FUNCTIONS, type FunctionDefinition, type FunctionName, type TableName } from '../../lib/routes';
import { SmefinStack } from '../../lib/smefin-stack';
import { chinaStage } from './stages';
import { auditPartition, type AuditRecord } from '../../shared/domain/audit';
import { needKey, openNeedClaimKey } from '../../shared/adapters/need-repository';
import { PERSONAL_DATA_SHARDS, personalDataIndexKey } from '../../shared/adapters/personal-data-index';
import { bankKey } from '../../shared/adapters/routing-store';
import { bankRegistryVersionKey } from '../../shared/adapters/bank-registry-store';
import { taskForceKey } from '../../shared/adapters/task-force-store';

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

let template: Template;
let tableIds: Record<TableName, string>;

beforeAll(() => {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  template = Template.fromStack(new SmefinStack(app, 'smefin-lp', chinaStage(), { env: { account: '123456789012', region: 'cn-northwest-1' } }));
  const ids = Object.keys(template.findResources('AWS::DynamoDB::GlobalTable'));
  const id = (prefix: string) => ids.find((logicalId) => logicalId.startsWith(prefix))!;
  tableIds = { needs: id('DataNeeds'), counters: id('DataCounters'), idempotency: id('DataIdempotency'), audit: id('DataAudit') };
}, 120_000);

/** Every statement of the policies attached to a function's role. */
function statementsOf(name: FunctionName): Statement[] {
  const role = `Functions${pascal(name)}ServiceRole`;
  return Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((policy) => JSON.stringify(policy.Properties.Roles).includes(role))
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement as Statement[]);
}

function onTable(statements: Statement[], table: TableName): Statement[] {
  return statements.filter((s) => JSON.stringify(s.Resource).includes(tableIds[table]));
}

const actions = (s: Statement) => [s.Action].flat();
const READ_ACTIONS = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:ConditionCheckItem'];
const definition = (name: FunctionName): FunctionDefinition => FUNCTIONS[name];
const matches = (patterns: readonly string[], key: string) =>
  patterns.some((p) => (p.endsWith('*') ? key.startsWith(p.slice(0, -1)) : key === p));

describe('report-download', () => {
  it('has no access at all to the needs table, nor its name', () => {
    const statements = statementsOf('report-download');
    expect(statements.length).toBeGreaterThan(0);
    expect(onTable(statements, 'needs')).toEqual([]);
    const fn = Object.values(template.findResources('AWS::Lambda::Function')).find((f) =>
      JSON.stringify(f.Properties.Role).includes('FunctionsReportDownloadServiceRole'),
    )!;
    expect(Object.keys(fn.Properties.Environment.Variables)).not.toContain('NEEDS_TABLE_NAME');
    expect(fn.Properties.Environment.Variables.AUDIT_TABLE_NAME).toEqual({ Ref: tableIds.audit });
  });

  it('may only PutItem on the audit table, in the report-download partitions, without return values', () => {
    const [statement, ...others] = onTable(statementsOf('report-download'), 'audit');
    expect(others).toEqual([]);
    expect(statement).toEqual({
      Effect: 'Allow',
      Action: 'dynamodb:PutItem',
      Resource: { 'Fn::GetAtt': [tableIds.audit, 'Arn'] },
      Condition: {
        'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['REPORT_DOWNLOADS#*'] },
        Null: { 'dynamodb:LeadingKeys': 'false' },
        StringEqualsIfExists: { 'dynamodb:ReturnValues': 'NONE' },
      },
    });
  });
});

describe('the audit table', () => {
  it('is append-only for every function: PutItem and nothing else', () => {
    const writers = (Object.keys(FUNCTIONS) as FunctionName[]).filter((name) => onTable(statementsOf(name), 'audit').length > 0);
    expect(writers).toEqual(expect.arrayContaining(['report-download', 'erase-personal-data']));
    for (const name of writers) {
      for (const statement of onTable(statementsOf(name), 'audit')) expect(`${name}: ${actions(statement).join()}`).toBe(`${name}: dynamodb:PutItem`);
    }
  });

  it('has no stream, no index, and is retained in production', () => {
    const audit = template.toJSON().Resources[tableIds.audit];
    expect(audit.DeletionPolicy).toBe('Retain');
    expect(audit.Properties.StreamSpecification).toBeUndefined();
    expect(audit.Properties.GlobalSecondaryIndexes).toBeUndefined();
  });
});

describe('LeadingKeys', () => {
  const narrowed = (Object.keys(FUNCTIONS) as FunctionName[]).filter((name) => definition(name).leadingKeys);

  it('narrows the functions that need only some keys', () => {
    expect(narrowed).toEqual(
      expect.arrayContaining(['submit-need', 'need-status', 'county-banks', 'health', 'rollup-plan', 'report-download', 'erase-personal-data']),
    );
  });

  it.each(narrowed)('%s: every grant on a narrowed table carries its keys (or its read-only keys, to read), and none allows Scan', (name) => {
    const statements = statementsOf(name);
    for (const [table, keys] of Object.entries(definition(name).leadingKeys!) as [TableName, string[]][]) {
      const grants = onTable(statements, table);
      expect(grants.length).toBeGreaterThan(0);
      const readOnly = definition(name).readOnlyKeys?.[table];
      for (const grant of grants) {
        const granted = grant.Condition?.['ForAllValues:StringLike']?.['dynamodb:LeadingKeys'];
        if (readOnly && JSON.stringify(granted) === JSON.stringify(readOnly)) expect(actions(grant)).toEqual(READ_ACTIONS);
        else expect(granted).toEqual(keys);
        expect(grant.Condition).toMatchObject({ Null: { 'dynamodb:LeadingKeys': 'false' } });
        expect(actions(grant)).not.toContain('dynamodb:Scan');
        expect(actions(grant).some((a) => a.endsWith('*'))).toBe(false);
      }
    }
  });

  it("need-status reads needs, their referrals and the task forces' contacts only; health reads nothing but its ping key", () => {
    const [status, ...others] = onTable(statementsOf('need-status'), 'needs');
    expect(others).toEqual([]);
    expect(status!.Condition!['ForAllValues:StringLike']).toEqual({ 'dynamodb:LeadingKeys': ['NEED#*', 'REFERRAL#*', 'TASKFORCE'] });
    expect(actions(status!)).toEqual(READ_ACTIONS);
    const [health] = onTable(statementsOf('health'), 'needs');
    expect(health!.Condition!['ForAllValues:StringLike']).toEqual({ 'dynamodb:LeadingKeys': ['NEED#health-check'] });
  });

  it('county-banks reads the bank registry and nothing else; submit-need may read it, never write it', () => {
    const [banks, ...others] = onTable(statementsOf('county-banks'), 'needs');
    expect(others).toEqual([]);
    expect(banks!.Condition!['ForAllValues:StringLike']).toEqual({ 'dynamodb:LeadingKeys': ['BANKS'] });
    expect(actions(banks!)).toEqual(READ_ACTIONS);
    const submit = onTable(statementsOf('submit-need'), 'needs');
    const onBanks = submit.filter((s) => JSON.stringify(s.Condition).includes('"BANKS"'));
    expect(onBanks).toHaveLength(1);
    expect(onBanks[0]!.Condition!['ForAllValues:StringLike']).toEqual({ 'dynamodb:LeadingKeys': ['BANKS'] });
    expect(actions(onBanks[0]!)).toEqual(READ_ACTIONS);
    for (const grant of submit.filter((s) => s !== onBanks[0])) expect(grant.Condition!['ForAllValues:StringLike']!['dynamodb:LeadingKeys']).not.toContain('BANKS');
  });

  it('grants no index unless the function names it', () => {
    for (const name of narrowed) {
      const indexes = definition(name).indexes ?? {};
      for (const [table] of Object.entries(definition(name).leadingKeys!) as [TableName, string[]][]) {
        const resources = onTable(statementsOf(name), table).flatMap((s) => [s.Resource].flat());
        const named = resources.map((r) => JSON.stringify(r)).filter((r) => r.includes('/index/'));
        expect(named.map((r) => /\/index\/([\w*]+)/.exec(r)![1])).toEqual(indexes[table] ?? []);
      }
    }
  });

  it('fit the keys the code uses', () => {
    const keys = (name: FunctionName, table: TableName) => definition(name).leadingKeys![table]!;
    const id = '01JCDXQ7Z3M8Y4N5P6R7S8T9VW';
    expect(matches(keys('need-status', 'needs'), needKey(id).pk)).toBe(true);
    expect(matches(keys('health', 'needs'), needKey('health-check').pk)).toBe(true);
    expect(matches(keys('health', 'needs'), needKey(id).pk)).toBe(false);
    expect(matches(keys('submit-need', 'needs'), needKey(id).pk)).toBe(true);
    expect(matches(keys('submit-need', 'needs'), openNeedClaimKey('9133010652601815X8').pk)).toBe(true);
    expect(matches(keys('rollup-plan', 'needs'), bankKey('any-bank').pk)).toBe(true);
    // need-status reads the county's task-force contact; the consent's banks come from the registry (and its version item).
    expect(matches(keys('need-status', 'needs'), taskForceKey('330106').pk)).toBe(true);
    for (const key of [bankKey('any-bank'), bankRegistryVersionKey]) {
      expect(matches(keys('county-banks', 'needs'), key.pk)).toBe(true);
      expect(matches(definition('submit-need').readOnlyKeys!.needs!, key.pk)).toBe(true);
    }
    expect(matches(keys('county-banks', 'needs'), needKey(id).pk)).toBe(false);
    expect(matches(keys('rollup-plan', 'needs'), needKey(id).pk)).toBe(false);
    // The roll-up reads the loaded holiday arrangements for its calendar-coverage metric.
    expect(matches(keys('rollup-plan', 'needs'), calendarKey(2027).pk)).toBe(true);
    // The bank webhook appends disclosures to the need's audit partition, and nothing else there.
    const disclosureRecord = disclosureAudit(id, 'bank-a', 'ref-1', new Date(), 'acceptance');
    expect(matches(keys('bank-webhook', 'audit'), auditPartition(disclosureRecord))).toBe(true);
    expect(matches(keys('bank-webhook', 'audit'), 'REPORT_DOWNLOADS#2026-12')).toBe(false);
    const download: AuditRecord = { kind: 'report-download', at: new Date().toISOString(), who: 's', jurisdiction: '440000', what: 'reports/x.json' };
    expect(matches(keys('report-download', 'audit'), auditPartition(download))).toBe(true);
    const erasure: AuditRecord = { kind: 'personal-data-erased', at: new Date().toISOString(), needId: id, erased: ['contact.name'], retentionDays: 180 };
    expect(matches(keys('erase-personal-data', 'audit'), auditPartition(erasure))).toBe(true);
    expect(matches(keys('report-download', 'audit'), auditPartition(erasure))).toBe(false);
    expect(matches(keys('erase-personal-data', 'needs'), needKey(id).pk)).toBe(true);
    for (const shard of [...PERSONAL_DATA_SHARDS, personalDataIndexKey(id).pdShard]) {
      expect(matches(keys('erase-personal-data', 'needs'), shard)).toBe(true);
    }
  });
});
