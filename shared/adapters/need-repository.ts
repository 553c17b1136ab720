// DynamoDB implementation of NeedRepository. Key design (see docs/data-model.md):
//   needs table     pk NEED#<needId>        sk NEED        the need; GSI byCountyStatus lists a county's needs by status
//                   pk CREDITCODE#<code>    sk OPEN_NEED   claim: one open need per credit code
//   counters table  day <YYYY-MM-DD CST>    countyCode     ADD counters, written in the same transaction
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { NeedRecord } from '../domain/need-record';
import type { CreateNeedOutcome, NeedRepository } from '../domain/ports';
import { ENV, requiredEnv } from './config';
import { documentDbClient } from './dynamodb';

export const needKey = (needId: string) => ({ pk: `NEED#${needId}`, sk: 'NEED' });
export const openNeedClaimKey = (creditCode: string) => ({ pk: `CREDITCODE#${creditCode}`, sk: 'OPEN_NEED' });
export const countyStatusKey = (record: Pick<NeedRecord, 'enterprise' | 'status' | 'submittedAt' | 'needId'>) => ({
  gsi1pk: `COUNTY#${record.enterprise.countyCode}`,
  gsi1sk: `${record.status}#${record.submittedAt}#${record.needId}`,
});

const ITEM_TYPE_ATTRIBUTES = new Set(['pk', 'sk', 'gsi1pk', 'gsi1sk', 'itemType']);

export class DynamoNeedRepository implements NeedRepository {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    /** `counters` only where the function writes needs; readers are not given that table. */
    private readonly tables: { needs: string; counters?: string },
  ) {}

  async create(record: NeedRecord): Promise<CreateNeedOutcome> {
    if (!this.tables.counters) throw new Error('the counters table is needed to create needs');
    try {
      await this.client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.tables.needs,
                Item: {
                  ...openNeedClaimKey(record.enterprise.creditCode),
                  itemType: 'open-need-claim',
                  needId: record.needId,
                  claimedAt: record.submittedAt,
                },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            {
              Put: {
                TableName: this.tables.needs,
                Item: { ...needKey(record.needId), ...countyStatusKey(record), itemType: 'need', ...record },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            {
              Update: {
                TableName: this.tables.counters!,
                Key: { day: record.submittedDay, countyCode: record.enterprise.countyCode },
                UpdateExpression: 'ADD declared :one SET updatedAt = :now',
                ExpressionAttributeValues: { ':one': 1, ':now': record.submittedAt },
              },
            },
          ],
        }),
      );
      return { kind: 'created' };
    } catch (error) {
      if (error instanceof TransactionCanceledException && error.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed') {
        return { kind: 'open_need_exists' };
      }
      throw error;
    }
  }

  async get(needId: string): Promise<NeedRecord | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tables.needs, Key: needKey(needId), ConsistentRead: true }),
    );
    if (!Item) return undefined;
    const record: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(Item)) if (!ITEM_TYPE_ATTRIBUTES.has(key)) record[key] = value;
    return record as unknown as NeedRecord;
  }

  async ping(): Promise<void> {
    await this.client.send(new GetCommand({ TableName: this.tables.needs, Key: needKey('health-check') }));
  }
}

/**
 * The repository on the tables this function was given: NEEDS_TABLE_NAME always, COUNTERS_TABLE_NAME
 * where it writes needs (the status and health functions are not given it).
 */
export function needRepository(): DynamoNeedRepository {
  const counters = process.env[ENV.countersTable];
  return new DynamoNeedRepository(documentDbClient(), { needs: requiredEnv(ENV.needsTable), ...(counters ? { counters } : {}) });
}
