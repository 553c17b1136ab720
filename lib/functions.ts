// Every Lambda function of the route table's FUNCTIONS, with its table grants and settings. The API,
// the referral workflow and the pipe attach to these.
import { ArnFormat, Stack } from 'aws-cdk-lib';
import type { TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { ENV } from '../shared/domain/environment';
import { smefinFunction } from './lambda-defaults';
import { acknowledgeBankSecretFindings, acknowledgeFunctionFindings, acknowledgeReportFindings } from './nag';
import { REPORT_AREAS } from '../shared/domain/report-publication';
import { FUNCTIONS, TABLE_ENV, type Access, type FunctionDefinition, type FunctionName, type TableName } from './routes';

export interface FunctionsProps {
  tables: Record<TableName, TableV2>;
  /** The web distribution's origin: CORS and status links. */
  webOrigin: string;
  /** Secrets Manager name prefix of the banks' signing secrets, e.g. `smefin/prod/banks/`. */
  bankSecretPrefix: string;
  timeScale: number;
  maxOffers: number;
  /** The review's stage settings (the route step and the reviews API read them). */
  review: { default: string; workingDays: number };
  reportsBucket: IBucket;
  suppressionThreshold: number;
  /** Days after a need closes until its personal data is erased. */
  personalDataRetentionDays: number;
}

export class Functions extends Construct {
  readonly byName: Record<FunctionName, NodejsFunction>;

  constructor(scope: Construct, id: string, props: FunctionsProps) {
    super(scope, id);
    const byName = {} as Record<FunctionName, NodejsFunction>;
    for (const [name, definition] of Object.entries(FUNCTIONS) as [FunctionName, (typeof FUNCTIONS)[FunctionName]][]) {
      const environment: Record<string, string> = {
        [ENV.webOrigin]: props.webOrigin,
        [ENV.allowedOrigin]: props.webOrigin,
        [ENV.timeScale]: String(props.timeScale),
        [ENV.maxOffers]: String(props.maxOffers),
      };
      if (name === 'routing-steps' || name === 'reviews') {
        environment[ENV.reviewDefault] = props.review.default;
        environment[ENV.reviewWorkingDays] = String(props.review.workingDays);
      }
      if ('reports' in definition && definition.reports) {
        environment[ENV.reportsBucket] = props.reportsBucket.bucketName;
        environment[ENV.suppressionThreshold] = String(props.suppressionThreshold);
      }
      if ('dataRetention' in definition && definition.dataRetention) {
        environment[ENV.personalDataRetentionDays] = String(props.personalDataRetentionDays);
      }
      const fn = smefinFunction(this, pascal(name), definition, environment);
      const spec: FunctionDefinition = definition;
      for (const [table, access] of Object.entries(spec.tables) as [TableName, Access][]) {
        fn.addEnvironment(TABLE_ENV[table], props.tables[table].tableName);
        grantTable(fn, props.tables[table], access, { leadingKeys: spec.leadingKeys?.[table], indexes: spec.indexes?.[table] });
        const readOnly = spec.readOnlyKeys?.[table];
        if (readOnly) grantTable(fn, props.tables[table], 'read', { leadingKeys: readOnly, indexes: [] });
      }
      if ('bankSecrets' in definition && definition.bankSecrets) {
        fn.addEnvironment(ENV.bankSecretPrefix, props.bankSecretPrefix);
        fn.addToRolePolicy(
          new PolicyStatement({
            actions: ['secretsmanager:GetSecretValue'],
            resources: [
              Stack.of(this).formatArn({
                service: 'secretsmanager',
                resource: 'secret',
                resourceName: `${props.bankSecretPrefix}*`,
                arnFormat: ArnFormat.COLON_RESOURCE_NAME,
              }),
            ],
          }),
        );
      }
      if ('reports' in definition && definition.reports) {
        // Objects under the function's report areas only (presigned links too); list for 404s.
        const areas: NonNullable<FunctionDefinition['reports']> = definition.reports;
        for (const [action, names] of [['s3:GetObject', areas.get], ['s3:PutObject', areas.put]] as const) {
          if (!names?.length) continue;
          fn.addToRolePolicy(
            new PolicyStatement({ actions: [action], resources: names.map((area) => props.reportsBucket.arnForObjects(`${REPORT_AREAS[area]}*`)) }),
          );
        }
        if (areas.list) fn.addToRolePolicy(new PolicyStatement({ actions: ['s3:ListBucket'], resources: [props.reportsBucket.bucketArn] }));
      }
      byName[name] = fn;
    }
    this.byName = byName;
    acknowledgeFunctionFindings(this);
    acknowledgeBankSecretFindings(this, props.bankSecretPrefix);
    acknowledgeReportFindings(this, props.reportsBucket);
  }
}

/** The DynamoDB actions of each access level, where a grant is narrowed (no Scan: it names no key). */
const READ_ACTIONS = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:ConditionCheckItem'];
export const TABLE_ACTIONS: Record<Access, readonly string[]> = {
  read: READ_ACTIONS,
  readWrite: [...READ_ACTIONS, 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'],
  append: ['dynamodb:PutItem'],
};

/**
 * A function's grant on a table. Unrestricted read and readWrite grants are CDK's (table and its
 * indexes). A narrowed grant lists its actions (never Scan), the table and only the indexes named,
 * and with `leadingKeys` the IAM condition that every key the request touches starts as listed —
 * `Null: false` too, since ForAllValues is true of a request without keys. `append` is PutItem on
 * the table only, and refuses ReturnValues other than NONE, so a writer cannot read back what it
 * would overwrite; the write itself is conditional on attribute_not_exists (shared/adapters/audit-log.ts),
 * which IAM cannot require.
 */
function grantTable(
  fn: NodejsFunction,
  table: TableV2,
  access: Access,
  narrowed: { leadingKeys?: readonly string[] | undefined; indexes?: readonly string[] | undefined },
): void {
  if (access !== 'append' && !narrowed.leadingKeys && !narrowed.indexes) {
    if (access === 'read') table.grantReadData(fn);
    else table.grantReadWriteData(fn);
    return;
  }
  const conditions: Record<string, Record<string, unknown>> = {};
  if (narrowed.leadingKeys) {
    conditions['ForAllValues:StringLike'] = { 'dynamodb:LeadingKeys': [...narrowed.leadingKeys] };
    conditions.Null = { 'dynamodb:LeadingKeys': 'false' };
  }
  if (access === 'append') conditions.StringEqualsIfExists = { 'dynamodb:ReturnValues': 'NONE' };
  fn.addToRolePolicy(
    new PolicyStatement({
      actions: [...TABLE_ACTIONS[access]],
      resources: [
        table.tableArn,
        ...(access === 'append' ? [] : (narrowed.indexes ?? []).map((index) => `${table.tableArn}/index/${index}`)),
      ],
      conditions,
    }),
  );
}

export function pascal(name: string): string {
  return name.replace(/(^|-)(\w)/g, (_, __, c: string) => c.toUpperCase());
}
