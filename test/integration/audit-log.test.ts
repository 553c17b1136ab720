// The append-only audit log on DynamoDB Local: a report download through the API leaves its record
// in the audit table (not the needs table); records are never replaced; a record in a transaction
// lands with the change it audits or not at all.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../local/dynamodb-local';
import { DynamoAuditLog } from '../../shared/adapters/audit-log';
import type { AuditRecord } from '../../shared/domain/audit';
import { chinaDay } from '../../shared/domain/need-record';
import { validSubmission } from '../support/needs';
import { rollUp } from '../support/rollup';

const baseUrl = inject('baseUrl');
const tables = inject('tables');
const auditTable = tables.find((t) => t.startsWith('DataAudit'))!;
const needsTable = tables.find((t) => t.startsWith('DataNeeds'))!;
const db = DynamoDBDocumentClient.from(
  new DynamoDBClient({ endpoint: inject('dynamoDbEndpoint'), region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS }),
);
afterAll(() => db.destroy());

const partition = async (table: string, pk: string) =>
  (await db.send(new QueryCommand({ TableName: table, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': pk }, ConsistentRead: true })))
    .Items ?? [];

describe('audit log', () => {
  it('records a report download through the API in the audit table, by CST month', async () => {
    const today = chinaDay(new Date());
    const submitted = await fetch(`${baseUrl}/v1/needs`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(validSubmission()) });
    expect(submitted.status).toBe(201); // today's activity in 330106, so Hangzhou (330100) has a report
    await rollUp(inject('rollup'), [today]);
    const { token } = (await (await fetch(`${baseUrl}/_local/demo-token/330000`, { method: 'POST' })).json()) as { token: string };
    // Our download is the only one of this object (the other tests download other reports).
    const response = await fetch(`${baseUrl}/v1/reports/${today}/330100?format=csv&edition=public`, {
      headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' },
    });
    expect(response.status).toBe(200);
    const records = await partition(auditTable, `REPORT_DOWNLOADS#${today.slice(0, 7)}`);
    const ours = records.filter((r) => r.what === `public-reports/${today}/330100.csv`);
    expect(ours).toHaveLength(1);
    expect(ours[0]).toMatchObject({ kind: 'report-download', who: expect.any(String), jurisdiction: '330000' });
    expect(Object.keys(ours[0]!).sort()).toEqual(['at', 'jurisdiction', 'kind', 'pk', 'sk', 'what', 'who']);
    // Nothing of it in the needs table any more.
    expect(await partition(needsTable, `AUDIT#REPORTS#${new Date().toISOString().slice(0, 7)}`)).toEqual([]);
  });

  it('never replaces a record: same instant, two records; a repeated key is refused and the first stays', async () => {
    const log = new DynamoAuditLog(db, auditTable);
    const at = new Date().toISOString();
    const needId = `AUDITTEST${Date.now()}`;
    const record = (occasion: 'acceptance' | 'redelivery'): AuditRecord => ({
      kind: 'disclosure',
      at,
      needId,
      bankId: 'test-bank',
      referralId: 'R1',
      occasion,
      disclosed: ['contact.mobile'],
    });
    await log.append(record('acceptance'));
    await log.append(record('acceptance'));
    expect(await partition(auditTable, `NEED#${needId}`)).toHaveLength(2);

    const fixed = new DynamoAuditLog(db, auditTable, () => 'SAME');
    await fixed.append(record('acceptance'));
    await expect(fixed.append(record('redelivery'))).rejects.toMatchObject({ name: 'ConditionalCheckFailedException' });
    const { Item } = await db.send(new GetCommand({ TableName: auditTable, Key: { pk: `NEED#${needId}`, sk: `${at}#SAME` } }));
    expect(Item?.occasion).toBe('acceptance');
  });

  it('refuses a record that does not fit its schema before writing anything', async () => {
    const log = new DynamoAuditLog(db, auditTable);
    const needId = `AUDITBAD${Date.now()}`;
    await expect(
      log.append({ kind: 'disclosure', at: new Date().toISOString(), needId, bankId: 'b', referralId: 'r', occasion: 'acceptance', disclosed: [], mobile: '13800138000' } as never),
    ).rejects.toThrow();
    expect(await partition(auditTable, `NEED#${needId}`)).toEqual([]);
  });

  it('in a transaction with another table, lands with the change it audits or not at all', async () => {
    const log = new DynamoAuditLog(db, auditTable);
    const needId = `AUDITTX${Date.now()}`;
    const record: AuditRecord = { kind: 'personal-data-erased', at: new Date().toISOString(), needId, erased: ['contact.name'], retentionDays: 180 };
    const failing = { Update: { TableName: needsTable, Key: { pk: `NEED#${needId}`, sk: 'NEED' }, UpdateExpression: 'SET x = :x', ConditionExpression: 'attribute_exists(pk)', ExpressionAttributeValues: { ':x': 1 } } };
    await expect(db.send(new TransactWriteCommand({ TransactItems: [failing, log.transactionItem(record)] }))).rejects.toMatchObject({
      name: 'TransactionCanceledException',
    });
    expect(await partition(auditTable, `NEED#${needId}`)).toEqual([]);
    const succeeding = { Put: { TableName: needsTable, Item: { pk: `AUDITTEST#${needId}`, sk: 'X' } } };
    await db.send(new TransactWriteCommand({ TransactItems: [succeeding, log.transactionItem(record)] }));
    expect(await partition(auditTable, `NEED#${needId}`)).toEqual([expect.objectContaining(record)]);
  });
});
