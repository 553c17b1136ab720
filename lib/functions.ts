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
import { REPORT_PREFIXES } from './reporting';
import { FUNCTIONS, TABLE_ENV, type FunctionName, type TableName } from './routes';

export interface FunctionsProps {
  tables: Record<TableName, TableV2>;
  /** The web distribution's origin: CORS and status links. */
  webOrigin: string;
  /** Secrets Manager name prefix of the banks' signing secrets, e.g. `smefin/prod/banks/`. */
  bankSecretPrefix: string;
  timeScale: number;
  maxOffers: number;
  reportsBucket: IBucket;
  suppressionThreshold: number;
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
      if ('reports' in definition && definition.reports) {
        environment[ENV.reportsBucket] = props.reportsBucket.bucketName;
        environment[ENV.suppressionThreshold] = String(props.suppressionThreshold);
      }
      const fn = smefinFunction(this, pascal(name), definition, environment);
      for (const [table, access] of Object.entries(definition.tables) as [TableName, 'read' | 'readWrite'][]) {
        fn.addEnvironment(TABLE_ENV[table], props.tables[table].tableName);
        if (access === 'read') props.tables[table].grantReadData(fn);
        else props.tables[table].grantReadWriteData(fn);
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
        // Objects under the report prefixes only: writers put, readers get (presigned links too).
        fn.addToRolePolicy(
          new PolicyStatement({
            actions: [definition.reports === 'write' ? 's3:PutObject' : 's3:GetObject'],
            resources: REPORT_PREFIXES.map((prefix) => props.reportsBucket.arnForObjects(`${prefix}*`)),
          }),
        );
      }
      byName[name] = fn;
    }
    this.byName = byName;
    acknowledgeFunctionFindings(this);
    acknowledgeBankSecretFindings(this, props.bankSecretPrefix);
    acknowledgeReportFindings(this, props.reportsBucket);
  }
}

export function pascal(name: string): string {
  return name.replace(/(^|-)(\w)/g, (_, __, c: string) => c.toUpperCase());
}
