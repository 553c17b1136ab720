// DynamoDB implementation of the PersonalDataStore (shared/domain/data-retention.ts): candidates from
// the sparse GSI byPersonalData (shared/adapters/personal-data-index.ts), the erasure as one
// transaction — the need's fields replaced by the marker and `pdShard` removed (so the need leaves
// the index), conditional on the need not having changed since it was read, with the erasure's
// audit record appended to the audit table.
import { GetCommand, QueryCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AuditRecord } from '../domain/audit';
import { ERASED_MARKER, isClosed, type ErasableNeed, type PersonalDataStore, type PersonalField } from '../domain/data-retention';
import { NEED_STATUSES } from '../domain/need-record';
import { auditLog, type DynamoAuditLog } from './audit-log';
import { ENV, requiredEnv } from './config';
import { documentDbClient } from './dynamodb';
import { needKey } from './need-repository';
import { PERSONAL_DATA_INDEX, PERSONAL_DATA_SHARDS } from './personal-data-index';
import { isConditionFailure } from './condition-failure';

const CLOSED_STATUSES = NEED_STATUSES.filter(isClosed);
const NEED_PREFIX = needKey('').pk;

export class DynamoPersonalDataStore implements PersonalDataStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly needsTable: string,
    private readonly audit: DynamoAuditLog,
  ) {}

  async *candidates(before: Date): AsyncIterable<string[]> {
    const statuses = Object.fromEntries(CLOSED_STATUSES.map((status, i) => [`:s${i}`, status]));
    for (const shard of PERSONAL_DATA_SHARDS) {
      let startKey: Record<string, unknown> | undefined;
      do {
        const page = await this.client.send(
          new QueryCommand({
            TableName: this.needsTable,
            IndexName: PERSONAL_DATA_INDEX,
            KeyConditionExpression: 'pdShard = :shard AND updatedAt < :before',
            // Open needs unchanged that long (a routing failure) are read and passed over.
            FilterExpression: `#status IN (${Object.keys(statuses).join(', ')})`,
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':shard': shard, ':before': before.toISOString(), ...statuses },
            ExclusiveStartKey: startKey,
          }),
        );
        const ids = (page.Items ?? []).map((item) => String(item.pk).slice(NEED_PREFIX.length));
        if (ids.length > 0) yield ids;
        startKey = page.LastEvaluatedKey;
      } while (startKey);
    }
  }

  async get(needId: string): Promise<ErasableNeed | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.needsTable, Key: needKey(needId), ConsistentRead: true }));
    return Item as ErasableNeed | undefined;
  }

  async erase(need: ErasableNeed, fields: readonly PersonalField[], at: Date, audit: AuditRecord): Promise<'erased' | 'changed'> {
    const names: Record<string, string> = {};
    const path = (field: PersonalField) =>
      field
        .split('.')
        .map((part) => {
          const placeholder = `#${part}`;
          names[placeholder] = part;
          return placeholder;
        })
        .join('.');
    const sets = [...fields.map((field) => `${path(field)} = :erased`), 'personalDataErasedAt = :at'];
    try {
      await this.client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.needsTable,
                Key: needKey(need.needId),
                UpdateExpression: `SET ${sets.join(', ')} REMOVE pdShard`,
                ConditionExpression: 'updatedAt = :seen AND attribute_not_exists(personalDataErasedAt)',
                ExpressionAttributeNames: names,
                ExpressionAttributeValues: { ':erased': ERASED_MARKER, ':at': at.toISOString(), ':seen': need.updatedAt },
              },
            },
            this.audit.transactionItem(audit),
          ],
        }),
      );
      return 'erased';
    } catch (error) {
      if (isConditionFailure(error)) return 'changed';
      throw error;
    }
  }
}

/** The store on the tables this function was given (NEEDS_TABLE_NAME, AUDIT_TABLE_NAME). */
export function personalDataStore(): DynamoPersonalDataStore {
  return new DynamoPersonalDataStore(documentDbClient(), requiredEnv(ENV.needsTable), auditLog());
}
