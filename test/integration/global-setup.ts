// Starts the real local system once for the integration suite: DynamoDB Local with the synthesized
// tables, the API Gateway emulator and the same handlers as in AWS, the routing workflow, on a free
// port. One national bank that never answers (and has a long deadline) keeps submitted needs open,
// as banks do in real life, so the API's rules about open needs hold while the tests run.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { TestProject } from 'vitest/node';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../local/dynamodb-local';
import { startLocalRuntime } from '../../local/runtime';
import { RoutingStore } from '../../shared/adapters/routing-store';
import { TestBanks } from '../support/test-banks';

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
    dynamoDbEndpoint: string;
    tables: string[];
    /** The roll-up workflow (test/support/rollup.ts starts it on the AWS emulator). */
    rollup: { awsEndpoint: string; rollupStateMachineArn: string };
  }
}

export default async function setup(project: TestProject) {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'smefin-it-'));
  const runtime = await startLocalRuntime({ port: 0, dataDir, logLevel: 'ERROR' });
  const secrets = new SecretsManagerClient({ endpoint: runtime.awsEndpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  const banks = new TestBanks(runtime.url, new RoutingStore(DynamoDBDocumentClient.from(runtime.dynamodbClient), runtime.tableNames), secrets, runtime.bankSecretPrefix);
  await banks.start();
  await banks.add({
    bankId: 'silent-national-bank',
    nameZh: '静默测试银行',
    nameEn: 'Silent Test Bank',
    divisions: ['000000'],
    products: [
      {
        productId: 'any',
        nameZh: '全部',
        nameEn: 'All',
        guarantees: ['credit', 'collateral', 'guarantor', 'pledge'],
        minAmountYuan: 1_000,
        maxAmountYuan: 500_000_000,
        minTermMonths: 1,
        maxTermMonths: 360,
      },
    ],
    capacity: 1_000_000,
    deadlines: { acknowledgeWorkingDays: 30, decideCalendarDays: 365 },
  });
  project.provide('baseUrl', runtime.url);
  project.provide('dynamoDbEndpoint', runtime.dynamoDbEndpoint);
  project.provide('tables', runtime.tables);
  project.provide('rollup', { awsEndpoint: runtime.awsEndpoint, rollupStateMachineArn: runtime.rollupStateMachineArn });
  return async () => {
    await banks.stop();
    secrets.destroy();
    await runtime.stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
}
