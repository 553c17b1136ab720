// DynamoDB implementation of the append-only AuditLog (docs/data-model.md, `Audit`):
//   pk = REPORT_DOWNLOADS#<YYYY-MM> | NEED#<needId>     sk = <at>#<ULID>
// Every write is a Put conditional on attribute_not_exists(pk), so no record is ever replaced. The
// writers' IAM grant is dynamodb:PutItem alone (no read, update or delete), on their own partitions
// (LeadingKeys); IAM cannot require the condition, which is why the key ends in a fresh ULID: a
// writer cannot name an existing record's key without reading the table, which it may not.
import { PutCommand, type DynamoDBDocumentClient, type PutCommandInput, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { auditPartition, auditRecordSchema, type AuditLog, type AuditRecord } from '../domain/audit';
import { ENV, requiredEnv } from './config';
import { documentDbClient } from './dynamodb';
import { newId } from './ids';

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

export class DynamoAuditLog implements AuditLog {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly nextId: (at: Date) => string = newId,
  ) {}

  async append(record: AuditRecord): Promise<void> {
    await this.client.send(new PutCommand(this.put(record)));
  }

  /**
   * The same append as one action of a TransactWriteItems (which may span tables), for a writer
   * whose record must land with the change it audits — or not at all.
   */
  transactionItem(record: AuditRecord): TransactItem {
    return { Put: this.put(record) };
  }

  private put(record: AuditRecord) {
    const parsed = auditRecordSchema.parse(record);
    return {
      TableName: this.table,
      Item: { pk: auditPartition(parsed), sk: `${parsed.at}#${this.nextId(new Date(parsed.at))}`, ...parsed },
      ConditionExpression: 'attribute_not_exists(pk)',
    } satisfies PutCommandInput;
  }
}

/** The audit log on the table this function was given (AUDIT_TABLE_NAME). */
export function auditLog(): DynamoAuditLog {
  return new DynamoAuditLog(documentDbClient(), requiredEnv(ENV.auditTable));
}
